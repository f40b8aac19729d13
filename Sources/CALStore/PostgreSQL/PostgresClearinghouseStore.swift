import CALCore
import Foundation
import PostgresNIO

/// The clearinghouse's store in PostgreSQL: activations, roots, sales, codes and transfers,
/// with the SQLite store's schema and rules. Every change locks the audit chain's head first
/// (``PostgresLedger/change(_:)``), so changes commit one at a time whichever process makes them.
public final class PostgresClearinghouseStore: ClearinghouseStore, PostgresBackedStore {
    public let ledger: PostgresLedger

    /// The schema a clearinghouse's tables live in unless the URL names one.
    public static let defaultSchema = "clearinghouse"

    /// Connects to (creating, or bringing up to date) the store at `location`.
    public init(location: PostgresLocation) throws {
        ledger = try PostgresLedger(location: location, defaultSchema: Self.defaultSchema, migrations: Self.migrations, poolSize: 4)
    }

    public func revocationStamp() throws -> String {
        try ledger.read { transaction in
            guard
                let row = try transaction.row(
                    """
                    SELECT (SELECT COUNT(*) FROM server_certificates WHERE revoked_at IS NOT NULL) AS revoked,
                           (SELECT MAX(revoked_at) FROM server_certificates) AS latest, (SELECT COUNT(*) FROM roots) AS roots
                    """
                )
            else { throw CALError.storage("the revocation stamp did not read") }
            return "\(try row.value("revoked", as: Int.self))/\(try row.optional("latest", as: Double.self) ?? 0)/\(try row.value("roots", as: Int.self))"
        }
    }

    public func roots() throws -> [RootRecord] {
        try ledger.read { transaction in
            try transaction.rows(
                """
                SELECT r.*, COUNT(c.certificate_serial) AS issued, MAX(c.not_after) AS last_expiry
                FROM roots r LEFT JOIN server_certificates c ON c.root_key_id = r.key_id
                GROUP BY r.key_id ORDER BY r.activated_at, r.id
                """
            ).map { row in
                RootRecord(
                    keyID: try row.value("key_id"), certificate: try row.bytes("certificate"), filePrefix: try row.value("file_prefix"),
                    status: try row.enumeration("status") ?? .retired, activatedAt: try row.time("activated_at"), retiredAt: try row.optionalTime("retired_at"),
                    serverCertificates: try row.value("issued"), lastServerCertificateExpires: try row.optionalTime("last_expiry")
                )
            }
        }
    }

    public func activateRoot(_ root: RootRecord, previousPrefix: String?, now: Date) throws {
        try ledger.change { transaction in
            let first = try transaction.value(Int.self, "SELECT COUNT(*) FROM roots") == 0
            let previous = try transaction.value(String.self, "SELECT key_id FROM roots WHERE status = 'active' AND key_id != $1", .text(root.keyID))
            if let previous {
                try transaction.execute(
                    "UPDATE roots SET status = 'retired', retired_at = $1, file_prefix = $2 WHERE key_id = $3", .time(now), .text(previousPrefix ?? ""),
                    .text(previous)
                )
            }
            try transaction.execute(
                "INSERT INTO roots (key_id, certificate, file_prefix, status, activated_at) VALUES ($1, $2, $3, 'active', $4) ON CONFLICT (key_id) DO NOTHING",
                .text(root.keyID), .bytes(root.certificate), .text(root.filePrefix), .time(now)
            )
            if first { try transaction.execute("UPDATE server_certificates SET root_key_id = $1 WHERE root_key_id IS NULL", .text(root.keyID)) }
            try PostgresAuditLog.append(
                transaction, at: now, event: previous == nil ? "root-registered" : "root-rotated", subject: root.keyID,
                detail: previous.map { "replacing root \($0)" } ?? ""
            )
        }
    }

    public func activate(
        serverID: String,
        at now: Date,
        revokingPrevious reason: Int?,
        redeeming codeHash: String?,
        mint: (_ current: ActivationRecord?) throws -> ActivationRecord
    ) throws -> ActivationRecord {
        try ledger.change { transaction in
            if let codeHash { try Self.redeemActivationCode(transaction, codeHash: codeHash, serverID: serverID, at: now) }
            let current = try Self.activation(transaction, serverID: serverID)
            let record = try mint(current)
            try transaction.execute(
                """
                INSERT INTO server_certificates (certificate_serial, server_id, name, activated_at, not_after, certificate, root_key_id)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """,
                .text(record.certificateSerial), .text(record.serverID), .text(record.name), .time(record.activatedAt), .time(record.notAfter),
                .bytes(record.certificate), .text(record.rootKeyID)
            )
            try transaction.execute(
                """
                INSERT INTO activations (server_id, certificate_serial) VALUES ($1, $2)
                ON CONFLICT (server_id) DO UPDATE SET certificate_serial = excluded.certificate_serial
                """,
                .text(record.serverID), .text(record.certificateSerial)
            )
            let detail = "\(record.name), certificate \(record.certificateSerial) until \(AuditEntry.timestamp(record.notAfter))"
            if let current {
                try PostgresAuditLog.append(
                    transaction, at: now, event: "server-reactivated", subject: record.serverID, detail: detail + ", replacing \(current.certificateSerial)"
                )
                if let reason { _ = try Self.revoke(transaction, certificateSerial: current.certificateSerial, reason: reason, at: now, now: now) }
            } else {
                try PostgresAuditLog.append(transaction, at: now, event: "server-activated", subject: record.serverID, detail: detail)
            }
            return record
        }
    }

    public func serverCertificates() throws -> [ActivationRecord] {
        try ledger.read { try $0.rows("SELECT * FROM server_certificates ORDER BY activated_at, id").map(Self.activation(row:)) }
    }

    public func activation(serverID: String) throws -> ActivationRecord? {
        try ledger.read { try Self.activation($0, serverID: serverID) }
    }

    public func activations() throws -> [ActivationRecord] {
        try ledger.read { transaction in
            try transaction.rows(
                "SELECT c.* FROM activations a JOIN server_certificates c ON c.certificate_serial = a.certificate_serial ORDER BY a.id"
            ).map(Self.activation(row:))
        }
    }

    private static func activation(_ transaction: PostgresTransaction, serverID: String) throws -> ActivationRecord? {
        try transaction.row(
            "SELECT c.* FROM activations a JOIN server_certificates c ON c.certificate_serial = a.certificate_serial WHERE a.server_id = $1",
            .text(serverID)
        ).map(activation(row:))
    }

    private static func activation(row: PostgresRandomAccessRow) throws -> ActivationRecord {
        ActivationRecord(
            serverID: try row.value("server_id"), name: try row.value("name"), certificateSerial: try row.value("certificate_serial"),
            activatedAt: try row.time("activated_at"), notAfter: try row.time("not_after"), certificate: try row.bytes("certificate"),
            revokedAt: try row.optionalTime("revoked_at"), revocationReason: try row.optional("revocation_reason"), rootKeyID: try row.optional("root_key_id")
        )
    }

    public func revokeServer(certificateSerial: String, reason: Int, at revokedAt: Date, now: Date) throws -> ActivationRecord {
        try ledger.change { try Self.revoke($0, certificateSerial: certificateSerial, reason: reason, at: revokedAt, now: now) }
    }

    /// Revokes a server certificate inside the caller's transaction, as of `revokedAt`, recorded at `now`.
    private static func revoke(_ transaction: PostgresTransaction, certificateSerial: String, reason: Int, at revokedAt: Date, now: Date) throws -> ActivationRecord {
        guard let row = try transaction.row("SELECT * FROM server_certificates WHERE certificate_serial = $1 FOR UPDATE", .text(certificateSerial)) else {
            throw CALError.unknownSerial(certificateSerial)
        }
        var record = try activation(row: row)
        guard record.revokedAt == nil else { throw CALError.alreadyRevoked(certificateSerial) }
        try transaction.execute(
            "UPDATE server_certificates SET revoked_at = $1, revocation_reason = $2 WHERE certificate_serial = $3", .time(revokedAt), .integer(reason),
            .text(certificateSerial)
        )
        record.revokedAt = revokedAt
        record.revocationReason = reason
        try PostgresAuditLog.append(transaction, at: now, event: "server-revoked", subject: certificateSerial, detail: "\(record.serverID), reason \(reason)")
        return record
    }

    public func publishRevocations<Result>(rootKeyID: String, now: Date, sign: (RevokedRows) throws -> Result) throws -> Result {
        try ledger.change { transaction in
            let number = try transaction.next(counter: "crl-number")
            let entries = try transaction.rows(
                """
                SELECT certificate_serial AS serial, revoked_at, revocation_reason FROM server_certificates
                WHERE revoked_at IS NOT NULL AND not_after > $1 AND root_key_id = $2 ORDER BY revoked_at, certificate_serial
                """,
                .time(now), .text(rootKeyID)
            ).map { row in
                RevocationEntry(serial: try row.value("serial"), revokedAt: try row.time("revoked_at"), reason: try row.enumeration("revocation_reason") ?? .unspecified)
            }
            return try sign(RevokedRows(number: number, deltaBase: nil, entries: entries))
        }
    }
}
