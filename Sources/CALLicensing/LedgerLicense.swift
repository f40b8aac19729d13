import CALCore
import Foundation

/// What the rules know of one license a server issued: the ledger's record as plain values.
public struct LedgerLicense: Hashable, Sendable {
    /// Serial number, lower-case hex.
    public var serial: String
    /// Per device or per user.
    public var licenseType: LicenseType
    /// Temporary or permanent.
    public var status: LicenseStatus
    /// The product it licenses.
    public var product: String
    /// The device id or user principal it binds to.
    public var subjectName: String
    /// The key identifier (hex) of the client key it certifies.
    public var keyID: String
    /// The key identifier (hex) of the server key that signed it, when recorded.
    public var issuerKeyID: String?
    /// The pack it counts against, for permanent CALs.
    public var packID: String?
    /// Its seat in that pack, for permanent per-device CALs.
    public var seat: Int?
    /// Start of validity.
    public var notBefore: Date
    /// End of validity.
    public var notAfter: Date
    /// When it was revoked, if it was.
    public var revokedAt: Date?
    /// Why it was revoked, if it was.
    public var revocationReason: RevocationReason?
    /// The serial of the license that renewed or replaced it, if one did.
    public var supersededBy: String?

    /// Creates a record.
    public init(
        serial: String, licenseType: LicenseType, status: LicenseStatus, product: String, subjectName: String,
        keyID: String, issuerKeyID: String? = nil, packID: String? = nil, seat: Int? = nil, notBefore: Date, notAfter: Date,
        revokedAt: Date? = nil, revocationReason: RevocationReason? = nil, supersededBy: String? = nil
    ) {
        self.serial = serial
        self.licenseType = licenseType
        self.status = status
        self.product = product
        self.subjectName = subjectName
        self.keyID = keyID
        self.issuerKeyID = issuerKeyID
        self.packID = packID
        self.seat = seat
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.revokedAt = revokedAt
        self.revocationReason = revocationReason
        self.supersededBy = supersededBy
    }

    /// The one definition of a *standing* license: it has not expired, was not revoked, and no
    /// renewal or replacement took its place. Only a standing license holds a seat, counts
    /// against a per-user limit, can be handed out again, renewed or transferred.
    public func isStanding(at now: Date) -> Bool {
        notAfter > now && revokedAt == nil && supersededBy == nil
    }

    /// Whether it was revoked.
    public var isRevoked: Bool { revokedAt != nil }
}
