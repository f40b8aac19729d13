import CALCore
import CALLicensing
import Foundation
import GRDB

/// Licenses: issuing, renewing, replacing and transferring on a seat, each in one transaction, and reading them back.
extension SQLiteLicenseServerStore {
    /// Refuses a user who holds no standing per-user license of `product` once as many users hold
    /// one as were purchased; inside the issuing transaction, so concurrent issuers cannot overshoot.
    static func checkUserLimit(_ db: Database, product: String, user: String, now: Date) throws {
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
            throw CALError.perUserLimitReached(product: product, purchased: purchased)
        }
    }

    /// Refuses when the subject's history is no longer what the decision saw; inside the
    /// writing transaction, which no other writer shares.
    static func check(_ expected: SubjectHistory?, in db: Database) throws {
        guard let expected else { return }
        let row = try Row.fetchOne(
            try db.cachedStatement(
                sql: "SELECT COUNT(*), COUNT(revoked_at), COUNT(superseded_by) FROM licenses WHERE subject_name = ? AND license_type = ?"
            ),
            arguments: [expected.subjectName, expected.licenseType]
        )
        try expected.check(
            against: SubjectHistory(
                subjectName: expected.subjectName, licenseType: expected.licenseType, licenses: row?[0] ?? 0, revoked: row?[1] ?? 0,
                superseded: row?[2] ?? 0
            )
        )
    }

    public func issue(
        product: String,
        licenseType: LicenseType,
        permanent: Bool,
        now: Date,
        superseding: String?,
        userLimitFor user: String?,
        expecting: SubjectHistory?,
        mint: (SeatGrant) throws -> IssuedLicense
    ) throws -> IssuedLicense {
        try database.write { db in
            try Self.check(expecting, in: db)
            let grant = try Self.grant(db, product: product, licenseType: licenseType, permanent: permanent, now: now)
            if let user, permanent, licenseType == .perUser {
                try Self.checkUserLimit(db, product: product, user: user, now: now)
            }
            let license = try mint(grant)
            try Self.record(license, holding: grant, in: db)
            if let superseding {
                try db.cachedStatement(sql: "UPDATE licenses SET superseded_by = ? WHERE serial = ? AND superseded_by IS NULL")
                    .execute(arguments: [license.serial, superseding])
            }
            try AuditLog.append(
                db, at: now, event: "license-issued", subject: license.serial,
                detail: AuditText.license(license) + (superseding.map { "; supersedes \($0)" } ?? "")
            )
            return license
        }
    }

    /// Records a minted license and makes it the holder of its seat, inside the caller's transaction.
    static func record(_ license: IssuedLicense, holding grant: SeatGrant, in db: Database) throws {
        let exists = try Bool.fetchOne(
            try db.cachedStatement(sql: "SELECT 1 FROM licenses WHERE serial = ?"),
            arguments: [license.serial]
        )
        guard exists != true else { throw CALError.storage("a license with serial \(license.serial) is recorded already") }
        if let keyID = license.issuerKeyID {
            // Checked inside the issuing transaction, so a key declared compromised mints nothing more.
            let status = try String.fetchOne(try db.cachedStatement(sql: "SELECT status FROM issuers WHERE key_id = ?"), arguments: [keyID])
            guard status == IssuerRecord.Status.active.rawValue else { throw CALError.issuerNotActive(keyID: keyID) }
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

    public func issuedLicenses() throws -> [IssuedLicense] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM licenses ORDER BY rowid").map(Self.license(row:))
        }
    }

    static func license(row: Row) throws -> IssuedLicense {
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

    public func transfer(
        _ transfer: TransferRequest,
        now: Date,
        mint: (_ old: IssuedLicense, _ grant: SeatGrant) throws -> IssuedLicense
    ) throws -> IssuedLicense {
        try database.write { db in
            let used = try Bool.fetchOne(db, sql: "SELECT 1 FROM used_grants WHERE grant_id = ?", arguments: [transfer.grantID])
            guard used != true else { throw CALError.grantAlreadyUsed(grantID: transfer.grantID) }
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM licenses WHERE serial = ?", arguments: [transfer.oldSerial]) else {
                throw CALError.unknownSerial(transfer.oldSerial)
            }
            let old = try Self.license(row: row)
            guard (try row.value("revoked_at") as Double?) == nil else { throw CALError.alreadyRevoked(transfer.oldSerial) }
            guard old.packID == transfer.keyPackID, old.seat == transfer.seat,
                let pack = try Self.packs(db, withSignedBytes: false).first(where: { $0.packID == transfer.keyPackID })
            else {
                throw CALError.notTransferable("the grant's seat is not the seat of license \(transfer.oldSerial)")
            }
            let holder = try String.fetchOne(
                db, sql: "SELECT holder_serial FROM seats WHERE pack_id = ? AND seat = ?", arguments: [transfer.keyPackID, transfer.seat]
            )
            guard holder == transfer.oldSerial else {
                throw CALError.notTransferable("the seat of license \(transfer.oldSerial) is no longer held by it")
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
                detail: AuditText.license(license) + "; from \(transfer.oldSerial), grant \(transfer.grantID)"
            )
            return license
        }
    }

    public func reissue(
        serial: String,
        as kind: Reissue,
        now: Date,
        expecting: SubjectHistory?,
        mint: (_ old: IssuedLicense, _ grant: SeatGrant) throws -> IssuedLicense
    ) throws -> IssuedLicense {
        try database.write { db in
            try Self.check(expecting, in: db)
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM licenses WHERE serial = ?", arguments: [serial]) else {
                throw CALError.unknownSerial(serial)
            }
            let old = try Self.license(row: row)
            guard (try row.value("revoked_at") as Double?) == nil else { throw CALError.alreadyRevoked(serial) }
            if let newer = try row.value("superseded_by") as String? { throw CALError.notRenewable("\(serial) was renewed before, by \(newer)") }
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
                guard holder == serial else { throw CALError.notRenewable("the seat of \(serial) went to another license after it expired") }
            }
            let grant = SeatGrant(pack: pack, seat: old.seat)
            let license = try mint(old, grant)
            try Self.record(license, holding: grant, in: db)
            try db.execute(sql: "UPDATE licenses SET superseded_by = ? WHERE serial = ?", arguments: [license.serial, serial])
            switch kind {
            case .renewal:
                try AuditLog.append(
                    db, at: now, event: "license-renewed", subject: license.serial, detail: AuditText.license(license) + "; renews \(serial)"
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
                    detail: AuditText.license(license) + AuditText.replacement(of: serial, revokedWith: reason)
                )
            }
            return license
        }
    }

    public func currentLicenses(subjectName: String, licenseType: LicenseType, now: Date) throws -> [IssuedLicense] {
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

    public func logonSnapshot(subjectName: String, licenseType: LicenseType, presentedSerial: String?) throws -> LogonSnapshot {
        try database.read { db in
            let history = try Row.fetchAll(
                try db.cachedStatement(sql: "SELECT * FROM licenses WHERE subject_name = ? AND license_type = ? ORDER BY rowid"),
                arguments: [subjectName, licenseType]
            ).map(Self.license(row:))
            // A presented license of this subject is in its history already: no second query.
            let presented = try presentedSerial.flatMap { serial in
                try history.first { $0.serial == serial }
                    ?? Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM licenses WHERE serial = ?"), arguments: [serial])
                    .map(Self.license(row:))
            }
            let products = try String.fetchAll(
                try db.cachedStatement(sql: "SELECT DISTINCT product FROM packs WHERE license_type = ?"), arguments: [licenseType]
            )
            let issuers = try Row.fetchAll(try db.cachedStatement(sql: "SELECT key_id, status FROM issuers")).map { row in
                LogonSnapshot.IssuerKey(keyID: try row.value("key_id"), compromised: (try row.value("status") as String) == "compromised")
            }
            return LogonSnapshot(history: history, presented: presented, productsWithPacks: Set(products), issuers: issuers)
        }
    }

    public func licenses(serial: String) throws -> IssuedLicense? {
        try database.read { db in
            try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM licenses WHERE serial = ?"), arguments: [serial]).map(Self.license(row:))
        }
    }
}
