import ArgumentParser
import CALCore
import CALLicensing
import CALLicenseServer

/// `calkit server issue`: mints a client license for a client's request.
struct IssueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Issue a client license certificate for a client's request.",
        discussion: """
            A permanent per-device license takes one free seat of an installed pack of the product \
            and lasts \(LicensingTerms.permanentLicenseDays.lowerBound)-\(LicensingTerms.permanentLicenseDays.upperBound) days (random); with no seat free nothing is issued and the command \
            fails. Per-user licenses are tracked but take no seat. --temporary issues a \(LicensingTerms.temporaryLicenseDays)-day \
            license that takes no seat. The file written holds the license, then the license \
            server's certificate, ready for `calkit client install`.
            """
    )

    @OptionGroup var home: HomeOption
    @Option(help: ArgumentHelp("The client's request (PEM CSR) from `calkit client request`.", valueName: "file"))
    var request: String
    @Option(help: "per-device or per-user.") var type: LicenseType
    @Flag(help: "Issue a temporary (\(LicensingTerms.temporaryLicenseDays)-day) license that takes no seat.") var temporary = false
    @Option(help: "The product; may be left out when only one is installed.") var product: String?
    @Option(help: ArgumentHelp("Where to write the license (PEM).", valueName: "file")) var out: String
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let server = try home.licenseServer()
        try SecureFile.checkWritable(out)
        let csr = try PEMBundle.request(at: request)
        let issued = try server.issue(request: csr, licenseType: type, temporary: temporary, product: product)
        try SecureFile.write(try PEMBundle.pem(of: [issued.certificate, issued.issuer]).fileBytes, to: out)
        let record = issued.record
        if json {
            Output.json(record.written(to: out))
        } else {
            print(
                "Issued \(record.status) \(record.licenseType) license of \(record.product) to \(record.subject)"
            )
            var fields = [("serial", record.serial), ("valid until", Output.date(record.notAfter))]
            if let pack = record.keyPackID { fields.append(("key pack", pack)) }
            if let seat = record.seat { fields.append(("seat", String(seat))) }
            fields.append(("license", out))
            Output.fields(fields, indent: "  ")
        }
    }
}
