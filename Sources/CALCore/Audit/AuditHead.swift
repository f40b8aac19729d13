import Foundation
import SwiftASN1
@_spi(CMS) @_spi(FixedExpiryValidationTime) import X509

/// The head of a role's audit log, signed by the role's key, to be kept somewhere the role's
/// administrator cannot reach (a ticket, a mail to the vendor, another machine).
///
/// A hash chain catches an entry edited or removed in the middle, but not entries cut from the
/// end: the shorter log is a whole chain too. A head kept elsewhere names the sequence number
/// and hash the log had; a log that no longer holds that entry, or holds another there, was cut.
/// It is CMS SignedData (PEM `CMS`) over a few lines of text, so `openssl cms -verify` reads it.
public struct AuditHead: Sendable, Equatable {
    /// The role whose log it is (`server`, `clearinghouse`).
    public var role: String
    /// The role's id: the license-server id, or the clearinghouse root's key id.
    public var id: String
    /// The number of entries at the time (the head entry's sequence; 0 for an empty log).
    public var sequence: Int64
    /// The head entry's hash (the genesis hash for an empty log).
    public var hash: String
    /// When the head was signed.
    public var signedAt: Date

    /// A head.
    public init(role: String, id: String, sequence: Int64, hash: String, signedAt: Date) {
        self.role = role
        self.id = id
        self.sequence = sequence
        self.hash = hash
        // Whole seconds, as the text carries it.
        self.signedAt = Date(timeIntervalSince1970: signedAt.timeIntervalSince1970.rounded(.down))
    }

    /// The head of `entries`.
    public init(of entries: [AuditEntry], role: String, id: String, signedAt: Date) {
        self.init(role: role, id: id, sequence: entries.last?.sequence ?? 0, hash: entries.last?.hash ?? AuditEntry.genesisHash, signedAt: signedAt)
    }

    /// The signed text.
    public var text: String {
        """
        CALKit audit head
        role: \(role)
        id: \(id)
        sequence: \(sequence)
        hash: \(hash)
        signed-at: \(AuditEntry.timestamp(signedAt))

        """
    }

    /// Reads the signed text back.
    public init(text: String) throws {
        var fields: [String: String] = [:]
        let lines = text.split(separator: "\n")
        guard lines.first == "CALKit audit head" else { throw CALError.malformed(what: "the audit head", reason: "it does not start with its title line") }
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let formatter = ISO8601DateFormatter()
        guard let role = fields["role"], let id = fields["id"], let sequence = fields["sequence"].flatMap(Int64.init), sequence >= 0,
            let hash = fields["hash"], hash.count == 64, let signedAt = fields["signed-at"].flatMap(formatter.date(from:))
        else {
            throw CALError.malformed(what: "the audit head", reason: "a field is missing or not what it should be")
        }
        self.init(role: role, id: id, sequence: sequence, hash: hash, signedAt: signedAt)
    }

    /// Signs the head as CMS SignedData with the role's key and certificate.
    public func signed(certificate: Certificate, key: Certificate.PrivateKey) throws -> [UInt8] {
        try SignedEnvelope.sign(Array(text.utf8), certificate: certificate, key: key, signingTime: signedAt)
    }

    /// The head inside `bytes` (DER or PEM CMS), after checking its signature and that its
    /// signer is, or chains to, one of `anchors` (the role's certificates or roots, present and past).
    public static func verify(_ bytes: [UInt8], anchors: [Certificate]) async throws -> AuditHead {
        let der: [UInt8]
        if let text = String(validating: bytes, as: UTF8.self), text.contains("-----BEGIN") {
            der = try PEMDocument(pemString: text).derBytes
        } else {
            der = bytes
        }
        let content = try SignedEnvelope.attachedContent(of: der, what: "the audit head")
        let head = try AuditHead(text: String(decoding: content, as: UTF8.self))
        let result = await CMS.isValidAttachedSignature(signatureBytes: der, trustRoots: CertificateStore(anchors)) {
            RFC5280Policy(fixedExpiryValidationTime: head.signedAt)
        }
        guard case .success = result else {
            throw CALError(.badSignature, "the audit head is not signed by this role's key")
        }
        return head
    }

    /// Whether `entries` still hold this head: an entry with its sequence and hash.
    public func isHeld(by entries: [AuditEntry]) -> Bool {
        guard sequence > 0 else { return hash == AuditEntry.genesisHash }
        guard sequence <= entries.count else { return false }
        let entry = entries[Int(sequence) - 1]
        return entry.sequence == sequence && entry.hash == hash
    }
}
