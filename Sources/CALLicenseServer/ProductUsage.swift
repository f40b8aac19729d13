import CALLicensing
import CALCore
internal import CALStore

/// Usage of one product and license type across all of its packs.
public struct ProductUsage: Codable, Sendable, Hashable {
    /// The product.
    public var product: String
    /// `per-device` or `per-user`.
    public var licenseType: LicenseType
    /// CALs purchased.
    public var total: Int
    /// Licenses currently valid.
    public var issued: Int
    /// Seats still free.
    public var free: Int

    /// Sums pack usages per product and type, in the order products first appear.
    static func summing(_ packs: [PackUsage]) -> [ProductUsage] {
        var result: [ProductUsage] = []
        for pack in packs {
            if let index = result.firstIndex(where: { $0.product == pack.product && $0.licenseType == pack.licenseType }) {
                result[index].total += pack.total
                result[index].issued += pack.issued
                result[index].free += pack.free
            } else {
                result.append(
                    ProductUsage(
                        product: pack.product, licenseType: pack.licenseType, total: pack.total, issued: pack.issued,
                        free: pack.free
                    )
                )
            }
        }
        return result
    }
}
