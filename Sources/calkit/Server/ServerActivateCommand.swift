import ArgumentParser
import CALCore
import CALServiceClient
import CALLicenseServer
import Foundation

/// `calkit server activate`: the automatic activation method, over HTTP.
struct ServerActivateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activate",
        abstract: "Activate automatically: send the activation request to the clearinghouse service and install the chain.",
        discussion: """
            Sends DIR/activation-request.pem (from `server init`, or a re-key request from \
            `server rotate`) to POST /v1/activations of the running clearinghouse \
            (`calkit clearinghouse serve`) and installs the chain it answers as DIR/server-chain.pem, \
            as `server install-certificate` does. A first activation needs the one-time code the \
            clearinghouse operator gave you (`calkit clearinghouse activation-code`); a re-key does not.
            """
    )

    @OptionGroup var home: HomeOption
    @Option(help: ArgumentHelp("The clearinghouse service's URL, for example http://127.0.0.1:8760.", valueName: "url")) var clearinghouse: String
    @Option(help: ArgumentHelp("The one-time activation code from the clearinghouse operator (first activation).", valueName: "code"))
    var activationCode: String?
    @OptionGroup var trust: TLSTrustOption
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        let server = try home.licenseServer()
        let request = try SecureFile.read(server.home.file(LicenseServer.Files.activationRequest))
        let chain = try await ClearinghouseClient(clearinghouse, tlsTrust: trust.tlsTrust).activate(request: request, activationCode: activationCode)
        let certificate = try await server.installCertificate(chain: chain)
        if json {
            Output.json(["serverID": server.serverID, "notAfter": Output.date(certificate.notValidAfter), "chain": server.home.file(LicenseServer.Files.chain)])
        } else {
            print("License server \(server.serverID) is activated until \(Output.date(certificate.notValidAfter))")
            print("chain: \(server.home.file(LicenseServer.Files.chain))")
        }
    }
}
