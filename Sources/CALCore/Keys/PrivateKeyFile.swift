import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// Reads and writes private keys as PEM files that OpenSSL reads too.
///
/// Keys are written as PKCS #8 with mode 0600, atomically, and never over an existing file:
/// `PRIVATE KEY`, or `ENCRYPTED PRIVATE KEY` (PBES2, AES-256-CBC) when a passphrase is given.
/// Reading also accepts SEC1 (`EC PRIVATE KEY`) and PKCS #1 (`RSA PRIVATE KEY`), as
/// `openssl genpkey` and older tools write them, and encrypted keys from OpenSSL.
public enum PrivateKeyFile {
    /// Writes `key` to `path` with mode 0600, encrypted under `passphrase` when one is given.
    /// Refuses to overwrite an existing file unless `overwrite` says so.
    public static func write(
        _ key: Certificate.PrivateKey,
        to path: String,
        passphrase: Passphrase? = nil,
        method: EncryptedPrivateKey.Method = .pbkdf2,
        overwrite: Bool = false
    ) throws {
        let pem = try self.pem(of: key, passphrase: passphrase, method: method)
        try SecureFile.write(Array(pem.utf8), to: path, mode: 0o600, overwrite: overwrite)
    }

    /// The PEM a key file holds: PKCS #8, encrypted under `passphrase` when one is given.
    public static func pem(of key: Certificate.PrivateKey, passphrase: Passphrase?, method: EncryptedPrivateKey.Method = .pbkdf2) throws -> String {
        let plain: String
        do {
            plain = try pkcs8PEM(of: key)
        } catch {
            throw CALError.unsupportedKey("cannot serialise the key: \(CALError.reason(describing: error))")
        }
        guard let passphrase else { return plain }
        let info = try PEMDocument(pemString: plain).derBytes
        let encrypted = try EncryptedPrivateKey.encrypt(privateKeyInfo: info, passphrase: passphrase, method: method)
        var serializer = DER.Serializer()
        try serializer.serialize(encrypted)
        return PEMDocument(type: "ENCRYPTED PRIVATE KEY", derBytes: serializer.serializedBytes).pemString + "\n"
    }

    /// The PKCS #8 PEM of a key.
    public static func pkcs8PEM(of key: Certificate.PrivateKey) throws -> String {
        let document = try key.serializeAsPEM()
        if document.discriminator == "RSA PRIVATE KEY" {
            // swift-crypto writes RSA keys as PKCS #1; CALKit writes every key as PKCS #8.
            return try _RSA.Signing.PrivateKey(derRepresentation: document.derBytes).pkcs8PEMRepresentation
        }
        return document.pemString
    }

    /// Whether the key file at `path` is encrypted.
    public static func isEncrypted(_ path: String) throws -> Bool {
        try document(at: path).discriminator == "ENCRYPTED PRIVATE KEY"
    }

    /// Reads a private key from a PEM file, decrypting it with `passphrase` when it is encrypted.
    ///
    /// The key must match the public key the file stores beside it (EC keys do) and, when
    /// `expected` is given, that key (the role's certificate or request names it): PBES2 has no
    /// integrity check, so an altered file can decrypt to another well-formed key, and that is
    /// ``CALError/Code/corruptKey``, never a silent different key.
    public static func read(from path: String, passphrase: Passphrase? = nil, expected: Certificate.PublicKey? = nil) throws -> Certificate.PrivateKey {
        let document = try document(at: path)
        let plain: PEMDocument
        switch document.discriminator {
        case "PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY":
            plain = document
        case "ENCRYPTED PRIVATE KEY":
            guard let passphrase else { throw CALError.passphraseRequired(path: path) }
            let encrypted: EncryptedPrivateKey
            do {
                encrypted = try EncryptedPrivateKey(derEncoded: document.derBytes)
            } catch {
                throw CALError.malformed(what: "the encrypted private key in \(path)", reason: CALError.reason(describing: error))
            }
            plain = PEMDocument(type: "PRIVATE KEY", derBytes: try encrypted.decrypt(passphrase: passphrase, path: path))
        default:
            throw CALError.wrongKind(path: path, expected: "a private key", found: "a \(document.discriminator)")
        }
        let key: Certificate.PrivateKey
        do {
            key = try Certificate.PrivateKey(pemDocument: plain)
        } catch {
            if plain.discriminator != document.discriminator {
                // Decrypted, yet not a key: the passphrase is right for the padding but the content was altered.
                throw CALError.corruptKey(path, reason: "it decrypts, but not to a private key")
            }
            throw CALError.malformed(what: "the private key in \(path)", reason: CALError.reason(describing: error))
        }
        if let stored = EmbeddedPublicKey.bits(in: plain), !EmbeddedPublicKey.matches(stored, key.publicKey) {
            throw CALError.corruptKey(path, reason: "its private key does not belong to the public key stored with it")
        }
        if let expected, key.publicKey != expected {
            guard plain.discriminator == document.discriminator else {
                throw CALError.corruptKey(path, reason: "it decrypts to a key other than the one its certificate or request names")
            }
            throw CALError.certificateKeyMismatch("\(path) holds a key other than the one its certificate or request names")
        }
        return key
    }

    /// Rewrites the key at `path` — to `output`, or in place when `output` is nil, atomically and
    /// keeping mode 0600 — reading it with `current` and writing it under `new` (plain when nil).
    /// A new output file is never written over an existing one.
    public static func rewrite(
        _ path: String,
        to output: String?,
        current: Passphrase?,
        new: Passphrase?,
        method: EncryptedPrivateKey.Method = .pbkdf2
    ) throws {
        if output == nil {
            try SecureFile.refuseSymbolicLink(path, doing: "rewrite a key in place")
        }
        let key = try read(from: path, passphrase: current)
        if let output {
            guard output != path else { throw CALError.invalidArgument("the output names the input file; to convert in place, name no output") }
            try write(key, to: output, passphrase: new, method: method)
        } else {
            try write(key, to: path, passphrase: new, method: method, overwrite: true)
        }
    }

    private static func document(at path: String) throws -> PEMDocument {
        let text = try SecureFile.readText(path)
        let documents = try PEMBundle.documents(in: text, path: path)
        guard let document = documents.first, documents.count == 1 else {
            throw CALError.malformed(what: path, reason: "a key file holds exactly one PEM block")
        }
        return document
    }
}
