import ArgumentParser
import CALClearinghouse
import CALCore

/// `calkit clearinghouse crl`: publishes the root's CRL of license-server certificates.
struct ClearinghouseCRLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crl",
        abstract: "Write the root's CRL: every revoked license-server certificate that has not yet expired.",
        discussion: """
            Give it to verifiers with --crl beside the server's CRL: licenses under a revoked server fail with issuer-revoked.

            After a root rollover each root has its own CRL: the active root's by default, a \
            retired root's (for the server certificates it issued) with --root KEYID.
            """
    )

    @OptionGroup var home: HomeOption
    @OptionGroup var options: CRLOptions
    @Option(help: ArgumentHelp("A retired root's key id (8 or more hex digits); the active root when left out.", valueName: "keyid"))
    var root: String?

    func run() throws {
        let clearinghouse = try home.clearinghouse()
        try SecureFile.checkWritable(options.out)
        let crl = try clearinghouse.revocationList(rootKeyID: root, nextUpdateHours: options.nextUpdate)
        try options.publish(crl, what: "license-server certificate(s)")
    }
}
