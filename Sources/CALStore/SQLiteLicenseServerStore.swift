import CALLicensing
import Foundation
import GRDB

/// The license server's store in an embedded SQLite database (the default).
public final class SQLiteLicenseServerStore: LicenseServerStore {
    private let database: StoreDatabase

    /// Opens (creating if needed) the store at `path`.
    public init(path: String) throws {
        database = try StoreDatabase(
            path: path,
            migrations: [
                ("license-server-v1", Self.createSchema), ("license-server-v2-revocation", Self.addRevocation),
                ("license-server-v3-transfers", Self.addTransfers),
                ("license-server-v4-renewal", Self.addRenewal),
                ("license-server-v5-settings", Self.addSettings),
                ("license-server-v6-audit", AuditLog.createTable),
                ("license-server-v7-issuers", Self.addIssuers),
            ]
        )
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
                CREATE INDEX licenses_by_pack ON licenses(pack_id, not_after);
                -- One row per per-device seat. A seat is free when its holder's license has expired
                -- (or it never had one: not_after 0), so finding a free seat is one index probe.
                CREATE TABLE seats (
                    pack_id TEXT NOT NULL REFERENCES packs(pack_id),
                    seat INTEGER NOT NULL,
                    holder_serial TEXT,
                    not_after DOUBLE NOT NULL DEFAULT 0,
                    PRIMARY KEY (pack_id, seat)
                );
                CREATE INDEX seats_by_expiry ON seats(pack_id, not_after, seat);
                """
        )
    }

    @Sendable private static func addRevocation(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE licenses ADD COLUMN revoked_at DOUBLE;
                ALTER TABLE licenses ADD COLUMN revocation_reason INTEGER;
                ALTER TABLE licenses ADD COLUMN revoked_for_transfer INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX licenses_revoked ON licenses(not_after) WHERE revoked_at IS NOT NULL;
                CREATE TABLE counters (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);
                """
        )
    }

    @Sendable private static func addTransfers(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE used_grants (
                    grant_id TEXT PRIMARY KEY NOT NULL,
                    used_at DOUBLE NOT NULL,
                    new_serial TEXT NOT NULL
                );
                """
        )
    }

    @Sendable private static func addRenewal(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE licenses ADD COLUMN superseded_by TEXT;
                CREATE INDEX licenses_by_subject ON licenses(subject_name, license_type, product);
                CREATE TABLE seat_reclaims (
                    pack_id TEXT NOT NULL,
                    seat INTEGER NOT NULL,
                    serial TEXT NOT NULL,
                    expired_at DOUBLE NOT NULL,
                    reclaimed_at DOUBLE NOT NULL
                );
                """
        )
    }

    @Sendable private static func addIssuers(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE issuers (
                    key_id TEXT PRIMARY KEY NOT NULL,
                    certificate_serial TEXT NOT NULL,
                    certificate BLOB NOT NULL,
                    key_file TEXT NOT NULL,
                    chain_file TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('active', 'retired', 'compromised')),
                    activated_at DOUBLE NOT NULL,
                    retired_at DOUBLE
                );
                CREATE UNIQUE INDEX one_active_issuer ON issuers(status) WHERE status = 'active';
                ALTER TABLE licenses ADD COLUMN issuer_key_id TEXT;
                CREATE INDEX licenses_by_issuer ON licenses(issuer_key_id, not_after);
                """
        )
    }

    @Sendable private static func addSettings(_ db: Database) throws {
        try db.execute(sql: "CREATE TABLE settings (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)")
    }

    /// Refuses a user who holds no standing per-user license of `product` once as many users hold
    /// one as were purchased; inside the issuing transaction, so concurrent issuers cannot overshoot.
    private static func checkUserLimit(_ db: Database, product: String, user: String, now: Date) throws {
        let time = now.timeIntervalSince1970
        let standing = """
            product = ? AND license_type = 'per-user' AND status = 'permanent' AND not_after > ?
              AND revoked_at IS NULL AND superseded_by IS NULL
            """
        let holds = try Bool.fetchOne(db, sql: "SELECT 1 FROM licenses WHERE \(standing) AND subject_name = ? LIMIT 1", arguments: [product, time, user])
        let users = try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT subject_name) FROM licenses WHERE \(standing)", arguments: [product, time]) ?? 0
        let purchased = try Int.fetchOne(
            db,
            sql: "SELECT COALESCE(SUM(count), 0) FROM packs WHERE product = ? AND license_type = 'per-user'",
            arguments: [product]
        ) ?? 0
        guard PerUserLimit(purchased: purchased).admits(userHoldsStanding: holds == true, usersHolding: users) else {
            throw StoreError.userLimitReached(product: product, purchased: purchased)
        }
    }

    public func setting(_ name: String) throws -> String? { try database.setting(name) }

    public func setSetting(_ name: String, _ value: String, now: Date) throws {
        try database.write { db in
            try StoreDatabase.set(setting: name, to: value, in: db)
            try AuditLog.append(db, at: now, event: "setting-changed", subject: name, detail: "set to \(value)")
        }
    }

    public func auditLog() throws -> [AuditEntry] { try database.read(AuditLog.entries) }

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
            if pack.licenseType == "per-device" {
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
                detail: "\(pack.count) \(pack.licenseType) \(pack.product) \(pack.productVersion), agreement \(pack.agreementNumber)"
            )
        }
    }

    public func installedPacks() throws -> [InstalledPack] {
        try database.read { db in try Self.packs(db) }
    }

    /// Installed packs, oldest first; without the signed bytes unless asked, to keep issuing light.
    private static func packs(_ db: Database, withSignedBytes: Bool = true) throws -> [InstalledPack] {
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

    public func issue(
        product: String,
        licenseType: String,
        permanent: Bool,
        now: Date,
        superseding: String?,
        userLimitFor user: String?,
        mint: (SeatGrant) throws -> IssuedLicense
    ) throws -> IssuedLicense {
        try database.write { db in
            let grant = try Self.grant(db, product: product, licenseType: licenseType, permanent: permanent, now: now)
            if let user, permanent, licenseType == "per-user" {
                try Self.checkUserLimit(db, product: product, user: user, now: now)
            }
            let license = try mint(grant)
            try Self.record(license, holding: grant, in: db)
            if let superseding {
                try db.execute(
                    sql: "UPDATE licenses SET superseded_by = ? WHERE serial = ? AND superseded_by IS NULL",
                    arguments: [license.serial, superseding]
                )
            }
            try AuditLog.append(
                db, at: now, event: "license-issued", subject: license.serial,
                detail: Self.auditDetail(license) + (superseding.map { "; supersedes \($0)" } ?? "")
            )
            return license
        }
    }

    /// How an audit entry describes a license.
    private static func auditDetail(_ license: IssuedLicense) -> String {
        var text = "\(license.status) \(license.licenseType) \(license.product) \(license.productVersion) for \(license.subjectName)"
        if let pack = license.packID, let seat = license.seat { text += ", pack \(pack) seat \(seat)" }
        return text + ", until \(AuditEntry.timestamp(license.notAfter))"
    }

    /// Records a minted license and makes it the holder of its seat, inside the caller's transaction.
    private static func record(_ license: IssuedLicense, holding grant: SeatGrant, in db: Database) throws {
        let exists = try Bool.fetchOne(
            try db.cachedStatement(sql: "SELECT 1 FROM licenses WHERE serial = ?"),
            arguments: [license.serial]
        )
        guard exists != true else { throw StoreError.duplicateSerial(license.serial) }
        if let keyID = license.issuerKeyID {
            // Checked inside the issuing transaction, so a key declared compromised mints nothing more.
            let status = try String.fetchOne(try db.cachedStatement(sql: "SELECT status FROM issuers WHERE key_id = ?"), arguments: [keyID])
            guard status == IssuerRecord.Status.active.rawValue else { throw StoreError.issuerNotActive(keyID) }
        }
        if let pack = grant.pack, let seat = grant.seat {
            try db.cachedStatement(sql: "UPDATE seats SET holder_serial = ?, not_after = ? WHERE pack_id = ? AND seat = ?")
                .execute(arguments: [license.serial, license.notAfter.timeIntervalSince1970, pack.packID, seat])
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO licenses (serial, license_type, status, product, product_version, subject_name,
                                      pack_id, seat, not_before, not_after, certificate, issuer_key_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                license.serial, license.licenseType, license.status, license.product, license.productVersion,
                license.subjectName, license.packID, license.seat, license.notBefore.timeIntervalSince1970,
                license.notAfter.timeIntervalSince1970, Data(license.certificate), license.issuerKeyID,
            ]
        )
    }

    /// Finds what an issuance draws on, inside the issuing transaction.
    private static func grant(
        _ db: Database,
        product: String,
        licenseType: String,
        permanent: Bool,
        now: Date
    ) throws -> SeatGrant {
        let candidates = try packs(db, withSignedBytes: false).filter { $0.product == product && $0.licenseType == licenseType }
        guard permanent else { return SeatGrant(pack: candidates.first, seat: nil) }
        guard !candidates.isEmpty else { throw StoreError.noPack(product: product, licenseType: licenseType) }
        guard licenseType == "per-device" else {
            // Per-user CALs are tracked against their pack but not decremented.
            return SeatGrant(pack: candidates.first, seat: nil)
        }
        for pack in candidates {
            _ = try reclaimExpiredSeats(db, packID: pack.packID, now: now)
            if let seat = try freeSeat(db, pack: pack, now: now) {
                return SeatGrant(pack: pack, seat: seat)
            }
        }
        throw StoreError.noSeatAvailable(product: product)
    }

    /// A seat of `pack` whose holder's license has expired or that was never held, if any:
    /// never-held seats first, in seat order, then the longest-expired.
    private static func freeSeat(_ db: Database, pack: InstalledPack, now: Date) throws -> Int? {
        try Int.fetchOne(
            try db.cachedStatement(
                sql: "SELECT seat FROM seats WHERE pack_id = ? AND not_after <= ? ORDER BY not_after, seat LIMIT 1"
            ),
            arguments: [pack.packID, now.timeIntervalSince1970]
        )
    }

    public func issuedLicenses() throws -> [IssuedLicense] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM licenses ORDER BY rowid").map(Self.license(row:))
        }
    }

    private static func license(row: Row) throws -> IssuedLicense {
        IssuedLicense(
            serial: try row.value("serial"),
            licenseType: try row.value("license_type"),
            status: try row.value("status"),
            product: try row.value("product"),
            productVersion: try row.value("product_version"),
            subjectName: try row.value("subject_name"),
            packID: try row.value("pack_id"),
            seat: try row.value("seat"),
            notBefore: Date(timeIntervalSince1970: try row.value("not_before")),
            notAfter: Date(timeIntervalSince1970: try row.value("not_after")),
            certificate: Array(try row.value("certificate") as Data),
            issuerKeyID: try row.value("issuer_key_id"),
            revokedAt: (try row.value("revoked_at") as Double?).map(Date.init(timeIntervalSince1970:)),
            revocationReason: try row.value("revocation_reason"),
            supersededBy: try row.value("superseded_by")
        )
    }

    public func packUsage(at now: Date) throws -> [PackUsage] {
        try database.read { db in
            try Self.packs(db, withSignedBytes: false).map { pack in
                let sql =
                    pack.licenseType == "per-device"
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

    public func revoke(_ request: RevocationRequest, now: Date) throws -> IssuedLicense {
        try database.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM licenses WHERE serial = ?", arguments: [request.serial]) else {
                throw StoreError.unknownSerial(request.serial)
            }
            let license = try Self.license(row: row)
            guard (try row.value("revoked_at") as Double?) == nil else { throw StoreError.alreadyRevoked(request.serial) }
            if !request.forTransfer && license.licenseType == "per-device" && license.status == "permanent" {
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
                    throw StoreError.revocationQuotaExceeded(
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
                detail: "reason \(request.reason), effective \(AuditEntry.timestamp(request.revokedAt))"
            )
            return license
        }
    }

    public func publishRevocations<Result>(
        issuerKeyID: String,
        now: Date,
        sign: (_ entries: [RevocationEntry], _ number: UInt64) throws -> Result
    ) throws -> Result {
        try database.publishRevocations(
            table: "licenses", serialColumn: "serial", scope: ("issuer_key_id", issuerKeyID), now: now, sign: sign
        )
    }

    // MARK: Issuers

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

    private static func issuer(row: Row) throws -> IssuerRecord {
        let statusText: String = try row.value("status")
        guard let status = IssuerRecord.Status(rawValue: statusText) else {
            throw StoreError.database("column status holds \(statusText), which is not an issuer status")
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

    public func revocation(of serial: String) throws -> RevocationEntry? {
        try database.read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT serial, revoked_at, revocation_reason FROM licenses WHERE serial = ? AND revoked_at IS NOT NULL",
                arguments: [serial]
            ).map(RevocationEntry.init(row:))
        }
    }

    public func status(of serial: String) throws -> LicenseRecordStatus? {
        try database.read { db in try Self.status(of: serial, in: db) }
    }

    private static func status(of serial: String, in db: Database) throws -> LicenseRecordStatus? {
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

    public func transfer(
        _ transfer: TransferRequest,
        now: Date,
        mint: (_ old: IssuedLicense, _ grant: SeatGrant) throws -> IssuedLicense
    ) throws -> IssuedLicense {
        try database.write { db in
            let used = try Bool.fetchOne(db, sql: "SELECT 1 FROM used_grants WHERE grant_id = ?", arguments: [transfer.grantID])
            guard used != true else { throw StoreError.grantAlreadyUsed(transfer.grantID) }
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM licenses WHERE serial = ?", arguments: [transfer.oldSerial]) else {
                throw StoreError.unknownSerial(transfer.oldSerial)
            }
            let old = try Self.license(row: row)
            guard (try row.value("revoked_at") as Double?) == nil else { throw StoreError.alreadyRevoked(transfer.oldSerial) }
            guard old.packID == transfer.keyPackID, old.seat == transfer.seat,
                let pack = try Self.packs(db, withSignedBytes: false).first(where: { $0.packID == transfer.keyPackID })
            else {
                throw StoreError.grantMismatch("the grant's seat is not the seat of license \(transfer.oldSerial)")
            }
            let holder = try String.fetchOne(
                db, sql: "SELECT holder_serial FROM seats WHERE pack_id = ? AND seat = ?", arguments: [transfer.keyPackID, transfer.seat]
            )
            guard holder == transfer.oldSerial else {
                throw StoreError.grantMismatch("the seat of license \(transfer.oldSerial) is no longer held by it")
            }
            try db.execute(
                sql: "UPDATE licenses SET revoked_at = ?, revocation_reason = 4, revoked_for_transfer = 1 WHERE serial = ?",
                arguments: [now.timeIntervalSince1970, transfer.oldSerial]
            )
            let grant = SeatGrant(pack: pack, seat: transfer.seat)
            let license = try mint(old, grant)
            try Self.record(license, holding: grant, in: db)
            try db.execute(
                sql: "INSERT INTO used_grants (grant_id, used_at, new_serial) VALUES (?, ?, ?)",
                arguments: [transfer.grantID, now.timeIntervalSince1970, license.serial]
            )
            try AuditLog.append(
                db, at: now, event: "license-transferred", subject: license.serial,
                detail: Self.auditDetail(license) + "; from \(transfer.oldSerial), grant \(transfer.grantID)"
            )
            return license
        }
    }

    /// Frees the seats of `packID` whose holder's license has expired, recording each reclaim.
    /// An index range on (pack, expiry), so it stays cheap on the issuing path.
    private static func reclaimExpiredSeats(_ db: Database, packID: String, now: Date) throws -> Int {
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
            try Self.packs(db, withSignedBytes: false).filter { $0.licenseType == "per-device" }.reduce(0) { total, pack in
                total + (try Self.reclaimExpiredSeats(db, packID: pack.packID, now: now))
            }
        }
    }

    public func reclaimedSeatCount() throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM seat_reclaims") ?? 0 }
    }

    public func reissue(
        serial: String,
        as kind: Reissue,
        now: Date,
        mint: (_ old: IssuedLicense, _ grant: SeatGrant) throws -> IssuedLicense
    ) throws -> IssuedLicense {
        try database.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM licenses WHERE serial = ?", arguments: [serial]) else {
                throw StoreError.unknownSerial(serial)
            }
            let old = try Self.license(row: row)
            guard (try row.value("revoked_at") as Double?) == nil else { throw StoreError.alreadyRevoked(serial) }
            if let newer = try row.value("superseded_by") as String? { throw StoreError.alreadySuperseded(serial: serial, by: newer) }
            var pack: InstalledPack?
            if let packID = old.packID {
                pack = try Self.packs(db, withSignedBytes: false).first { $0.packID == packID }
            }
            // A seat whose license has expired may have gone to another device meanwhile.
            if let packID = old.packID, let seat = old.seat {
                let holder = try String.fetchOne(
                    db,
                    sql: "SELECT holder_serial FROM seats WHERE pack_id = ? AND seat = ?",
                    arguments: [packID, seat]
                )
                guard holder == serial else { throw StoreError.seatLost(serial) }
            }
            let grant = SeatGrant(pack: pack, seat: old.seat)
            let license = try mint(old, grant)
            try Self.record(license, holding: grant, in: db)
            try db.execute(sql: "UPDATE licenses SET superseded_by = ? WHERE serial = ?", arguments: [license.serial, serial])
            switch kind {
            case .renewal:
                try AuditLog.append(
                    db, at: now, event: "license-renewed", subject: license.serial, detail: Self.auditDetail(license) + "; renews \(serial)"
                )
            case .replacement(let reason):
                if let reason {
                    // Outside the administrative quota, like a transfer: the seat stays in use.
                    try db.execute(
                        sql: "UPDATE licenses SET revoked_at = ?, revocation_reason = ?, revoked_for_transfer = 1 WHERE serial = ?",
                        arguments: [now.timeIntervalSince1970, reason, serial]
                    )
                }
                try AuditLog.append(
                    db, at: now, event: "license-replaced", subject: license.serial,
                    detail: Self.auditDetail(license) + "; replaces \(serial)" + (reason.map { ", revoked with reason \($0)" } ?? "")
                )
            }
            return license
        }
    }

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
            ).map { (product: try $0.value("product") as String, type: try $0.value("license_type") as String) }
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
                    key.type == "per-user"
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
                    seatsFree: max(0, purchased - (key.type == "per-device" ? held : active)),
                    seatsReclaimed: reclaimed,
                    distinctUsers: users,
                    overUse: key.type == "per-user" && users > purchased
                )
            }
        }
    }

    public func currentLicenses(subjectName: String, licenseType: String, now: Date) throws -> [IssuedLicense] {
        try database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM licenses WHERE subject_name = ? AND license_type = ? AND not_after > ?
                      AND revoked_at IS NULL AND superseded_by IS NULL ORDER BY rowid
                    """,
                arguments: [subjectName, licenseType, now.timeIntervalSince1970]
            ).map(Self.license(row:))
        }
    }

    public func logonSnapshot(subjectName: String, licenseType: String, presentedSerial: String?) throws -> LogonSnapshot {
        try database.read { db in
            let history = try Row.fetchAll(
                try db.cachedStatement(sql: "SELECT * FROM licenses WHERE subject_name = ? AND license_type = ? ORDER BY rowid"),
                arguments: [subjectName, licenseType]
            ).map(Self.license(row:))
            let presented = try presentedSerial.flatMap { serial in
                try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM licenses WHERE serial = ?"), arguments: [serial])
                    .map(Self.license(row:))
            }
            let products = try String.fetchAll(
                try db.cachedStatement(sql: "SELECT DISTINCT product FROM packs WHERE license_type = ?"), arguments: [licenseType]
            )
            let issuers = try Row.fetchAll(try db.cachedStatement(sql: "SELECT key_id, status, certificate FROM issuers")).map { row in
                LogonSnapshot.IssuerKey(keyID: try row.value("key_id"), compromised: (try row.value("status") as String) == "compromised", certificate: Array(try row.value("certificate") as Data))
            }
            return LogonSnapshot(history: history, presented: presented, productsWithPacks: Set(products), issuers: issuers)
        }
    }

    public func licenses(serial: String) throws -> IssuedLicense? {
        try database.read { db in
            try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM licenses WHERE serial = ?"), arguments: [serial]).map(Self.license(row:))
        }
    }

    public func licenses(subjectName: String, licenseType: String) throws -> [IssuedLicense] {
        try database.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM licenses WHERE subject_name = ? AND license_type = ? ORDER BY rowid",
                arguments: [subjectName, licenseType]
            ).map(Self.license(row:))
        }
    }

    public func activeUserCount(product: String, now: Date) throws -> Int {
        try database.read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(DISTINCT subject_name) FROM licenses WHERE product = ? AND license_type = 'per-user'
                      AND status = 'permanent' AND not_after > ? AND revoked_at IS NULL AND superseded_by IS NULL
                    """,
                arguments: [product, now.timeIntervalSince1970]
            ) ?? 0
        }
    }
}
