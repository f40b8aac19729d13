import CALCore
import CALTestSupport
import Foundation
import SwiftASN1
import Testing
import X509

/// Key files and secret files against tampering, hostile parameters, loose permissions,
/// symbolic links and interrupted writes.
@Suite("Key and secret files hold against tampering and careless permissions")
struct KeyFileHardeningTests {
    /// The DER of the encrypted key in `path`, with one bit of byte `index` flipped, written to `tampered`.
    func flip(_ path: String, byte index: Int, to tampered: String) throws {
        let document = try PEMDocument(pemString: String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self))
        var bytes = document.derBytes
        bytes[index] ^= 0x01
        try Data(PEMDocument(type: document.discriminator, derBytes: bytes).pemString.utf8).write(to: URL(fileURLWithPath: tampered))
    }

    @Test(
        "A bit flipped anywhere in an encrypted key's ciphertext never yields another key: an error, or the same key",
        arguments: [KeyType.p256, KeyType.ed25519]
    )
    func tamperedCiphertext(keyType: KeyType) throws {
        let folder = try TemporaryFolder()
        let key = try keyType.generate()
        let path = folder.file("key.pem")
        let passphrase = try Passphrase("correct horse")
        // OpenSSL encrypts it (PBES2, AES-256-CBC) with few PBKDF2 iterations, so 80 reads stay quick.
        try PrivateKeyFile.write(key, to: folder.file("plain.pem"))
        try folder.write("pass", "correct horse\n")
        let converted = try ExternalTool.openssl([
            "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256", "-iter", "1000", "-in", folder.file("plain.pem"),
            "-passout", "file:" + folder.file("pass"), "-out", path,
        ])
        #expect(converted.status == 0, "\(converted.error)")
        #expect(try PrivateKeyFile.read(from: path, passphrase: passphrase).publicKey == key.publicKey)
        let der = try PEMDocument(pemString: String(decoding: try folder.read("key.pem"), as: UTF8.self)).derBytes
        // The ciphertext is the last OCTET STRING, after the IV's: flip each byte of the IV and of
        // the last four blocks (the public key, the private key's end, the padding).
        let encrypted = try EncryptedPrivateKey(derEncoded: der)
        let ciphertextStart = der.count - encrypted.encryptedData.count
        let ivStart = ciphertextStart - (der.count - ciphertextStart > 127 ? 3 : 2) - 16
        var outcomes: [String: Int] = [:]
        for index in Array(ivStart..<(ivStart + 16)) + Array(max(ciphertextStart, der.count - 64)..<der.count) {
            let tampered = folder.file("tampered-\(index).pem")
            try flip(path, byte: index, to: tampered)
            // An EC key carries its public key; an Ed25519 key is checked against what its role holds.
            let expected: Certificate.PublicKey? = keyType == .ed25519 ? key.publicKey : nil
            do {
                let read = try PrivateKeyFile.read(from: tampered, passphrase: passphrase, expected: expected)
                #expect(read.publicKey == key.publicKey, "byte \(index) gave another key")
                outcomes["same key", default: 0] += 1
            } catch let error as CALError {
                #expect([.wrongPassphrase, .corruptKey, .malformed].contains(error.code), "byte \(index): \(error)")
                outcomes[error.code.rawValue, default: 0] += 1
            }
        }
        // Some flips decrypt to a well-formed key; they must be the ones reported as corrupt.
        #expect((outcomes["corrupt-key"] ?? 0) > 0, "\(outcomes)")
    }

    @Test("A plain EC key whose stored public key was altered is corrupt-key")
    func plainECKeyWithAlteredPublicKey() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("key.pem")
        try PrivateKeyFile.write(try KeyType.p256.generate(), to: path)
        let der = try PEMDocument(pemString: String(decoding: try folder.read("key.pem"), as: UTF8.self)).derBytes
        // The last byte is the public point's y coordinate.
        try flip(path, byte: der.count - 1, to: folder.file("altered.pem"))
        #expect(thrownCode { _ = try PrivateKeyFile.read(from: folder.file("altered.pem")) } == "corrupt-key")
    }

    @Test("A key other than the one its role names is corrupt-key when encrypted, key-mismatch when plain")
    func expectedKey() throws {
        let folder = try TemporaryFolder()
        let passphrase = try Passphrase("pw pw pw")
        let other = try KeyType.ed25519.generate().publicKey
        try PrivateKeyFile.write(try KeyType.ed25519.generate(), to: folder.file("enc.pem"), passphrase: passphrase)
        try PrivateKeyFile.write(try KeyType.ed25519.generate(), to: folder.file("plain.pem"))
        #expect(thrownCode { _ = try PrivateKeyFile.read(from: folder.file("enc.pem"), passphrase: passphrase, expected: other) } == "corrupt-key")
        #expect(thrownCode { _ = try PrivateKeyFile.read(from: folder.file("plain.pem"), expected: other) } == "key-mismatch")
    }

    /// An encrypted key file with the given derivation (its ciphertext is garbage).
    func hostileFile(_ derivation: EncryptedPrivateKey.KeyDerivation, in folder: TemporaryFolder, keyLength: Int = 32) throws -> String {
        var serializer = DER.Serializer()
        try serializer.serialize(
            EncryptedPrivateKey(
                keyDerivation: derivation, iv: [UInt8](repeating: 2, count: 16), keyLength: keyLength, encryptedData: [UInt8](repeating: 0, count: 64)
            )
        )
        return try folder.write("hostile-\(UUID().uuidString).pem", PEMDocument(type: "ENCRYPTED PRIVATE KEY", derBytes: serializer.serializedBytes).pemString)
    }

    @Test("Key-derivation parameters past what a real key needs are malformed before any work (the old bounds cost 8.6 s or 1 GiB)")
    func hostileDerivations() throws {
        let folder = try TemporaryFolder()
        let salt = [UInt8](repeating: 1, count: 16)
        let passphrase = try Passphrase("pw")
        for derivation in [
            EncryptedPrivateKey.KeyDerivation.pbkdf2(salt: salt, iterations: 10_000_000, hash: .sha256),
            .pbkdf2(salt: salt, iterations: 1_500_001, hash: .sha256),
            .pbkdf2(salt: salt, iterations: 1_000_000, hash: .sha512),
            .pbkdf2(salt: salt, iterations: 1_000_000, hash: .sha1),
            .scrypt(salt: salt, cost: 1 << 20, blockSize: 8, parallelism: 1),  // 1 GiB
            .scrypt(salt: salt, cost: 1 << 17, blockSize: 8, parallelism: 1),  // 128 MiB
            .scrypt(salt: salt, cost: 1 << 14, blockSize: 8, parallelism: 16),  // 2^21 work
            .scrypt(salt: salt, cost: 1 << 14, blockSize: 32, parallelism: 1),
            .scrypt(salt: salt, cost: 1 << 16, blockSize: 1, parallelism: 1),  // N must stay below 2^(16 r)
        ] {
            let path = try hostileFile(derivation, in: folder)
            let started = Date()
            #expect(thrownCode { _ = try PrivateKeyFile.read(from: path, passphrase: passphrase) } == "malformed", "\(derivation)")
            #expect(Date().timeIntervalSince(started) < 5, "\(derivation) was worked on before being refused")
        }
    }

    @Test("Every scrypt parameter set the reader accepts derives without a crypto error; the rest are malformed, never a raw library error")
    func scryptGrid() throws {
        let folder = try TemporaryFolder()
        let salt = [UInt8](repeating: 1, count: 16)
        let passphrase = try Passphrase("pw")
        let grid = [2, 4, 16, 256].flatMap { cost in
            [1, 2, 8, 16, 17].flatMap { blockSize in [1, 2, 16].map { (cost, blockSize, $0) } }
        }
        for (cost, blockSize, parallelism) in grid {
            let path = try hostileFile(.scrypt(salt: salt, cost: cost, blockSize: blockSize, parallelism: parallelism), in: folder)
            let code = thrownCode { _ = try PrivateKeyFile.read(from: path, passphrase: passphrase) }
            // Accepted parameters reach decryption, which fails on the garbage ciphertext.
            #expect(code == "wrong-passphrase" || code == "malformed", "N=\(cost) r=\(blockSize) p=\(parallelism): \(code)")
        }
        // Parameters built in code, past the reader, fail with a code too.
        let direct = EncryptedPrivateKey(
            keyDerivation: .scrypt(salt: salt, cost: 1 << 14, blockSize: 32, parallelism: 1), iv: [UInt8](repeating: 2, count: 16), keyLength: 32,
            encryptedData: [UInt8](repeating: 0, count: 64)
        )
        #expect(thrownCode { _ = try direct.decrypt(passphrase: passphrase, path: "direct") } == "malformed")
    }

    @Test("The largest accepted PBKDF2 counts still open (OpenSSL's 2,048 and CALKit's 600,000 are far inside)", arguments: [
        EncryptedPrivateKey.PRF.sha256, .sha512,
    ])
    func largestAccepted(hash: EncryptedPrivateKey.PRF) throws {
        let folder = try TemporaryFolder()
        let iterations = hash == .sha256 ? 1_500_000 : 750_000
        let path = try hostileFile(.pbkdf2(salt: [UInt8](repeating: 1, count: 16), iterations: iterations, hash: hash), in: folder)
        #expect(thrownCode { _ = try PrivateKeyFile.read(from: path, passphrase: try Passphrase("pw")) } == "wrong-passphrase")
    }

    @Test("Passphrase and token files others may read are refused with insecure-permissions; 0600 and 0400 are fine")
    func secretFilePermissions() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("pass", "secret words\n")
        for mode in [0o644, 0o640, 0o604, 0o660, 0o606] {
            chmod(path, mode_t(mode))
            #expect(thrownCode { _ = try Passphrase(file: path) } == "insecure-permissions", "mode \(String(mode, radix: 8))")
        }
        for mode in [0o600, 0o400] {
            chmod(path, mode_t(mode))
            #expect(try Passphrase(file: path) == Passphrase("secret words"))
        }
        chmod(path, 0o644)
        #expect { _ = try Passphrase(file: path) } throws: { error in
            guard let error = error as? CALError else { return false }
            return error.context["path"] == path && error.detail.contains("644")
        }
    }

    @Test("An in-place key rewrite refuses a symbolic link and leaves its target as it was")
    func symlinkedKey() throws {
        let folder = try TemporaryFolder()
        try PrivateKeyFile.write(try KeyType.p256.generate(), to: folder.file("target.pem"))
        let before = try folder.read("target.pem")
        try FileManager.default.createSymbolicLink(atPath: folder.file("link.pem"), withDestinationPath: folder.file("target.pem"))
        #expect(thrownCode { try PrivateKeyFile.rewrite(folder.file("link.pem"), to: nil, current: nil, new: try Passphrase("pw pw")) } == "file-access")
        #expect(try folder.read("target.pem") == before)
        let link = try FileManager.default.attributesOfItem(atPath: folder.file("link.pem"))[.type] as? FileAttributeType
        #expect(link == .typeSymbolicLink)
        // Through --out, reading the link is fine: nothing is replaced.
        try PrivateKeyFile.rewrite(folder.file("link.pem"), to: folder.file("copy.pem"), current: nil, new: try Passphrase("pw pw"))
        #expect(try PrivateKeyFile.isEncrypted(folder.file("copy.pem")))
    }

    @Test("Temporary files a killed writer left are removed at the next write or home opening; live and recent ones stay")
    func interruptedWrites() throws {
        let folder = try TemporaryFolder()
        let hourAgo = Date().addingTimeInterval(-3700)
        let minutesAgo = Date().addingTimeInterval(-120)
        let deadPID = Self.unusedPID()
        let stale = try folder.write(".cal.pem.\(deadPID).12345.tmp", "half a license")
        let recentDead = try folder.write(".cal.pem.\(deadPID).777.tmp", "being written in another namespace?")
        let alive = try folder.write(".cal.pem.1.999.tmp", "pid 1 is alive")
        let ancient = try folder.write(".other.pem.1.5.tmp", "abandoned an hour ago")
        let unrelated = try folder.write(".hidden.tmp", "not CALKit's")
        try FileManager.default.setAttributes([.modificationDate: minutesAgo], ofItemAtPath: stale)
        try FileManager.default.setAttributes([.modificationDate: minutesAgo], ofItemAtPath: alive)
        try FileManager.default.setAttributes([.modificationDate: hourAgo], ofItemAtPath: ancient)
        try FileManager.default.setAttributes([.modificationDate: hourAgo], ofItemAtPath: unrelated)
        // Writing cal.pem clears its own leftovers only.
        try SecureFile.write(Array("done".utf8), to: folder.file("cal.pem"))
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(FileManager.default.fileExists(atPath: recentDead) && FileManager.default.fileExists(atPath: alive))
        #expect(FileManager.default.fileExists(atPath: ancient))
        // A full sweep takes what is an hour old, whoever wrote it.
        #expect(SecureFile.removeInterruptedWrites(in: folder.path) == [".other.pem.1.5.tmp"])
        #expect(FileManager.default.fileExists(atPath: unrelated) && FileManager.default.fileExists(atPath: recentDead))
    }

    /// A process id no process has now.
    static func unusedPID() -> Int32 {
        var pid: Int32 = 4_000_000
        while kill(pid, 0) == 0 || errno != ESRCH { pid -= 1 }
        return pid
    }

    @Test("Dependency errors lose their source locations before anyone sees them")
    func sourceLocations() throws {
        let error: any Error
        do {
            _ = try Certificate(derEncoded: [0x30, 0x03, 0x02, 0x01, 0x01])
            Issue.record("parsed")
            return
        } catch let thrown {
            error = thrown
        }
        #expect(String(describing: error).contains(".swift:"))
        let reason = CALError.reason(describing: error)
        #expect(!reason.contains(".swift") && !reason.contains("ASN1Error.") && !reason.isEmpty, "\(reason)")
        #expect(
            CALError.withoutSourceLocations("bad (/build/checkouts/swift-asn1/Sources/SwiftASN1/PEMDocument.swift:140) thing")
                == "bad thing"
        )
    }

}
