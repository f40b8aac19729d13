import ArgumentParser

/// `calkit clearinghouse restore`: the clearinghouse's ledger back from a backup, caught up from the ledger journal.
struct ClearinghouseRestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore the clearinghouse's ledger from a backup, with every change made since replayed over it.",
        discussion: """
            As `calkit server restore`: the backup (from `calkit clearinghouse backup`) is checked, \
            every transaction in the home's ledger.journal is replayed over it (activations, sold and \
            reissued packs, transfer grants and revocations made since come back), and only then does \
            it replace calkit.sqlite. Stop `calkit clearinghouse serve` first.
              calkit clearinghouse restore --home ch ch-backup.sqlite
            """
    )

    @OptionGroup var home: HomeOption
    @OptionGroup var restore: RestoreOptions

    func run() throws {
        restore.report(try home.clearinghouse().restore(from: restore.file))
    }
}
