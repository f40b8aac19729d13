import X509

/// A role that keeps a hash-chained audit log of its ledger: the license server and the
/// clearinghouse. The `audit` verbs of both work through this.
public protocol AuditedLedger: Sendable {
    /// Every entry, oldest first.
    func auditLog() throws -> [AuditEntry]
    /// Checks the log: its hash chain, its agreement with the ledger's rows (every license,
    /// revocation, transfer and pack has its event, and no event lacks its row) and, when given,
    /// that it still holds a head signed earlier (``AuditHead``). Throws
    /// ``CALError/Code/auditChainBroken`` naming the first thing that does not hold.
    func verifyAudit(expectedHead: [UInt8]?) async throws -> AuditVerification
    /// The log's head, signed by the role's current key (DER CMS).
    func signedAuditHead() throws -> [UInt8]
}

/// What a whole audit log proved.
public struct AuditVerification: Sendable, Equatable, Codable {
    /// The number of entries.
    public var entries: Int
    /// The hash of the last entry.
    public var head: String
    /// The sequence of the signed head that was checked, if one was given.
    public var expectedHeadSequence: Int64?

    /// A verification result.
    public init(entries: Int, head: String, expectedHeadSequence: Int64?) {
        self.entries = entries
        self.head = head
        self.expectedHeadSequence = expectedHeadSequence
    }
}

extension AuditVerification {
    /// Checks `entries` and returns what they prove, or throws ``CALError/Code/auditChainBroken``:
    /// at the first entry whose chain does not hold, at the first disagreement with the ledger in
    /// `findings`, or when a head signed earlier under one of `anchors` (for `role` and `id`) is no
    /// longer in the log.
    public static func check(
        _ entries: [AuditEntry],
        findings: [String],
        expectedHead: [UInt8]?,
        anchors: [Certificate],
        role: String,
        id: String
    ) async throws -> AuditVerification {
        if let broken = AuditEntry.firstBreak(in: entries) {
            throw CALError.auditChainBroken(sequence: broken.sequence, reason: broken.reason)
        }
        if let first = findings.first {
            let more = findings.count > 1 ? " (and \(findings.count - 1) more)" : ""
            throw CALError(.auditChainBroken, "the audit log does not match the ledger: \(first)\(more)")
        }
        var checkedSequence: Int64?
        if let expectedHead {
            let head = try await AuditHead.verify(expectedHead, anchors: anchors)
            guard head.role == role, head.id == id else {
                throw CALError(.auditChainBroken, "the audit head is of \(head.role) \(head.id), not of this \(role)")
            }
            guard head.isHeld(by: entries) else {
                throw CALError(
                    .auditChainBroken,
                    "the log no longer holds entry \(head.sequence) with the hash signed at \(AuditEntry.timestamp(head.signedAt)); entries were removed or replaced since"
                )
            }
            checkedSequence = head.sequence
        }
        return AuditVerification(entries: entries.count, head: entries.last?.hash ?? AuditEntry.genesisHash, expectedHeadSequence: checkedSequence)
    }
}
