internal import CALStore
import Foundation

/// One root generation of the clearinghouse: the active root signs, retired ones keep signing
/// their CRLs until the last server certificate they signed has expired.
public struct RootStatus: Hashable, Sendable, Codable {
    /// Whether a root still signs new certificates.
    public enum State: String, Hashable, Sendable, Codable {
        /// The root that signs new server certificates and packs.
        case active
        /// A root replaced by a rollover.
        case retired
    }

    /// The root's subject key identifier, lower-case hex.
    public var keyID: String
    /// Active or retired.
    public var status: State
    /// When it became active.
    public var activatedAt: Date
    /// When it was retired, if it was.
    public var retiredAt: Date?
    /// How many server certificates it signed.
    public var serverCertificates: Int
    /// When the last of them expires, if it signed any.
    public var lastServerCertificateExpires: Date?

    /// The public view of a ledger row.
    init(_ record: RootRecord) {
        keyID = record.keyID
        status = record.status == .active ? .active : .retired
        activatedAt = record.activatedAt
        retiredAt = record.retiredAt
        serverCertificates = record.serverCertificates
        lastServerCertificateExpires = record.lastServerCertificateExpires
    }
}
