import CALLicensing
import Foundation

/// What a revocation asks of the store.
public struct RevocationRequest: Hashable, Sendable {
    /// Serial number, lower-case hex.
    public var serial: String
    /// The RFC 5280 reason code.
    public var reason: Int
    /// The revocation time recorded (and published).
    public var revokedAt: Date
    /// Whether the revocation is part of a transfer, which the administrative quota
    /// (``RevocationQuota``) does not count.
    public var forTransfer: Bool

    /// Creates a request.
    public init(serial: String, reason: Int, revokedAt: Date, forTransfer: Bool = false) {
        self.serial = serial
        self.reason = reason
        self.revokedAt = revokedAt
        self.forTransfer = forTransfer
    }
}
