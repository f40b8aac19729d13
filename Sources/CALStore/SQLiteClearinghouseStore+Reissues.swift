import CALCore
import Foundation
import GRDB

/// Key packs the clearinghouse reissued, each counted against ``CALLicensing/LicensingTerms/packReissueLimit``.
extension SQLiteClearinghouseStore {
    @Sendable static func addPackReissues(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE pack_reissues (
                    pack_id TEXT NOT NULL REFERENCES sold_packs(pack_id),
                    reissued_at DOUBLE NOT NULL
                );
                CREATE INDEX pack_reissues_by_pack ON pack_reissues(pack_id);
                """
        )
    }

    public func reissuePack<Result>(
        packID: String, limit: Int, now: Date, sign: (_ sale: SoldPack, _ reissues: Int) throws -> Result
    ) throws -> Result {
        try database.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM sold_packs WHERE pack_id = ?", arguments: [packID]) else {
                throw CALError(.unknownSerial, "the clearinghouse sold no key pack \(packID)")
            }
            let sale = try Self.soldPack(row: row)
            let earlier = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM pack_reissues WHERE pack_id = ?", arguments: [packID]) ?? 0
            guard earlier < limit else {
                throw CALError(
                    .packReissueLimitReached,
                    "key pack \(packID) was reissued \(earlier) times already, the most this clearinghouse allows; nothing was issued"
                )
            }
            let result = try sign(sale, earlier + 1)
            try db.execute(sql: "INSERT INTO pack_reissues (pack_id, reissued_at) VALUES (?, ?)", arguments: [packID, now.timeIntervalSince1970])
            try AuditLog.append(
                db, at: now, event: "pack-reissued", subject: packID,
                detail: "reissue \(earlier + 1) of \(limit): \(sale.count) \(sale.licenseType) \(sale.product) to \(sale.serverID)"
            )
            return result
        }
    }
}
