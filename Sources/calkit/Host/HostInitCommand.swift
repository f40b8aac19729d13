import ArgumentParser
import CALCore
import CALHost
import CALLicensing
import Foundation

/// `calkit host init`: a session host, with or without a license server.
struct HostInitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a session host; bind its license server now or later.",
        discussion: """
            A host needs no license server to start: until one is bound (`calkit host \
            set-license-server`), the grace period admits clients for up to \(LicensingTerms.gracePeriodDays) \
            days from the first connection. Bound to a license server's home folder, the host asks \
            it in this process at each logon; bound to its URL (`calkit server serve`), over HTTP. \
            The host accepts licenses of its bound server alone, checked against that server's \
            CRL and signed key packs. Over plain http give the root to trust with --trust; for an \
            https server with a private CA, --tls-trust CA.pem is kept in the host's home.
            """
    )

    @OptionGroup var home: HomeOption
    @OptionGroup var database: DatabaseOption
    @Option(help: "per-device or per-user.") var mode: LicenseType
    @Option(help: "The product the host serves; the only installed one when left out.") var product: String?
    @OptionGroup var server: LicenseServerOptions

    func run() async throws {
        if let product { try ProductName.validate(product) }
        let binding = try await server.binding(home: home)
        if let binding {
            _ = try SessionHost.create(at: home.home, mode: mode, product: product, binding: binding, time: try home.time(), database: database.url)
            print("Created a \(mode.rawValue) session host bound to license server \(binding.serverIDs.joined(separator: ", "))")
        } else {
            _ = try SessionHost.create(at: home.home, mode: mode, product: product, time: try home.time(), database: database.url)
            print(
                "Created a \(mode.rawValue) session host with no license server: the grace period decides logons until "
                    + "`calkit host set-license-server` binds one"
            )
        }
    }
}
