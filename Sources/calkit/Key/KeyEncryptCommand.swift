import ArgumentParser
import CALCore

/// `calkit key encrypt`: protects a plain key file with a passphrase.
struct KeyEncryptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encrypt",
        abstract: "Encrypt a plain private-key file under a passphrase.",
        discussion: """
            pbkdf2 (the default) derives the AES-256 key with PBKDF2-HMAC-SHA256 and 600,000 \
            iterations; scrypt uses N=16384, r=8, p=1, OpenSSL's own scrypt setting.

            Example: CALKIT_PASSPHRASE=... calkit key encrypt --in server/server-key.pem
            """
    )

    @OptionGroup var file: KeyFileOptions
    @OptionGroup var keys: PassphraseOptions
    @Option(help: "Key derivation: pbkdf2 or scrypt.") var kdf: EncryptedPrivateKey.Method = .pbkdf2

    func run() throws {
        guard let passphrase = try keys.passphrase() else {
            throw CALError.invalidArgument("give the new passphrase with --passphrase-file FILE or CALKIT_PASSPHRASE")
        }
        guard try !PrivateKeyFile.isEncrypted(file.input) else {
            throw CALError.invalidArgument("\(file.input) is already encrypted; change its passphrase with `calkit key passwd`")
        }
        try PrivateKeyFile.rewrite(file.input, to: file.out, current: nil, new: passphrase, method: kdf)
        print("Encrypted \(file.result) (\(kdf.rawValue), AES-256-CBC)")
    }
}
