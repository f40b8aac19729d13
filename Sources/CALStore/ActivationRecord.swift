import Foundation

/// A license server the clearinghouse activated.
public struct ActivationRecord: Hashable, Sendable, Codable {
    /// The license-server id.
    public var serverID: String
    /// The server's name.
    public var name: String
    /// Serial of the license-server certificate, hex.
    public var certificateSerial: String
    /// When it was activated.
    public var activatedAt: Date
    /// When the certificate expires.
    public var notAfter: Date
    /// The certificate, DER.
    public var certificate: [UInt8]

    /// Creates a record.
    public init(serverID: String, name: String, certificateSerial: String, activatedAt: Date, notAfter: Date, certificate: [UInt8]) {
        self.serverID = serverID
        self.name = name
        self.certificateSerial = certificateSerial
        self.activatedAt = activatedAt
        self.notAfter = notAfter
        self.certificate = certificate
    }
}
