import CALClient
import CALCore
import CALLicenseServer
import CALTestSupport
import Foundation
import Testing
import X509

@Suite("OCSP, against OpenSSL and Python cryptography")
struct OCSPTests {
    struct Setup {
        let deployment: Deployment
        let good: String
        let revoked: String
        let server: String
        let root: String
    }

    func setup(serverKey: KeyType = .p256) async throws -> Setup {
        let deployment = try await Deployment.make(serverKey: serverKey, packs: [(.perDevice, 10)])
        let good = try deployment.issue(to: try deployment.client("PC-1")).certificate
        let revoked = try deployment.issue(to: try deployment.client("PC-2")).certificate
        try deployment.server.revoke(serial: SerialNumbers.hex(revoked.serialNumber), reason: .keyCompromise)
        return Setup(
            deployment: deployment,
            good: try deployment.write("good.pem", [good]),
            revoked: try deployment.write("revoked.pem", [revoked]),
            server: try deployment.write("server.pem", [try deployment.server.chain()[0]]),
            root: deployment.clearinghouse.home.file("root.pem")
        )
    }

    @Test("OpenSSL's request is answered, and OpenSSL verifies the response, the nonce and each status", arguments: KeyType.allCases)
    func openSSL(serverKey: KeyType) async throws {
        let setup = try await setup(serverKey: serverKey)
        let folder = setup.deployment.folder
        let request = folder.file("req.der")
        expectSuccess(
            try ExternalTool.openssl(["ocsp", "-issuer", setup.server, "-cert", setup.good, "-cert", setup.revoked, "-reqout", request]),
            "openssl ocsp -reqout"
        )
        let response = try setup.deployment.server.ocspResponse(to: try folder.read(request))
        #expect(response.nonce != nil)
        let responsePath = try folder.write("resp.der", response.derBytes)
        let verified = try ExternalTool.openssl([
            "ocsp", "-respin", responsePath, "-reqin", request, "-issuer", setup.server, "-CAfile", setup.root, "-verify_other", setup.server,
        ])
        expectSuccess(verified, "openssl ocsp -respin -reqin")
        #expect(verified.error.contains("Response verify OK"))
        #expect(!verified.error.contains("Nonce Verify error"))
        let statuses = try ExternalTool.openssl([
            "ocsp", "-respin", responsePath, "-issuer", setup.server, "-CAfile", setup.root, "-verify_other", setup.server,
            "-cert", setup.good, "-cert", setup.revoked, "-no_nonce",
        ])
        expectSuccess(statuses, "openssl ocsp statuses")
        #expect(statuses.output.contains("good.pem: good"))
        #expect(statuses.output.contains("revoked.pem: revoked"))
        #expect(statuses.output.contains("Reason: keyCompromise"))
    }

    @Test("Python cryptography loads the response, finds the same statuses and verifies the signature")
    func pythonCryptography() async throws {
        let setup = try await setup()
        let folder = setup.deployment.folder
        let good = try PEMBundle.certificate(at: setup.good)
        let revoked = try PEMBundle.certificate(at: setup.revoked)
        let server = try PEMBundle.certificate(at: setup.server)
        let request = try OCSPRequest(
            certificateIDs: [try OCSPCertificateID(certificate: good, issuer: server), try OCSPCertificateID(certificate: revoked, issuer: server)],
            nonce: Array("nonce-1234567890".utf8)
        )
        let response = try setup.deployment.server.ocspResponse(to: try request.derBytes())
        let path = try folder.write("resp.der", response.derBytes)
        let script = """
            import sys
            from cryptography import x509
            from cryptography.x509 import ocsp
            from cryptography.hazmat.primitives.asymmetric import ec
            response = ocsp.load_der_ocsp_response(open(sys.argv[1], "rb").read())
            issuer = x509.load_pem_x509_certificate(open(sys.argv[2], "rb").read())
            assert response.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
            issuer.public_key().verify(response.signature, response.tbs_response_bytes, ec.ECDSA(response.signature_hash_algorithm))
            statuses = {format(single.serial_number, "x"): single.certificate_status.name for single in response.responses}
            revoked = [single for single in response.responses if single.certificate_status == ocsp.OCSPCertStatus.REVOKED][0]
            print(statuses[sys.argv[3]], statuses[sys.argv[4]], revoked.revocation_reason.name)
            """
        let result = try ExternalTool.python([
            "-c", script, path, setup.server, SerialNumbers.hex(good.serialNumber).trimmingPrefix("0").description,
            SerialNumbers.hex(revoked.serialNumber).trimmingPrefix("0").description,
        ])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines) == "GOOD REVOKED key_compromise")
    }

    @Test("The verifier reads OCSP: good settles a required check, revoked refuses, forged and stale responses are refused")
    func verifier() async throws {
        let setup = try await setup()
        let good = try PEMBundle.certificate(at: setup.good)
        let revoked = try PEMBundle.certificate(at: setup.revoked)
        let server = try PEMBundle.certificate(at: setup.server)
        let request = try OCSPRequest(certificateIDs: [
            try OCSPCertificateID(certificate: good, issuer: server), try OCSPCertificateID(certificate: revoked, issuer: server),
        ])
        let response = try setup.deployment.server.ocspResponse(to: try request.derBytes(), validityHours: 1)
        func verify(_ license: Certificate, _ responses: [OCSPResponse], at time: Date = Date()) async -> CALError.Code? {
            let verifier = LicenseVerifier(
                trustRoots: [setup.deployment.clearinghouse.root], intermediates: [server], ocspResponses: responses,
                requireRevocationCheck: true
            )
            if case .failure(let rejection) = await verifier.verify(license, at: time) { return rejection.code }
            return nil
        }
        #expect(await verify(good, [response]) == nil)
        #expect(await verify(revoked, [response]) == .revoked)
        #expect(await verify(good, []) == .revocationUnknown)
        #expect(await verify(good, [response], at: Date().addingTimeInterval(7200)) == .staleOCSP)

        let impostor = try KeyType.p256.generate()
        let forged = try OCSPResponse.sign(
            response.responses.map { single in
                var copy = single
                copy.status = .good
                return copy
            },
            responder: server, key: impostor, producedAt: Date(), nonce: nil
        )
        #expect(await verify(revoked, [forged]) == .ocspBadSignature)
    }

    @Test("Unknown serials and other issuers are answered unknown")
    func unknown() async throws {
        let setup = try await setup()
        let stranger = try await Deployment.make(packs: [(.perDevice, 1)])
        let foreign = try stranger.issue(to: try stranger.client("X")).certificate
        let server = try PEMBundle.certificate(at: setup.server)
        let fake = try Certificate(
            version: .v3, serialNumber: .init(bytes: [0x01, 0x02, 0x03]), publicKey: try KeyType.p256.generate().publicKey,
            notValidBefore: Date(), notValidAfter: Date().addingTimeInterval(60), issuer: server.subject,
            subject: try SubjectNames.commonName("x"), signatureAlgorithm: .ecdsaWithSHA256, extensions: .init(),
            issuerPrivateKey: try KeyType.p256.generate()
        )
        let request = try OCSPRequest(certificateIDs: [
            try OCSPCertificateID(certificate: foreign, issuer: try stranger.server.chain()[0]),
            try OCSPCertificateID(certificate: fake, issuer: server, hashAlgorithm: .sha256),
        ])
        let response = try setup.deployment.server.ocspResponse(to: try request.derBytes())
        #expect(response.responses.map(\.status) == [.unknown, .unknown])
        #expect(response.nonce == nil)
    }

    @Test("Malformed, truncated and garbage requests and responses are clear errors, never a crash")
    func malformed() async throws {
        let setup = try await setup()
        let server = try PEMBundle.certificate(at: setup.server)
        let good = try PEMBundle.certificate(at: setup.good)
        let request = try OCSPRequest(certificateIDs: [try OCSPCertificateID(certificate: good, issuer: server)], nonce: [1, 2, 3])
        let bytes = try request.derBytes()
        for cut in [0, 1, 5, bytes.count / 2, bytes.count - 1] {
            #expect(thrownCode { _ = try setup.deployment.server.ocspResponse(to: Array(bytes.prefix(cut))) } == "malformed")
        }
        #expect(thrownCode { _ = try setup.deployment.server.ocspResponse(to: try good.derBytes()) } == "malformed")
        let response = try setup.deployment.server.ocspResponse(to: bytes).derBytes
        for cut in [0, 3, response.count / 2, response.count - 1] {
            #expect(throws: (any Error).self) { try OCSPResponse(derEncoded: Array(response.prefix(cut))) }
        }
        var tampered = response
        tampered[tampered.count - 40] ^= 0x01
        if let parsed = try? OCSPResponse(derEncoded: tampered) { #expect(!parsed.isSigned(by: server)) }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var garbage = bytes
            garbage[Int.random(in: 0..<garbage.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            _ = try? setup.deployment.server.ocspResponse(to: garbage)
        }
        let unsuccessful = try OCSPResponse.unsuccessful(.malformedRequest)
        #expect(try OCSPResponse(derEncoded: unsuccessful.derBytes).status == .malformedRequest)
    }
}
