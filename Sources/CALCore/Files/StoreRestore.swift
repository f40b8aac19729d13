import Foundation

/// What a restore did: the backup it started from and what the journal added to it.
public struct StoreRestore: Sendable, Equatable, Codable {
    /// The backup file restored.
    public var backup: String
    /// Audit entries the backup held.
    public var entriesInBackup: Int
    /// Transactions replayed from the ledger journal on top of it.
    public var transactionsReplayed: Int
    /// Audit entries the ledger holds now.
    public var entries: Int
    /// The hash of its last audit entry now.
    public var head: String

    /// A restore's description.
    public init(backup: String, entriesInBackup: Int, transactionsReplayed: Int, entries: Int, head: String) {
        self.backup = backup
        self.entriesInBackup = entriesInBackup
        self.transactionsReplayed = transactionsReplayed
        self.entries = entries
        self.head = head
    }
}
