import ArgumentParser
import CALCore

/// The backup file and `--json` of the `restore` verbs, and what they print.
struct RestoreOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("The backup file (from the role's backup verb).", valueName: "file")) var file: String
    @Flag(help: "Print the result as JSON.") var json = false

    /// Prints what a restore did.
    func report(_ restored: StoreRestore) {
        if json {
            Output.json(restored)
        } else {
            print("Restored the ledger from \(restored.backup): \(restored.entriesInBackup) audit entries in the backup,")
            print("\(restored.transactionsReplayed) transactions replayed from the ledger journal; \(restored.entries) entries, head \(restored.head)")
        }
    }
}
