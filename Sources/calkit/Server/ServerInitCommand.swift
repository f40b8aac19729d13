import ArgumentParser
import CALCore
import CALLicenseServer

/// `calkit server init`: the server's key, id and activation request.
struct ServerInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a license server: key, license-server id and activation request.",
        discussion: """
            Writes DIR/activation-request.pem. Send it to the clearinghouse \
            (`calkit clearinghouse activate`) and install the chain it returns with \
            `calkit server install-certificate`.

            With --database postgresql://..., the ledger lives in PostgreSQL and the server can \
            run as several nodes (`calkit server add-node`).
            """
    )

    @OptionGroup var home: HomeOption
    @OptionGroup var database: DatabaseOption
    @Option(help: "The server's name.") var name: String
    @Option(help: "Key type: p256, p384, ed25519 or rsa3072.") var keyType: KeyType = .p256
    @Flag(help: "Stop issuing per-user licenses to new users at the purchased count (see `calkit server policy`).")
    var enforcePerUser = false
    @Flag(help: "Make a home for simulation and tests: its service may then run on --now or CALKIT_NOW instead of the system clock.")
    var simulatedClock = false
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let server = try LicenseServer.create(
            at: home.home, name: name, keyType: keyType, time: try home.time(), passphrase: try home.passphrase(),
            simulatedClock: simulatedClock, database: database.url
        )
        if enforcePerUser { try server.setEnforcesPerUserLimit(true) }
        let requestPath = server.home.file(LicenseServer.Files.activationRequest)
        if json {
            var fields = ["serverID": server.serverID, "activationRequest": requestPath, "keyType": keyType.rawValue]
            if let database = server.database { fields["database"] = database }
            Output.json(fields)
        } else {
            print("Created license server \"\(name)\"")
            print("license-server id: \(server.serverID)")
            print("read aloud as:     \(CALIdentifier.grouped(server.serverID))")
            if let database = server.database { print("ledger:            \(database)") }
            print(requestPath)
        }
    }
}
