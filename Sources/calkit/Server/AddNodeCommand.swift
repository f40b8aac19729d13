import ArgumentParser
import CALCore
import CALLicenseServer

/// `calkit server add-node`: another home serving the same license server from the same ledger.
struct AddNodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-node",
        abstract: "Make another node of a license server whose ledger is in PostgreSQL.",
        discussion: """
            Creates the home given with --home as a node of the license server in --of: it names \
            the same PostgreSQL ledger and holds copies of the server's signing key (0600, under \
            the same passphrase), its chain and its trust anchor. Every node issues, renews, \
            revokes and transfers licenses and answers CRL and OCSP requests for every license \
            of the server; seat counts, the revocation quota and the audit chain are one across \
            nodes. Serve each node with `calkit server serve` behind a load balancer.

            The server must be activated first. A license server on SQLite runs as one node.

            After a key rotation completes on one node, the others refuse to sign \
            (issuer-not-active) until they hold the new key: run `add-node --refresh` for each, \
            from the node that rotated.
            """
    )

    @OptionGroup var home: HomeOption
    @Option(name: .long, help: ArgumentHelp("The home of an existing node of the license server.", valueName: "dir"))
    var of: String
    @Flag(help: "Bring an existing node up to --of's key and chain after a rotation (the retired keys too).")
    var refresh = false
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let server = try LicenseServer(home: of, time: try home.time(), passphrase: try home.passphrase())
        let node = refresh ? try server.refreshNode(at: home.home) : try server.addNode(at: home.home)
        if json {
            Output.json(["serverID": node.serverID, "home": node.home.path, "database": node.database ?? ""])
        } else {
            print(refresh ? "Refreshed node \(node.home.path) of license server \(node.serverID)" : "Made \(node.home.path) a node of license server \(node.serverID)")
            print("ledger: \(node.database ?? "")")
        }
    }
}
