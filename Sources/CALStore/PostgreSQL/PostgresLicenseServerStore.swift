import CALCore
import CALLicensing
import Foundation

/// The license server's store in a PostgreSQL database shared by every node of one license
/// server: what SQLite is for one process, for several.
///
/// **Locking.** Every change appends to the audit chain, whose head is one row locked until
/// the change commits (``PostgresAuditLog``), so changes commit one at a time per license
/// server, whichever node makes them. Issuing — the one change many clients make at once —
/// takes that lock last: its seat is locked with `FOR UPDATE SKIP LOCKED` (concurrent issuers
/// take different seats without waiting), a strict per-user count locks its product's packs,
/// the issuer's row is read `FOR SHARE`, and the certificate is signed before the chain is
/// locked, so nodes sign in parallel. Every other change (revoking, transferring, reissuing,
/// numbering a CRL, installing, settings, hosts, issuers) locks the head first, so it sees
/// every change before it and the revocation log is numbered in commit order.
public final class PostgresLicenseServerStore: LicenseServerStore, PostgresBackedStore {
    public let ledger: PostgresLedger

    /// The schema a license server's tables live in unless the URL names one.
    public static let defaultSchema = "license_server"

    /// Connects to (creating, or bringing up to date) the ledger at `location`.
    public init(location: PostgresLocation) throws {
        ledger = try PostgresLedger(location: location, defaultSchema: Self.defaultSchema, migrations: Self.migrations)
    }

    /// Runs a change that must see every change before it (``PostgresLedger/change(_:)``).
    func change<T>(_ body: (PostgresTransaction) throws -> T) throws -> T { try ledger.change(body) }

    public func setting(_ name: String) throws -> String? {
        try ledger.query { try $0.value(String.self, "SELECT value FROM settings WHERE name = $1", .text(name)) }
    }

    public func setSetting(_ name: String, _ value: String, now: Date) throws {
        try change { transaction in
            try transaction.set(setting: name, to: value)
            try PostgresAuditLog.append(transaction, at: now, event: "setting-changed", subject: name, detail: "set to \(value)")
        }
    }

    public func initializeSetting(_ name: String, _ value: String) throws -> String {
        try ledger.write { transaction in
            try transaction.execute("INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", .text(name), .text(value))
            return try transaction.value(String.self, "SELECT value FROM settings WHERE name = $1", .text(name)) ?? value
        }
    }

    public func auditLog() throws -> [AuditEntry] { try ledger.read(PostgresAuditLog.entries) }

    public func auditSnapshot() throws -> AuditSnapshot {
        try ledger.read { transaction in
            let entries = try PostgresAuditLog.entries(transaction)
            let licenses = try transaction.rows("SELECT serial, revoked_at IS NOT NULL AS revoked FROM licenses").map { row in
                AuditConsistency.License(serial: try row.value("serial"), revoked: try row.value("revoked"))
            }
            let packs = try transaction.values(String.self, "SELECT pack_id FROM packs")
            let holders = try transaction.values(String.self, "SELECT holder_serial FROM seats WHERE holder_serial IS NOT NULL")
            return AuditSnapshot(
                entries: entries, findings: AuditConsistency.licenseServer(entries, licenses: licenses, packs: packs, seatHolders: holders)
            )
        }
    }

}
