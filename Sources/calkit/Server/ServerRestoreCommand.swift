import ArgumentParser
import CALCore

/// `calkit server restore`: the ledger back from a backup, caught up from the ledger journal.
struct ServerRestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore the license server's ledger from a backup, with every change made since replayed over it.",
        discussion: """
            The backup (from `calkit server backup`) is checked (SQLite's integrity check, its audit \
            chain, that it is a license server's ledger), then every transaction the ledger journal \
            (ledger.journal in the home, written before each change commits) holds is replayed over \
            it in order: licenses issued after the backup come back with their seats, revocations \
            made after it stay revoked, and the audit chain is whole. Only then does it replace \
            calkit.sqlite. Stop `calkit server serve` first; the restore refuses while the home is served.
              calkit server restore --home ls ls-backup.sqlite
            """
    )

    @OptionGroup var home: HomeOption
    @OptionGroup var restore: RestoreOptions

    func run() throws {
        restore.report(try home.licenseServer().restore(from: restore.file))
    }
}
