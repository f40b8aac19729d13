import Crypto
import Foundation
import SwiftASN1
import _CryptoExtras

/// A PKCS #8 `EncryptedPrivateKeyInfo` protected with PBES2 (RFC 8018), as OpenSSL writes and
/// reads it (`openssl pkey -aes256`, `openssl pkcs8 -topk8 -scrypt`).
///
/// ```
/// EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm AlgorithmIdentifier, encryptedData OCTET STRING }
/// PBES2-params ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier, encryptionScheme AlgorithmIdentifier }
/// PBKDF2-params ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER, keyLength INTEGER OPTIONAL,
///                              prf AlgorithmIdentifier DEFAULT hmacWithSHA1 }
/// scrypt-params ::= SEQUENCE { salt OCTET STRING, costParameter INTEGER, blockSize INTEGER,
///                              parallelizationParameter INTEGER, keyLength INTEGER OPTIONAL }   -- RFC 7914
/// ```
///
/// CALKit writes AES-256-CBC under PBKDF2-HMAC-SHA256 with 600,000 iterations (the default) or
/// scrypt with N = 2^14, r = 8, p = 1 (OpenSSL's own scrypt default, inside its 32 MiB limit).
/// It reads either, with any AES-CBC key size, within bounds that keep a hostile file from
/// costing unbounded time or memory.
public struct EncryptedPrivateKey: DERImplicitlyTaggable, Sendable, Equatable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    /// How the encryption key is derived from the passphrase.
    public enum KeyDerivation: Sendable, Equatable {
        /// PBKDF2 with an HMAC over `hash`.
        case pbkdf2(salt: [UInt8], iterations: Int, hash: PRF)
        /// scrypt (RFC 7914).
        case scrypt(salt: [UInt8], cost: Int, blockSize: Int, parallelism: Int)
    }

    /// The HMAC hash functions PBKDF2 may use.
    public enum PRF: Sendable, Equatable {
        case sha1, sha256, sha384, sha512
    }

    /// The key-derivation choices CALKit offers when it encrypts a key.
    public enum Method: String, Sendable, CaseIterable, Codable {
        /// PBKDF2-HMAC-SHA256, 600,000 iterations.
        case pbkdf2
        /// scrypt, N = 2^14, r = 8, p = 1.
        case scrypt
    }

    /// The fewest PBKDF2 iterations CALKit writes.
    public static let pbkdf2Iterations = 600_000

    /// The key derivation.
    public var keyDerivation: KeyDerivation
    /// The AES-CBC IV.
    public var iv: [UInt8]
    /// The AES key size in bytes (16, 24 or 32).
    public var keyLength: Int
    /// The encrypted PKCS #8 `PrivateKeyInfo`.
    public var encryptedData: [UInt8]

    // MARK: Encrypting and decrypting

    /// Encrypts a DER `PrivateKeyInfo` under `passphrase` with AES-256-CBC.
    public static func encrypt(privateKeyInfo: [UInt8], passphrase: Passphrase, method: Method = .pbkdf2) throws -> EncryptedPrivateKey {
        let salt = randomBytes(16)
        let derivation: KeyDerivation
        switch method {
        case .pbkdf2: derivation = .pbkdf2(salt: salt, iterations: pbkdf2Iterations, hash: .sha256)
        case .scrypt: derivation = .scrypt(salt: salt, cost: 1 << 14, blockSize: 8, parallelism: 1)
        }
        let iv = randomBytes(16)
        let key = try derive(derivation, passphrase: passphrase, keyLength: 32)
        let encrypted = try AES._CBC.encrypt(privateKeyInfo, using: key, iv: AES._CBC.IV(ivBytes: iv))
        return EncryptedPrivateKey(keyDerivation: derivation, iv: iv, keyLength: 32, encryptedData: Array(encrypted))
    }

    /// The DER `PrivateKeyInfo` inside, or ``CALError/wrongPassphrase(_:)`` when `passphrase` does not open it.
    public func decrypt(passphrase: Passphrase, path: String) throws -> [UInt8] {
        let key: SymmetricKey
        do {
            key = try Self.derive(keyDerivation, passphrase: passphrase, keyLength: keyLength)
        } catch {
            throw CALError.malformed(what: "the encrypted private key in \(path)", reason: "its key-derivation parameters cannot be used")
        }
        guard encryptedData.count % 16 == 0, !encryptedData.isEmpty,
            let plain = try? AES._CBC.decrypt(encryptedData, using: key, iv: AES._CBC.IV(ivBytes: iv)),
            let node = try? DER.parse(Array(plain)), node.identifier == .sequence
        else {
            throw CALError.wrongPassphrase(path)
        }
        return Array(plain)
    }

    private static func derive(_ derivation: KeyDerivation, passphrase: Passphrase, keyLength: Int) throws -> SymmetricKey {
        switch derivation {
        case .pbkdf2(let salt, let iterations, let hash):
            return try KDF.Insecure.PBKDF2.deriveKey(
                from: passphrase.bytes, salt: salt, using: hash.function, outputByteCount: keyLength, unsafeUncheckedRounds: iterations
            )
        case .scrypt(let salt, let cost, let blockSize, let parallelism):
            return try KDF.Scrypt.deriveKey(
                from: passphrase.bytes, salt: salt, outputByteCount: keyLength, rounds: cost, blockSize: blockSize,
                parallelism: parallelism
            )
        }
    }

    private static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    // MARK: DER

    static let pbes2: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 5, 13]
    static let pbkdf2: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 5, 12]
    static let scrypt: ASN1ObjectIdentifier = [1, 3, 6, 1, 4, 1, 11591, 4, 11]
    static let aesCBC: [ASN1ObjectIdentifier: Int] = [
        [2, 16, 840, 1, 101, 3, 4, 1, 2]: 16, [2, 16, 840, 1, 101, 3, 4, 1, 22]: 24, [2, 16, 840, 1, 101, 3, 4, 1, 42]: 32,
    ]
    static let aes256CBC: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 1, 42]

    /// The most PBKDF2 iterations a file may ask for, by hash: enough for every real key
    /// (CALKit writes 600,000 with SHA-256; OpenSSL writes 2,048), and under about a second
    /// here, so a hostile file cannot make opening it hang.
    static func maximumIterations(for hash: PRF) -> Int {
        switch hash {
        case .sha256: return 1_500_000
        case .sha1, .sha384, .sha512: return 750_000
        }
    }

    /// The most memory (128 · r · N bytes) an scrypt file may ask for: 64 MiB, four times what
    /// CALKit and OpenSSL write (N = 2^14, r = 8).
    static let maximumScryptMemory = 64 << 20
    /// The most scrypt work (N · r · p) a file may ask for: eight times what CALKit writes,
    /// about half a second here.
    static let maximumScryptWork = 1 << 20

    /// Whether scrypt can run with these parameters within the bounds above, and within what
    /// BoringSSL accepts (N a power of two below 2^(16·r), and the memory swift-crypto grants it).
    static func scryptParametersAreUsable(cost: Int, blockSize: Int, parallelism: Int) -> Bool {
        guard cost > 1, cost & (cost - 1) == 0, (1...16).contains(blockSize), (1...16).contains(parallelism),
            cost <= maximumScryptMemory, 16 * blockSize > 62 || cost < 1 << (16 * blockSize)
        else { return false }
        let memory = 128 * blockSize * cost
        let needed = 128 * blockSize * (cost + parallelism + 1)
        let granted = 128 * cost * blockSize * parallelism + 4096
        return memory <= maximumScryptMemory && cost * blockSize * parallelism <= maximumScryptWork && needed <= granted
    }

    public init(keyDerivation: KeyDerivation, iv: [UInt8], keyLength: Int, encryptedData: [UInt8]) {
        self.keyDerivation = keyDerivation
        self.iv = iv
        self.keyLength = keyLength
        self.encryptedData = encryptedData
    }

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let (scheme, schemeParameters) = try Self.algorithm(&nodes)
            guard scheme == Self.pbes2, let schemeParameters else {
                throw ASN1Error.invalidASN1Object(reason: "the key is encrypted with \(scheme), not PBES2")
            }
            let data = try ASN1OctetString(derEncoded: &nodes)
            let (derivation, iv, keyLength) = try DER.sequence(schemeParameters, identifier: .sequence) { parameters in
                let (kdf, kdfParameters) = try Self.algorithm(&parameters)
                let (cipher, cipherParameters) = try Self.algorithm(&parameters)
                guard let keyLength = Self.aesCBC[cipher], let cipherParameters else {
                    throw ASN1Error.invalidASN1Object(reason: "the key is encrypted with \(cipher); CALKit reads AES-CBC")
                }
                let iv = try ASN1OctetString(derEncoded: cipherParameters)
                guard iv.bytes.count == 16 else { throw ASN1Error.invalidASN1Object(reason: "the AES IV is not 16 bytes") }
                guard let kdfParameters else { throw ASN1Error.invalidASN1Object(reason: "no key-derivation parameters") }
                return (try Self.keyDerivation(kdf, kdfParameters, keyLength: keyLength), Array(iv.bytes), keyLength)
            }
            return EncryptedPrivateKey(keyDerivation: derivation, iv: iv, keyLength: keyLength, encryptedData: Array(data.bytes))
        }
    }

    private static func keyDerivation(_ oid: ASN1ObjectIdentifier, _ node: ASN1Node, keyLength: Int) throws -> KeyDerivation {
        try DER.sequence(node, identifier: .sequence) { nodes in
            let salt = try ASN1OctetString(derEncoded: &nodes)
            guard (8...64).contains(salt.bytes.count) else { throw ASN1Error.invalidASN1Object(reason: "the salt is not 8 to 64 bytes") }
            switch oid {
            case Self.pbkdf2:
                let iterations = try Int(derEncoded: &nodes)
                var hash = PRF.sha1
                while let next = nodes.next() {
                    if next.identifier == .integer {
                        guard try Int(derEncoded: next) == keyLength else {
                            throw ASN1Error.invalidASN1Object(reason: "the PBKDF2 key length does not match the cipher")
                        }
                    } else {
                        let (prf, _) = try DER.sequence(next, identifier: .sequence) { try Self.algorithmBody(&$0) }
                        guard let known = PRF(oid: prf) else { throw ASN1Error.invalidASN1Object(reason: "unsupported PBKDF2 hash \(prf)") }
                        hash = known
                    }
                }
                guard (1...maximumIterations(for: hash)).contains(iterations) else {
                    throw ASN1Error.invalidASN1Object(
                        reason: "\(iterations) PBKDF2 iterations is outside 1...\(maximumIterations(for: hash)) for \(hash)"
                    )
                }
                return .pbkdf2(salt: Array(salt.bytes), iterations: iterations, hash: hash)
            case Self.scrypt:
                let cost = try Int(derEncoded: &nodes)
                let blockSize = try Int(derEncoded: &nodes)
                let parallelism = try Int(derEncoded: &nodes)
                if let length = nodes.next(), try Int(derEncoded: length) != keyLength {
                    throw ASN1Error.invalidASN1Object(reason: "the scrypt key length does not match the cipher")
                }
                guard scryptParametersAreUsable(cost: cost, blockSize: blockSize, parallelism: parallelism) else {
                    throw ASN1Error.invalidASN1Object(reason: "scrypt parameters N=\(cost) r=\(blockSize) p=\(parallelism) are out of bounds")
                }
                return .scrypt(salt: Array(salt.bytes), cost: cost, blockSize: blockSize, parallelism: parallelism)
            default:
                throw ASN1Error.invalidASN1Object(reason: "unsupported key derivation \(oid); CALKit reads PBKDF2 and scrypt")
            }
        }
    }

    /// An AlgorithmIdentifier: its OID and its parameters node, if any.
    private static func algorithm(_ nodes: inout ASN1NodeCollection.Iterator) throws -> (ASN1ObjectIdentifier, ASN1Node?) {
        guard let node = nodes.next() else { throw ASN1Error.invalidASN1Object(reason: "missing AlgorithmIdentifier") }
        return try DER.sequence(node, identifier: .sequence) { try algorithmBody(&$0) }
    }

    private static func algorithmBody(_ nodes: inout ASN1NodeCollection.Iterator) throws -> (ASN1ObjectIdentifier, ASN1Node?) {
        let oid = try ASN1ObjectIdentifier(derEncoded: &nodes)
        let parameters = nodes.next()
        guard nodes.next() == nil else { throw ASN1Error.invalidASN1Object(reason: "trailing AlgorithmIdentifier fields") }
        return (oid, parameters)
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize(Self.pbes2)
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    try coder.appendConstructedNode(identifier: .sequence) { coder in
                        switch keyDerivation {
                        case .pbkdf2(let salt, let iterations, let hash):
                            try coder.serialize(Self.pbkdf2)
                            try coder.appendConstructedNode(identifier: .sequence) { coder in
                                try coder.serialize(ASN1OctetString(contentBytes: salt[...]))
                                try coder.serialize(iterations)
                                try coder.serialize(keyLength)
                                if hash != .sha1 {
                                    try coder.appendConstructedNode(identifier: .sequence) { coder in
                                        try coder.serialize(hash.oid)
                                        try coder.serialize(ASN1Null())
                                    }
                                }
                            }
                        case .scrypt(let salt, let cost, let blockSize, let parallelism):
                            try coder.serialize(Self.scrypt)
                            try coder.appendConstructedNode(identifier: .sequence) { coder in
                                try coder.serialize(ASN1OctetString(contentBytes: salt[...]))
                                try coder.serialize(cost)
                                try coder.serialize(blockSize)
                                try coder.serialize(parallelism)
                                try coder.serialize(keyLength)
                            }
                        }
                    }
                    try coder.appendConstructedNode(identifier: .sequence) { coder in
                        try coder.serialize(Self.aesCBC.first { $0.value == keyLength }?.key ?? Self.aes256CBC)
                        try coder.serialize(ASN1OctetString(contentBytes: iv[...]))
                    }
                }
            }
            try coder.serialize(ASN1OctetString(contentBytes: encryptedData[...]))
        }
    }
}

extension EncryptedPrivateKey.PRF {
    private static let oids: [(Self, ASN1ObjectIdentifier)] = [
        (.sha1, [1, 2, 840, 113549, 2, 7]), (.sha256, [1, 2, 840, 113549, 2, 9]),
        (.sha384, [1, 2, 840, 113549, 2, 10]), (.sha512, [1, 2, 840, 113549, 2, 11]),
    ]

    init?(oid: ASN1ObjectIdentifier) {
        guard let match = Self.oids.first(where: { $0.1 == oid }) else { return nil }
        self = match.0
    }

    var oid: ASN1ObjectIdentifier { Self.oids.first { $0.0 == self }?.1 ?? [1, 2, 840, 113549, 2, 9] }

    var function: KDF.Insecure.PBKDF2.HashFunction {
        switch self {
        case .sha1: return .insecureSHA1
        case .sha256: return .sha256
        case .sha384: return .sha384
        case .sha512: return .sha512
        }
    }
}
