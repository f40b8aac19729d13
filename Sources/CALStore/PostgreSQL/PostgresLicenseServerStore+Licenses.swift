import CALCore
import PostgresNIO
import CALLicensing
import Foundation

/// Licenses: issuing, renewing, replacing and transferring on a seat, each in one transaction, and reading them back.
extension PostgresLicenseServerStore {
    /// Refuses a user who holds no standing per-user license of `product` once as many users
    /// hold one as were purchased. The product's per-user packs are locked first, so issuers
    /// on every node count one after another and cannot overshoot together.
    static func checkUserLimit(_ transaction: PostgresTransaction, product: String, user: String, now: Date) throws {
        let purchased = try transaction.values(
            Int.self, "SELECT count FROM packs WHERE product = $1 AND license_type = 'per-user' ORDER BY pack_id FOR UPDATE", .text(product)
        ).reduce(0, +)
        let standing = """
            product = $1 AND license_type = 'per-user' AND status = 'permanent' AND not_after > $2 AND revoked_at IS NULL AND superseded_by IS NULL
            """
        let holds = try transaction.exists("SELECT 1 FROM licenses WHERE \(standing) AND subject_name = $3 LIMIT 1", .text(product), .time(now), .text(user))
        let users = try transaction.value(Int.self, "SELECT COUNT(DISTINCT subject_name) FROM licenses WHERE \(standing)", .text(product), .time(now)) ?? 0
        guard PerUserLimit(purchased: purchased).admits(userHoldsStanding: holds, usersHolding: users) else {
            throw CALError.perUserLimitReached(product: product, purchased: purchased)
        }
    }

    /// Refuses when the subject's history is no longer what the decision saw. The subject is
    /// locked first (a transaction-scoped advisory lock on its name and mode), so requests for
    /// one subject on any node are checked one after another, each seeing the one before.
    static func check(_ expected: SubjectHistory?, in transaction: PostgresTransaction) throws {
        guard let expected else { return }
        try transaction.execute(
            "SELECT pg_advisory_xact_lock(hashtext($1))", .text("subject:" + expected.licenseType.rawValue + ":" + expected.subjectName)
        )
        guard
            let row = try transaction.row(
                """
                SELECT COUNT(*) AS licenses, COUNT(revoked_at) AS revoked, COUNT(superseded_by) AS superseded
                FROM licenses WHERE subject_name = $1 AND license_type = $2
                """,
                .text(expected.subjectName), .text(expected.licenseType.rawValue)
            )
        else { throw CALError.storage("the subject's licenses did not count") }
        try expected.check(
            against: SubjectHistory(
                subjectName: expected.subjectName, licenseType: expected.licenseType, licenses: try row.value("licenses"),
                revoked: try row.value("revoked"), superseded: try row.value("superseded")
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
        try ledger.write { transaction in
            try Self.check(expecting, in: transaction)
            let grant = try Self.grant(transaction, product: product, licenseType: licenseType, permanent: permanent, now: now)
            if let user, permanent, licenseType == .perUser {
                try Self.checkUserLimit(transaction, product: product, user: user, now: now)
            }
            let license = try mint(grant)
            try Self.record(license, holding: grant, in: transaction)
            if let superseding {
                try transaction.execute(
                    "UPDATE licenses SET superseded_by = $1 WHERE serial = $2 AND superseded_by IS NULL", .text(license.serial), .text(superseding)
                )
            }
            try PostgresAuditLog.append(
                transaction, at: now, event: "license-issued", subject: license.serial,
                detail: AuditText.license(license) + (superseding.map { "; supersedes \($0)" } ?? "")
            )
            return license
        }
    }

    /// Records a minted license and makes it the holder of its seat, inside the caller's
    /// transaction. The issuer's row is read `FOR SHARE`: a key being declared compromised
    /// waits for this commit, or this issue sees it compromised and mints nothing.
    static func record(_ license: IssuedLicense, holding grant: SeatGrant, in transaction: PostgresTransaction) throws {
        if let keyID = license.issuerKeyID {
            let status = try transaction.value(String.self, "SELECT status FROM issuers WHERE key_id = $1 FOR SHARE", .text(keyID))
            guard status == IssuerRecord.Status.active.rawValue else { throw CALError.issuerNotActive(keyID: keyID) }
        }
        if let pack = grant.pack, let seat = grant.seat {
            try transaction.execute(
                "UPDATE seats SET holder_serial = $1, not_after = $2 WHERE pack_id = $3 AND seat = $4",
                .text(license.serial), .time(license.notAfter), .text(pack.packID), .integer(seat)
            )
        }
        try insert(license, in: transaction)
    }

    /// Inserts a license row; a serial recorded before is a storage error (serials are never reused).
    static func insert(_ license: IssuedLicense, in transaction: PostgresTransaction) throws {
        let inserted = try transaction.execute(
            """
            INSERT INTO licenses (serial, license_type, status, product, product_version, subject_name,
                                  pack_id, seat, not_before, not_after, certificate, issuer_key_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (serial) DO NOTHING
            """,
            .text(license.serial), .text(license.licenseType.rawValue), .text(license.status.rawValue), .text(license.product),
            .text(license.productVersion), .text(license.subjectName), .text(license.packID), .integer(license.seat), .time(license.notBefore),
            .time(license.notAfter), .bytes(license.certificate), .text(license.issuerKeyID)
        )
        guard inserted == 1 else { throw CALError.storage("a license with serial \(license.serial) is recorded already") }
    }

    public func issuedLicenses() throws -> [IssuedLicense] {
        try ledger.read { try $0.rows("SELECT * FROM licenses ORDER BY id").map(Self.license(row:)) }
    }

    static func license(row: PostgresRandomAccessRow) throws -> IssuedLicense {
        IssuedLicense(
            serial: try row.value("serial"), licenseType: try row.required("license_type"), status: try row.required("status"),
            product: try row.value("product"), productVersion: try row.value("product_version"), subjectName: try row.value("subject_name"),
            packID: try row.optional("pack_id"), seat: try row.optional("seat"), notBefore: try row.time("not_before"), notAfter: try row.time("not_after"),
            certificate: try row.bytes("certificate"), issuerKeyID: try row.optional("issuer_key_id"), revokedAt: try row.optionalTime("revoked_at"),
            revocationReason: try row.enumeration("revocation_reason"), supersededBy: try row.optional("superseded_by")
        )
    }

    public func issuanceCounts() throws -> IssuanceCounts {
        try ledger.read { transaction in
            guard
                let row = try transaction.row(
                    """
                    SELECT COUNT(*) AS total,
                        COUNT(*) FILTER (WHERE status = 'permanent' AND license_type = 'per-device') AS per_device,
                        COUNT(*) FILTER (WHERE status = 'permanent' AND license_type = 'per-user') AS per_user,
                        COUNT(*) FILTER (WHERE status = 'temporary') AS temporary
                    FROM licenses
                    """
                )
            else { throw CALError.storage("the license counts did not read") }
            return IssuanceCounts(
                total: try row.value("total"), permanentPerDevice: try row.value("per_device"), permanentPerUser: try row.value("per_user"),
                temporary: try row.value("temporary")
            )
        }
    }

    /// The license `serial`, locked until the transaction ends; unknown serials are refused.
    static func lockedLicense(_ transaction: PostgresTransaction, serial: String) throws -> IssuedLicense {
        guard let row = try transaction.row("SELECT * FROM licenses WHERE serial = $1 FOR UPDATE", .text(serial)) else {
            throw CALError.unknownSerial(serial)
        }
        return try license(row: row)
    }

    /// The holder of a seat, read under the transaction's lock on it.
    static func holder(_ transaction: PostgresTransaction, packID: String, seat: Int) throws -> String? {
        try transaction.value(String.self, "SELECT holder_serial FROM seats WHERE pack_id = $1 AND seat = $2 FOR UPDATE", .text(packID), .integer(seat))
    }

    public func transfer(
        _ transfer: TransferRequest,
        now: Date,
        mint: (_ old: IssuedLicense, _ grant: SeatGrant) throws -> IssuedLicense
    ) throws -> IssuedLicense {
        try change { transaction in
            guard try !transaction.exists("SELECT 1 FROM used_grants WHERE grant_id = $1", .text(transfer.grantID)) else {
                throw CALError.grantAlreadyUsed(grantID: transfer.grantID)
            }
            let old = try Self.lockedLicense(transaction, serial: transfer.oldSerial)
            guard old.revokedAt == nil else { throw CALError.alreadyRevoked(transfer.oldSerial) }
            guard old.packID == transfer.keyPackID, old.seat == transfer.seat,
                let pack = try Self.packs(transaction, withSignedBytes: false).first(where: { $0.packID == transfer.keyPackID })
            else {
                throw CALError.notTransferable("the grant's seat is not the seat of license \(transfer.oldSerial)")
            }
            guard try Self.holder(transaction, packID: transfer.keyPackID, seat: transfer.seat) == transfer.oldSerial else {
                throw CALError.notTransferable("the seat of license \(transfer.oldSerial) is no longer held by it")
            }
            try transaction.execute(
                "UPDATE licenses SET revoked_at = $1, revocation_reason = 4, revoked_for_transfer = TRUE WHERE serial = $2", .time(now), .text(transfer.oldSerial)
            )
            let grant = SeatGrant(pack: pack, seat: transfer.seat)
            let license = try mint(old, grant)
            try Self.record(license, holding: grant, in: transaction)
            try transaction.execute(
                "INSERT INTO used_grants (grant_id, used_at, new_serial) VALUES ($1, $2, $3)", .text(transfer.grantID), .time(now), .text(license.serial)
            )
            try PostgresAuditLog.append(
                transaction, at: now, event: "license-transferred", subject: license.serial,
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
        try ledger.write { transaction in
            // The subject before the chain's head, in the order issuing takes them.
            try Self.check(expecting, in: transaction)
            try PostgresAuditLog.lockHead(transaction)
            let old = try Self.lockedLicense(transaction, serial: serial)
            guard old.revokedAt == nil else { throw CALError.alreadyRevoked(serial) }
            if let newer = old.supersededBy { throw CALError.notRenewable("\(serial) was renewed before, by \(newer)") }
            let pack = try old.packID.flatMap { packID in try Self.packs(transaction, withSignedBytes: false).first { $0.packID == packID } }
            // A seat whose license has expired may have gone to another device meanwhile.
            if let packID = old.packID, let seat = old.seat {
                guard try Self.holder(transaction, packID: packID, seat: seat) == serial else {
                    throw CALError.notRenewable("the seat of \(serial) went to another license after it expired")
                }
            }
            let grant = SeatGrant(pack: pack, seat: old.seat)
            let license = try mint(old, grant)
            try Self.record(license, holding: grant, in: transaction)
            try transaction.execute("UPDATE licenses SET superseded_by = $1 WHERE serial = $2", .text(license.serial), .text(serial))
            switch kind {
            case .renewal:
                try PostgresAuditLog.append(
                    transaction, at: now, event: "license-renewed", subject: license.serial, detail: AuditText.license(license) + "; renews \(serial)"
                )
            case .replacement(let reason):
                if let reason {
                    // Outside the administrative quota, like a transfer: the seat stays in use.
                    try transaction.execute(
                        "UPDATE licenses SET revoked_at = $1, revocation_reason = $2, revoked_for_transfer = TRUE WHERE serial = $3",
                        .time(now), .integer(reason.rawValue), .text(serial)
                    )
                }
                try PostgresAuditLog.append(
                    transaction, at: now, event: "license-replaced", subject: license.serial,
                    detail: AuditText.license(license) + AuditText.replacement(of: serial, revokedWith: reason)
                )
            }
            return license
        }
    }

    public func currentLicenses(subjectName: String, licenseType: LicenseType, now: Date) throws -> [IssuedLicense] {
        try ledger.read { transaction in
            try transaction.rows(
                """
                SELECT * FROM licenses WHERE subject_name = $1 AND license_type = $2 AND not_after > $3
                  AND revoked_at IS NULL AND superseded_by IS NULL ORDER BY id
                """,
                .text(subjectName), .text(licenseType.rawValue), .time(now)
            ).map(Self.license(row:))
        }
    }

    public func logonSnapshot(subjectName: String, licenseType: LicenseType, presentedSerial: String?) throws -> LogonSnapshot {
        // Two statements, no transaction: the subject's licenses with the presented one, then
        // what packs and issuers there are. They need not agree to the instant: an issue checks
        // the subject's history again and the issuer's state as it commits.
        try ledger.query { transaction in
            let licenses = try transaction.rows(
                """
                SELECT *, (subject_name = $1 AND license_type = $2) AS in_history FROM licenses
                WHERE (subject_name = $1 AND license_type = $2) OR serial = $3 ORDER BY id
                """,
                .text(subjectName), .text(licenseType.rawValue), .text(presentedSerial)
            )
            var history: [IssuedLicense] = []
            var presented: IssuedLicense?
            for row in licenses {
                let license = try Self.license(row: row)
                if try row.value("in_history", as: Bool.self) { history.append(license) }
                if license.serial == presentedSerial { presented = license }
            }
            var products: Set<String> = []
            var issuers: [LogonSnapshot.IssuerKey] = []
            for row in try transaction.rows(
                """
                SELECT DISTINCT 'product' AS kind, product AS name, '' AS status FROM packs WHERE license_type = $1
                UNION ALL SELECT 'issuer', key_id, status FROM issuers
                """,
                .text(licenseType.rawValue)
            ) {
                let name: String = try row.value("name")
                if try row.value("kind", as: String.self) == "product" {
                    products.insert(name)
                } else {
                    issuers.append(LogonSnapshot.IssuerKey(keyID: name, compromised: try row.value("status", as: String.self) == "compromised"))
                }
            }
            return LogonSnapshot(history: history, presented: presented, productsWithPacks: products, issuers: issuers)
        }
    }

    public func licenses(serial: String) throws -> IssuedLicense? {
        try ledger.query { try $0.row("SELECT * FROM licenses WHERE serial = $1", .text(serial)).map(Self.license(row:)) }
    }

    public func adopt(_ license: IssuedLicense, now: Date) throws -> Bool {
        try change { transaction in
            if try transaction.exists("SELECT 1 FROM licenses WHERE serial = $1", .text(license.serial)) { return true }
            if let pack = license.packID {
                guard try transaction.exists("SELECT 1 FROM packs WHERE pack_id = $1", .text(pack)) else { return false }
            }
            if let pack = license.packID, let seat = license.seat {
                guard let holder = try transaction.row("SELECT holder_serial, not_after FROM seats WHERE pack_id = $1 AND seat = $2 FOR UPDATE", .text(pack), .integer(seat))
                else { return false }
                if try holder.optional("holder_serial", as: String.self) != nil && (try holder.time("not_after")) > now { return false }
            }
            try Self.insert(license, in: transaction)
            if let pack = license.packID, let seat = license.seat {
                try transaction.execute(
                    "UPDATE seats SET holder_serial = $1, not_after = $2 WHERE pack_id = $3 AND seat = $4",
                    .text(license.serial), .time(license.notAfter), .text(pack), .integer(seat)
                )
            }
            try PostgresAuditLog.append(transaction, at: now, event: "license-adopted", subject: license.serial, detail: AuditText.license(license))
            return true
        }
    }
}
