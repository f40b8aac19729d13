import Foundation

/// A clearinghouse root: the active one, which activates servers and signs packs for them, or a
/// retired one, which keeps signing its CRL and the packs of servers still certified under it.
public struct RootRecord: Hashable, Sendable, Codable {
    /// `active` or `retired`.
    public enum Status: String, Hashable, Sendable, Codable {
        case active, retired
    }

    /// The root's subject key identifier, lower-case hex.
    public var keyID: String
    /// The root certificate, DER.
    public var certificate: [UInt8]
    /// Where its files live, relative to the clearinghouse home: "" for the active root's
    /// `root.pem`, `root-key.pem`, `signer.pem` and `signer-key.pem`, or a prefix such as
    /// `retired/<serial>-` in front of those names.
    public var filePrefix: String
    /// The root's state.
    public var status: Status
    /// When it became active.
    public var activatedAt: Date
    /// When a newer root replaced it, if one did.
    public var retiredAt: Date?
    /// How many license-server certificates it issued.
    public var serverCertificates: Int
    /// When the last of them expires.
    public var lastServerCertificateExpires: Date?

    /// Creates a record.
    public init(
        keyID: String, certificate: [UInt8], filePrefix: String, status: Status, activatedAt: Date, retiredAt: Date? = nil,
        serverCertificates: Int = 0, lastServerCertificateExpires: Date? = nil
    ) {
        self.keyID = keyID
        self.certificate = certificate
        self.filePrefix = filePrefix
        self.status = status
        self.activatedAt = activatedAt
        self.retiredAt = retiredAt
        self.serverCertificates = serverCertificates
        self.lastServerCertificateExpires = lastServerCertificateExpires
    }
}
