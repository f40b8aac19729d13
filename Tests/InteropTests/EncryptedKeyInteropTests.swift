import CALCore
import CALTestSupport
import Crypto
import Foundation
import Testing
import X509

@Suite("Encrypted keys with OpenSSL and Python")
struct EncryptedKeyInteropTests {
    static let passphrase = "Tr0ub4dor & 3"

    @Test(
        "Keys CALKit encrypts open with openssl pkey -passin and Python cryptography, to the same public key",
        arguments: KeyType.allCases, EncryptedPrivateKey.Method.allCases
    )
    func calkitToOthers(keyType: KeyType, method: EncryptedPrivateKey.Method) throws {
        let folder = try TemporaryFolder()
        let passFile = try folder.write("pass", Self.passphrase + "\n")
        let key = try keyType.generate()
        let path = folder.file("key.pem")
        try PrivateKeyFile.write(key, to: path, passphrase: try Passphrase(Self.passphrase), method: method)
        let derived = try ExternalTool.openssl(["pkey", "-in", path, "-passin", "file:" + passFile, "-pubout"])
        expectSuccess(derived, "openssl pkey -passin")
        #expect(try Certificate.PublicKey(pemEncoded: derived.output) == key.publicKey)
        let wrong = try folder.write("wrong", "not it\n")
        #expect(try ExternalTool.openssl(["pkey", "-in", path, "-passin", "file:" + wrong, "-noout"]).status != 0)
        let python = try ExternalTool.python([ExternalTool.repositoryRoot + "/scripts/interop/check_with_cryptography.py", "enckey:\(path):\(passFile)"])
        expectSuccess(python, "cryptography load_pem_private_key")
        let fingerprint = SHA256.hash(data: try key.publicKey.serializeAsPEM().derBytes).map { String(format: "%02x", $0) }.joined()
        #expect(python.output.contains("spki-sha256=" + fingerprint))
    }

    @Test(
        "Keys OpenSSL encrypts (pkey -aes256, pkcs8 -scrypt, genpkey -aes-128-cbc) are read by CALKit",
        arguments: [["pkey", "-aes256"], ["pkcs8", "-topk8", "-scrypt"], ["pkcs8", "-topk8", "-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA512"]]
    )
    func othersToCalkit(conversion: [String]) throws {
        let folder = try TemporaryFolder()
        let passFile = try folder.write("pass", Self.passphrase + "\n")
        for algorithm in [["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"], ["-algorithm", "ED25519"]] {
            let plain = folder.file("plain.pem")
            try? FileManager.default.removeItem(atPath: plain)
            expectSuccess(try ExternalTool.openssl(["genpkey"] + algorithm + ["-out", plain]), "openssl genpkey")
            let encrypted = folder.file("encrypted-\(algorithm.last ?? "").pem")
            expectSuccess(
                try ExternalTool.openssl(conversion + ["-in", plain, "-passout", "file:" + passFile, "-out", encrypted]),
                "openssl \(conversion.joined(separator: " "))"
            )
            let key = try PrivateKeyFile.read(from: encrypted, passphrase: try Passphrase(Self.passphrase))
            #expect(key.publicKey == (try PrivateKeyFile.read(from: plain)).publicKey)
            #expect { try PrivateKeyFile.read(from: encrypted, passphrase: try Passphrase("nope")) } throws: {
                ($0 as? CALError)?.code == .wrongPassphrase
            }
        }
    }
}
