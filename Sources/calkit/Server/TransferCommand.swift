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

            By telephone: `--telephone-request --serial S` prints the seat of CAL S as groups; \
            read them to the clearinghouse operator (`calkit clearinghouse authorize-transfer \
            --telephone`) and give the groups they read back with `--telephone-response "..." \
            --serial S --request NEW.csr --out FILE`. The grant is rebuilt from this server's \
            ledger and verified like a file.

            """ + TelephoneGroups.sizes([("request", .transferRequest), ("response", .transferResponse)])
    )

    @OptionGroup var home: HomeOption
    @Option(help: ArgumentHelp("The transfer grant (DER) from `calkit clearinghouse authorize-transfer`.", valueName: "file"))
    var grant: String?
    @Option(help: ArgumentHelp("The new device's license request (PEM CSR).", valueName: "file")) var request: String?
    @Option(help: ArgumentHelp("Where to write the new license (PEM).", valueName: "file")) var out: String?
    @Flag(help: "Print the transfer request for --serial as groups to read out by telephone.") var telephoneRequest = false
    @Option(help: ArgumentHelp("The grant's groups the clearinghouse operator read back.", valueName: "groups")) var telephoneResponse: String?
    @Option(help: ArgumentHelp("The serial of the CAL whose seat moves (with the telephone method).", valueName: "serial")) var serial: String?
    @Option(help: ArgumentHelp("The clearinghouse's signing certificate (default: the one kept at telephone activation).", valueName: "file"))
    var signer: String?
    @Flag(help: "Print the result as JSON.") var json = false

    func validate() throws {
        let modes = [grant != nil, telephoneRequest, telephoneResponse != nil].filter { $0 }.count
        guard modes == 1 else { throw ValidationError("give one of --grant FILE, --telephone-request or --telephone-response GROUPS") }
        if telephoneRequest || telephoneResponse != nil, serial == nil { throw ValidationError("the telephone method needs --serial of the CAL whose seat moves") }
        if !telephoneRequest, request == nil || out == nil { throw ValidationError("give --request NEW.csr and --out FILE") }
    }

    func run() async throws {
        let server = try home.licenseServer()
        if telephoneRequest, let serial {
            return try TelephoneGroups.print(
                try server.telephoneTransferRequest(serial: serial), heading: "Read to the clearinghouse operator", json: json,
                fields: ["serial": serial]
            )
        }
        guard let request, let out else { return }
        let csr = try PEMBundle.request(at: request)
        try SecureFile.checkWritable(out)
        let issued: IssuedCertificate
        if let telephoneResponse, let serial {
            issued = try await server.transfer(
                telephoneResponse: telephoneResponse, serial: serial, request: csr, signer: try signer.map { try PEMBundle.certificate(at: $0) }
            )
        } else {
            issued = try await server.transfer(grant: try SecureFile.read(grant ?? ""), request: csr)
        }
        try SecureFile.write(try PEMBundle.pem(of: [issued.certificate, issued.issuer]).fileBytes, to: out)
        if json {
            Output.json(issued.record.written(to: out))
        } else {
            print("Transferred seat \(issued.record.seat.map(String.init) ?? "") to \(issued.record.subject): license \(issued.record.serial)")
            print("license: \(out)")
        }
    }
}
