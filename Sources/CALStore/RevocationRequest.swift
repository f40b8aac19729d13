import Foundation

/// What a revocation asks of the store.
public struct RevocationRequest: Hashable, Sendable {
    /// Serial number, lower-case hex.
    public var serial: String
    /// The RFC 5280 reason code.
    public var reason: Int
    /// The revocation time recorded (and published).
    public var revokedAt: Date
    /// Whether the revocation is part of a transfer, which the administrative quota does not count.
    public var forTransfer: Bool
    /// The share of a product version's installed per-device CALs that may be revoked
    /// administratively at a time, in percent (at least one CAL).
    public var quotaPercent: Int

    /// Creates a request.
    public init(serial: String, reason: Int, revokedAt: Date, forTransfer: Bool = false, quotaPercent: Int = 20) {
        self.serial = serial
        self.reason = reason
        self.revokedAt = revokedAt
        self.forTransfer = forTransfer
        self.quotaPercent = quotaPercent
    }
}
