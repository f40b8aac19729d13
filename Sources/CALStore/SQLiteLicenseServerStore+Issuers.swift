import CALCore
import CALLicensing
import Foundation
import GRDB

/// Issuers: the server keys that sign licenses, one active at a time.
extension SQLiteLicenseServerStore {
    public func issuers() throws -> [IssuerRecord] {
        try database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT i.*, COUNT(l.serial) AS issued, MAX(l.not_after) AS last_expiry
                    FROM issuers i LEFT JOIN licenses l ON l.issuer_key_id = i.key_id
                    GROUP BY i.key_id ORDER BY i.activated_at, i.rowid
                    """
            ).map(Self.issuer(row:))
        }
    }

    public func issuer(keyID: String) throws -> IssuerRecord? {
        try database.read { db in
            try Row.fetchOne(
                try db.cachedStatement(sql: "SELECT *, 0 AS issued, NULL AS last_expiry FROM issuers WHERE key_id = ?"),
                arguments: [keyID]
            ).map(Self.issuer(row:))
        }
    }

    static func issuer(row: Row) throws -> IssuerRecord {
        let statusText: String = try row.value("status")
        guard let status = IssuerRecord.Status(rawValue: statusText) else {
            throw CALError.storage("column status holds \(statusText), which is not an issuer status")
        }
        return IssuerRecord(
            keyID: try row.value("key_id"),
            certificateSerial: try row.value("certificate_serial"),
            certificate: Array(try row.value("certificate") as Data),
            keyFile: try row.value("key_file"),
            chainFile: try row.value("chain_file"),
            status: status,
            activatedAt: Date(timeIntervalSince1970: try row.value("activated_at")),
            retiredAt: (try row.value("retired_at") as Double?).map(Date.init(timeIntervalSince1970:)),
            licensesIssued: try row.value("issued"),
            lastLicenseExpires: (try row.value("last_expiry") as Double?).map(Date.init(timeIntervalSince1970:))
        )
    }

    public func activateIssuer(_ issuer: IssuerRecord, previousMovedTo previousFiles: RetiredFiles?, now: Date) throws {
        try database.write { db in
            let first = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM issuers") == 0
            let previous = try String.fetchOne(
                db, sql: "SELECT key_id FROM issuers WHERE key_file = ? AND key_id != ?", arguments: [issuer.keyFile, issuer.keyID]
            )
            if let previous {
                try db.execute(
                    sql: """
                        UPDATE issuers SET status = CASE status WHEN 'active' THEN 'retired' ELSE status END,
                            retired_at = COALESCE(retired_at, ?), key_file = ?, chain_file = ?
                        WHERE key_id = ?
                        """,
                    arguments: [now.timeIntervalSince1970, previousFiles?.keyFile ?? "", previousFiles?.chainFile ?? "", previous]
                )
            }
            try db.execute(
                sql: """
                    INSERT INTO issuers (key_id, certificate_serial, certificate, key_file, chain_file, status, activated_at)
                    VALUES (?, ?, ?, ?, ?, 'active', ?)
                    ON CONFLICT(key_id) DO UPDATE SET certificate_serial = excluded.certificate_serial,
                        certificate = excluded.certificate, key_file = excluded.key_file, chain_file = excluded.chain_file
                    """,
                arguments: [
                    issuer.keyID, issuer.certificateSerial, Data(issuer.certificate), issuer.keyFile, issuer.chainFile,
                    now.timeIntervalSince1970,
                ]
            )
            if first {
                try db.execute(sql: "UPDATE licenses SET issuer_key_id = ? WHERE issuer_key_id IS NULL", arguments: [issuer.keyID])
            }
            let event = previous == nil ? "certificate-installed" : "key-rotated"
            let detail = "certificate \(issuer.certificateSerial)" + (previous.map { ", replacing key \($0)" } ?? "")
            try AuditLog.append(db, at: now, event: event, subject: issuer.keyID, detail: detail)
        }
    }

    public func requestRotation(newKeyID: String, compromisedKeyID: String?, now: Date) throws {
        try database.write { db in
            if let compromisedKeyID {
                try db.execute(
                    sql: "UPDATE issuers SET status = 'compromised', retired_at = COALESCE(retired_at, ?) WHERE key_id = ?",
                    arguments: [now.timeIntervalSince1970, compromisedKeyID]
                )
                try AuditLog.append(db, at: now, event: "key-compromised", subject: compromisedKeyID, detail: "signs nothing from now on")
            }
            try AuditLog.append(db, at: now, event: "key-rotation-requested", subject: newKeyID, detail: compromisedKeyID == nil ? "" : "compromise recovery")
        }
    }
}
