import ArgumentParser
import CALClient
import CALCore

/// `calkit client init`: the client's key pair and device id.
struct ClientInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a client: its key pair and device id.",
        discussion: "Without --device-id the id is derived from this machine's id, so it stays the same across runs."
    )

    @OptionGroup var home: HomeOption
    @Option(help: "The device id licenses bind to (default: derived from this machine).") var deviceID: String?
    @Option(help: "Key type: p256, p384, ed25519 or rsa3072.") var keyType: KeyType = .p256
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let client = try ClientIdentity.create(at: home.home, deviceID: deviceID, keyType: keyType, passphrase: try home.passphrase())
        if json {
            Output.json(["deviceID": client.deviceID, "keyType": keyType.rawValue, "home": home.home])
        } else {
            print("Created client with device id \(client.deviceID) (\(keyType.rawValue) key)")
        }
    }
}
