import ArgumentParser
import CALCore

/// `--out` and `--json` of the `backup` verbs, and what they print.
struct BackupOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The backup file to write (mode 0600; never overwritten).", valueName: "file")) var out: String
    @Flag(help: "Print the result as JSON.") var json = false

    /// Prints what `backup` holds.
    func report(_ backup: StoreBackup) {
        if json {
            Output.json(backup)
        } else {
            print("Backed up the ledger to \(backup.path): \(backup.entries) audit entries, head \(backup.head)")
        }
    }
}
