import CALCore
import CALLicensing
import Foundation

/// What a revocation asks of the store.
public struct RevocationRequest: Hashable, Sendable {
    /// Serial number, lower-case hex.
    public var serial: String
    /// Why.
    public var reason: RevocationReason
    /// The revocation time recorded (and published).
    public var revokedAt: Date
    /// Whether the revocation is part of a transfer, which the administrative quota
    /// (``RevocationQuota``) does not count.
    public var forTransfer: Bool

    /// Creates a request.
    public init(serial: String, reason: RevocationReason, revokedAt: Date, forTransfer: Bool = false) {
        self.serial = serial
        self.reason = reason
        self.revokedAt = revokedAt
        self.forTransfer = forTransfer
    }
}
