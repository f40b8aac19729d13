import CALCore
import Foundation
import GRDB

/// The clearinghouse's audit log, and its agreement with the rows it describes.
extension SQLiteClearinghouseStore {
    public func auditLog() throws -> [AuditEntry] { try database.read(AuditLog.entries) }

    /// Writes a consistent online copy of the ledger to the new file `path` (mode 0600), its
    /// integrity and audit chain checked; returns what it holds.
    public func backup(to path: String, now: Date) throws -> StoreBackup { try database.backup(to: path, now: now) }

    /// Restores the backup at `path` and replays the ledger journal over it (``StoreDatabase/restore(from:)``).
    public func restore(from path: String) throws -> StoreRestore { try database.restore(from: path) }

    public func auditSnapshot() throws -> AuditSnapshot {
        try database.read { db in
            let entries = try AuditLog.entries(db)
            let certificates = try Row.fetchAll(
                db, sql: "SELECT certificate_serial, server_id, revoked_at IS NOT NULL AS revoked FROM server_certificates"
            ).map { row in
                AuditConsistency.ServerCertificate(
                    serial: try row.value("certificate_serial"), serverID: try row.value("server_id"), revoked: try row.value("revoked")
                )
            }
            let packs = try String.fetchAll(db, sql: "SELECT pack_id FROM sold_packs")
            let transfers = try String.fetchAll(db, sql: "SELECT grant_id FROM transfers")
            let reissues = try String.fetchAll(db, sql: "SELECT pack_id FROM pack_reissues")
            return AuditSnapshot(
                entries: entries,
                findings: AuditConsistency.clearinghouse(entries, certificates: certificates, packs: packs, transfers: transfers, reissues: reissues)
            )
        }
    }
}
