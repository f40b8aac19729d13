import CALCore
import CALLicensing
import Foundation

/// Revocations: the quota-checked revoke, CRL numbers and entries, OCSP reads. Each change
/// holds the audit chain's head from its start, so quotas count every revocation before them
/// and CRL bases see every revocation committed.
extension PostgresLicenseServerStore {
    public func revoke(_ request: RevocationRequest, now: Date) throws -> IssuedLicense {
        try change { transaction in
            let license = try Self.lockedLicense(transaction, serial: request.serial)
            guard license.revokedAt == nil else { throw CALError.alreadyRevoked(request.serial) }
            if !request.forTransfer && license.licenseType == .perDevice && license.status == .permanent {
                let installed = try transaction.value(
                    Int.self,
                    "SELECT COALESCE(SUM(count), 0) FROM packs WHERE license_type = 'per-device' AND product = $1 AND product_version = $2",
                    .text(license.product), .text(license.productVersion)
                ) ?? 0
                let quota = RevocationQuota(installed: installed)
                let used = try transaction.value(
                    Int.self,
                    """
                    SELECT COUNT(*) FROM licenses
                    WHERE revoked_at IS NOT NULL AND NOT revoked_for_transfer AND license_type = 'per-device'
                      AND status = 'permanent' AND product = $1 AND product_version = $2 AND not_after > $3
                    """,
                    .text(license.product), .text(license.productVersion), .time(now)
                ) ?? 0
                guard quota.allowsAnother(outstanding: used) else {
                    throw CALError.revocationQuotaExceeded(product: license.product, productVersion: license.productVersion, limit: quota.limit)
                }
            }
            try transaction.execute(
                "UPDATE licenses SET revoked_at = $1, revocation_reason = $2, revoked_for_transfer = $3 WHERE serial = $4",
                .time(request.revokedAt), .integer(request.reason.rawValue), .boolean(request.forTransfer), .text(request.serial)
            )
            if let pack = license.packID, let seat = license.seat {
                try transaction.execute(
                    "UPDATE seats SET not_after = 0, holder_serial = NULL WHERE pack_id = $1 AND seat = $2 AND holder_serial = $3",
                    .text(pack), .integer(seat), .text(request.serial)
                )
            }
            try PostgresAuditLog.append(transaction, at: now, event: "license-revoked", subject: request.serial, detail: AuditText.revocation(request))
            return license
        }
    }

    public func revocationQuotas(now: Date) throws -> [RevocationQuotaUsage] {
        try ledger.read { transaction in
            try transaction.rows(
                """
                SELECT p.product, p.product_version, SUM(p.count) AS installed,
                    (SELECT COUNT(*) FROM licenses l
                     WHERE l.revoked_at IS NOT NULL AND NOT l.revoked_for_transfer AND l.license_type = 'per-device'
                       AND l.status = 'permanent' AND l.product = p.product AND l.product_version = p.product_version AND l.not_after > $1) AS outstanding
                FROM packs p WHERE p.license_type = 'per-device'
                GROUP BY p.product, p.product_version ORDER BY p.product, p.product_version
                """,
                .time(now)
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
        return try change { transaction in
            var deltaBase: UInt64?
            var covered: Int64 = 0
            if delta {
                let recorded = try transaction.value(String.self, "SELECT value FROM settings WHERE name = $1", .text(baseSetting))
                let parts = recorded?.split(separator: " ").compactMap { UInt64($0) } ?? []
                guard parts.count == 2 else { throw CALError.noCompleteCRL(issuerKeyID: issuerKeyID) }
                deltaBase = parts[0]
                covered = Int64(parts[1])
            }
            let number = try transaction.next(counter: "crl-number")
            if !delta {
                // A complete CRL records its number and how far the revocation log had come:
                // the base of the delta CRLs that follow.
                let logged = try transaction.value(Int.self, "SELECT COALESCE(MAX(sequence), 0) FROM revocation_log") ?? 0
                try transaction.set(setting: baseSetting, to: "\(number) \(logged)")
            }
            let rows =
                delta
                ? try transaction.rows(
                    """
                    SELECT l.serial, l.revoked_at, l.revocation_reason FROM revocation_log r JOIN licenses l ON l.serial = r.serial
                    WHERE r.sequence > $1 AND l.issuer_key_id = $2 AND l.revoked_at IS NOT NULL AND l.not_after > $3
                    ORDER BY l.revoked_at, l.serial
                    """,
                    .integer(Int(covered)), .text(issuerKeyID), .time(now)
                )
                : try transaction.rows(
                    """
                    SELECT serial, revoked_at, revocation_reason FROM licenses
                    WHERE issuer_key_id = $1 AND revoked_at IS NOT NULL AND not_after > $2 ORDER BY revoked_at, serial
                    """,
                    .text(issuerKeyID), .time(now)
                )
            let entries = try rows.map { row in
                RevocationEntry(
                    serial: try row.value("serial"), revokedAt: try row.time("revoked_at"), reason: try row.enumeration("revocation_reason") ?? .unspecified
                )
            }
            return try sign(RevokedRows(number: number, deltaBase: deltaBase, entries: entries))
        }
    }

    public func revocationStamp() throws -> String {
        try ledger.query { transaction in
            guard
                let row = try transaction.row(
                    """
                    SELECT (SELECT COUNT(*) FROM licenses WHERE revoked_at IS NOT NULL) AS revoked,
                           (SELECT MAX(revoked_at) FROM licenses WHERE revoked_at IS NOT NULL) AS latest,
                           (SELECT COUNT(*) FROM issuers) AS issuers
                    """
                )
            else { throw CALError.storage("the revocation stamp did not read") }
            return "\(try row.value("revoked", as: Int.self))/\(try row.optional("latest", as: Double.self) ?? 0)/\(try row.value("issuers", as: Int.self))"
        }
    }

    public func revocationStatus(of serials: [String], issuerKeyID: String) throws -> IssuerRevocationStatus {
        // One statement, one snapshot: the issuer's state beside every serial asked about.
        try ledger.query { transaction in
            let rows = try transaction.rows(
                """
                SELECT i.status AS issuer_status, l.serial, l.revoked_at, l.revocation_reason
                FROM (SELECT 1) AS one
                LEFT JOIN issuers i ON i.key_id = $1
                LEFT JOIN licenses l ON l.serial = ANY(string_to_array($2, ','))
                """,
                .text(issuerKeyID), .text(serials.joined(separator: ","))
            )
            var licenses: [String: LicenseRecordStatus] = [:]
            for row in rows {
                guard let serial = try row.optional("serial", as: String.self) else { continue }
                licenses[serial] = LicenseRecordStatus(
                    revocation: try row.optionalTime("revoked_at").map { revokedAt in
                        RevocationEntry(serial: serial, revokedAt: revokedAt, reason: try row.enumeration("revocation_reason") ?? .unspecified)
                    }
                )
            }
            let issuer = try rows.first?.optional("issuer_status", as: String.self)
            return IssuerRevocationStatus(issuerStatus: issuer.flatMap(IssuerRecord.Status.init(rawValue:)), licenses: licenses)
        }
    }
}
