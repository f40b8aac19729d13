import ArgumentParser
import CALCore

/// `calkit key decrypt`: removes the passphrase from a key file.
struct KeyDecryptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decrypt",
        abstract: "Decrypt an encrypted private-key file to plain PKCS #8 (still mode 0600)."
    )

    @OptionGroup var file: KeyFileOptions
    @OptionGroup var keys: PassphraseOptions

    func run() throws {
        guard try PrivateKeyFile.isEncrypted(file.input) else {
            throw CALError.invalidArgument("\(file.input) is not encrypted")
        }
        try PrivateKeyFile.rewrite(file.input, to: file.out, current: try keys.passphrase(), new: nil)
        print("Decrypted \(file.result)")
    }
}
