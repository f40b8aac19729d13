import Foundation

/// One license the server issued, recorded before the certificate leaves the server.
public struct IssuedLicense: Hashable, Sendable, Codable {
    /// Serial number, lower-case hex.
    public var serial: String
    /// `per-device` or `per-user`.
    public var licenseType: String
    /// `temporary` or `permanent`.
    public var status: String
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
    /// The RFC 5280 reason code of its revocation, if it was revoked.
    public var revocationReason: Int?
    /// The serial of the license that renewed or replaced it, if one did.
    public var supersededBy: String?

    /// Creates a record.
    public init(
        serial: String, licenseType: String, status: String, product: String, productVersion: String,
        subjectName: String, packID: String?, seat: Int?, notBefore: Date, notAfter: Date, certificate: [UInt8],
        issuerKeyID: String? = nil, revokedAt: Date? = nil, revocationReason: Int? = nil, supersededBy: String? = nil
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
