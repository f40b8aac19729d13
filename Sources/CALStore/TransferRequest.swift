/// What a verified transfer grant asks of the license server's store.
public struct TransferRequest: Hashable, Sendable {
    /// The grant's id; a grant is used once.
    public var grantID: String
    /// The serial (hex) of the CAL whose seat moves.
    public var oldSerial: String
    /// The pack of the seat.
    public var keyPackID: String
    /// The seat.
    public var seat: Int

    /// Creates a request.
    public init(grantID: String, oldSerial: String, keyPackID: String, seat: Int) {
        self.grantID = grantID
        self.oldSerial = oldSerial
        self.keyPackID = keyPackID
        self.seat = seat
    }
}
