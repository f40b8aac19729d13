import CALCore
internal import CALStore
import X509

/// The license server's audit log: its chain, its agreement with the ledger, its signed head.
extension LicenseServer: AuditedLedger {
    /// The audit log: every state change, oldest first, each entry chained to the one before.
    public func auditLog() throws -> [AuditEntry] { try records { try $0.auditLog() } }

    public func verifyAudit(expectedHead: [UInt8]?) async throws -> AuditVerification {
        let snapshot = try records { try $0.auditSnapshot() }
        // A head signed before a rotation was signed by an issuer that has retired since.
        let signers = try issuers().compactMap { try? PEMBundle.certificateFromDER($0.certificate) }
        return try await AuditVerification.check(
            snapshot.entries, findings: snapshot.findings, expectedHead: expectedHead, anchors: signers, role: "server", id: serverID
        )
    }

    public func signedAuditHead() throws -> [UInt8] {
        let issuer = try signingIssuer(try activeIssuer())
        let head = AuditHead(of: try auditLog(), role: "server", id: serverID, signedAt: time.now)
        return try head.signed(certificate: issuer.certificate, key: issuer.key)
    }
}

extension LicenseServer {
    /// Writes a consistent online copy of the ledger to the new file `path` (mode 0600); a
    /// running service keeps serving meanwhile. The copy's audit chain is checked.
    public func backup(to path: String) throws -> StoreBackup {
        guard let ledger = store as? SQLiteLicenseServerStore else {
            throw CALError.invalidArgument(
                "this license server's ledger is in PostgreSQL: back it up with PostgreSQL's own tools (pg_dump, or continuous archiving)"
            )
        }
        return try ledger.backup(to: path, now: time.now)
    }
}

extension LicenseServer {
    /// Restores the ledger from a backup (``backup(to:)``) and replays, over it, every change the
    /// ledger journal holds from after the backup was taken: licenses issued since are adopted
    /// with their seats, revocations since stay revoked, and the audit chain is the ledger's own.
    /// Refuses while the home is served (``HomeLock``).
    public func restore(from path: String) throws -> StoreRestore {
        guard let ledger = store as? SQLiteLicenseServerStore else {
            throw CALError.invalidArgument(
                "this license server's ledger is in PostgreSQL: restore it with PostgreSQL's own tools (pg_restore, or point-in-time recovery)"
            )
        }
        let lock = try HomeLock(home: home.path, exclusive: true)
        return try withExtendedLifetime(lock) { try ledger.restore(from: path) }
    }
}
