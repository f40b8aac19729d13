/// How many per-device CALs of one product version an administrator may hold revoked at once:
/// 20 % of those installed, at least one. Revocations a transfer or a re-key makes do not count,
/// and a revoked CAL stops counting once it would have expired.
public struct RevocationQuota: Hashable, Sendable {
    /// The per-device CALs of the product version installed, over every pack.
    public var installed: Int

    /// A quota over `installed` CALs.
    public init(installed: Int) { self.installed = installed }

    /// The most CALs that may stand revoked administratively at once.
    public var limit: Int { max(1, installed * LicensingTerms.revocationQuotaPercent / 100) }

    /// Whether one more administrative revocation is allowed while `outstanding` count already.
    public func allowsAnother(outstanding: Int) -> Bool { outstanding < limit }
}
