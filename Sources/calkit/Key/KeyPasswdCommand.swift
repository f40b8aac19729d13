import ArgumentParser
import CALCore
import Foundation

/// `calkit key passwd`: changes the passphrase of an encrypted key file.
struct KeyPasswdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passwd",
        abstract: "Change the passphrase of an encrypted private-key file.",
        discussion: """
            The current passphrase comes from --passphrase-file or CALKIT_PASSPHRASE, the new one \
            from --new-passphrase-file or CALKIT_NEW_PASSPHRASE.
            """
    )

    @OptionGroup var file: KeyFileOptions
    @OptionGroup var keys: PassphraseOptions
    @Option(help: ArgumentHelp("Read the new passphrase from the first line of this file.", valueName: "file"))
    var newPassphraseFile: String?
    @Option(help: "Key derivation for the new protection: pbkdf2 or scrypt.") var kdf: EncryptedPrivateKey.Method = .pbkdf2

    func run() throws {
        guard try PrivateKeyFile.isEncrypted(file.input) else {
            throw CALError.invalidArgument("\(file.input) is not encrypted; encrypt it with `calkit key encrypt`")
        }
        var environment = ProcessInfo.processInfo.environment
        environment[Passphrase.environmentVariable] = environment["CALKIT_NEW_PASSPHRASE"]
        guard let new = try Passphrase.resolve(file: newPassphraseFile, environment: environment) else {
            throw CALError.invalidArgument("give the new passphrase with --new-passphrase-file FILE or CALKIT_NEW_PASSPHRASE")
        }
        try PrivateKeyFile.rewrite(file.input, to: file.out, current: try keys.passphrase(), new: new, method: kdf)
        print("Changed the passphrase of \(file.result) (\(kdf.rawValue), AES-256-CBC)")
    }
}
