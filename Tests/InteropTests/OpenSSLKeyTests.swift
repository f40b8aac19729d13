import CALCore
import CALTestSupport
import Foundation
import Testing
import X509

@Suite("Keys that OpenSSL made")
struct OpenSSLKeyTests {
    @Test(
        "Keys from openssl genpkey, in PKCS #8, SEC1 and PKCS #1, read as the right type",
        arguments: [
            (["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], KeyType.p256, [String]()),
            (["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"], KeyType.p384, []),
            (["-algorithm", "ED25519"], KeyType.ed25519, []),
            (["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072"], KeyType.rsa3072, []),
            (["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], KeyType.p256, ["ec"]),
            (["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072"], KeyType.rsa3072, ["rsa", "-traditional"]),
        ]
    )
    func readOpenSSLKeys(generate: [String], expected: KeyType, convert: [String]) throws {
        let folder = try TemporaryFolder()
        let path = folder.file("key.pem")
        expectSuccess(try ExternalTool.openssl(["genpkey"] + generate + ["-out", path]), "openssl genpkey")
        var keyPath = path
        if let tool = convert.first {
            keyPath = folder.file("converted.pem")
            expectSuccess(try ExternalTool.openssl([tool, "-in", path, "-out", keyPath] + convert.dropFirst()), "openssl \(tool)")
            let header = String(decoding: try folder.read(keyPath), as: UTF8.self)
            #expect(header.hasPrefix(tool == "ec" ? "-----BEGIN EC PRIVATE KEY" : "-----BEGIN RSA PRIVATE KEY"))
        }
        let key = try PrivateKeyFile.read(from: keyPath)
        #expect(try KeyType(of: key.publicKey) == expected)
        // The public key matches what OpenSSL derives from the same file.
        let publicPEM = try ExternalTool.openssl(["pkey", "-in", keyPath, "-pubout", "-outform", "DER"])
        #expect(publicPEM.status == 0)
    }

    @Test("OpenSSL derives the same public key from every key CALKit writes", arguments: KeyType.allCases)
    func sameKeyBothWays(keyType: KeyType) throws {
        let folder = try TemporaryFolder()
        let key = try keyType.generate()
        let path = folder.file("key.pem")
        try PrivateKeyFile.write(key, to: path)
        let derived = try ExternalTool.openssl(["pkey", "-in", path, "-pubout"])
        expectSuccess(derived, "openssl pkey -pubout")
        let ours = try Certificate.PublicKey(pemEncoded: derived.output)
        #expect(ours == key.publicKey)
    }
}
