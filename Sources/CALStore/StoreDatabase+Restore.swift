import CALCore
import Foundation
import GRDB

extension StoreDatabase {
    /// Replaces the ledger with the backup at `backupPath`, brought up to date from the ledger
    /// journal: every transaction committed after the backup was taken is replayed over it, so
    /// no revocation is undone, no seat a later license holds is freed, and the audit chain is
    /// the one the ledger had. The result is checked (SQLite's integrity check, the foreign
    /// keys, the audit chain) before it replaces the live database, through SQLite's backup API.
    /// The caller makes sure no service writes meanwhile.
    func restore(from backupPath: String) throws -> StoreRestore {
        guard FileManager.default.fileExists(atPath: backupPath) else { throw CALError.fileNotFound(path: backupPath) }
        let folder = URL(fileURLWithPath: databasePath).deletingLastPathComponent()
        let scratch = folder.appendingPathComponent(".restore.\(getpid()).\(UInt32.random(in: 0...UInt32.max)).sqlite").path
        defer { for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: scratch + suffix) } }
        do {
            try FileManager.default.copyItem(atPath: backupPath, toPath: scratch)
        } catch {
            throw CALError(.fileAccess, "cannot read the backup \(backupPath): \(CALError.reason(describing: error))")
        }
        SecureFile.restrict(scratch, to: 0o600)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false
        let copy: DatabaseQueue
        let before: [AuditEntry]
        do {
            copy = try DatabaseQueue(path: scratch, configuration: configuration)
            try Self.check(copy, what: backupPath)
            before = try copy.read(AuditLog.entries)
            // Migrations are named by role: a backup of another role's ledger applied others.
            let applied = try copy.read { db in try migrator.appliedIdentifiers(db) }
            guard !applied.isEmpty, applied.isSubset(of: Set(migrator.migrations)) else {
                throw CALError(.wrongKind, "\(backupPath) is not a backup of this role's ledger")
            }
            try migrator.migrate(copy)
        } catch let error as CALError {
            throw error
        } catch {
            throw CALError(.wrongKind, "\(backupPath) is not a CALKit ledger backup: \(CALError.reason(describing: error))")
        }
        if let broken = AuditEntry.firstBreak(in: before) { throw CALError.auditChainBroken(sequence: broken.sequence, reason: broken.reason) }
        let replayed = try copy.write { db in try journal?.replay(into: db) ?? 0 }
        try Self.check(copy, what: "the restored ledger")
        let after = try copy.read(AuditLog.entries)
        if let broken = AuditEntry.firstBreak(in: after) { throw CALError.auditChainBroken(sequence: broken.sequence, reason: broken.reason) }
        do {
            try copy.backup(to: pool)
            try copy.close()
        } catch {
            throw CALError.storage("cannot put the restored ledger in place: \(CALError.reason(describing: error))")
        }
        return StoreRestore(
            backup: backupPath, entriesInBackup: before.count, transactionsReplayed: replayed, entries: after.count,
            head: after.last?.hash ?? AuditEntry.genesisHash
        )
    }

    /// SQLite's integrity and foreign-key checks on `database`.
    private static func check(_ database: DatabaseQueue, what: String) throws {
        let verdict = try database.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
        guard verdict == "ok" else { throw CALError.storage("\(what) does not pass SQLite's integrity check: \(verdict ?? "")") }
        let orphans = try database.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") }
        guard orphans.isEmpty else { throw CALError.storage("\(what) has \(orphans.count) rows whose references are missing") }
    }
}
