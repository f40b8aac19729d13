import ArgumentParser
import CALClient
import CALCore

/// `calkit client rotate`: a new client key; the license follows at the next logon.
struct ClientRotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Replace the client's key; its license moves to the new key at the next logon.",
        discussion: """
            Writes a new key to DIR/client-key.pem and moves the previous key and the licenses \
            for it to DIR/retired/. The previous key signs the new one (DIR/key-continuity.der); \
            the client's license requests carry that signature, so at the next logon the license \
            server issues the client's license for the new key on the same seat and revokes the \
            old one as superseded. No seat is consumed.
            """
    )

    @OptionGroup var home: HomeOption
    @Option(help: "Key type of the new key: p256, p384, ed25519 or rsa3072 (default: the current key's).") var keyType: KeyType?
    @Flag(help: "Print the result as JSON.") var json = false

    func run() throws {
        let client = try home.client()
        let previous = client.publicKey.keyIdentifier
        let rotated = try client.rotate(keyType: keyType)
        if json {
            Output.json(["previousKeyID": previous, "keyID": rotated.publicKey.keyIdentifier, "deviceID": rotated.deviceID])
        } else {
            print("New client key \(rotated.publicKey.keyIdentifier) for \(rotated.deviceID); the previous key \(previous) is in retired/")
            print("The next logon moves the license to the new key.")
        }
    }
}
