import ArgumentParser
import CALCore
import CALLicenseServer

/// `calkit server crl`: publishes the server's certificate revocation list.
struct CRLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crl",
        abstract: "Write the server's CRL: every revoked license that has not yet expired, signed by the server key.",
        discussion: "Each CRL gets the next CRL number. Relying parties treat a CRL as stale after its next update."
    )

    @OptionGroup var home: HomeOption
    @OptionGroup var options: CRLOptions

    func run() throws {
        let server = try home.licenseServer()
        try SecureFile.checkWritable(options.out)
        try options.publish(try server.revocationList(nextUpdateHours: options.nextUpdate), what: "license(s)")
    }
}
