import CALCore
internal import CALStore
import Foundation

/// A license server the clearinghouse activated: its current certificate and whether it was revoked.
public struct ServerActivation: Hashable, Sendable, Codable {
    /// The 35-character license-server id.
    public var serverID: String
    /// The name the server gave at activation.
    public var name: String
    /// The serial of its current certificate, hex.
    public var certificateSerial: String
    /// When it was (last) activated.
    public var activatedAt: Date
    /// When its certificate expires.
    public var notAfter: Date
    /// When its certificate was revoked, if it was.
    public var revokedAt: Date?
    /// Why, if it was.
    public var revocationReason: RevocationReason?
    /// The key id of the root that signed its certificate.
    public var rootKeyID: String?

    /// The public view of a ledger row.
    init(_ record: ActivationRecord) {
        serverID = record.serverID
        name = record.name
        certificateSerial = record.certificateSerial
        activatedAt = record.activatedAt
        notAfter = record.notAfter
        revokedAt = record.revokedAt
        revocationReason = record.revocationReason.flatMap(RevocationReason.init(rawValue:))
        rootKeyID = record.rootKeyID
    }
}
