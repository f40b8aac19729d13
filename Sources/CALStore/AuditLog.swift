import CALCore
import CALLicensing
import Foundation
import GRDB

/// The append-only, hash-chained audit log every SQLite store keeps in its `audit_log` table.
///
/// Entries are appended inside the transaction of the change they record, so a change and its
/// entry commit or roll back together.
enum AuditLog {
    /// Creates the table (a migration).
    @Sendable static func createTable(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE audit_log (
                    sequence INTEGER PRIMARY KEY NOT NULL,
                    at DOUBLE NOT NULL,
                    event TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    previous_hash TEXT NOT NULL,
                    hash TEXT NOT NULL
                )
                """
        )
    }

    /// Indexes the entries by time, for the home's high-water mark (a migration).
    @Sendable static func indexTime(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX audit_log_at ON audit_log (at)")
    }

    /// The latest time of any recorded change: the home's high-water mark.
    static func latestTime(_ db: Database) throws -> Date? {
        try Double.fetchOne(try db.cachedStatement(sql: "SELECT MAX(at) FROM audit_log")).map(Date.init(timeIntervalSince1970:))
    }

    /// Appends an entry inside the caller's transaction. Every state change of a ledger is
    /// recorded here, so this is where a change dated before the home's latest one is refused
    /// (``ForwardClock``), rolling the whole change back.
    static func append(_ db: Database, at: Date, event: String, subject: String, detail: String = "") throws {
        try ForwardClock.check(at, after: try latestTime(db))
        let last = try Row.fetchOne(try db.cachedStatement(sql: "SELECT sequence, hash FROM audit_log ORDER BY sequence DESC LIMIT 1"))
        let sequence: Int64 = (try last?.value("sequence") as Int64? ?? 0) + 1
        let previous: String = try last?.value("hash") ?? AuditEntry.genesisHash
        // Whole milliseconds, so the stored time hashes the same when read back.
        let time = (at.timeIntervalSince1970 * 1000).rounded() / 1000
        let when = Date(timeIntervalSince1970: time)
        let hash = AuditEntry.hash(sequence: sequence, at: when, event: event, subject: subject, detail: detail, previousHash: previous)
        try db.cachedStatement(
            sql: "INSERT INTO audit_log (sequence, at, event, subject, detail, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [sequence, time, event, subject, detail, previous, hash])
    }

    /// Every entry, in order.
    static func entries(_ db: Database) throws -> [AuditEntry] {
        try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY sequence").map { row in
            AuditEntry(
                sequence: try row.value("sequence"),
                at: Date(timeIntervalSince1970: try row.value("at")),
                event: try row.value("event"),
                subject: try row.value("subject"),
                detail: try row.value("detail"),
                previousHash: try row.value("previous_hash"),
                hash: try row.value("hash")
            )
        }
    }
}
