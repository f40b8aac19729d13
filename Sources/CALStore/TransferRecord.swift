import Foundation

/// One entry of the clearinghouse's transfer ledger: a seat that has moved once.
public struct TransferRecord: Hashable, Sendable, Codable {
    /// The license server of the seat.
    public var serverID: String
    /// The key pack of the seat.
    public var keyPackID: String
    /// The seat.
    public var seat: Int
    /// The serial (hex) of the CAL whose seat moved.
    public var oldSerial: String
    /// The grant that allowed it.
    public var grantID: String
    /// When the grant was issued.
    public var grantedAt: Date

    /// Creates a record.
    public init(serverID: String, keyPackID: String, seat: Int, oldSerial: String, grantID: String, grantedAt: Date) {
        self.serverID = serverID
        self.keyPackID = keyPackID
        self.seat = seat
        self.oldSerial = oldSerial
        self.grantID = grantID
        self.grantedAt = grantedAt
    }
}
