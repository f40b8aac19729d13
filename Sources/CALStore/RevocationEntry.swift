import Foundation

/// A revoked license as the CRL lists it.
public struct RevocationEntry: Hashable, Sendable, Codable {
    /// Serial number, lower-case hex.
    public var serial: String
    /// When it was revoked.
    public var revokedAt: Date
    /// The RFC 5280 reason code.
    public var reason: Int
}
