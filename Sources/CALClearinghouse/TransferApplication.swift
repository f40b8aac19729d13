import CALCore
internal import CALStore
import Foundation

/// A customer's application to move a CAL's seat, as the web pages and the operator see it.
public struct TransferApplication: Hashable, Sendable {
    /// Whether the operator has decided.
    public enum Status: String, Sendable, Codable {
        /// Waiting for the operator.
        case pending
        /// Approved: the grant can be downloaded.
        case approved
        /// Refused, with a reason.
        case refused
    }

    /// The application's id, which its status page is named by.
    public var id: String
    /// The serial (hex) of the CAL whose seat is to move.
    public var oldSerial: String
    /// The license server that issued the CAL.
    public var serverID: String
    /// The key pack of its seat.
    public var keyPackID: String
    /// Its seat.
    public var seat: Int
    /// When it was submitted.
    public var submittedAt: Date
    /// Where the operator's decision stands.
    public var status: Status
    /// When the operator decided.
    public var decidedAt: Date?
    /// The signed grant (DER), once approved.
    public var grant: [UInt8]?
    /// Why it was refused.
    public var refusal: String?
    /// The license (DER).
    public var license: [UInt8]

    /// The public view of a ledger row.
    init(_ record: TransferApplicationRecord) {
        id = record.id
        oldSerial = record.oldSerial
        serverID = record.serverID
        keyPackID = record.keyPackID
        seat = record.seat
        submittedAt = record.submittedAt
        status = Status(rawValue: record.status.rawValue) ?? .pending
        decidedAt = record.decidedAt
        grant = record.grant
        refusal = record.refusal
        license = record.license
    }
}
