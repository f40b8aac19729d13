import CALCore
import CALLicensing
import Foundation
import PostgresNIO

/// Issuers: the server keys that sign licenses, one active at a time.
extension PostgresLicenseServerStore {
    public func issuers() throws -> [IssuerRecord] {
        try ledger.read { transaction in
            try transaction.rows(
                """
                SELECT i.*, COUNT(l.serial) AS issued, MAX(l.not_after) AS last_expiry
                FROM issuers i LEFT JOIN licenses l ON l.issuer_key_id = i.key_id
                GROUP BY i.key_id ORDER BY i.activated_at, i.id
                """
            ).map(Self.issuer(row:))
        }
    }

    public func issuer(keyID: String) throws -> IssuerRecord? {
        try ledger.query { transaction in
            try transaction.row("SELECT *, 0::bigint AS issued, NULL::double precision AS last_expiry FROM issuers WHERE key_id = $1", .text(keyID))
                .map(Self.issuer(row:))
        }
    }

    static func issuer(row: PostgresRandomAccessRow) throws -> IssuerRecord {
        IssuerRecord(
            keyID: try row.value("key_id"), certificateSerial: try row.value("certificate_serial"), certificate: try row.bytes("certificate"),
            keyFile: try row.value("key_file"), chainFile: try row.value("chain_file"), status: try row.required("status"),
            activatedAt: try row.time("activated_at"), retiredAt: try row.optionalTime("retired_at"), licensesIssued: try row.value("issued"),
            lastLicenseExpires: try row.optionalTime("last_expiry")
        )
    }

    public func activateIssuer(_ issuer: IssuerRecord, previousMovedTo previousFiles: RetiredFiles?, now: Date) throws {
        try change { transaction in
            let first = try transaction.value(Int.self, "SELECT COUNT(*) FROM issuers") == 0
            let previous = try transaction.value(
                String.self, "SELECT key_id FROM issuers WHERE key_file = $1 AND key_id != $2", .text(issuer.keyFile), .text(issuer.keyID)
            )
            if let previous {
                try transaction.execute(
                    """
                    UPDATE issuers SET status = CASE status WHEN 'active' THEN 'retired' ELSE status END,
                        retired_at = COALESCE(retired_at, $1), key_file = $2, chain_file = $3
                    WHERE key_id = $4
                    """,
                    .time(now), .text(previousFiles?.keyFile ?? ""), .text(previousFiles?.chainFile ?? ""), .text(previous)
                )
            }
            try transaction.execute(
                """
                INSERT INTO issuers (key_id, certificate_serial, certificate, key_file, chain_file, status, activated_at)
                VALUES ($1, $2, $3, $4, $5, 'active', $6)
                ON CONFLICT (key_id) DO UPDATE SET certificate_serial = excluded.certificate_serial,
                    certificate = excluded.certificate, key_file = excluded.key_file, chain_file = excluded.chain_file
                """,
                .text(issuer.keyID), .text(issuer.certificateSerial), .bytes(issuer.certificate), .text(issuer.keyFile), .text(issuer.chainFile), .time(now)
            )
            if first {
                try transaction.execute("UPDATE licenses SET issuer_key_id = $1 WHERE issuer_key_id IS NULL", .text(issuer.keyID))
            }
            let event = previous == nil ? "certificate-installed" : "key-rotated"
            let detail = "certificate \(issuer.certificateSerial)" + (previous.map { ", replacing key \($0)" } ?? "")
            try PostgresAuditLog.append(transaction, at: now, event: event, subject: issuer.keyID, detail: detail)
        }
    }

    public func requestRotation(newKeyID: String, compromisedKeyID: String?, now: Date) throws {
        try change { transaction in
            if let compromisedKeyID {
                try transaction.execute(
                    "UPDATE issuers SET status = 'compromised', retired_at = COALESCE(retired_at, $1) WHERE key_id = $2", .time(now), .text(compromisedKeyID)
                )
                try PostgresAuditLog.append(transaction, at: now, event: "key-compromised", subject: compromisedKeyID, detail: "signs nothing from now on")
            }
            try PostgresAuditLog.append(
                transaction, at: now, event: "key-rotation-requested", subject: newKeyID, detail: compromisedKeyID == nil ? "" : "compromise recovery"
            )
        }
    }
}
