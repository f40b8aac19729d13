import CALCore
import CALLicensing
import Foundation
import GRDB

/// The license server's store in an embedded SQLite database (the default).
public final class SQLiteLicenseServerStore: LicenseServerStore {
    let database: StoreDatabase

    /// Opens (creating if needed) the store at `path`.
    public init(path: String) throws {
        database = try StoreDatabase(
            path: path,
            migrations: [
                ("license-server-v1", Self.createSchema), ("license-server-v2-revocation", Self.addRevocation),
                ("license-server-v3-transfers", Self.addTransfers),
                ("license-server-v4-renewal", Self.addRenewal),
                ("license-server-v5-settings", Self.addSettings),
                ("license-server-v6-audit", AuditLog.createTable),
                ("license-server-v7-issuers", Self.addIssuers),
                ("license-server-v8-audit-time", AuditLog.indexTime),
            ]
        )
    }

    public func setting(_ name: String) throws -> String? { try database.setting(name) }

    public func setSetting(_ name: String, _ value: String, now: Date) throws {
        try database.write { db in
            try StoreDatabase.set(setting: name, to: value, in: db)
            try AuditLog.append(db, at: now, event: "setting-changed", subject: name, detail: "set to \(value)")
        }
    }

    public func auditLog() throws -> [AuditEntry] { try database.read(AuditLog.entries) }
}
