import Foundation

/// What a clearinghouse keeps: activations and the packs it sold.
public protocol ClearinghouseStore: Sendable {
    /// Records an activation, minting the certificate inside the same transaction; refuses a
    /// server id activated before with ``StoreError/serverAlreadyActivated(_:)``.
    func activate(serverID: String, mint: () throws -> ActivationRecord) throws -> ActivationRecord

    /// The activation of a server id, if any.
    func activation(serverID: String) throws -> ActivationRecord?

    /// Every activation, oldest first.
    func activations() throws -> [ActivationRecord]

    /// Records a sold pack.
    func recordSale(_ pack: SoldPack) throws

    /// Every pack sold, oldest first.
    func soldPacks() throws -> [SoldPack]

    /// Revokes the license-server certificate with this serial (hex) in one transaction;
    /// refuses an unknown serial or one revoked before.
    func revokeServer(certificateSerial: String, reason: Int, at revokedAt: Date) throws -> ActivationRecord

    /// Takes the next root CRL number and the revoked server certificates not yet expired at `now`
    /// in one transaction, and hands them to `sign`; nothing is consumed if it throws.
    func publishRevocations<Result>(now: Date, sign: (_ entries: [RevocationEntry], _ number: UInt64) throws -> Result) throws -> Result

    /// Records a transfer in the ledger, signing the grant inside the same transaction; refuses
    /// a seat that is in the ledger already with ``StoreError/seatAlreadyTransferred(keyPackID:seat:)``.
    func recordTransfer<Result>(_ record: TransferRecord, sign: () throws -> Result) throws -> Result

    /// The ledger, oldest first.
    func transfers() throws -> [TransferRecord]

    /// The audit log, oldest entry first.
    func auditLog() throws -> [AuditEntry]
}
