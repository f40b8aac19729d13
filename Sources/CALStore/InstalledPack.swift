import CALCore
import Foundation

/// A key pack as the license server keeps it.
public struct InstalledPack: Hashable, Sendable, Codable {
    /// The pack's id.
    public var packID: String
    /// Per device or per user.
    public var licenseType: LicenseType
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
        packID: String, licenseType: LicenseType, product: String, productVersion: String, count: Int,
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
