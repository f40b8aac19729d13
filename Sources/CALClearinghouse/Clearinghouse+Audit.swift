import CALCore
internal import CALStore
import X509

/// The clearinghouse's audit log: its chain, its agreement with the ledger, its signed head.
extension Clearinghouse: AuditedLedger {
    /// The audit log: every state change, oldest first, each entry chained to the one before.
    public func auditLog() throws -> [AuditEntry] { try records { try $0.auditLog() } }

    public func verifyAudit(expectedHead: [UInt8]?) async throws -> AuditVerification {
        let snapshot = try records { try $0.auditSnapshot() }
        // Heads are signed by the signing certificate of the root active then, which chains to that root.
        var signers = [root]
        for record in try records({ try $0.roots() }) where !record.filePrefix.isEmpty {
            if let retired = try? PEMBundle.certificateFromDER(record.certificate) { signers.append(retired) }
        }
        return try await AuditVerification.check(
            snapshot.entries, findings: snapshot.findings, expectedHead: expectedHead, anchors: signers, role: "clearinghouse", id: auditID
        )
    }

    public func signedAuditHead() throws -> [UInt8] {
        let head = AuditHead(of: try auditLog(), role: "clearinghouse", id: auditID, signedAt: time.now)
        return try head.signed(certificate: active.signer, key: active.signerKey)
    }

    /// The name that identifies this clearinghouse's log in its heads: its first root's key id.
    private var auditID: String {
        ((try? records { try $0.roots() })?.first?.keyID) ?? root.publicKey.keyIdentifier
    }
}

extension Clearinghouse {
    /// Writes a consistent online copy of the ledger to the new file `path` (mode 0600); a
    /// running service keeps serving meanwhile. The copy's audit chain is checked.
    public func backup(to path: String) throws -> StoreBackup {
        guard let ledger = store as? SQLiteClearinghouseStore else {
            throw CALError.invalidArgument(
                "this clearinghouse's ledger is in PostgreSQL: back it up with PostgreSQL's own tools (pg_dump, or continuous archiving)"
            )
        }
        return try ledger.backup(to: path, now: time.now)
    }

    /// Restores the ledger from a backup (``backup(to:)``) and replays, over it, every change the
    /// ledger journal holds from after the backup was taken: activations, sold packs, reissues
    /// and transfer grants since come back, revocations since stay. Refuses while the home is
    /// served (``HomeLock``).
    public func restore(from path: String) throws -> StoreRestore {
        guard let ledger = store as? SQLiteClearinghouseStore else {
            throw CALError.invalidArgument(
                "this clearinghouse's ledger is in PostgreSQL: restore it with PostgreSQL's own tools (pg_restore, or point-in-time recovery)"
            )
        }
        let lock = try HomeLock(home: home.path, exclusive: true)
        return try withExtendedLifetime(lock) { try ledger.restore(from: path) }
    }
}
