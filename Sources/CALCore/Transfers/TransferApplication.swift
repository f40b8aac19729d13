import Foundation

/// A customer's application, made on the clearinghouse's web pages, to move a CAL's seat to
/// another device: the license it names waits for the operator, who approves (a grant is signed
/// and recorded in the transfer ledger) or refuses it.
public struct TransferApplication: Hashable, Sendable {
    /// Whether the operator has decided.
    public enum Status: String, Sendable, Codable {
        /// Waiting for the operator.
        case pending
        /// Approved: the grant is ready.
        case approved
        /// Refused, with a reason.
        case refused
    }

    /// The application's id (35 characters), which its status page is named by.
    public var id: String
    /// The serial (hex) of the CAL whose seat is to move; one application per CAL.
    public var oldSerial: String
    /// The license server that issued it.
    public var serverID: String
    /// The key pack of its seat.
    public var keyPackID: String
    /// Its seat.
    public var seat: Int
    /// The license (DER).
    public var license: [UInt8]
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

    /// Creates an application.
    public init(
        id: String, oldSerial: String, serverID: String, keyPackID: String, seat: Int, license: [UInt8], submittedAt: Date,
        status: Status = .pending, decidedAt: Date? = nil, grant: [UInt8]? = nil, refusal: String? = nil
    ) {
        self.id = id
        self.oldSerial = oldSerial
        self.serverID = serverID
        self.keyPackID = keyPackID
        self.seat = seat
        self.license = license
        self.submittedAt = submittedAt
        self.status = status
        self.decidedAt = decidedAt
        self.grant = grant
        self.refusal = refusal
    }
}
