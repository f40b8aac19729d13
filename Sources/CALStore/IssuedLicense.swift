import CALCore
import Foundation

/// One license the server issued, recorded before the certificate leaves the server.
public struct IssuedLicense: Hashable, Sendable, Codable {
    /// Serial number, lower-case hex.
    public var serial: String
    /// Per device or per user.
    public var licenseType: LicenseType
    /// Temporary or permanent.
    public var status: LicenseStatus
    /// The product.
    public var product: String
    /// The product version.
    public var productVersion: String
    /// Device id or user principal.
    public var subjectName: String
    /// The pack the license counts against; nil for temporary licenses.
    public var packID: String?
    /// The seat within the pack, for permanent per-device licenses.
    public var seat: Int?
    /// Start of validity.
    public var notBefore: Date
    /// End of validity.
    public var notAfter: Date
    /// The certificate, DER.
    public var certificate: [UInt8]
    /// The subject key identifier (hex) of the server certificate that signed it; nil in
    /// records made before key rotation existed.
    public var issuerKeyID: String?
    /// When it was revoked, if it was.
    public var revokedAt: Date?
    /// Why it was revoked, if it was.
    public var revocationReason: RevocationReason?
    /// The serial of the license that renewed or replaced it, if one did.
    public var supersededBy: String?

    /// Creates a record.
    public init(
        serial: String, licenseType: LicenseType, status: LicenseStatus, product: String, productVersion: String,
        subjectName: String, packID: String?, seat: Int?, notBefore: Date, notAfter: Date, certificate: [UInt8],
        issuerKeyID: String? = nil, revokedAt: Date? = nil, revocationReason: RevocationReason? = nil, supersededBy: String? = nil
    ) {
        self.serial = serial
        self.licenseType = licenseType
        self.status = status
        self.product = product
        self.productVersion = productVersion
        self.subjectName = subjectName
        self.packID = packID
        self.seat = seat
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.certificate = certificate
        self.issuerKeyID = issuerKeyID
        self.revokedAt = revokedAt
        self.revocationReason = revocationReason
        self.supersededBy = supersededBy
    }
}
