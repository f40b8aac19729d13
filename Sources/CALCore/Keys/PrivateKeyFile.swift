import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// Reads and writes private keys as PEM files that OpenSSL reads too.
///
/// Keys are written as unencrypted PKCS #8 (`PRIVATE KEY`) with mode 0600, atomically, and never
/// over an existing file. Reading also accepts SEC1 (`EC PRIVATE KEY`) and PKCS #1
/// (`RSA PRIVATE KEY`), as `openssl genpkey` and older tools write them.
public enum PrivateKeyFile {
    /// Writes `key` to `path` with mode 0600. Refuses to overwrite an existing file.
    public static func write(_ key: Certificate.PrivateKey, to path: String) throws {
        let pem: String
        do {
            pem = try pkcs8PEM(of: key)
        } catch {
            throw CALError.unsupportedKey("cannot serialise the key: \(error)")
        }
        try SecureFile.write(Array(pem.utf8), to: path, mode: 0o600, overwrite: false)
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

    /// Reads a private key from a PEM file.
    public static func read(from path: String) throws -> Certificate.PrivateKey {
        let text = try SecureFile.readText(path)
        let documents = try PEMBundle.documents(in: text, path: path)
        guard let document = documents.first, documents.count == 1 else {
            throw CALError.malformed(what: path, reason: "a key file holds exactly one PEM block")
        }
        switch document.discriminator {
        case "PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY":
            do {
                return try Certificate.PrivateKey(pemDocument: document)
            } catch {
                throw CALError.malformed(what: "the private key in \(path)", reason: "\(error)")
            }
        case "ENCRYPTED PRIVATE KEY":
            throw CALError.unsupportedKey("\(path) is encrypted; decrypt it first")
        default:
            throw CALError.wrongKind(path: path, expected: "a private key", found: "a \(document.discriminator)")
        }
    }
}
