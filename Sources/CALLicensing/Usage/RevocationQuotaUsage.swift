import CALCore

/// How much of one product version's revocation quota (``RevocationQuota``) is in use: what an
/// administrator may still revoke of its per-device CALs now.
public struct RevocationQuotaUsage: Hashable, Sendable, Codable {
    /// The product.
    public var product: String
    /// The product version.
    public var productVersion: String
    /// Per-device CALs installed for it, over every pack.
    public var installed: Int
    /// Administrative revocations that count now (not for a transfer or re-key, not yet expired).
    public var outstanding: Int

    /// Creates the figures (the ledger counts them).
    public init(product: String, productVersion: String, installed: Int, outstanding: Int) {
        self.product = product
        self.productVersion = productVersion
        self.installed = installed
        self.outstanding = outstanding
    }

    /// The most CALs that may stand revoked at once.
    public var limit: Int { RevocationQuota(installed: installed).limit }

    /// How many more may be revoked now.
    public var remaining: Int { max(0, limit - outstanding) }
}
