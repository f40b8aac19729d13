import Foundation

/// A session host enrolled with this license server: only enrolled hosts may ask it for
/// licenses over HTTP (unless the service runs with open requests).
public struct HostEnrolment: Sendable, Equatable, Codable {
    /// The host's id: the public half of its credential, and the key its requests are rate-limited by.
    public var hostID: String
    /// The name the administrator gave it.
    public var name: String
    /// When it was enrolled.
    public var enrolledAt: Date
    /// When its credential was withdrawn; nil while it is valid.
    public var removedAt: Date?
}
