import CALCore
import Foundation

/// How much of one pack is in use.
public struct PackUsage: Hashable, Sendable, Codable {
    /// The pack.
    public var packID: String
    /// `per-device` or `per-user`.
    public var licenseType: LicenseType
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

    /// Creates the figures (the ledger computes them).
    public init(packID: String, licenseType: LicenseType, product: String, productVersion: String, total: Int, issued: Int, free: Int) {
        self.packID = packID
        self.licenseType = licenseType
        self.product = product
        self.productVersion = productVersion
        self.total = total
        self.issued = issued
        self.free = free
    }
}
