import Foundation

/// A license-server certificate the clearinghouse issued: at a first activation or at a
/// reactivation (re-key) of the same server.
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
    /// When the certificate was revoked, if it was.
    public var revokedAt: Date?
    /// The RFC 5280 reason code of the revocation, if revoked.
    public var revocationReason: Int?
    /// The key id of the root that issued the certificate; nil in records made before root rollover existed.
    public var rootKeyID: String?

    /// Creates a record.
    public init(
        serverID: String,
        name: String,
        certificateSerial: String,
        activatedAt: Date,
        notAfter: Date,
        certificate: [UInt8],
        revokedAt: Date? = nil,
        revocationReason: Int? = nil,
        rootKeyID: String? = nil
    ) {
        self.serverID = serverID
        self.name = name
        self.certificateSerial = certificateSerial
        self.activatedAt = activatedAt
        self.notAfter = notAfter
        self.certificate = certificate
        self.revokedAt = revokedAt
        self.revocationReason = revocationReason
        self.rootKeyID = rootKeyID
    }
}
