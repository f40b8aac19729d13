/// The JSON answer of `POST /v1/revocations`: the license revoked.
public struct RevocationMessage: Codable, Sendable {
    /// The license's serial, hex.
    public var serial: String
    /// The reason recorded, by name.
    public var reason: String
    /// The device id or user principal the license was bound to.
    public var subject: String

    /// The answer for a revoked license.
    public init(serial: String, reason: String, subject: String) {
        self.serial = serial
        self.reason = reason
        self.subject = subject
    }
}
