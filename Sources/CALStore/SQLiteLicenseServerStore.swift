import Foundation
import GRDB

/// The license server's store in an embedded SQLite database (the default).
public final class SQLiteLicenseServerStore: LicenseServerStore {
    private let database: StoreDatabase

    /// Opens (creating if needed) the store at `path`.
    public init(path: String) throws {
        database = try StoreDatabase(path: path, migrations: [("license-server-v1", Self.createSchema)])
    }

    @Sendable private static func createSchema(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE packs (
                    pack_id TEXT PRIMARY KEY NOT NULL,
                    license_type TEXT NOT NULL,
                    product TEXT NOT NULL,
                    product_version TEXT NOT NULL,
                    count INTEGER NOT NULL CHECK (count > 0),
                    agreement_number TEXT NOT NULL,
                    installed_at DOUBLE NOT NULL,
                    signed_bytes BLOB NOT NULL
                );
                CREATE TABLE licenses (
                    serial TEXT PRIMARY KEY NOT NULL,
                    license_type TEXT NOT NULL,
                    status TEXT NOT NULL,
                    product TEXT NOT NULL,
                    product_version TEXT NOT NULL,
                    subject_name TEXT NOT NULL,
                    pack_id TEXT REFERENCES packs(pack_id),
                    seat INTEGER,
                    not_before DOUBLE NOT NULL,
                    not_after DOUBLE NOT NULL,
                    certificate BLOB NOT NULL
                );
                CREATE INDEX licenses_by_pack ON licenses(pack_id, seat, not_after);
                """
        )
    }

    public func install(_ pack: InstalledPack) throws {
        try database.write { db in
            let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM packs WHERE pack_id = ?", arguments: [pack.packID])
            guard exists != true else { throw StoreError.packAlreadyInstalled(pack.packID) }
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
        }
    }

    public func installedPacks() throws -> [InstalledPack] {
        try database.read { db in try Self.packs(db) }
    }

    private static func packs(_ db: Database) throws -> [InstalledPack] {
        try Row.fetchAll(db, sql: "SELECT * FROM packs ORDER BY installed_at, rowid").map { row in
            InstalledPack(
                packID: row["pack_id"],
                licenseType: row["license_type"],
                product: row["product"],
                productVersion: row["product_version"],
                count: row["count"],
                agreementNumber: row["agreement_number"],
                installedAt: Date(timeIntervalSince1970: row["installed_at"]),
                signedBytes: Array(row["signed_bytes"] as Data)
            )
        }
    }

    public func issue(
        product: String,
        licenseType: String,
        permanent: Bool,
        now: Date,
        mint: (SeatGrant) throws -> IssuedLicense
    ) throws -> IssuedLicense {
        try database.write { db in
            let grant = try Self.grant(db, product: product, licenseType: licenseType, permanent: permanent, now: now)
            let license = try mint(grant)
            let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM licenses WHERE serial = ?", arguments: [license.serial])
            guard exists != true else { throw StoreError.duplicateSerial(license.serial) }
            try db.execute(
                sql: """
                    INSERT INTO licenses (serial, license_type, status, product, product_version, subject_name,
                                          pack_id, seat, not_before, not_after, certificate)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    license.serial, license.licenseType, license.status, license.product, license.productVersion,
                    license.subjectName, license.packID, license.seat, license.notBefore.timeIntervalSince1970,
                    license.notAfter.timeIntervalSince1970, Data(license.certificate),
                ]
            )
            return license
        }
    }

    /// Finds what an issuance draws on, inside the issuing transaction.
    private static func grant(
        _ db: Database,
        product: String,
        licenseType: String,
        permanent: Bool,
        now: Date
    ) throws -> SeatGrant {
        let candidates = try packs(db).filter { $0.product == product && $0.licenseType == licenseType }
        guard permanent else { return SeatGrant(pack: candidates.first, seat: nil) }
        guard !candidates.isEmpty else { throw StoreError.noPack(product: product, licenseType: licenseType) }
        guard licenseType == "per-device" else {
            // Per-user CALs are tracked against their pack but not decremented.
            return SeatGrant(pack: candidates.first, seat: nil)
        }
        for pack in candidates {
            if let seat = try lowestFreeSeat(db, pack: pack, now: now) {
                return SeatGrant(pack: pack, seat: seat)
            }
        }
        throw StoreError.noSeatAvailable(product: product)
    }

    /// The lowest seat of `pack` that no unexpired license holds, found with the index rather
    /// than by reading every seat, so issuing from a large pack stays fast.
    private static func lowestFreeSeat(_ db: Database, pack: InstalledPack, now: Date) throws -> Int? {
        let time = now.timeIntervalSince1970
        let taken =
            try Int.fetchOne(
                db,
                sql: "SELECT COUNT(*) FROM licenses WHERE pack_id = ? AND seat IS NOT NULL AND not_after > ?",
                arguments: [pack.packID, time]
            ) ?? 0
        guard taken < pack.count else { return nil }
        let firstTaken = try Bool.fetchOne(
            db,
            sql: "SELECT 1 FROM licenses WHERE pack_id = ? AND seat = 1 AND not_after > ?",
            arguments: [pack.packID, time]
        )
        guard firstTaken == true else { return 1 }
        // The first held seat whose successor is not held: its successor is the lowest gap.
        let gap = try Int.fetchOne(
            db,
            sql: """
                SELECT MIN(held.seat) + 1 FROM licenses AS held
                WHERE held.pack_id = ? AND held.seat IS NOT NULL AND held.not_after > ?
                  AND NOT EXISTS (
                      SELECT 1 FROM licenses AS next
                      WHERE next.pack_id = held.pack_id AND next.seat = held.seat + 1 AND next.not_after > ?
                  )
                """,
            arguments: [pack.packID, time, time]
        )
        guard let gap, gap <= pack.count else { return nil }
        return gap
    }

    public func issuedLicenses() throws -> [IssuedLicense] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM licenses ORDER BY rowid").map { row in
                IssuedLicense(
                    serial: row["serial"],
                    licenseType: row["license_type"],
                    status: row["status"],
                    product: row["product"],
                    productVersion: row["product_version"],
                    subjectName: row["subject_name"],
                    packID: row["pack_id"],
                    seat: row["seat"],
                    notBefore: Date(timeIntervalSince1970: row["not_before"]),
                    notAfter: Date(timeIntervalSince1970: row["not_after"]),
                    certificate: Array(row["certificate"] as Data)
                )
            }
        }
    }

    public func packUsage(at now: Date) throws -> [PackUsage] {
        try database.read { db in
            try Self.packs(db).map { pack in
                let issued =
                    try Int.fetchOne(
                        db,
                        sql: "SELECT COUNT(*) FROM licenses WHERE pack_id = ? AND status = 'permanent' AND not_after > ?",
                        arguments: [pack.packID, now.timeIntervalSince1970]
                    ) ?? 0
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

    public func issuanceCounts() throws -> IssuanceCounts {
        try database.read { db in
            func count(_ condition: String) throws -> Int {
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM licenses WHERE \(condition)") ?? 0
            }
            return IssuanceCounts(
                total: try count("1"),
                permanentPerDevice: try count("status = 'permanent' AND license_type = 'per-device'"),
                permanentPerUser: try count("status = 'permanent' AND license_type = 'per-user'"),
                temporary: try count("status = 'temporary'")
            )
        }
    }
}
