import CALCore
internal import CALStore
import Foundation

/// What the license server's ledger says about one license it issued (without the certificate):
/// what role APIs return, what `GET /v1/licenses` lists, and what `server issue --json` and
/// `server transfer --json` print, with the file written.
public struct LicenseRecord: Encodable, Hashable, Sendable {
    /// The file the license was written to, when a command wrote one.
    public var file: String?
    /// The serial number, hex.
    public var serial: String
    /// Per device or per user (`per-device`, `per-user` in JSON).
    public var licenseType: LicenseType
    /// Permanent or temporary (`permanent`, `temporary` in JSON).
    public var status: LicenseStatus
    /// The licensed product.
    public var product: String
    /// The product version of its pack, empty for temporary licenses.
    public var productVersion: String
    /// The device id or user principal it is bound to.
    public var subject: String
    /// The key pack whose seat it holds, if any.
    public var keyPackID: String?
    /// The seat number in that pack, if any.
    public var seat: Int?
    /// Valid from.
    public var notBefore: Date
    /// Valid until.
    public var notAfter: Date
    /// The key identifier of the server key that signed it.
    public var issuerKeyID: String?
    /// When it was revoked, if it was.
    public var revokedAt: Date?
    /// Why it was revoked, if it was (its RFC 5280 name in JSON).
    public var revocationReason: RevocationReason?
    /// The serial of the license that renewed it, if one did.
    public var supersededBy: String?

    /// The public view of a ledger row.
    init(_ license: IssuedLicense) {
        serial = license.serial
        licenseType = license.licenseType
        status = license.status
        product = license.product
        productVersion = license.productVersion
        subject = license.subjectName
        keyPackID = license.packID
        seat = license.seat
        notBefore = license.notBefore
        notAfter = license.notAfter
        issuerKeyID = license.issuerKeyID
        revokedAt = license.revokedAt
        revocationReason = license.revocationReason
        supersededBy = license.supersededBy
    }

    /// The same record, naming the file a command wrote it to.
    public func written(to file: String?) -> LicenseRecord {
        var copy = self
        copy.file = file
        return copy
    }

    private enum CodingKeys: String, CodingKey {
        case file, serial, licenseType, status, product, productVersion, subject, keyPackID, seat, notBefore, notAfter
        case issuerKeyID, revokedAt, revocationReason, supersededBy
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(file, forKey: .file)
        try container.encode(serial, forKey: .serial)
        try container.encode(licenseType, forKey: .licenseType)
        try container.encode(status, forKey: .status)
        try container.encode(product, forKey: .product)
        try container.encode(productVersion, forKey: .productVersion)
        try container.encode(subject, forKey: .subject)
        try container.encodeIfPresent(keyPackID, forKey: .keyPackID)
        try container.encodeIfPresent(seat, forKey: .seat)
        try container.encode(notBefore, forKey: .notBefore)
        try container.encode(notAfter, forKey: .notAfter)
        try container.encodeIfPresent(issuerKeyID, forKey: .issuerKeyID)
        try container.encodeIfPresent(revokedAt, forKey: .revokedAt)
        try container.encodeIfPresent(revocationReason?.name, forKey: .revocationReason)
        try container.encodeIfPresent(supersededBy, forKey: .supersededBy)
    }
}
