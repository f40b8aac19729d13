import CALLicensing
import CALCore
import Foundation

/// What a license server keeps: installed packs and every license it issued.
public protocol LicenseServerStore: Sendable {
    /// Records a verified pack. Throws ``CALError/packAlreadyInstalled(_:)`` for a pack seen before.
    func install(_ pack: InstalledPack) throws

    /// Every installed pack, oldest first.
    func installedPacks() throws -> [InstalledPack]

    /// Draws on a pack (if the license needs one), mints with `mint`, and records the result,
    /// all in one transaction: if no seat is free, or minting or recording fails, nothing changes.
    ///
    /// - Parameters:
    ///   - product: the product; packs of other products are not drawn on.
    ///   - licenseType: per device or per user.
    ///   - permanent: temporary licenses draw on no pack.
    ///   - now: seats of licenses that expired before `now` are free again.
    /// - Parameters:
    ///   - superseding: a license the new one replaces (a temporary license upgraded), marked
    ///     superseded in the same transaction.
    ///   - userLimitFor: for strict per-user licensing, the user asking: a user who holds no
    ///     standing per-user license is refused once as many users hold one as were purchased.
    ///   - expecting: the subject's history the decision to issue was made on; when the ledger
    ///     holds another by now, nothing is issued and ``SubjectHistory/Changed`` is thrown.
    func issue(
        product: String,
        licenseType: LicenseType,
        permanent: Bool,
        now: Date,
        superseding: String?,
        userLimitFor: String?,
        expecting: SubjectHistory?,
        mint: (SeatGrant) throws -> IssuedLicense
    ) throws -> IssuedLicense

    /// A server setting, if set.
    func setting(_ name: String) throws -> String?

    /// Sets a server setting.
    func setSetting(_ name: String, _ value: String, now: Date) throws

    /// Records a license this server signed that the ledger does not hold — one issued after
    /// the backup a restore started from, presented at a logon — with its seat, in one
    /// transaction, audited as `license-adopted`. Adopts nothing and returns false when its
    /// pack is not installed or its seat is held by another license that has not expired: a
    /// seat is never held twice. True when the license is (now, or already) in the ledger.
    func adopt(_ license: IssuedLicense, now: Date) throws -> Bool

    /// Sets a setting that describes the ledger itself (its creation, its id) when it has none,
    /// in one transaction and without an audit event: no operator changed anything. Returns the
    /// value the setting holds afterwards.
    func initializeSetting(_ name: String, _ value: String) throws -> String
    /// The audit log, oldest entry first.
    func auditLog() throws -> [AuditEntry]
    /// Enrolls a session host; refuses a name an enrolled host already has.
    func enroll(_ host: EnrolledHost, now: Date) throws
    /// Withdraws the credential of the enrolled host named `name`; refuses an unknown name.
    func removeHost(named name: String, now: Date) throws -> EnrolledHost
    /// The host with this id, enrolled or removed.
    func host(id: String) throws -> EnrolledHost?
    /// Every host ever enrolled, oldest first.
    func hosts() throws -> [EnrolledHost]
    /// The audit log and its disagreements with the ledger's rows, from one snapshot.
    func auditSnapshot() throws -> AuditSnapshot

    /// Every license issued, oldest first.
    func issuedLicenses() throws -> [IssuedLicense]

    /// Usage of every installed pack at `now`.
    func packUsage(at now: Date) throws -> [PackUsage]

    /// Counts of the licenses issued.
    func issuanceCounts() throws -> IssuanceCounts

    /// Revokes a license in one transaction: checks it exists and is not revoked, applies the
    /// administrative quota to permanent per-device CALs, records the revocation and frees the seat.
    func revoke(_ request: RevocationRequest, now: Date) throws -> IssuedLicense

    /// The revocation quota of every product version with per-device CALs installed: installed
    /// and outstanding, counted as ``revoke(_:now:)`` counts them at `now`.
    func revocationQuotas(now: Date) throws -> [RevocationQuotaUsage]

    /// Takes the next CRL number and the current entries (revoked licenses not yet expired at
    /// `now`) of one issuer in one transaction, and hands them to `sign`; nothing is consumed if it
    /// throws. Licenses recorded without an issuer count as the first issuer's. A complete CRL
    /// becomes the base of the delta CRLs after it; a `delta` one lists only what was revoked
    /// since that base, and needs one (`noCompleteCRL` otherwise).
    func publishRevocations<Result>(
        issuerKeyID: String,
        now: Date,
        delta: Bool,
        sign: (RevokedRows) throws -> Result
    ) throws -> Result

    // MARK: Issuers

    /// Every issuer, oldest first, with how many licenses each signed and when the last expires.
    func issuers() throws -> [IssuerRecord]

    /// One issuer, without its usage counts; nil if unknown.
    func issuer(keyID: String) throws -> IssuerRecord?

    /// Makes `issuer` the active issuer in one transaction. The issuer whose key file it takes
    /// over retires (a compromised one stays compromised) and is recorded at `previousFiles`,
    /// where its files were moved. The first issuer registered adopts the licenses recorded
    /// without one.
    func activateIssuer(_ issuer: IssuerRecord, previousMovedTo previousFiles: RetiredFiles?, now: Date) throws

    /// Records that a rotation to the key `newKeyID` was requested; with `compromisedKeyID`, that
    /// issuer is marked compromised in the same transaction and signs nothing from then on.
    func requestRotation(newKeyID: String, compromisedKeyID: String?, now: Date) throws



    /// A value that changes whenever a license is revoked (for caching a published CRL).
    func revocationStamp() throws -> String

    /// An issuer's state and what the store knows of each serial, read together (an OCSP answer).
    func revocationStatus(of serials: [String], issuerKeyID: String) throws -> IssuerRevocationStatus

    /// Carries out a verified transfer in one transaction: the grant is marked used, the old CAL
    /// is revoked as superseded (outside the quota), and `mint`'s new CAL takes the same seat.
    func transfer(
        _ transfer: TransferRequest,
        now: Date,
        mint: (_ old: IssuedLicense, _ grant: SeatGrant) throws -> IssuedLicense
    ) throws -> IssuedLicense

    /// Frees the seats of expired licenses (the issuing path does this too) and says how many.
    func reclaimExpiredSeats(now: Date) throws -> Int


    /// Reissues a license in one transaction: `mint`'s new license keeps the old one's seat (the
    /// seat must still be the old license's), and the old serial is marked superseded by it; a
    /// replacement may also revoke the old license (outside the revocation quota). With
    /// `expecting`, as for ``issue(product:licenseType:permanent:now:superseding:userLimitFor:expecting:mint:)``.
    func reissue(
        serial: String,
        as kind: Reissue,
        now: Date,
        expecting: SubjectHistory?,
        mint: (_ old: IssuedLicense, _ grant: SeatGrant) throws -> IssuedLicense
    ) throws -> IssuedLicense

    /// Usage per product and license type: issuance and reclaims in [from, to), state at `now`.
    func report(from: Date?, to: Date?, now: Date) throws -> [ProductReport]

    /// The licenses of a device or user that stand at `now`: not expired, revoked or superseded.
    func currentLicenses(subjectName: String, licenseType: LicenseType, now: Date) throws -> [IssuedLicense]

    /// What the logon rules read for one request, in one read: every license of the subject in
    /// this mode (oldest first), the presented serial's record, the products with a pack of this
    /// type, and the issuers.
    func logonSnapshot(subjectName: String, licenseType: LicenseType, presentedSerial: String?) throws -> LogonSnapshot

    /// The record of one serial, if this server issued it.
    func licenses(serial: String) throws -> IssuedLicense?


}

/// Why a license is reissued on its seat.
public enum Reissue: Sendable, Hashable {
    /// Renewal near the end of its validity.
    case renewal
    /// A replacement: the client's key changed, or the key that signed it was compromised; with
    /// a reason code, the old license is revoked with it.
    case replacement(revokingOldWith: RevocationReason?)
}

extension LicenseServerStore {
    /// Renews a license (see ``reissue(serial:as:now:expecting:mint:)``).
    public func renew(serial: String, now: Date, mint: (_ old: IssuedLicense, _ grant: SeatGrant) throws -> IssuedLicense) throws -> IssuedLicense {
        try reissue(serial: serial, as: .renewal, now: now, expecting: nil, mint: mint)
    }

    /// Reissues a license whatever its subject's history (an operator's command, not a logon).
    public func reissue(
        serial: String, as kind: Reissue, now: Date, mint: (_ old: IssuedLicense, _ grant: SeatGrant) throws -> IssuedLicense
    ) throws -> IssuedLicense {
        try reissue(serial: serial, as: kind, now: now, expecting: nil, mint: mint)
    }

    /// Issues a license whatever its subject's history (an operator's command, not a logon).
    public func issue(
        product: String, licenseType: LicenseType, permanent: Bool, now: Date, superseding: String?, userLimitFor: String?,
        mint: (SeatGrant) throws -> IssuedLicense
    ) throws -> IssuedLicense {
        try issue(
            product: product, licenseType: licenseType, permanent: permanent, now: now, superseding: superseding, userLimitFor: userLimitFor,
            expecting: nil, mint: mint
        )
    }

    /// Issues a license that replaces none.
    public func issue(
        product: String,
        licenseType: LicenseType,
        permanent: Bool,
        now: Date,
        mint: (SeatGrant) throws -> IssuedLicense
    ) throws -> IssuedLicense {
        try issue(
            product: product, licenseType: licenseType, permanent: permanent, now: now, superseding: nil, userLimitFor: nil, expecting: nil, mint: mint
        )
    }
}
