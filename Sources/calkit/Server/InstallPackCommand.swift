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
            """
    )

    @OptionGroup var home: HomeOption
    @Argument(help: ArgumentHelp("The key pack (DER) from `calkit clearinghouse issue-pack`.", valueName: "file")) var file: String?
    @Option(help: ArgumentHelp("The clearinghouse service's URL.", valueName: "url")) var clearinghouse: String?
    @Option(help: ArgumentHelp("The operator's bearer token (first line of this file).", valueName: "file")) var tokenFile: String?
    @Option(help: "The license agreement number (with --clearinghouse).") var agreement: String?
    @Option(help: "per-device or per-user (with --clearinghouse).") var type: LicenseType?
    @Option(help: "How many CALs (with --clearinghouse).") var count: Int?
    @Option(help: "The product (with --clearinghouse).") var product: String?
    @Option(help: "The product version (with --clearinghouse).") var productVersion: String?
    @OptionGroup var trust: TLSTrustOption
    @Flag(help: "Print the result as JSON.") var json = false

    func validate() throws {
        if clearinghouse == nil {
            guard file != nil else { throw ValidationError("give the key pack file, or --clearinghouse URL with the order") }
        } else {
            guard file == nil else { throw ValidationError("give a key pack file or --clearinghouse, not both") }
            guard agreement != nil, type != nil, count != nil, product != nil else {
                throw ValidationError("--clearinghouse needs --agreement, --type, --count and --product")
            }
        }
    }

    func run() async throws {
        let server = try home.licenseServer()
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
        let content = try await server.installPack(bytes)
        if json {
            Output.json(PackSummary(content, file: file ?? clearinghouse ?? ""))
        } else {
            print("Installed key pack " + PackSummary.sentence(content))
        }
    }
}
