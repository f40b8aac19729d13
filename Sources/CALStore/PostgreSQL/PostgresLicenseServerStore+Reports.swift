import CALCore
import CALLicensing
import Foundation

/// Usage reports per product and license type, each key's figures in one query.
extension PostgresLicenseServerStore {
    public func report(from: Date?, to: Date?, now: Date) throws -> [ProductReport] {
        try ledger.read { transaction in
            let start = SQLValue.real(from?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude)
            let end = SQLValue.real(to?.timeIntervalSince1970 ?? Double.greatestFiniteMagnitude)
            return try transaction.rows(
                """
                WITH keys AS (SELECT product, license_type FROM packs UNION SELECT product, license_type FROM licenses)
                SELECT k.product, k.license_type,
                    (SELECT COALESCE(SUM(count), 0) FROM packs p WHERE p.product = k.product AND p.license_type = k.license_type) AS purchased,
                    (SELECT COUNT(*) FROM licenses l WHERE l.product = k.product AND l.license_type = k.license_type AND l.status = 'permanent'
                       AND l.not_before >= $1 AND l.not_before < $2) AS issued,
                    (SELECT COUNT(*) FROM licenses l WHERE l.product = k.product AND l.license_type = k.license_type AND l.status = 'permanent'
                       AND l.not_before <= $3 AND l.not_after > $3 AND l.revoked_at IS NULL AND l.superseded_by IS NULL) AS active,
                    (SELECT COUNT(*) FROM licenses l WHERE l.product = k.product AND l.license_type = k.license_type AND l.status = 'temporary'
                       AND l.not_before <= $3 AND l.not_after > $3 AND l.revoked_at IS NULL AND l.superseded_by IS NULL) AS temporary,
                    (SELECT COUNT(*) FROM seats s JOIN packs p USING (pack_id)
                     WHERE p.product = k.product AND p.license_type = k.license_type AND s.not_after > $3) AS held,
                    (SELECT COUNT(*) FROM seat_reclaims r JOIN packs p USING (pack_id)
                     WHERE p.product = k.product AND p.license_type = k.license_type AND r.reclaimed_at >= $1 AND r.reclaimed_at < $2) AS reclaimed,
                    (SELECT COUNT(DISTINCT subject_name) FROM licenses l WHERE l.product = k.product AND l.license_type = 'per-user'
                       AND k.license_type = 'per-user' AND l.not_before >= $1 AND l.not_before < $2) AS users
                FROM keys k ORDER BY k.product, k.license_type
                """,
                start, end, .time(now)
            ).map { row in
                let type: LicenseType = try row.required("license_type")
                let purchased: Int = try row.value("purchased")
                let active: Int = try row.value("active")
                let held: Int = try row.value("held")
                let users: Int = try row.value("users")
                return ProductReport(
                    product: try row.value("product"), licenseType: type, purchased: purchased, permanentIssued: try row.value("issued"),
                    permanentActive: active, temporaryOutstanding: try row.value("temporary"),
                    seatsFree: max(0, purchased - (type == .perDevice ? held : active)), seatsReclaimed: try row.value("reclaimed"),
                    distinctUsers: users, overUse: type == .perUser && users > purchased
                )
            }
        }
    }
}
