import Foundation
import SwiftASN1
import X509

/// Proof that a new key belongs to whoever held an old one: the old key's signature over the
/// new public key, with a flag saying whether the old key is compromised.
///
/// A license server's re-key request carries it, so the clearinghouse reactivates only the
/// holder of the server's current key; a client's license requests carry it after `calkit client
/// rotate`, so the license server moves the client's license to the new key on the same seat.
///
/// ```
/// KeyContinuity ::= SEQUENCE {
///     previousKey   SubjectPublicKeyInfo,
///     compromised   BOOLEAN DEFAULT FALSE,
///     signature     OCTET STRING  -- previousKey's signature over the new key's SubjectPublicKeyInfo DER
/// }
/// ```
/// It travels as the CSR attribute ``CALKitOID/keyContinuityAttribute``.
public struct KeyContinuity: DERImplicitlyTaggable, Sendable, Hashable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    /// The key being replaced.
    public var previousKey: Certificate.PublicKey
    /// Whether the previous key is compromised: a license server's old certificate is then revoked.
    public var compromised: Bool
    /// The previous key's signature over the new key's SubjectPublicKeyInfo DER (raw, as in a certificate's BIT STRING).
    public var signature: [UInt8]

    /// The continuity from `previousKey` to `newKey`, signed by `previousKey`.
    public init(from previousKey: Certificate.PrivateKey, to newKey: Certificate.PublicKey, compromised: Bool) throws {
        self.previousKey = previousKey.publicKey
        self.compromised = compromised
        let algorithm = SignatureAlgorithmIdentifier(for: try KeyType(of: previousKey.publicKey))
        signature = try algorithm.sign(try newKey.serializeAsPEM().derBytes, with: previousKey)
    }

    /// Whether the previous key signed `newKey`.
    public func isValid(for newKey: Certificate.PublicKey) -> Bool {
        guard let keyType = try? KeyType(of: previousKey), let bytes = try? newKey.serializeAsPEM().derBytes else { return false }
        return SignatureAlgorithmIdentifier(for: keyType).isValidSignature(signature, over: bytes, by: previousKey)
    }

    /// The continuity a CSR carries, nil when it carries none.
    public init?(of request: CertificateSigningRequest) throws {
        guard let attribute = request.attributes[oid: CALKitOID.keyContinuityAttribute] else { return nil }
        guard let value = attribute.values.first, attribute.values.count == 1 else {
            throw CALError.requestNotAcceptable("the key-continuity attribute must hold exactly one value")
        }
        do {
            self = try KeyContinuity(asn1Any: value)
        } catch {
            throw CALError.requestNotAcceptable("the key-continuity attribute is malformed: \(CALError.reason(describing: error))")
        }
    }

    /// The CSR attribute carrying this continuity.
    public func attribute() throws -> CertificateSigningRequest.Attribute {
        CertificateSigningRequest.Attribute(oid: CALKitOID.keyContinuityAttribute, values: [try ASN1Any(erasing: self)])
    }

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            guard let keyNode = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "no previous key") }
            var serializer = DER.Serializer()
            serializer.serialize(keyNode)
            let previousKey = try Certificate.PublicKey(derEncoded: serializer.serializedBytes)
            var compromised = false
            var next = nodes.next()
            if let node = next, node.identifier == .boolean {
                compromised = try Bool(derEncoded: node)
                next = nodes.next()
            }
            guard let signatureNode = next else { throw ASN1Error.invalidASN1Object(reason: "no signature") }
            let signature = try ASN1OctetString(derEncoded: signatureNode)
            guard nodes.next() == nil else { throw ASN1Error.invalidASN1Object(reason: "trailing fields") }
            return KeyContinuity(previousKey: previousKey, compromised: compromised, signature: Array(signature.bytes))
        }
    }

    init(previousKey: Certificate.PublicKey, compromised: Bool, signature: [UInt8]) {
        self.previousKey = previousKey
        self.compromised = compromised
        self.signature = signature
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(previousKey)
            if compromised { try coder.serialize(true) }
            try coder.serialize(ASN1OctetString(contentBytes: signature[...]))
        }
    }
}
