import CALCore
import CALTestSupport
import Foundation
import SwiftASN1
import Testing
import X509

@Suite("Encrypted private keys")
struct EncryptedPrivateKeyTests {
    @Test(
        "Every key type round-trips encrypted under each key derivation, mode 0600",
        arguments: KeyType.allCases, EncryptedPrivateKey.Method.allCases
    )
    func roundTrip(keyType: KeyType, method: EncryptedPrivateKey.Method) throws {
        let folder = try TemporaryFolder()
        let key = try keyType.generate()
        let path = folder.file("key.pem")
        let passphrase = try Passphrase("correct horse battery staple")
        try PrivateKeyFile.write(key, to: path, passphrase: passphrase, method: method)
        let text = String(decoding: try folder.read("key.pem"), as: UTF8.self)
        #expect(text.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try PrivateKeyFile.isEncrypted(path))
        #expect(try PrivateKeyFile.read(from: path, passphrase: passphrase).publicKey == key.publicKey)
    }

    @Test("The written parameters are PBES2 with PBKDF2-SHA256 600,000 or scrypt 2^14/8/1, AES-256-CBC, fresh salt and IV")
    func parameters() throws {
        let passphrase = try Passphrase("pw")
        let info: [UInt8] = [0x30, 0x03, 0x02, 0x01, 0x00]
        let first = try EncryptedPrivateKey.encrypt(privateKeyInfo: info, passphrase: passphrase)
        let second = try EncryptedPrivateKey.encrypt(privateKeyInfo: info, passphrase: passphrase)
        guard case .pbkdf2(let salt, let iterations, let hash) = first.keyDerivation,
            case .pbkdf2(let otherSalt, _, _) = second.keyDerivation
        else {
            Issue.record("PBKDF2 expected")
            return
        }
        #expect(iterations >= 600_000 && hash == .sha256 && first.keyLength == 32)
        #expect(salt != otherSalt && first.iv != second.iv && first.encryptedData != second.encryptedData)
        let scrypt = try EncryptedPrivateKey.encrypt(privateKeyInfo: info, passphrase: passphrase, method: .scrypt)
        guard case .scrypt(_, let cost, let blockSize, let parallelism) = scrypt.keyDerivation else {
            Issue.record("scrypt expected")
            return
        }
        #expect(cost == 16384 && blockSize == 8 && parallelism == 1)
        // DER round trip.
        var serializer = DER.Serializer()
        try serializer.serialize(scrypt)
        #expect(try EncryptedPrivateKey(derEncoded: serializer.serializedBytes) == scrypt)
        #expect(try scrypt.decrypt(passphrase: passphrase, path: "x") == info)
    }

    @Test("A wrong or missing passphrase is a clear error and the file is untouched")
    func wrongPassphrase() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("key.pem")
        try PrivateKeyFile.write(try KeyType.p256.generate(), to: path, passphrase: try Passphrase("right"), method: .scrypt)
        let before = try folder.read("key.pem")
        #expect { try PrivateKeyFile.read(from: path, passphrase: try Passphrase("wrong")) } throws: {
            ($0 as? CALError)?.code == .wrongPassphrase
        }
        #expect { try PrivateKeyFile.read(from: path) } throws: { ($0 as? CALError)?.code == .passphraseRequired }
        #expect(try folder.read("key.pem") == before)
    }

    @Test("Hostile parameters are refused before any work: huge iteration counts, huge scrypt memory, unknown ciphers")
    func hostileParameters() throws {
        let passphrase = try Passphrase("pw")
        let salt = [UInt8](repeating: 1, count: 16)
        let iv = [UInt8](repeating: 2, count: 16)
        for derivation in [
            EncryptedPrivateKey.KeyDerivation.pbkdf2(salt: salt, iterations: 2_000_000_000, hash: .sha256),
            .scrypt(salt: salt, cost: 1 << 30, blockSize: 8, parallelism: 1),
            .scrypt(salt: salt, cost: 1000, blockSize: 8, parallelism: 1),
        ] {
            var serializer = DER.Serializer()
            try serializer.serialize(EncryptedPrivateKey(keyDerivation: derivation, iv: iv, keyLength: 32, encryptedData: [UInt8](repeating: 0, count: 32)))
            #expect(throws: (any Error).self) { try EncryptedPrivateKey(derEncoded: serializer.serializedBytes) }
        }
        let folder = try TemporaryFolder()
        let path = try folder.write("bad.pem", PEMDocument(type: "ENCRYPTED PRIVATE KEY", derBytes: [0x30, 0x00]).pemString)
        #expect { try PrivateKeyFile.read(from: path, passphrase: passphrase) } throws: { ($0 as? CALError)?.code == .malformed }
    }

    @Test("Passphrases come from the first line of a file or from CALKIT_PASSPHRASE; empty ones are refused")
    func passphraseSources() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("pass", "secret words\nsecond line\n")
        #expect(try Passphrase.resolve(file: file, environment: ["CALKIT_PASSPHRASE": "other"]) == Passphrase("secret words"))
        #expect(try Passphrase.resolve(file: nil, environment: ["CALKIT_PASSPHRASE": "other"]) == Passphrase("other"))
        #expect(try Passphrase.resolve(file: nil, environment: [:]) == nil)
        let empty = try folder.write("empty", "\n")
        #expect(thrownCode { _ = try Passphrase(file: empty) } == "invalid-argument")
        #expect(thrownCode { _ = try Passphrase.resolve(file: folder.file("missing"), environment: [:]) } == "file-not-found")
    }

    @Test("A key is converted in place and back, keeping 0600; --out never overwrites")
    func rewrite() throws {
        let folder = try TemporaryFolder()
        let key = try KeyType.ed25519.generate()
        let path = folder.file("key.pem")
        try PrivateKeyFile.write(key, to: path)
        let one = try Passphrase("one")
        let two = try Passphrase("two")
        try PrivateKeyFile.rewrite(path, to: nil, current: nil, new: one)
        #expect(try PrivateKeyFile.isEncrypted(path))
        try PrivateKeyFile.rewrite(path, to: nil, current: one, new: two)
        #expect(try PrivateKeyFile.read(from: path, passphrase: two).publicKey == key.publicKey)
        try PrivateKeyFile.rewrite(path, to: folder.file("plain.pem"), current: two, new: nil)
        #expect(try !PrivateKeyFile.isEncrypted(folder.file("plain.pem")))
        #expect(thrownCode { _ = try PrivateKeyFile.rewrite(path, to: folder.file("plain.pem"), current: two, new: nil) } == "file-access")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }
}
