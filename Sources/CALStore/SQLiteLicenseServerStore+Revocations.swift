import CALCore
import CALLicensing
import Foundation
import GRDB

/// Revocations: the quota-checked revoke, CRL numbers and entries, OCSP reads.
extension SQLiteLicenseServerStore {
    public func revoke(_ request: RevocationRequest, now: Date) throws -> IssuedLicense {
        try database.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM licenses WHERE serial = ?", arguments: [request.serial]) else {
                throw CALError.unknownSerial(request.serial)
            }
            let license = try Self.license(row: row)
            guard (try row.value("revoked_at") as Double?) == nil else { throw CALError.alreadyRevoked(request.serial) }
            if !request.forTransfer && license.licenseType == .perDevice && license.status == .permanent {
                let installed =
                    try Int.fetchOne(
                        db,
                        sql: """
                            SELECT COALESCE(SUM(count), 0) FROM packs
                            WHERE license_type = 'per-device' AND product = ? AND product_version = ?
                            """,
                        arguments: [license.product, license.productVersion]
                    ) ?? 0
                let quota = RevocationQuota(installed: installed)
                let used =
                    try Int.fetchOne(
                        db,
                        sql: """
                            SELECT COUNT(*) FROM licenses
                            WHERE revoked_at IS NOT NULL AND revoked_for_transfer = 0 AND license_type = 'per-device'
                              AND status = 'permanent' AND product = ? AND product_version = ? AND not_after > ?
                            """,
                        arguments: [license.product, license.productVersion, now.timeIntervalSince1970]
                    ) ?? 0
                guard quota.allowsAnother(outstanding: used) else {
                    throw CALError.revocationQuotaExceeded(
                        product: license.product, productVersion: license.productVersion, limit: quota.limit
                    )
                }
            }
            try db.execute(
                sql: "UPDATE licenses SET revoked_at = ?, revocation_reason = ?, revoked_for_transfer = ? WHERE serial = ?",
                arguments: [request.revokedAt.timeIntervalSince1970, request.reason, request.forTransfer, request.serial]
            )
            if let pack = license.packID, let seat = license.seat {
                try db.execute(
                    sql: "UPDATE seats SET not_after = 0, holder_serial = NULL WHERE pack_id = ? AND seat = ? AND holder_serial = ?",
                    arguments: [pack, seat, request.serial]
                )
            }
            try AuditLog.append(
                db, at: now, event: "license-revoked", subject: request.serial,
                detail: AuditText.revocation(request)
            )
            return license
        }
    }

    public func revocationQuotas(now: Date) throws -> [RevocationQuotaUsage] {
        try database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT p.product, p.product_version, SUM(p.count) AS installed,
                        (SELECT COUNT(*) FROM licenses l
                         WHERE l.revoked_at IS NOT NULL AND l.revoked_for_transfer = 0 AND l.license_type = 'per-device'
                           AND l.status = 'permanent' AND l.product = p.product AND l.product_version = p.product_version AND l.not_after > ?) AS outstanding
                    FROM packs p WHERE p.license_type = 'per-device'
                    GROUP BY p.product, p.product_version ORDER BY p.product, p.product_version
                    """,
                arguments: [now.timeIntervalSince1970]
            ).map { row in
                RevocationQuotaUsage(
                    product: try row.value("product"), productVersion: try row.value("product_version"), installed: try row.value("installed"),
                    outstanding: try row.value("outstanding")
                )
            }
        }
    }

    public func publishRevocations<Result>(
        issuerKeyID: String,
        now: Date,
        delta: Bool,
        sign: (RevokedRows) throws -> Result
    ) throws -> Result {
        let baseSetting = "crl-base-" + issuerKeyID
        guard delta else {
            // A complete CRL records its number and how far the revocation log had come: the base
            // of the delta CRLs that follow.
            return try database.publishRevocations(
                table: "licenses", serialColumn: "serial", scope: ("issuer_key_id", issuerKeyID), now: now,
                numbered: { db, number in
                    let covered = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(sequence), 0) FROM revocation_log") ?? 0
                    try StoreDatabase.set(setting: baseSetting, to: "\(number) \(covered)", in: db)
                },
                sign: sign
            )
        }
        return try database.write { db in
            let recorded = try String.fetchOne(db, sql: "SELECT value FROM settings WHERE name = ?", arguments: [baseSetting])
            let parts = recorded?.split(separator: " ").compactMap { UInt64($0) } ?? []
            guard parts.count == 2 else { throw CALError.noCompleteCRL(issuerKeyID: issuerKeyID) }
            let number = try StoreDatabase.next(counter: "crl-number", in: db)
            // CROSS JOIN keeps the log outside: the few rows after the base, each looked up by serial.
            let filter = """
                FROM revocation_log CROSS JOIN licenses ON licenses.serial = revocation_log.serial
                WHERE revocation_log.sequence > ? AND licenses.issuer_key_id = ? AND licenses.revoked_at IS NOT NULL AND +licenses.not_after > ?
                """
            return try sign(
                RevokedRows(
                    number: number, deltaBase: parts[0], db: db,
                    select: "SELECT licenses.serial, licenses.revoked_at, licenses.revocation_reason \(filter) ORDER BY licenses.revoked_at, licenses.serial",
                    count: "SELECT COUNT(*) \(filter)", arguments: [Int64(parts[1]), issuerKeyID, now.timeIntervalSince1970]
                )
            )
        }
    }

    // MARK: Issuers

    static func status(of serial: String, in db: Database) throws -> LicenseRecordStatus? {
        try Row.fetchOne(
            try db.cachedStatement(sql: "SELECT serial, revoked_at, revocation_reason FROM licenses WHERE serial = ?"),
            arguments: [serial]
        ).map { row in
            guard (try row.value("revoked_at") as Double?) != nil else { return LicenseRecordStatus(revocation: nil) }
            return LicenseRecordStatus(revocation: try RevocationEntry(row: row))
        }
    }

    public func revocationStamp() throws -> String {
        try database.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS revoked, MAX(revoked_at) AS latest FROM licenses WHERE revoked_at IS NOT NULL")
            let issuers = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM issuers") ?? 0
            return "\(try row?.value("revoked") as Int? ?? 0)/\(try row?.value("latest") as Double? ?? 0)/\(issuers)"
        }
    }

    public func revocationStatus(of serials: [String], issuerKeyID: String) throws -> IssuerRevocationStatus {
        try database.read { db in
            let issuer = try String.fetchOne(try db.cachedStatement(sql: "SELECT status FROM issuers WHERE key_id = ?"), arguments: [issuerKeyID])
            var licenses: [String: LicenseRecordStatus] = [:]
            for serial in serials { licenses[serial] = try Self.status(of: serial, in: db) }
            return IssuerRevocationStatus(issuerStatus: issuer.flatMap(IssuerRecord.Status.init(rawValue:)), licenses: licenses)
        }
    }
}
