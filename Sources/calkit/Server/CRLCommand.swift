import ArgumentParser
import CALCore
import CALLicenseServer

/// `calkit server crl`: publishes the server's certificate revocation list.
struct CRLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crl",
        abstract: "Write the server's CRL: every revoked license that has not yet expired, signed by the server key.",
        discussion: """
            Each CRL gets the next CRL number. Relying parties treat a CRL as stale after its next update.

            After a key rotation each issuer has its own CRL: the active issuer's by default, a \
            retired issuer's (for the licenses it signed) with --issuer KEYID, as `calkit server \
            status` lists them. A compromised issuer signs none.
            """
    )

    @OptionGroup var home: HomeOption
    @OptionGroup var options: CRLOptions
    @Option(help: ArgumentHelp("A retired issuer's key id (8 or more hex digits); the active issuer when left out.", valueName: "keyid"))
    var issuer: String?

    func run() throws {
        let server = try home.licenseServer()
        try SecureFile.checkWritable(options.out)
        try options.publish(try server.revocationList(issuerKeyID: issuer, nextUpdateHours: options.nextUpdate), what: "license(s)")
    }
}
