import Foundation
import Crypto
import SwiftASN1
import X509
import _CryptoExtras

/// The signature AlgorithmIdentifier of the structures CALKit signs itself (CRLs, OCSP
/// responses), with verification of such signatures by a certificate's public key.
public struct SignatureAlgorithmIdentifier: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    /// The algorithm's OID.
    public var oid: ASN1ObjectIdentifier

    static let ecdsaWithSHA256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 2]
    static let ecdsaWithSHA384: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 3]
    static let ed25519: ASN1ObjectIdentifier = [1, 3, 101, 112]
    static let sha256WithRSAEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 11]

    /// The identifier CALKit signs with for keys of `keyType`.
    public init(for keyType: KeyType) {
        switch keyType {
        case .p256: oid = Self.ecdsaWithSHA256
        case .p384: oid = Self.ecdsaWithSHA384
        case .ed25519: oid = Self.ed25519
        case .rsa3072: oid = Self.sha256WithRSAEncryption
        }
    }

    /// The matching swift-certificates algorithm, for signing.
    public var certificateAlgorithm: Certificate.SignatureAlgorithm? {
        switch oid {
        case Self.ecdsaWithSHA256: return .ecdsaWithSHA256
        case Self.ecdsaWithSHA384: return .ecdsaWithSHA384
        case Self.ed25519: return .ed25519
        case Self.sha256WithRSAEncryption: return .sha256WithRSAEncryption
        default: return nil
        }
    }

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        oid = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let oid = try ASN1ObjectIdentifier(derEncoded: &nodes)
            // Parameters: absent, or NULL for RSA.
            if let parameters = nodes.next() {
                guard parameters.identifier == .null else {
                    throw ASN1Error.invalidASN1Object(reason: "unexpected signature algorithm parameters")
                }
            }
            return oid
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(oid)
            if oid == Self.sha256WithRSAEncryption { try coder.serialize(ASN1Null()) }
        }
    }

    /// Signs `bytes` with `key` under this algorithm; the BIT STRING contents.
    public func sign<Bytes: DataProtocol>(_ bytes: Bytes, with key: Certificate.PrivateKey) throws -> [UInt8] {
        guard let algorithm = certificateAlgorithm else { throw CALError.unsupportedKey("unknown signature algorithm \(oid)") }
        return try key.sign(bytes: bytes, signatureAlgorithm: algorithm).rawRepresentation
    }

    /// Whether `signature` over `bytes` verifies with `publicKey` under this algorithm.
    public func isValidSignature<Bytes: DataProtocol>(_ signature: [UInt8], over bytes: Bytes, by publicKey: Certificate.PublicKey) -> Bool {
        switch oid {
        case Self.ecdsaWithSHA256:
            guard let key = P256.Signing.PublicKey(publicKey),
                let value = try? P256.Signing.ECDSASignature(derRepresentation: signature)
            else { return false }
            return key.isValidSignature(value, for: SHA256.hash(data: bytes))
        case Self.ecdsaWithSHA384:
            guard let key = P384.Signing.PublicKey(publicKey),
                let value = try? P384.Signing.ECDSASignature(derRepresentation: signature)
            else { return false }
            return key.isValidSignature(value, for: SHA384.hash(data: bytes))
        case Self.ed25519:
            guard let key = Curve25519.Signing.PublicKey(publicKey) else { return false }
            return key.isValidSignature(signature, for: bytes)
        case Self.sha256WithRSAEncryption:
            guard let key = _RSA.Signing.PublicKey(publicKey) else { return false }
            return key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature),
                for: SHA256.hash(data: bytes),
                padding: .insecurePKCS1v1_5
            )
        default:
            return false
        }
    }
}
