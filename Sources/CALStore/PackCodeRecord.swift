import Foundation

/// A one-time key pack code as the clearinghouse keeps it: what the vendor sold the customer
/// (agreement, product, version, license type, count), so that the customer can fetch the pack
/// from the clearinghouse's web pages for their own license server. Only the code's hash is kept.
public struct PackCodeRecord: Hashable, Sendable {
    /// SHA-256 of the normalised code, hex.
    public var codeHash: String
    /// The license agreement the sale is under.
    public var agreementNumber: String
    /// `per-device` or `per-user`.
    public var licenseType: String
    /// The product.
    public var product: String
    /// The product version.
    public var productVersion: String
    /// How many CALs were sold.
    public var count: Int
    /// When the code was issued.
    public var issuedAt: Date
    /// When it stops working if unused.
    public var expiresAt: Date
    /// When it was used, if it was.
    public var usedAt: Date?
    /// The pack it bought, if used.
    public var packID: String?

    /// Creates a record.
    public init(
        codeHash: String, agreementNumber: String, licenseType: String, product: String, productVersion: String, count: Int,
        issuedAt: Date, expiresAt: Date, usedAt: Date? = nil, packID: String? = nil
    ) {
        self.codeHash = codeHash
        self.agreementNumber = agreementNumber
        self.licenseType = licenseType
        self.product = product
        self.productVersion = productVersion
        self.count = count
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.usedAt = usedAt
        self.packID = packID
    }
}
