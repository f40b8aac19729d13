import ArgumentParser

/// `calkit server backup`: a consistent online copy of the license server's ledger.
struct ServerBackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent copy of the license server's ledger (calkit.sqlite) while it keeps serving.",
        discussion: """
            Uses SQLite's online backup: a running `calkit server serve` is not stopped, and the \
            copy is one snapshot, checked for integrity and for a whole audit chain before it is \
            put in place (mode 0600, never over an existing file). The keys and certificates in \
            the home are files: back them up with it, encrypted (`calkit key encrypt`).
            """
    )

    @OptionGroup var home: HomeOption
    @OptionGroup var backup: BackupOptions

    func run() throws {
        backup.report(try home.licenseServer().backup(to: backup.out))
    }
}
