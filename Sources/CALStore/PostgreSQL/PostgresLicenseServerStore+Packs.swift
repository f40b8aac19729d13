import CALCore
import CALLicensing
import Foundation

/// Key packs and their seats: installing, the seat an issuance takes (locked, skipping seats
/// other issuers hold locked), seats of expired licenses reclaimed.
extension PostgresLicenseServerStore {
    public func install(_ pack: InstalledPack) throws {
        try change { transaction in
            guard try !transaction.exists("SELECT 1 FROM packs WHERE pack_id = $1", .text(pack.packID)) else {
                throw CALError.packAlreadyInstalled(packID: pack.packID)
            }
            try transaction.execute(
                """
                INSERT INTO packs (pack_id, license_type, product, product_version, count, agreement_number, installed_at, signed_bytes)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """,
                .text(pack.packID), .text(pack.licenseType.rawValue), .text(pack.product), .text(pack.productVersion), .integer(pack.count),
                .text(pack.agreementNumber), .time(pack.installedAt), .bytes(pack.signedBytes)
            )
            if pack.licenseType == .perDevice {
                try transaction.execute(
                    "INSERT INTO seats (pack_id, seat) SELECT $1, seat FROM generate_series(1, $2::integer) AS seat", .text(pack.packID), .integer(pack.count)
                )
            }
            try PostgresAuditLog.append(transaction, at: pack.installedAt, event: "pack-installed", subject: pack.packID, detail: AuditText.pack(pack))
        }
    }

    public func installedPacks() throws -> [InstalledPack] {
        try ledger.read { try Self.packs($0) }
    }

    /// Installed packs, oldest first; without the signed bytes unless asked, to keep issuing light.
    static func packs(_ transaction: PostgresTransaction, withSignedBytes: Bool = true) throws -> [InstalledPack] {
        let columns = "pack_id, license_type, product, product_version, count, agreement_number, installed_at"
            + (withSignedBytes ? ", signed_bytes" : ", ''::bytea AS signed_bytes")
        return try transaction.rows("SELECT \(columns) FROM packs ORDER BY installed_at, id").map { row in
            InstalledPack(
                packID: try row.value("pack_id"), licenseType: try row.required("license_type"), product: try row.value("product"),
                productVersion: try row.value("product_version"), count: try row.value("count"), agreementNumber: try row.value("agreement_number"),
                installedAt: try row.time("installed_at"), signedBytes: try row.bytes("signed_bytes")
            )
        }
    }

    /// Finds what an issuance draws on, inside the issuing transaction: the seat is locked
    /// until the transaction ends, and seats other issuers hold locked are skipped.
    static func grant(
        _ transaction: PostgresTransaction, product: String, licenseType: LicenseType, permanent: Bool, now: Date
    ) throws -> SeatGrant {
        let candidates = try packs(transaction, withSignedBytes: false).filter { $0.product == product && $0.licenseType == licenseType }
        guard permanent else { return SeatGrant(pack: candidates.first, seat: nil) }
        guard !candidates.isEmpty else { throw CALError.noPackForProduct(product: product, type: licenseType.rawValue) }
        guard licenseType == .perDevice else { return SeatGrant(pack: candidates.first, seat: nil) }
        for pack in candidates {
            _ = try reclaimExpiredSeats(transaction, packID: pack.packID, now: now)
            let seat = try transaction.value(
                Int.self,
                "SELECT seat FROM seats WHERE pack_id = $1 AND not_after <= $2 ORDER BY not_after, seat LIMIT 1 FOR UPDATE SKIP LOCKED",
                .text(pack.packID), .time(now)
            )
            if let seat { return SeatGrant(pack: pack, seat: seat) }
        }
        throw CALError.noSeatAvailable(product: product)
    }

    /// Frees the seats of `packID` whose holder's license has expired, recording each reclaim;
    /// seats another transaction holds locked are left to it.
    static func reclaimExpiredSeats(_ transaction: PostgresTransaction, packID: String, now: Date) throws -> Int {
        let reclaimed = try transaction.value(
            Int.self,
            """
            WITH expired AS (
                SELECT pack_id, seat, holder_serial, not_after FROM seats
                WHERE pack_id = $1 AND not_after > 0 AND not_after <= $2 FOR UPDATE SKIP LOCKED
            ), cleared AS (
                UPDATE seats SET holder_serial = NULL, not_after = 0 FROM expired
                WHERE seats.pack_id = expired.pack_id AND seats.seat = expired.seat
            ), recorded AS (
                INSERT INTO seat_reclaims (pack_id, seat, serial, expired_at, reclaimed_at)
                SELECT pack_id, seat, holder_serial, not_after, $2 FROM expired RETURNING 1
            )
            SELECT COUNT(*) FROM recorded
            """,
            .text(packID), .time(now)
        ) ?? 0
        if reclaimed > 0 {
            try PostgresAuditLog.append(transaction, at: now, event: "seats-reclaimed", subject: packID, detail: "\(reclaimed) seats of expired licenses")
        }
        return reclaimed
    }

    public func reclaimExpiredSeats(now: Date) throws -> Int {
        try change { transaction in
            try Self.packs(transaction, withSignedBytes: false).filter { $0.licenseType == .perDevice }.reduce(0) { total, pack in
                total + (try Self.reclaimExpiredSeats(transaction, packID: pack.packID, now: now))
            }
        }
    }

    public func packUsage(at now: Date) throws -> [PackUsage] {
        try ledger.read { transaction in
            try Self.packs(transaction, withSignedBytes: false).map { pack in
                let sql =
                    pack.licenseType == .perDevice
                    ? "SELECT COUNT(*) FROM seats WHERE pack_id = $1 AND not_after > $2"
                    : "SELECT COUNT(*) FROM licenses WHERE pack_id = $1 AND status = 'permanent' AND not_after > $2 AND revoked_at IS NULL"
                let issued = try transaction.value(Int.self, sql, .text(pack.packID), .time(now)) ?? 0
                return PackUsage(
                    packID: pack.packID, licenseType: pack.licenseType, product: pack.product, productVersion: pack.productVersion,
                    total: pack.count, issued: issued, free: max(0, pack.count - issued)
                )
            }
        }
    }
}
