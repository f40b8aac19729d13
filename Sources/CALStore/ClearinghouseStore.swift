import CALCore
import Foundation

/// What a clearinghouse keeps: activations and the packs it sold.
public protocol ClearinghouseStore: Sendable {
    /// Records an activation or a reactivation in one transaction. `mint` sees the server's
    /// current certificate (nil at a first activation) and returns the new one, or throws to
    /// refuse. With `revokingPrevious`, the certificate it replaces is revoked with that reason
    /// code in the same transaction. With `redeeming`, the activation code with that hash is
    /// spent in the same transaction (``CALError/activationCodeInvalid`` if unknown, used or expired).
    func activate(
        serverID: String,
        at now: Date,
        revokingPrevious reason: Int?,
        redeeming codeHash: String?,
        mint: (_ current: ActivationRecord?) throws -> ActivationRecord
    ) throws -> ActivationRecord

    /// Records a new one-time activation code (its hash) and audits it.
    func recordActivationCode(_ code: ActivationCodeRecord) throws

    /// The current certificate of a server id, if it was activated.
    func activation(serverID: String) throws -> ActivationRecord?

    /// The current certificate of every activated server, oldest activation first.
    func activations() throws -> [ActivationRecord]

    /// Every license-server certificate ever issued (first activations and reactivations), oldest first.
    func serverCertificates() throws -> [ActivationRecord]

    /// Records a sold pack and its signed bytes. With `redeeming`, spends that key pack code in
    /// the same transaction, after `check` accepts what the code allows
    /// (``CALError/packCodeInvalid`` if it is unknown, used or expired).
    func recordSale(_ pack: SoldPack, signed: [UInt8], redeeming codeHash: String?, check: (PackCodeRecord) throws -> Void) throws

    /// The signed bytes of a sold pack (nil for an unknown pack, or one sold before they were kept).
    func signedPack(packID: String) throws -> [UInt8]?

    /// Records a new one-time key pack code (its hash) and audits it.
    func recordPackCode(_ code: PackCodeRecord) throws

    /// The key pack code with this hash, if it was issued.
    func packCode(hash: String) throws -> PackCodeRecord?

    /// Every pack sold, oldest first.
    func soldPacks() throws -> [SoldPack]

    /// Reissues the sold pack `packID` in one transaction: refuses an unknown pack
    /// (``CALError/Code/unknownSerial``) or one reissued `limit` times already
    /// (``CALError/Code/packReissueLimitReached``), records the reissue with its audit event, and
    /// hands the sale to `sign`, whose pack is returned; nothing is recorded if it throws.
    func reissuePack<Result>(packID: String, limit: Int, now: Date, sign: (_ sale: SoldPack, _ reissues: Int) throws -> Result) throws -> Result

    /// Revokes the license-server certificate with this serial (hex) in one transaction;
    /// refuses an unknown serial or one revoked before.
    func revokeServer(certificateSerial: String, reason: Int, at revokedAt: Date, now: Date) throws -> ActivationRecord

    /// Takes the next root CRL number and the revoked server certificates of one root not yet
    /// expired at `now` in one transaction, and hands them to `sign`; nothing is consumed if it throws.
    func publishRevocations<Result>(
        rootKeyID: String,
        now: Date,
        sign: (RevokedRows) throws -> Result
    ) throws -> Result

    /// A value that changes whenever a server certificate is revoked or a root changes.
    func revocationStamp() throws -> String

    /// Every root, oldest first, with how many server certificates each issued and when the last expires.
    func roots() throws -> [RootRecord]

    /// Makes `root` the active root in one transaction; the previous one retires, its files
    /// recorded at `previousPrefix`. The first root registered adopts the server certificates
    /// recorded without one.
    func activateRoot(_ root: RootRecord, previousPrefix: String?, now: Date) throws

    /// Records a transfer in the ledger, signing the grant inside the same transaction; refuses
    /// a seat that is in the ledger already with ``CALError/seatAlreadyTransferred(keyPackID:seat:)``.
    /// With `approving`, that pending transfer application is approved with the grant in the same transaction.
    func recordTransfer(_ record: TransferRecord, approving applicationID: String?, sign: () throws -> TransferGrant) throws -> TransferGrant

    /// Records a transfer application, or returns the one already made for the same CAL.
    func submitTransferApplication(_ application: TransferApplication) throws -> TransferApplication

    /// The transfer application with this id, if any.
    func transferApplication(id: String) throws -> TransferApplication?

    /// Every transfer application, oldest first.
    func transferApplications() throws -> [TransferApplication]

    /// Refuses a pending application with a reason; an application decided before is returned as it is.
    func refuseTransferApplication(id: String, reason: String, at now: Date) throws -> TransferApplication

    /// The ledger, oldest first.
    func transfers() throws -> [TransferRecord]

    /// The audit log, oldest entry first.
    func auditLog() throws -> [AuditEntry]
    /// The audit log and its disagreements with the ledger's rows, from one snapshot.
    func auditSnapshot() throws -> AuditSnapshot
}
