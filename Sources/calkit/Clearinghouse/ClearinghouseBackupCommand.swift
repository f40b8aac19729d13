import ArgumentParser

/// `calkit clearinghouse backup`: a consistent online copy of the clearinghouse's ledger.
struct ClearinghouseBackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent copy of the clearinghouse's ledger (calkit.sqlite) while it keeps serving.",
        discussion: """
            Uses SQLite's online backup: a running `calkit clearinghouse serve` is not stopped, and \
            the copy is one snapshot, checked for integrity and for a whole audit chain before it \
            is put in place (mode 0600, never over an existing file).
            """
    )

    @OptionGroup var home: HomeOption
    @OptionGroup var backup: BackupOptions

    func run() throws {
        backup.report(try home.clearinghouse().backup(to: backup.out))
    }
}
