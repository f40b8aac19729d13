import CALCore
import CALLicensing
import Foundation

/// The hash-chained audit log of a PostgreSQL ledger, and the lock that keeps it one chain
/// however many nodes write.
///
/// The chain's head (last sequence number, hash and time) is one row. Every change appends its
/// entry inside its own transaction after locking that row, so the entries of concurrent
/// transactions, from any node, are chained in the order they commit, and a change dated
/// before the latest one is refused (``ForwardClock``) against the true latest.
enum PostgresAuditLog {
    /// The tables (part of every PostgreSQL ledger's first migration).
    static let schema = [
        """
        CREATE TABLE audit_log (
            sequence BIGINT PRIMARY KEY,
            at DOUBLE PRECISION NOT NULL,
            event TEXT NOT NULL,
            subject TEXT NOT NULL,
            detail TEXT NOT NULL,
            previous_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )
        """,
        "CREATE INDEX audit_log_at ON audit_log (at)",
        """
        CREATE TABLE audit_head (
            only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row),
            sequence BIGINT NOT NULL,
            hash TEXT NOT NULL,
            at DOUBLE PRECISION
        )
        """,
        "INSERT INTO audit_head (sequence, hash) VALUES (0, '\(AuditEntry.genesisHash)')",
    ]

    /// Locks the chain's head until the transaction ends and returns it. A change that must
    /// see every change before it (a quota, a CRL's base) takes it first; every change takes
    /// it when it appends.
    @discardableResult
    static func lockHead(_ transaction: PostgresTransaction) throws -> (sequence: Int64, hash: String, latest: Date?) {
        guard let row = try transaction.row("SELECT sequence, hash, at FROM audit_head FOR UPDATE") else {
            throw CALError.storage("the audit log has no head row")
        }
        return (try row.value("sequence"), try row.value("hash"), try row.optionalTime("at"))
    }

    /// Appends an entry inside the caller's transaction, in one statement: the head is locked,
    /// the entry chained to it and inserted, and the head moved on. A change dated before the
    /// ledger's latest one is refused afterwards, which rolls the whole change back. The hash
    /// is PostgreSQL's SHA-256 over the same text ``AuditEntry/hash(sequence:at:event:subject:detail:previousHash:)``
    /// hashes, so that verifying the chain in Swift finds the same.
    static func append(_ transaction: PostgresTransaction, at: Date, event: String, subject: String, detail: String = "") throws {
        // Whole milliseconds, so the stored time hashes the same when read back.
        let milliseconds = Int((at.timeIntervalSince1970 * 1000).rounded())
        guard
            let row = try transaction.row(
                """
                WITH head AS (SELECT sequence, hash, at FROM audit_head FOR UPDATE),
                entry AS (
                    SELECT sequence + 1 AS sequence, hash AS previous_hash,
                        encode(sha256(convert_to(concat_ws(chr(31), (sequence + 1)::text, $2::text, $3::text, $4::text, $5::text, hash), 'UTF8')), 'hex') AS hash
                    FROM head
                ),
                appended AS (
                    INSERT INTO audit_log (sequence, at, event, subject, detail, previous_hash, hash)
                    SELECT sequence, $1, $3, $4, $5, previous_hash, hash FROM entry
                ),
                moved AS (
                    UPDATE audit_head SET sequence = entry.sequence, hash = entry.hash, at = GREATEST(COALESCE(audit_head.at, $1), $1) FROM entry
                )
                SELECT head.at AS latest FROM head
                """,
                .real(Double(milliseconds) / 1000), .integer(milliseconds), .text(event), .text(subject), .text(detail)
            )
        else { throw CALError.storage("the audit log has no head row") }
        try ForwardClock.check(at, after: try row.optionalTime("latest"))
    }

    /// Every entry, in order.
    static func entries(_ transaction: PostgresTransaction) throws -> [AuditEntry] {
        try transaction.rows("SELECT * FROM audit_log ORDER BY sequence").map { row in
            AuditEntry(
                sequence: try row.value("sequence"), at: try row.time("at"), event: try row.value("event"), subject: try row.value("subject"),
                detail: try row.value("detail"), previousHash: try row.value("previous_hash"), hash: try row.value("hash")
            )
        }
    }
}
