import ArgumentParser
import CALCore

/// `calkit key`: protecting private-key files at rest.
struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Encrypt, decrypt or re-protect a private-key file (PKCS #8, PBES2, AES-256-CBC).",
        discussion: """
            Any CALKit key file, or one from `openssl genpkey`, may be stored encrypted. The \
            passphrase comes from --passphrase-file or CALKIT_PASSPHRASE, never from an argument. \
            Files are converted in place unless --out is given, and stay mode 0600. Encrypted \
            files are readable by `openssl pkey -passin`.
            """,
        subcommands: [KeyEncryptCommand.self, KeyDecryptCommand.self, KeyPasswdCommand.self]
    )
}

/// The key file a `calkit key` verb converts, and where the result goes.
struct KeyFileOptions: ParsableArguments {
    @Option(name: .customLong("in"), help: ArgumentHelp("The key file.", valueName: "file")) var input: String
    @Option(help: ArgumentHelp("Write the result here (a new file) instead of converting in place.", valueName: "file"))
    var out: String?

    /// The file the result went to.
    var result: String { out ?? input }
}

extension EncryptedPrivateKey.Method: ExpressibleByArgument {}
