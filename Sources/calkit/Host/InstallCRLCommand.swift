import ArgumentParser
import CALCore
import CALHost

/// `calkit host install-crl`: gives the host its clearinghouse root's CRL.
struct InstallCRLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install-crl",
        abstract: "Give the host the clearinghouse root's CRL, so that licenses of a revoked license server are refused.",
        discussion: """
            The CRL (PEM or DER) from `calkit clearinghouse crl` or the clearinghouse service's \
            GET /crl, for example fetched daily with curl. It must be signed by the root the host \
            trusts; a newer CRL of the same root replaces the one kept. At every logon, while it is \
            before its next update, a license whose license-server certificate it lists is denied \
            issuer-revoked. The license server's own CRL needs no installing: the host fetches it.
            """
    )

    @OptionGroup var home: HomeOption
    @Argument(help: ArgumentHelp("The root's CRL (PEM or DER).", valueName: "file")) var file: String

    func run() throws {
        let list = try CertificateRevocationList.read(at: file)
        try home.sessionHost().installRootRevocationList(list)
        let next = list.nextUpdate.map { ", next update \(Output.date($0))" } ?? ""
        print("Installed the root CRL with \(list.entryCount) revoked license-server certificate(s)\(next)")
    }
}
