import ArgumentParser
import CALClearinghouse
import CALCore

/// `calkit clearinghouse crl`: publishes the root's CRL of license-server certificates.
struct ClearinghouseCRLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crl",
        abstract: "Write the root's CRL: every revoked license-server certificate that has not yet expired.",
        discussion: "Give it to verifiers with --crl beside the server's CRL: licenses under a revoked server fail with issuer-revoked."
    )

    @OptionGroup var home: HomeOption
    @OptionGroup var options: CRLOptions

    func run() throws {
        let clearinghouse = try home.clearinghouse()
        try SecureFile.checkWritable(options.out)
        try options.publish(try clearinghouse.revocationList(nextUpdateHours: options.nextUpdate), what: "license-server certificate(s)")
    }
}
