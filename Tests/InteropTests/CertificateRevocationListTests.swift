import CALCore
import CALLicenseServer
import CALTestSupport
import Foundation
import SwiftASN1
import Testing
import X509

@Suite("The CRL codec, against OpenSSL and Python cryptography")
struct CertificateRevocationListTests {
    func pem(_ crl: CertificateRevocationList) -> String {
        PEMDocument(type: "X509 CRL", derBytes: crl.derBytes).pemString + "\n"
    }

    func sample(keyType: KeyType) async throws -> (Deployment, CertificateRevocationList, [CertificateRevocationList.Entry]) {
        let deployment = try await Deployment.make(serverKey: keyType, packs: [])
        let server = try deployment.server.chain()[0]
        let key = try PrivateKeyFile.read(from: deployment.server.home.file(LicenseServer.Files.key))
        let now = Date()
        let entries = [
            CertificateRevocationList.Entry(serial: SerialNumbers.random().bytes.map { $0 }, revokedAt: now.addingTimeInterval(-3600), reason: .keyCompromise),
            CertificateRevocationList.Entry(serial: SerialNumbers.random().bytes.map { $0 }, revokedAt: now.addingTimeInterval(-60), reason: .superseded),
            CertificateRevocationList.Entry(serial: [0x80, 0x01, 0x02], revokedAt: now, reason: nil),
        ]
        let crl = try CertificateRevocationList.sign(
            issuer: server, key: key, entries: entries, thisUpdate: now, nextUpdate: now.addingTimeInterval(86_400), number: 42
        )
        return (deployment, crl, entries)
    }

    @Test("A signed CRL reads back with every entry, reason and the CRL number", arguments: KeyType.allCases)
    func roundTrip(keyType: KeyType) async throws {
        let (deployment, crl, entries) = try await sample(keyType: keyType)
        let parsed = try CertificateRevocationList(derEncoded: crl.derBytes)
        #expect(parsed.entries.count == 3)
        for entry in entries {
            #expect(parsed.entry(for: entry.serial)?.reason == entry.reason)
            #expect(parsed.entry(for: entry.serial)?.revokedAt == entry.revokedAt)
        }
        #expect(parsed.entry(for: [0x01]) == nil)
        #expect(parsed.number == [42])
        #expect(parsed.isSigned(by: try deployment.server.chain()[0]))
        #expect(!parsed.isSigned(by: deployment.clearinghouse.root))
    }

    @Test("OpenSSL verifies our CRL and lists its entries, reasons and number", arguments: KeyType.allCases)
    func openSSL(keyType: KeyType) async throws {
        let (deployment, crl, _) = try await sample(keyType: keyType)
        let path = try deployment.folder.write("crl.pem", pem(crl))
        let chain = deployment.server.home.file(LicenseServer.Files.chain)
        let result = try ExternalTool.openssl(["crl", "-in", path, "-CAfile", chain, "-noout", "-text"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.error.contains("verify OK"), "\(result.error)")
        #expect(result.output.contains("Key Compromise"))
        #expect(result.output.contains("Superseded"))
        #expect(result.output.contains("X509v3 CRL Number"))
        #expect(result.output.contains("42"))
        #expect(result.output.contains("X509v3 Authority Key Identifier"))
    }

    @Test("Python cryptography loads our CRL, checks its signature and finds the same entries")
    func pythonCryptography() async throws {
        let (deployment, crl, entries) = try await sample(keyType: .p256)
        let path = try deployment.folder.write("crl.pem", pem(crl))
        let server = try deployment.write("server.pem", [try deployment.server.chain()[0]])
        let script = """
            import sys
            from cryptography import x509
            crl = x509.load_pem_x509_crl(open(sys.argv[1], "rb").read())
            issuer = x509.load_pem_x509_certificate(open(sys.argv[2], "rb").read())
            assert crl.is_signature_valid(issuer.public_key()), "signature"
            for serial in sys.argv[3:]:
                entry = crl.get_revoked_certificate_by_serial_number(int(serial, 16))
                assert entry is not None, serial
            print("ok", len(crl))
            """
        let hexes = entries.map { $0.serial.map { String(format: "%02x", $0) }.joined() }
        let result = try ExternalTool.python(["-c", script, path, server] + hexes)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.hasPrefix("ok 3"))
    }

    @Test("Truncated, tampered and garbage CRLs are refused or fail their signature, never crash")
    func malformed() async throws {
        let (deployment, crl, _) = try await sample(keyType: .p256)
        let bytes = crl.derBytes
        for cut in [0, 1, 10, bytes.count / 2, bytes.count - 1] {
            #expect(throws: (any Error).self) { try CertificateRevocationList(derEncoded: Array(bytes.prefix(cut))) }
        }
        var tampered = bytes
        let serial = crl.entries[0].serial
        let at = try #require(tampered.firstRange(of: serial)).lowerBound
        tampered[at] ^= 0x01
        let parsed = try CertificateRevocationList(derEncoded: tampered)
        #expect(!parsed.isSigned(by: try deployment.server.chain()[0]))
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var garbage = bytes
            garbage[Int.random(in: 0..<garbage.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            _ = try? CertificateRevocationList(derEncoded: garbage)
        }
    }

    @Test("Dates round-trip through UTCTime and GeneralizedTime without Foundation's calendar")
    func times() throws {
        for seconds in [0, 951_782_400, 1_800_000_000, 2_524_608_000, 4_102_444_800, -631_152_000] as [Int64] {
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            var coder = DER.Serializer()
            try CertificateTime.serialize(date, into: &coder)
            #expect(try CertificateTime.parse(try DER.parse(coder.serializedBytes)) == date)
        }
    }
}
