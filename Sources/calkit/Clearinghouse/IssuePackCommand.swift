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

            With --telephone, the license server's administrator reads out its id (--server-id) \
            and the order; the pack's id, date and signature are printed as groups to read back, \
            for `calkit server install-pack --telephone-response` with the same order.

            """ + TelephoneGroups.sizes([("response", .packResponse)])
    )

    @OptionGroup var home: HomeOption
    @Option(help: ArgumentHelp("The license server's certificate or chain (PEM; first certificate is used).", valueName: "file"))
    var serverCertificate: String?
    @Option(help: ArgumentHelp("The license server's id, as read out (with --telephone).", valueName: "id")) var serverID: String?
    @Option(help: "per-device or per-user.") var type: LicenseType
    @Option(help: "How many CALs the pack holds.") var count: Int
    @Option(help: "The product the CALs license.") var product: String
    @Option(help: "The product version.") var productVersion = "1.0"
    @Option(help: "The license purchase agreement number.") var agreement: String
    @Option(help: ArgumentHelp("Where to write the key pack (DER).", valueName: "file")) var out: String?
    @Flag(help: "The telephone method: print the pack as groups to read out.") var telephone = false
    @Flag(help: "Print the result as JSON.") var json = false

    func validate() throws {
        if telephone {
            guard serverID != nil, serverCertificate == nil else { throw ValidationError("--telephone takes --server-id ID, not --server-certificate") }
        } else {
            guard serverCertificate != nil, out != nil else { throw ValidationError("give --server-certificate FILE and --out FILE, or --telephone --server-id ID") }
        }
    }

    func run() throws {
        let clearinghouse = try home.clearinghouse()
        if let out { try SecureFile.checkWritable(out) }
        if telephone, let serverID {
            let answer = try clearinghouse.issuePack(
                telephoneServerID: serverID, licenseType: type, count: count, product: product, productVersion: productVersion,
                agreementNumber: agreement
            )
            if let out { try SecureFile.write(answer.signed.signedBytes, to: out) }
            if !json { print("Issued key pack " + PackSummary.sentence(answer.signed.content)) }
            let content = answer.signed.content
            try TelephoneGroups.print(
                answer.response, heading: "Read back to the caller", json: json,
                fields: ["keyPackID": content.keyPackID, "licenseServerID": content.licenseServerID, "count": String(content.count)]
            )
            return
        }
        guard let serverCertificate, let out else { return }
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
