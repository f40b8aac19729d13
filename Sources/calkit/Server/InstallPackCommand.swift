import ArgumentParser
import CALCore
import CALServiceClient
import CALWire
import CALLicenseServer
import Foundation

/// `calkit server install-pack`: verifies and installs a key pack, from a file or fetched from
/// the clearinghouse service.
struct InstallPackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install-pack",
        abstract: "Verify and install a key pack: a file from the clearinghouse, or fetched from its service.",
        discussion: """
            Refuses a pack that is not signed by the root this server was activated under, that is \
            bound to another server, or that was installed before (nothing changes).

            With --clearinghouse URL the pack is bought from the running clearinghouse \
            (`calkit clearinghouse serve`, POST /v1/packs) for this server's certificate, with the \
            operator's token from --token-file:
              calkit server install-pack --home ls --clearinghouse http://127.0.0.1:8760 \\
                --token-file token --agreement 4711 --type per-device --count 25 --product Desk

            By telephone: tell the clearinghouse operator this server's id and the order, write \
            down the groups they read back, and give them with --telephone-response and the same \
            order (--agreement, --type, --count, --product, --product-version). The pack is \
            rebuilt around the clearinghouse's signing certificate kept at telephone activation \
            (or --signer FILE) and verified like a file; a wrong field or group does not verify.

            """ + TelephoneGroups.sizes([("response", .packResponse)])
    )

    @OptionGroup var home: HomeOption
    @Argument(help: ArgumentHelp("The key pack (DER) from `calkit clearinghouse issue-pack`.", valueName: "file")) var file: String?
    @Option(help: ArgumentHelp("The clearinghouse service's URL.", valueName: "url")) var clearinghouse: String?
    @Option(help: ArgumentHelp("The operator's bearer token (first line of this file).", valueName: "file")) var tokenFile: String?
    @Option(help: ArgumentHelp("The groups the clearinghouse operator read back.", valueName: "groups")) var telephoneResponse: String?
    @Option(help: ArgumentHelp("The clearinghouse's signing certificate (with --telephone-response; default: the one kept at activation).", valueName: "file"))
    var signer: String?
    @Option(help: "The license agreement number (with --clearinghouse or --telephone-response).") var agreement: String?
    @Option(help: "per-device or per-user (with --clearinghouse or --telephone-response).") var type: LicenseType?
    @Option(help: "How many CALs (with --clearinghouse or --telephone-response).") var count: Int?
    @Option(help: "The product (with --clearinghouse or --telephone-response).") var product: String?
    @Option(help: "The product version (with --clearinghouse; with --telephone-response, default 1.0).") var productVersion: String?
    @OptionGroup var trust: TLSTrustOption
    @Flag(help: "Print the result as JSON.") var json = false

    func validate() throws {
        let modes = [file != nil, clearinghouse != nil, telephoneResponse != nil].filter { $0 }.count
        guard modes == 1 else { throw ValidationError("give one of: the key pack file, --clearinghouse URL with the order, or --telephone-response GROUPS with the order") }
        if file == nil {
            guard agreement != nil, type != nil, count != nil, product != nil else {
                throw ValidationError("\(clearinghouse == nil ? "--telephone-response" : "--clearinghouse") needs --agreement, --type, --count and --product")
            }
        }
    }

    func run() async throws {
        let server = try home.licenseServer()
        if let telephoneResponse, let agreement, let type, let count, let product {
            let content = try await server.installTelephonePack(
                telephoneResponse, licenseType: type, count: count, product: product, productVersion: productVersion ?? "1.0",
                agreementNumber: agreement, signer: try signer.map { try PEMBundle.certificate(at: $0) }
            )
            return report(content, source: "telephone")
        }
        let bytes: [UInt8]
        if let clearinghouse, let agreement, let type, let count, let product {
            let token = try tokenFile.map { String(try SecureFile.readSecret($0).split(whereSeparator: \.isNewline).first ?? "") }
            let order = try PackOrderMessage(
                serverCertificate: try server.chain()[0], licenseType: type, count: count, product: product,
                productVersion: productVersion ?? "", agreement: agreement
            )
            bytes = try await ClearinghouseClient(clearinghouse, token: token, tlsTrust: trust.tlsTrust).buyPack(order)
        } else {
            bytes = try SecureFile.read(file ?? "")
        }
        report(try await server.installPack(bytes), source: file ?? clearinghouse ?? "")
    }

    private func report(_ content: KeyPackContent, source: String) {
        if json {
            Output.json(PackSummary(content, file: source))
        } else {
            print("Installed key pack " + PackSummary.sentence(content))
        }
    }
}
