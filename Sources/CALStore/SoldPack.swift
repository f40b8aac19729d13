import Foundation

/// A key pack the clearinghouse sold.
public struct SoldPack: Hashable, Sendable, Codable {
    /// The pack's id.
    public var packID: String
    /// The license server it is bound to.
    public var serverID: String
    /// `per-device` or `per-user`.
    public var licenseType: String
    /// CALs in the pack.
    public var count: Int
    /// The product.
    public var product: String
    /// The product version.
    public var productVersion: String
    /// The purchase agreement number.
    public var agreementNumber: String
    /// When it was issued.
    public var issuedAt: Date

    /// Creates a record.
    public init(
        packID: String, serverID: String, licenseType: String, count: Int, product: String, productVersion: String,
        agreementNumber: String, issuedAt: Date
    ) {
        self.packID = packID
        self.serverID = serverID
        self.licenseType = licenseType
        self.count = count
        self.product = product
        self.productVersion = productVersion
        self.agreementNumber = agreementNumber
        self.issuedAt = issuedAt
    }
}
