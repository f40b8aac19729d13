import ArgumentParser
import CALClearinghouse
import CALCore

/// `calkit clearinghouse issue-pack`: sells a key pack to one activated license server.
struct IssuePackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue-pack",
        abstract: "Issue a signed key pack of CALs bound to one license server.",
        discussion: """
            The pack is CMS SignedData (DER) signed by the root; only the server whose certificate \
            is given can install it. Keep the agreement number: the clearinghouse asks for it when \
            CALs are recovered.
            """
    )

    @OptionGroup var home: HomeOption
    @Option(help: ArgumentHelp("The license server's certificate or chain (PEM; first certificate is used).", valueName: "file"))
    var serverCertificate: String
    @Option(help: "per-device or per-user.") var type: LicenseType
    @Option(help: "How many CALs the pack holds.") var count: Int
    @Option(help: "The product the CALs license.") var product: String
    @Option(help: "The product version.") var productVersion = "1.0"
    @Option(help: "The license purchase agreement number.") var agreement: String
    @Option(help: ArgumentHelp("Where to write the key pack (DER).", valueName: "file")) var out: String
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let clearinghouse = try home.clearinghouse()
        try SecureFile.checkWritable(out)
        let pack = try clearinghouse.issuePack(
            serverCertificate: try PackSummary.serverCertificate(at: serverCertificate),
            licenseType: type,
            count: count,
            product: product,
            productVersion: productVersion,
            agreementNumber: agreement
        )
        try PackSummary.write(pack, to: out, verb: "Issued", json: json)
    }
}
