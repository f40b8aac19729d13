import CALCore
import Foundation
import GRDB

/// The clearinghouse's audit log, and its agreement with the rows it describes.
extension SQLiteClearinghouseStore {
    public func auditLog() throws -> [AuditEntry] { try database.read(AuditLog.entries) }

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
            let applications = try String.fetchAll(db, sql: "SELECT id FROM transfer_applications")
            let spentCodes = try String.fetchAll(db, sql: "SELECT code_hash FROM pack_codes WHERE used_at IS NOT NULL")
            return AuditSnapshot(
                entries: entries,
                findings: AuditConsistency.clearinghouse(
                    entries, certificates: certificates, packs: packs, transfers: transfers, reissues: reissues, applications: applications,
                    spentCodes: spentCodes
                )
            )
        }
    }
}
