import Foundation

/// A key pack as the license server keeps it.
public struct InstalledPack: Hashable, Sendable, Codable {
    /// The pack's id.
    public var packID: String
    /// `per-device` or `per-user`.
    public var licenseType: String
    /// The product the pack licenses.
    public var product: String
    /// The product version.
    public var productVersion: String
    /// How many CALs the pack holds.
    public var count: Int
    /// The purchase agreement number.
    public var agreementNumber: String
    /// When the server installed it.
    public var installedAt: Date
    /// The signed pack, kept as received.
    public var signedBytes: [UInt8]

    /// Creates a record.
    public init(
        packID: String, licenseType: String, product: String, productVersion: String, count: Int,
        agreementNumber: String, installedAt: Date, signedBytes: [UInt8]
    ) {
        self.packID = packID
        self.licenseType = licenseType
        self.product = product
        self.productVersion = productVersion
        self.count = count
        self.agreementNumber = agreementNumber
        self.installedAt = installedAt
        self.signedBytes = signedBytes
    }
}

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

    /// Creates a record.
    public init(
        serial: String, licenseType: String, status: String, product: String, productVersion: String,
        subjectName: String, packID: String?, seat: Int?, notBefore: Date, notAfter: Date, certificate: [UInt8]
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
    }
}

/// The pack and seat an issuance draws on; nil pack for temporary licenses.
public struct SeatGrant: Hashable, Sendable {
    /// The pack drawn on.
    public var pack: InstalledPack?
    /// The seat taken, for permanent per-device licenses.
    public var seat: Int?
}

/// How much of one pack is in use.
public struct PackUsage: Hashable, Sendable, Codable {
    /// The pack.
    public var packID: String
    /// `per-device` or `per-user`.
    public var licenseType: String
    /// The product.
    public var product: String
    /// The product version.
    public var productVersion: String
    /// CALs in the pack.
    public var total: Int
    /// Licenses of the pack currently valid (per-user packs count them but are not decremented).
    public var issued: Int
    /// Seats still free; for per-user packs, `total - issued` floored at 0, as a report only.
    public var free: Int
}

/// Counts of the licenses a server has issued, by type and status.
public struct IssuanceCounts: Hashable, Sendable, Codable {
    /// Every license ever issued.
    public var total: Int
    /// Permanent per-device licenses.
    public var permanentPerDevice: Int
    /// Permanent per-user licenses.
    public var permanentPerUser: Int
    /// Temporary licenses.
    public var temporary: Int
}
