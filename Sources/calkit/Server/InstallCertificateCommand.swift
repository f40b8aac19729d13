import ArgumentParser
import CALCore
import CALLicenseServer

/// `calkit server install-certificate`: the last step of file activation.
struct InstallCertificateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install-certificate",
        abstract: "Install the chain the clearinghouse issued (server certificate, then root).",
        discussion: "The root in the file becomes this server's trust anchor for key packs."
    )

    @OptionGroup var home: HomeOption
    @Argument(help: ArgumentHelp("The chain file from `calkit clearinghouse activate`.", valueName: "file")) var file: String
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        let server = try home.licenseServer()
        let chain = try PEMBundle.certificates(at: file)
        let certificate = try await server.installCertificate(chain: chain)
        let path = server.home.file(LicenseServer.Files.chain)
        if json {
            Output.json(["chain": path, "serverID": server.serverID, "notAfter": Output.date(certificate.notValidAfter)])
        } else {
            print("License server \(server.serverID) is activated until \(Output.date(certificate.notValidAfter))")
            print("chain: \(path)")
        }
    }
}
