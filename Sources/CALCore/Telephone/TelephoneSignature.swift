import Crypto
import X509

/// A signature as it is read out by telephone: raw (`r || s` for ECDSA, 64 bytes for Ed25519),
/// with the key type that made it; and the splicing that puts it back into the certificate or
/// CMS SignedData the receiver rebuilds.
///
/// A certificate's signature is the last element of its DER, and a CMS signature the last
/// element of its last SignerInfo. So the receiver builds the artefact with a throwaway key of
/// the same type — every byte but the signature is then what the signer made — and replaces
/// that last element with the signature read out. What it installs is the artefact the signer
/// signed, verified by the same code as a file.
public struct TelephoneSignature: Sendable, Equatable {
    /// The signer's key type.
    public var keyType: KeyType
    /// The raw signature.
    public var raw: [UInt8]

    /// A raw signature of `keyType`.
    public init(keyType: KeyType, raw: [UInt8]) throws {
        guard TelephoneMessage.keyTypes.contains(keyType), raw.count == Self.rawBytes(keyType) else {
            throw CALError.invalidArgument("a \(keyType.rawValue) signature cannot be read out by telephone")
        }
        self.keyType = keyType
        self.raw = raw
    }

    /// The signature at the end of a signed certificate's or CMS SignedData's DER.
    public init(signedBy keyType: KeyType, in der: [UInt8]) throws {
        var value = try Self.finalValue(in: der[...])
        if value.tag == 0x03 { value.contents = value.contents.dropFirst() }
        switch keyType {
        case .p256:
            try self.init(keyType: keyType, raw: Array(try P256.Signing.ECDSASignature(derRepresentation: value.contents).rawRepresentation))
        case .p384:
            try self.init(keyType: keyType, raw: Array(try P384.Signing.ECDSASignature(derRepresentation: value.contents).rawRepresentation))
        default:
            try self.init(keyType: keyType, raw: Array(value.contents))
        }
    }

    /// The signature as a certificate or CMS carries it (DER `ECDSA-Sig-Value` for ECDSA).
    var encoded: [UInt8] {
        keyType == .ed25519 ? raw : DERBytes.ecdsaSignature(raw: raw)
    }

    /// `der` with its final signature replaced by this one.
    public func spliced(into der: [UInt8]) throws -> [UInt8] {
        try Self.replacingFinalValue(in: der[...], with: encoded)
    }

    /// A throwaway key of the signer's type, to build the artefact whose signature is replaced.
    public func placeholderKey() throws -> Certificate.PrivateKey {
        try keyType.generate()
    }

    // MARK: Sizes

    /// Bytes of a raw signature.
    static func rawBytes(_ type: KeyType) -> Int {
        type == .p384 ? 96 : 64
    }

    static func read(_ bits: inout TelephoneBits, keyType: KeyType) throws -> TelephoneSignature {
        let count = rawBytes(keyType)
        return try TelephoneSignature(keyType: keyType, raw: try bits.read(bits: count * 8, byteCount: count))
    }

    // MARK: Public keys

    /// Bits of a public key read out: the x coordinate and the parity of y for ECDSA, 32 bytes for Ed25519.
    static func compactKeyBits(_ type: KeyType) -> Int {
        switch type {
        case .p384: return 1 + 384
        case .ed25519: return 256
        default: return 1 + 256
        }
    }

    static func compactKeyBytes(_ type: KeyType) -> Int {
        (compactKeyBits(type) + 7) / 8
    }

    /// The key's compact form: `02|03 || x` reduced to one parity bit and x, or Ed25519's raw 32 bytes.
    static func compactKey(_ key: Certificate.PublicKey, type: KeyType) throws -> [UInt8] {
        let compressed: [UInt8]
        switch type {
        case .p256:
            guard let ecdsa = P256.Signing.PublicKey(key) else { throw CALError.unsupportedKey("not a P-256 key") }
            compressed = Array(ecdsa.compressedRepresentation)
        case .p384:
            guard let ecdsa = P384.Signing.PublicKey(key) else { throw CALError.unsupportedKey("not a P-384 key") }
            compressed = Array(ecdsa.compressedRepresentation)
        default:
            guard let edwards = Curve25519.Signing.PublicKey(key) else { throw CALError.unsupportedKey("not an Ed25519 key") }
            return Array(edwards.rawRepresentation)
        }
        return [compressed[0] & 1] + compressed.dropFirst()
    }

    /// The public key of a compact form; a code whose key is not a point on the curve is refused.
    static func publicKey(compact: [UInt8], type: KeyType) throws -> Certificate.PublicKey {
        do {
            switch type {
            case .p256:
                return Certificate.PublicKey(try P256.Signing.PublicKey(compressedRepresentation: [0x02 | compact[0] & 1] + compact.dropFirst()))
            case .p384:
                return Certificate.PublicKey(try P384.Signing.PublicKey(compressedRepresentation: [0x02 | compact[0] & 1] + compact.dropFirst()))
            default:
                return Certificate.PublicKey(try Curve25519.Signing.PublicKey(rawRepresentation: compact))
            }
        } catch {
            throw CALError.telephoneCodeInvalid("the key read out is not a valid \(type.rawValue) key: check the groups again")
        }
    }

    // MARK: DER splicing

    private struct Value {
        var tag: UInt8
        var contents: ArraySlice<UInt8>
    }

    /// The last primitive element reached by going into the last element of each constructed one.
    private static func finalValue(in node: ArraySlice<UInt8>) throws -> Value {
        guard let tag = node.first else { throw CALError.malformed(what: "the signed object", reason: "it is empty") }
        if tag & 0x20 == 0 {
            guard let (contents, _) = DERBytes.header(in: node) else { throw CALError.malformed(what: "the signed object", reason: "bad DER") }
            return Value(tag: tag, contents: contents)
        }
        guard let last = DERBytes.children(of: node)?.last else { throw CALError.malformed(what: "the signed object", reason: "bad DER") }
        return try finalValue(in: last)
    }

    /// `node` with its final primitive element's contents replaced (a BIT STRING keeps its
    /// unused-bits byte), every length around it recomputed.
    private static func replacingFinalValue(in node: ArraySlice<UInt8>, with value: [UInt8]) throws -> [UInt8] {
        guard let tag = node.first else { throw CALError.malformed(what: "the signed object", reason: "it is empty") }
        var out: [UInt8] = []
        if tag & 0x20 == 0 {
            DERBytes.append(tag, tag == 0x03 ? [0] + value : value, to: &out)
            return out
        }
        guard let children = DERBytes.children(of: node), let last = children.last else {
            throw CALError.malformed(what: "the signed object", reason: "bad DER")
        }
        let inner = children.dropLast().flatMap { $0 } + (try replacingFinalValue(in: last, with: value))
        DERBytes.append(tag, inner, to: &out)
        return out
    }
}
