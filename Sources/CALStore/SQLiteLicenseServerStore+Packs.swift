import CALCore
import CALLicensing
import Foundation
import GRDB

/// Key packs and their seats: installing, the seat an issuance takes, seats of expired licenses reclaimed.
extension SQLiteLicenseServerStore {
    public func install(_ pack: InstalledPack) throws {
        try database.write { db in
            let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM packs WHERE pack_id = ?", arguments: [pack.packID])
            guard exists != true else { throw CALError.packAlreadyInstalled(packID: pack.packID) }
            try db.execute(
                sql: """
                    INSERT INTO packs (pack_id, license_type, product, product_version, count, agreement_number,
                                       installed_at, signed_bytes)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    pack.packID, pack.licenseType, pack.product, pack.productVersion, pack.count,
                    pack.agreementNumber, pack.installedAt.timeIntervalSince1970, Data(pack.signedBytes),
                ]
            )
            if pack.licenseType == .perDevice {
                try db.execute(
                    sql: """
                        WITH RECURSIVE numbers(seat) AS (SELECT 1 UNION ALL SELECT seat + 1 FROM numbers WHERE seat < ?)
                        INSERT INTO seats (pack_id, seat) SELECT ?, seat FROM numbers
                        """,
                    arguments: [pack.count, pack.packID]
                )
            }
            try AuditLog.append(
                db, at: pack.installedAt, event: "pack-installed", subject: pack.packID,
                detail: AuditText.pack(pack)
            )
        }
    }

    public func installedPacks() throws -> [InstalledPack] {
        try database.read { db in try Self.packs(db) }
    }

    /// Installed packs, oldest first; without the signed bytes unless asked, to keep issuing light.
    static func packs(_ db: Database, withSignedBytes: Bool = true) throws -> [InstalledPack] {
        let columns = "pack_id, license_type, product, product_version, count, agreement_number, installed_at"
            + (withSignedBytes ? ", signed_bytes" : ", x'' AS signed_bytes")
        let statement = try db.cachedStatement(sql: "SELECT \(columns) FROM packs ORDER BY installed_at, rowid")
        return try Row.fetchAll(statement).map { row in
            InstalledPack(
                packID: try row.value("pack_id"),
                licenseType: try row.value("license_type"),
                product: try row.value("product"),
                productVersion: try row.value("product_version"),
                count: try row.value("count"),
                agreementNumber: try row.value("agreement_number"),
                installedAt: Date(timeIntervalSince1970: try row.value("installed_at")),
                signedBytes: Array(try row.value("signed_bytes") as Data)
            )
        }
    }

    /// Finds what an issuance draws on, inside the issuing transaction.
    static func grant(
        _ db: Database,
        product: String,
        licenseType: LicenseType,
        permanent: Bool,
        now: Date
    ) throws -> SeatGrant {
        let candidates = try packs(db, withSignedBytes: false).filter { $0.product == product && $0.licenseType == licenseType }
        guard permanent else { return SeatGrant(pack: candidates.first, seat: nil) }
        guard !candidates.isEmpty else { throw CALError.noPackForProduct(product: product, type: licenseType.rawValue) }
        guard licenseType == .perDevice else {
            // Per-user CALs are tracked against their pack but not decremented.
            return SeatGrant(pack: candidates.first, seat: nil)
        }
        for pack in candidates {
            _ = try reclaimExpiredSeats(db, packID: pack.packID, now: now)
            if let seat = try freeSeat(db, pack: pack, now: now) {
                return SeatGrant(pack: pack, seat: seat)
            }
        }
        throw CALError.noSeatAvailable(product: product)
    }

    /// A seat of `pack` whose holder's license has expired or that was never held, if any:
    /// never-held seats first, in seat order, then the longest-expired.
    static func freeSeat(_ db: Database, pack: InstalledPack, now: Date) throws -> Int? {
        try Int.fetchOne(
            try db.cachedStatement(
                sql: "SELECT seat FROM seats WHERE pack_id = ? AND not_after <= ? ORDER BY not_after, seat LIMIT 1"
            ),
            arguments: [pack.packID, now.timeIntervalSince1970]
        )
    }

    public func packUsage(at now: Date) throws -> [PackUsage] {
        try database.read { db in
            try Self.packs(db, withSignedBytes: false).map { pack in
                let sql =
                    pack.licenseType == .perDevice
                    ? "SELECT COUNT(*) FROM seats WHERE pack_id = ? AND not_after > ?"
                    : """
                        SELECT COUNT(*) FROM licenses
                        WHERE pack_id = ? AND status = 'permanent' AND not_after > ? AND revoked_at IS NULL
                        """
                let issued = try Int.fetchOne(db, sql: sql, arguments: [pack.packID, now.timeIntervalSince1970]) ?? 0
                return PackUsage(
                    packID: pack.packID,
                    licenseType: pack.licenseType,
                    product: pack.product,
                    productVersion: pack.productVersion,
                    total: pack.count,
                    issued: issued,
                    free: max(0, pack.count - issued)
                )
            }
        }
    }

    /// Frees the seats of `packID` whose holder's license has expired, recording each reclaim.
    /// An index range on (pack, expiry), so it stays cheap on the issuing path.
    static func reclaimExpiredSeats(_ db: Database, packID: String, now: Date) throws -> Int {
        let time = now.timeIntervalSince1970
        try db.cachedStatement(
            sql: """
                INSERT INTO seat_reclaims (pack_id, seat, serial, expired_at, reclaimed_at)
                SELECT pack_id, seat, holder_serial, not_after, ? FROM seats
                WHERE pack_id = ? AND not_after > 0 AND not_after <= ?
                """
        ).execute(arguments: [time, packID, time])
        let reclaimed = db.changesCount
        if reclaimed > 0 {
            try db.cachedStatement(
                sql: "UPDATE seats SET holder_serial = NULL, not_after = 0 WHERE pack_id = ? AND not_after > 0 AND not_after <= ?"
            ).execute(arguments: [packID, time])
            try AuditLog.append(db, at: now, event: "seats-reclaimed", subject: packID, detail: "\(reclaimed) seats of expired licenses")
        }
        return reclaimed
    }

    public func reclaimExpiredSeats(now: Date) throws -> Int {
        try database.write { db in
            try Self.packs(db, withSignedBytes: false).filter { $0.licenseType == .perDevice }.reduce(0) { total, pack in
                total + (try Self.reclaimExpiredSeats(db, packID: pack.packID, now: now))
            }
        }
    }
}
