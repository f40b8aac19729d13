import Foundation
import X509

/// A signed key pack: ``KeyPackContent`` as attached CMS SignedData, signed by the clearinghouse root.
public struct KeyPack: Sendable {
    /// What the pack says.
    public var content: KeyPackContent
    /// The signed DER, as it travels and as it is stored.
    public var signedBytes: [UInt8]

    /// Signs a pack with the clearinghouse's signing certificate and key.
    public static func sign(
        _ content: KeyPackContent,
        signer: Certificate,
        signerKey: Certificate.PrivateKey
    ) throws -> KeyPack {
        let bytes = try SignedEnvelope.sign(
            try content.derBytes(),
            certificate: signer,
            key: signerKey,
            signingTime: content.issuedAt
        )
        return KeyPack(content: content, signedBytes: bytes)
    }

    /// Verifies a signed pack against the root the verifier trusts and returns it.
    ///
    /// Refuses packs that are not CMS, whose signature or content was altered, whose signer is
    /// not a signing certificate of `root`, or whose content is not a key pack.
    public static func verify(_ bytes: [UInt8], root: Certificate, at time: Date) async throws -> KeyPack {
        let contentBytes = try await SignedEnvelope.verify(bytes, anchor: root, at: time, what: "the key pack")
        return KeyPack(content: try decode(contentBytes), signedBytes: bytes)
    }

    /// Reads a pack without checking its signature, for inspection only.
    public static func unverified(_ bytes: [UInt8]) throws -> KeyPack {
        KeyPack(content: try decode(try SignedEnvelope.attachedContent(of: bytes, what: "the key pack")), signedBytes: bytes)
    }

    private static func decode(_ contentBytes: [UInt8]) throws -> KeyPackContent {
        do {
            return try KeyPackContent(derEncoded: contentBytes)
        } catch {
            throw CALError.malformed(what: "the key pack content", reason: CALError.reason(describing: error))
        }
    }
}
