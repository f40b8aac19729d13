import CALCore
import CALLicensing
import Foundation
import GRDB

/// The license server's store in an embedded SQLite database (the default).
public final class SQLiteLicenseServerStore: LicenseServerStore {
    package let database: StoreDatabase

    /// Opens (creating if needed) the store at `path`.
    public init(path: String) throws {
        database = try StoreDatabase(
            path: path,
            journaled: true,
            migrations: [
                ("license-server-v1", Self.createSchema), ("license-server-v2-revocation", Self.addRevocation),
                ("license-server-v3-transfers", Self.addTransfers),
                ("license-server-v4-renewal", Self.addRenewal),
                ("license-server-v5-settings", Self.addSettings),
                ("license-server-v6-audit", AuditLog.createTable),
                ("license-server-v7-issuers", Self.addIssuers),
                ("license-server-v8-audit-time", AuditLog.indexTime),
                ("license-server-v9-hosts", Self.addHosts),
                ("license-server-v10-revoked-by-issuer", Self.indexRevokedByIssuer),
                ("license-server-v11-revocation-log", Self.addRevocationLog),
            ]
        )
    }

    /// How this store's writes have committed since it was opened (batches of concurrent writers).
    public var commitStatistics: CommitStatistics { database.commitStatistics }

    public func setting(_ name: String) throws -> String? { try database.setting(name) }

    public func setSetting(_ name: String, _ value: String, now: Date) throws {
        try database.write { db in
            try StoreDatabase.set(setting: name, to: value, in: db)
            try AuditLog.append(db, at: now, event: "setting-changed", subject: name, detail: "set to \(value)")
        }
    }

    public func initializeSetting(_ name: String, _ value: String) throws -> String {
        try database.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO settings (name, value) VALUES (?, ?)", arguments: [name, value])
            return try String.fetchOne(db, sql: "SELECT value FROM settings WHERE name = ?", arguments: [name]) ?? value
        }
    }

    public func auditLog() throws -> [AuditEntry] { try database.read(AuditLog.entries) }

    public func auditSnapshot() throws -> AuditSnapshot {
        try database.read { db in
            let entries = try AuditLog.entries(db)
            let licenses = try Row.fetchAll(db, sql: "SELECT serial, revoked_at IS NOT NULL AS revoked FROM licenses").map { row in
                AuditConsistency.License(serial: try row.value("serial"), revoked: try row.value("revoked"))
            }
            let packs = try String.fetchAll(db, sql: "SELECT pack_id FROM packs")
            let holders = try String.fetchAll(db, sql: "SELECT holder_serial FROM seats WHERE holder_serial IS NOT NULL")
            return AuditSnapshot(
                entries: entries, findings: AuditConsistency.licenseServer(entries, licenses: licenses, packs: packs, seatHolders: holders)
            )
        }
    }
}
