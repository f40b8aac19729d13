import CALCore
import CALTestSupport
import Foundation
import Testing
import X509

@Suite("Private key files")
struct PrivateKeyFileTests {
    @Test("Every key type is written as PKCS #8 with mode 0600 and reads back", arguments: KeyType.allCases)
    func roundTrip(keyType: KeyType) throws {
        let folder = try TemporaryFolder()
        let key = try keyType.generate()
        let path = folder.file("key.pem")
        try PrivateKeyFile.write(key, to: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let text = String(decoding: try folder.read("key.pem"), as: UTF8.self)
        #expect(text.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let read = try PrivateKeyFile.read(from: path)
        #expect(read.publicKey == key.publicKey)
        #expect(try KeyType(of: read.publicKey) == keyType)
    }

    @Test("An existing key file is never overwritten")
    func noOverwrite() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("key.pem")
        let first = try KeyType.p256.generate()
        try PrivateKeyFile.write(first, to: path)
        #expect(thrownCode { _ = try PrivateKeyFile.write(try KeyType.p256.generate(), to: path) } == "file-access")
        #expect(try PrivateKeyFile.read(from: path).publicKey == first.publicKey)
    }

    @Test("A certificate, a broken encrypted key and garbage are refused as keys")
    func wrongKinds() throws {
        let folder = try TemporaryFolder()
        #expect(thrownCode { _ = try PrivateKeyFile.read(from: ExternalTool.repositoryRoot + "/certs/root.pem") } == "wrong-kind")
        let encrypted = try folder.write("enc.pem", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n")
        #expect { try PrivateKeyFile.read(from: encrypted, passphrase: try Passphrase("x")) } throws: {
            ($0 as? CALError)?.code == .malformed
        }
        let garbage = try folder.write("garbage.pem", "-----BEGIN PRIVATE KEY-----\nAAAAAAAA\n-----END PRIVATE KEY-----\n")
        #expect(thrownCode { _ = try PrivateKeyFile.read(from: garbage) } == "malformed")
    }
}
