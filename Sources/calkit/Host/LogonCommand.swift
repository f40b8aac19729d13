import ArgumentParser
import CALClient
import CALCore
import CALServiceClient
import CALHost
import CALLicenseServer
import Foundation

/// `calkit host logon`: runs one logon and prints the decision.
struct LogonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logon",
        abstract: "Run one logon of a client and print the decision.",
        discussion: """
            Prints one line: allowed licensed, allowed temporary, allowed grace-period, or denied \
            REASON (exit status 1). The client proves possession of its key; whatever license the \
            license server issues is stored in the client's store.
            """
    )

    @OptionGroup var home: HomeOption
    @Option(help: ArgumentHelp("The client's home folder.", valueName: "dir")) var clientHome: String
    @Option(help: "The user logging on (per-user hosts).") var user: String?
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        let time = try home.time()
        let host = try home.sessionHost()
        let passphrase = try home.passphrase()
        let client = try ClientIdentity(home: clientHome, passphrase: passphrase)
        // No bound server: the grace period decides. An in-process license server that cannot be
        // opened counts as unreachable, except for a missing or wrong passphrase, the operator's to fix.
        let bound = try host.licenseServer()
        let source: (any LicenseSource)?
        if bound.isEmpty {
            source = nil
        } else if let url = URL(string: bound), url.scheme == "http" || url.scheme == "https" {
            // Over the network; an unreachable server throws at the request and counts as unreachable.
            source = HTTPLicenseSource(
                baseURL: url, timeout: try host.requestTimeout(), tlsTrust: host.tlsTrustFile, credential: try host.licenseServerCredential()
            )
        } else {
            do {
                source = try LicenseServer(home: bound, time: time, passphrase: passphrase)
            } catch let error as CALError where [.passphraseRequired, .wrongPassphrase].contains(error.code) {
                throw error
            } catch {
                source = nil
            }
        }
        let decision = try await host.logon(client, user: user, source: source)
        if json {
            var object = ["decision": decision.outcome, "detail": decision.detail]
            if let serial = decision.serial { object["serial"] = serial }
            Output.json(object)
        } else {
            print(decision.description)
        }
        if !decision.isAllowed { throw ExitCode.failure }
    }
}
