import Foundation
import X509

/// A signed transfer grant: ``TransferGrantContent`` as attached CMS SignedData, signed by the
/// clearinghouse's signing certificate, as key packs are.
public struct TransferGrant: Sendable {
    /// What the grant says.
    public var content: TransferGrantContent
    /// The signed DER, as it travels.
    public var signedBytes: [UInt8]

    /// Signs a grant with the clearinghouse's signing certificate and key.
    public static func sign(_ content: TransferGrantContent, signer: Certificate, signerKey: Certificate.PrivateKey) throws -> TransferGrant {
        let bytes = try SignedEnvelope.sign(try content.derBytes(), certificate: signer, key: signerKey, signingTime: content.issuedAt)
        return TransferGrant(content: content, signedBytes: bytes)
    }

    /// Verifies a grant against the root the verifier trusts and returns it.
    public static func verify(_ bytes: [UInt8], root: Certificate, at time: Date) async throws -> TransferGrant {
        let contentBytes = try await SignedEnvelope.verify(
            bytes,
            anchor: root,
            at: time,
            what: "the transfer grant",
            invalid: CALError.grantSignatureInvalid
        )
        return TransferGrant(content: try decode(contentBytes), signedBytes: bytes)
    }

    /// Reads a grant without checking its signature, for inspection only.
    public static func unverified(_ bytes: [UInt8]) throws -> TransferGrant {
        TransferGrant(content: try decode(try SignedEnvelope.attachedContent(of: bytes, what: "the transfer grant")), signedBytes: bytes)
    }

    private static func decode(_ bytes: [UInt8]) throws -> TransferGrantContent {
        do {
            return try TransferGrantContent(derEncoded: bytes)
        } catch {
            throw CALError.malformed(what: "the transfer grant content", reason: CALError.reason(describing: error))
        }
    }
}
