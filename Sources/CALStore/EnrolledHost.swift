import Foundation

/// A session host enrolled with a license server: the credential it sends with license
/// requests is checked against ``secretHash``.
public struct EnrolledHost: Sendable, Equatable {
    /// The host's id, the public half of its credential.
    public var hostID: String
    /// The name the administrator gave it (unique among enrolled hosts).
    public var name: String
    /// SHA-256 of the credential's secret half, hexadecimal; the secret itself is never stored.
    public var secretHash: String
    /// When it was enrolled.
    public var enrolledAt: Date
    /// When its credential was withdrawn, if it was.
    public var removedAt: Date?

    /// A host as the ledger keeps it.
    public init(hostID: String, name: String, secretHash: String, enrolledAt: Date, removedAt: Date? = nil) {
        self.hostID = hostID
        self.name = name
        self.secretHash = secretHash
        self.enrolledAt = enrolledAt
        self.removedAt = removedAt
    }
}
