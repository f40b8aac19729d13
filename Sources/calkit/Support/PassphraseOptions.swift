import ArgumentParser
import CALCore

/// `--passphrase-file`: where the passphrase of encrypted keys comes from; `CALKIT_PASSPHRASE`
/// in the environment does the same. There is deliberately no option that takes the passphrase
/// itself: arguments are visible to every user of the machine.
struct PassphraseOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Read the passphrase of encrypted keys from the first line of this file (CALKIT_PASSPHRASE does the same). When a role is created with a passphrase, its keys are written encrypted.",
            valueName: "file"
        )
    )
    var passphraseFile: String?

    /// The passphrase given, if any.
    func passphrase() throws -> Passphrase? { try Passphrase.resolve(file: passphraseFile) }
}
