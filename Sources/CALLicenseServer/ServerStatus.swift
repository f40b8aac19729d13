internal import CALStore
import CALLicensing
import Foundation

/// What `calkit server status` reports: the server, its packs and what it issued.
public struct ServerStatus: Codable, Sendable {
    /// The server's name.
    public var name: String
    /// The license-server id.
    public var serverID: String
    /// Whether the server has installed its certificate.
    public var activated: Bool
    /// When the server certificate expires, if activated.
    public var certificateNotAfter: Date?
    /// Usage of every installed pack.
    public var packs: [PackUsage]
    /// Usage summed per product and license type.
    public var products: [ProductUsage]
    /// Counts of the licenses issued.
    public var licensesIssued: IssuanceCounts
    /// Every key the server has issued with: the active one, retired ones, compromised ones.
    public var issuers: [IssuerStatus]
    /// Whether a rotation's new key is waiting for its certificate.
    public var rotationPending: Bool
    /// This ledger's id, which the clearinghouse names in a reissued pack.
    public var ledgerID: String
    /// When this ledger was created: packs issued earlier do not install into it.
    public var ledgerCreatedAt: Date
}
