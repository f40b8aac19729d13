import CALCore
internal import CALStore
import Foundation
import X509

/// Transfer applications: a customer asks on the web pages to move a CAL's seat, and the
/// operator approves (the grant is signed and the seat enters the transfer ledger in one
/// transaction) or refuses. One application per CAL: asking again (a form sent twice) answers the first.
extension Clearinghouse {
    /// Applies for the transfer of `license`'s seat; checks now what can be checked without the
    /// operator (a standing permanent per-device CAL of a server activated here, whose seat has
    /// not moved), so that an application that cannot succeed is refused at once.
    public func applyForTransfer(of license: Certificate) throws -> TransferApplication {
        let serial = SerialNumbers.hex(license.serialNumber)
        if let existing = try records({ try $0.transferApplications() }).first(where: { $0.oldSerial == serial }) {
            return existing
        }
        let seat = try transferableSeat(of: license)
        if try records({ try $0.transfers() }).contains(where: { $0.keyPackID == seat.keyPackID && $0.seat == seat.seat }) {
            throw CALError.seatAlreadyTransferred(keyPackID: seat.keyPackID, seat: seat.seat)
        }
        let application = TransferApplication(
            id: CALIdentifier.random(), oldSerial: serial, serverID: seat.serverID, keyPackID: seat.keyPackID,
            seat: seat.seat, license: try license.derBytes(), submittedAt: time.now
        )
        return try records { try $0.submitTransferApplication(application) }
    }

    /// The application with this id.
    public func transferApplication(id: String) throws -> TransferApplication {
        guard let application = try records({ try $0.transferApplication(id: id) }) else {
            throw CALError(.notFound, "there is no transfer application \(id)")
        }
        return application
    }

    /// Every application, oldest first.
    public func transferApplications() throws -> [TransferApplication] {
        try records { try $0.transferApplications() }
    }

    /// Approves a pending application: the license is checked again, and the grant is signed
    /// and recorded in the same transaction as the approval. An approved one is returned as it is.
    public func approveTransferApplication(id: String) throws -> TransferApplication {
        let application = try transferApplication(id: id)
        guard application.status == .pending else { return application }
        let license = try PEMBundle.certificateFromDER(application.license)
        let seat = try transferableSeat(of: license)
        _ = try grantTransfer(
            serverID: seat.serverID, keyPackID: seat.keyPackID, seat: seat.seat, oldSerial: Array(license.serialNumber.bytes), approving: id
        )
        return try transferApplication(id: id)
    }

    /// Refuses a pending application, with the reason the customer will read.
    public func refuseTransferApplication(id: String, reason: String) throws -> TransferApplication {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 200 else { throw CALError.invalidArgument("say why in 1 to 200 characters") }
        _ = try transferApplication(id: id)
        return try records { try $0.refuseTransferApplication(id: id, reason: reason, at: time.now) }
    }
}
