import ArgumentParser
import CALCore
import CALLicenseServer

/// `calkit server install-pack`: verifies and installs a key pack.
struct InstallPackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install-pack",
        abstract: "Verify and install a key pack from the clearinghouse.",
        discussion: """
            Refuses a pack that is not signed by the root this server was activated under, that is \
            bound to another server, or that was installed before (nothing changes).
            """
    )

    @OptionGroup var home: HomeOption
    @Argument(help: ArgumentHelp("The key pack (DER) from `calkit clearinghouse issue-pack`.", valueName: "file")) var file: String
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        let server = try home.licenseServer()
        let content = try await server.installPack(try SecureFile.read(file))
        if json {
            Output.json(PackSummary(content, file: file))
        } else {
            print("Installed key pack " + PackSummary.sentence(content))
        }
    }
}
