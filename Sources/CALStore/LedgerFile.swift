import CALCore
import Foundation

/// A role's ledger kept in a ``StoreDatabase`` file: the online backup and the
/// journal-replaying restore every such ledger offers the same way, for the role modules.
package protocol LedgerFile {
    /// The database the ledger lives in.
    var database: StoreDatabase { get }
}

extension LedgerFile {
    /// Writes a consistent online copy of the ledger to the new file `path` (mode 0600), its
    /// integrity and audit chain checked; returns what it holds.
    package func backup(to path: String, now: Date) throws -> StoreBackup { try database.backup(to: path, now: now) }

    /// Restores the backup at `path` and replays the ledger journal over it (``StoreDatabase/restore(from:)``).
    package func restore(from path: String) throws -> StoreRestore { try database.restore(from: path) }
}

extension SQLiteLicenseServerStore: LedgerFile {}
extension SQLiteClearinghouseStore: LedgerFile {}
