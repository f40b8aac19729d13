import CALCore
import CALLicensing
import Foundation
import GRDB

/// Usage reports per product and license type.
extension SQLiteLicenseServerStore {
    public func report(from: Date?, to: Date?, now: Date) throws -> [ProductReport] {
        try database.read { db in
            let start = from?.timeIntervalSince1970 ?? -Double.greatestFiniteMagnitude
            let end = to?.timeIntervalSince1970 ?? Double.greatestFiniteMagnitude
            let current = now.timeIntervalSince1970
            let keys = try Row.fetchAll(
                db,
                sql: """
                    SELECT product, license_type FROM packs
                    UNION SELECT product, license_type FROM licenses
                    ORDER BY product, license_type
                    """
            ).map { (product: try $0.value("product") as String, type: try $0.value("license_type") as LicenseType) }
            return try keys.map { key in
                func count(_ sql: String, _ arguments: StatementArguments) throws -> Int {
                    try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0
                }
                let purchased = try count(
                    "SELECT COALESCE(SUM(count), 0) FROM packs WHERE product = ? AND license_type = ?", [key.product, key.type]
                )
                let issued = try count(
                    """
                    SELECT COUNT(*) FROM licenses WHERE product = ? AND license_type = ? AND status = 'permanent'
                      AND not_before >= ? AND not_before < ?
                    """,
                    [key.product, key.type, start, end]
                )
                let active = try count(
                    """
                    SELECT COUNT(*) FROM licenses WHERE product = ? AND license_type = ? AND status = 'permanent'
                      AND not_before <= ? AND not_after > ? AND revoked_at IS NULL AND superseded_by IS NULL
                    """,
                    [key.product, key.type, current, current]
                )
                let temporary = try count(
                    """
                    SELECT COUNT(*) FROM licenses WHERE product = ? AND license_type = ? AND status = 'temporary'
                      AND not_before <= ? AND not_after > ? AND revoked_at IS NULL AND superseded_by IS NULL
                    """,
                    [key.product, key.type, current, current]
                )
                let held = try count(
                    """
                    SELECT COUNT(*) FROM seats JOIN packs USING (pack_id)
                    WHERE packs.product = ? AND packs.license_type = ? AND seats.not_after > ?
                    """,
                    [key.product, key.type, current]
                )
                let reclaimed = try count(
                    """
                    SELECT COUNT(*) FROM seat_reclaims JOIN packs USING (pack_id)
                    WHERE packs.product = ? AND packs.license_type = ? AND reclaimed_at >= ? AND reclaimed_at < ?
                    """,
                    [key.product, key.type, start, end]
                )
                let users =
                    key.type == .perUser
                    ? try count(
                        """
                        SELECT COUNT(DISTINCT subject_name) FROM licenses WHERE product = ? AND license_type = 'per-user'
                          AND not_before >= ? AND not_before < ?
                        """,
                        [key.product, start, end]
                    ) : 0
                return ProductReport(
                    product: key.product,
                    licenseType: key.type,
                    purchased: purchased,
                    permanentIssued: issued,
                    permanentActive: active,
                    temporaryOutstanding: temporary,
                    seatsFree: max(0, purchased - (key.type == .perDevice ? held : active)),
                    seatsReclaimed: reclaimed,
                    distinctUsers: users,
                    overUse: key.type == .perUser && users > purchased
                )
            }
        }
    }
}
