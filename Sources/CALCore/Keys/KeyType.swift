import Crypto
import X509
import _CryptoExtras

/// The key algorithms every CALKit role can use.
public enum KeyType: String, Sendable, Hashable, CaseIterable, Codable {
    /// ECDSA on NIST P-256 with SHA-256; the default.
    case p256
    /// ECDSA on NIST P-384 with SHA-384.
    case p384
    /// Ed25519.
    case ed25519
    /// RSA, 3072-bit modulus, PKCS #1 v1.5 with SHA-256.
    case rsa3072

    /// A new private key of this type.
    public func generate() throws -> Certificate.PrivateKey {
        switch self {
        case .p256: return Certificate.PrivateKey(P256.Signing.PrivateKey())
        case .p384: return Certificate.PrivateKey(P384.Signing.PrivateKey())
        case .ed25519: return Certificate.PrivateKey(Curve25519.Signing.PrivateKey())
        case .rsa3072: return Certificate.PrivateKey(try _RSA.Signing.PrivateKey(keySize: .bits3072))
        }
    }

    /// The key type of a public key, or an error if CALKit does not support it.
    public init(of publicKey: Certificate.PublicKey) throws {
        if P256.Signing.PublicKey(publicKey) != nil {
            self = .p256
        } else if P384.Signing.PublicKey(publicKey) != nil {
            self = .p384
        } else if Curve25519.Signing.PublicKey(publicKey) != nil {
            self = .ed25519
        } else if let rsa = _RSA.Signing.PublicKey(publicKey) {
            guard rsa.keySizeInBits >= 2048 else {
                throw CALError.unsupportedKey("RSA keys must be at least 2048 bits, this one has \(rsa.keySizeInBits)")
            }
            self = .rsa3072
        } else {
            throw CALError.unsupportedKey("only P-256, P-384, Ed25519 and RSA keys are supported")
        }
    }
}

extension KeyType {
    /// The signature algorithm CALKit signs with for keys of this type.
    public var signatureAlgorithm: Certificate.SignatureAlgorithm {
        switch self {
        case .p256: return .ecdsaWithSHA256
        case .p384: return .ecdsaWithSHA384
        case .ed25519: return .ed25519
        case .rsa3072: return .sha256WithRSAEncryption
        }
    }
}

extension Certificate.PrivateKey {
    /// The signature algorithm CALKit signs with when this key signs.
    public var calkitSignatureAlgorithm: Certificate.SignatureAlgorithm {
        get throws { try KeyType(of: publicKey).signatureAlgorithm }
    }
}
