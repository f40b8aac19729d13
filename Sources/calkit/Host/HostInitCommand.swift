import ArgumentParser
import CALCore
import CALHost
import CALLicenseServer

/// `calkit host init`: a host bound to a license server.
struct HostInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a session host bound to a license server (its home folder, in this process).",
        discussion: "The host trusts the clearinghouse root its license server was activated under."
    )

    @OptionGroup var home: HomeOption
    @Option(help: "per-device or per-user.") var mode: LicenseType
    @Option(help: ArgumentHelp("The license server's home folder.", valueName: "dir")) var licenseServerHome: String
    @Option(help: "The product the host serves; the only installed one when left out.") var product: String?

    func run() throws {
        let server = try LicenseServer(home: licenseServerHome, time: try home.time(), passphrase: try home.passphrase())
        let root = try PEMBundle.certificates(at: server.home.file(LicenseServer.Files.trustAnchor))
        _ = try SessionHost.create(
            at: home.home, mode: mode, licenseServer: licenseServerHome, trustRoot: root, product: product, time: try home.time()
        )
        print("Created a \(mode.rawValue) session host bound to license server \(server.serverID)")
    }
}
