import ArgumentParser
import CALCore
import CALLicenseServer

/// `calkit server transfer`: moves a seat to a new device under a clearinghouse grant.
struct TransferCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer",
        abstract: "Move a CAL's seat to a new device under a transfer grant from the clearinghouse.",
        discussion: """
            Verifies the grant, revokes the old CAL as superseded and issues a permanent CAL for \
            the new device on the same seat, in one transaction. A grant is used once.
            """
    )

    @OptionGroup var home: HomeOption
    @Option(help: ArgumentHelp("The transfer grant (DER) from `calkit clearinghouse authorize-transfer`.", valueName: "file"))
    var grant: String
    @Option(help: ArgumentHelp("The new device's license request (PEM CSR).", valueName: "file")) var request: String
    @Option(help: ArgumentHelp("Where to write the new license (PEM).", valueName: "file")) var out: String
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        let server = try home.licenseServer()
        let csr = try PEMBundle.request(at: request)
        try SecureFile.checkWritable(out)
        let issued = try await server.transfer(grant: try SecureFile.read(grant), request: csr)
        try SecureFile.write(try PEMBundle.pem(of: [issued.certificate, issued.issuer]).fileBytes, to: out)
        if json {
            Output.json(issued.record.written(to: out))
        } else {
            print("Transferred seat \(issued.record.seat.map(String.init) ?? "") to \(issued.record.subject): license \(issued.record.serial)")
            print("license: \(out)")
        }
    }
}
