import CALCore

/// The JSON answer of `POST /v1/packs` on a license server: the key pack installed.
public struct InstalledPackMessage: Codable, Sendable {
    /// The pack's id.
    public var keyPackID: String
    /// The licensed product.
    public var product: String
    /// `per-device` or `per-user`.
    public var licenseType: LicenseType
    /// How many CALs it holds.
    public var count: Int

    /// The answer for an installed pack.
    public init(_ content: KeyPackContent) {
        keyPackID = content.keyPackID
        product = content.product
        licenseType = content.licenseType
        count = content.count
    }
}
