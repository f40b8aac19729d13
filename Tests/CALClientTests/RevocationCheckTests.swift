import CALClient
import CALCore
import CALLicenseServer
import CALTestSupport
import Foundation
import Testing
import X509

@Suite("Verifiers check revocation")
struct RevocationCheckTests {
    func code(_ result: Result<LicenseExtension, CALError>) -> CALError.Code? {
        if case .failure(let rejection) = result { return rejection.code }
        return nil
    }

    func verifier(_ deployment: Deployment, _ lists: [CertificateRevocationList], require: Bool = false) throws -> LicenseVerifier {
        LicenseVerifier(
            trustRoots: [deployment.clearinghouse.root],
            intermediates: [try deployment.server.chain()[0]],
            revocationLists: lists,
            requireRevocationCheck: require
        )
    }

    /// The root's CRL, signed with the root key (the clearinghouse command comes with transfers).
    func rootList(_ deployment: Deployment, revoking certificate: Certificate?, nextUpdate: Date = Date().addingTimeInterval(86_400)) throws -> CertificateRevocationList {
        let rootKey = try PrivateKeyFile.read(from: deployment.clearinghouse.home.file("root-key.pem"))
        let entries = certificate.map {
            [CertificateRevocationList.Entry(serial: Array($0.serialNumber.bytes), revokedAt: Date().addingTimeInterval(-60), reason: .keyCompromise)]
        } ?? []
        return try CertificateRevocationList.sign(
            issuer: deployment.clearinghouse.root, key: rootKey, entries: entries, thisUpdate: Date().addingTimeInterval(-120),
            nextUpdate: nextUpdate, number: 1
        )
    }

    @Test("A revoked CAL is refused with its reason; a good one passes the same CRL")
    func revoked() async throws {
        let deployment = try await Deployment.make()
        let bad = try deployment.issue(to: try deployment.client("PC-1")).certificate
        let good = try deployment.issue(to: try deployment.client("PC-2")).certificate
        try deployment.server.revoke(serial: SerialNumbers.hex(bad.serialNumber), reason: .keyCompromise)
        let crl = try deployment.server.revocationList()
        let check = try verifier(deployment, [crl])
        let result = await check.verify(bad, at: Date())
        #expect(code(result) == .revoked)
        if case .failure(let rejection) = result { #expect(rejection.detail.contains("keyCompromise")) }
        #expect(code(await check.verify(good, at: Date())) == nil)
    }

    @Test("A CAL under a revoked license-server certificate is issuer-revoked")
    func issuerRevoked() async throws {
        let deployment = try await Deployment.make()
        let license = try deployment.issue(to: try deployment.client("PC-1")).certificate
        let server = try deployment.server.chain()[0]
        let check = try verifier(deployment, [try rootList(deployment, revoking: server)])
        #expect(code(await check.verify(license, at: Date())) == .issuerRevoked)
        let clean = try verifier(deployment, [try rootList(deployment, revoking: nil)])
        #expect(code(await clean.verify(license, at: Date())) == nil)
    }

    @Test("A stale CRL is stale-crl, never silently ignored")
    func stale() async throws {
        let deployment = try await Deployment.make()
        let license = try deployment.issue(to: try deployment.client("PC-1")).certificate
        let crl = try deployment.server.revocationList(nextUpdateHours: 1)
        let check = try verifier(deployment, [crl])
        #expect(code(await check.verify(license, at: Date().addingTimeInterval(7200))) == .staleCRL)
        let staleRoot = try rootList(deployment, revoking: nil, nextUpdate: Date().addingTimeInterval(-10))
        #expect(code(await (try verifier(deployment, [staleRoot])).verify(license, at: Date())) == .staleCRL)
    }

    @Test("A CRL that claims the server's name but is signed by another key, or was altered, is crl-bad-signature")
    func badSignature() async throws {
        let deployment = try await Deployment.make()
        let license = try deployment.issue(to: try deployment.client("PC-1")).certificate
        let server = try deployment.server.chain()[0]
        let impostorKey = try KeyType.p256.generate()
        let forged = try CertificateRevocationList.sign(
            issuer: server, key: impostorKey, entries: [], thisUpdate: Date(), nextUpdate: Date().addingTimeInterval(3600), number: 9
        )
        #expect(code(await (try verifier(deployment, [forged])).verify(license, at: Date())) == .crlBadSignature)

        try deployment.server.revoke(serial: SerialNumbers.hex(license.serialNumber), reason: .keyCompromise)
        var bytes = try deployment.server.revocationList().derBytes
        let serial = Array(license.serialNumber.bytes)
        let at = try #require(bytes.firstRange(of: serial)).lowerBound
        bytes[at] ^= 0x01  // the entry no longer names this license: an attacker un-revoking it
        let altered = try CertificateRevocationList(derEncoded: bytes)
        #expect(code(await (try verifier(deployment, [altered])).verify(license, at: Date())) == .crlBadSignature)
    }

    @Test("With a required check, no CRL of the server is revocation-unknown; the server's CRL settles it")
    func required() async throws {
        let deployment = try await Deployment.make()
        let license = try deployment.issue(to: try deployment.client("PC-1")).certificate
        #expect(code(await (try verifier(deployment, [], require: true)).verify(license, at: Date())) == .revocationUnknown)
        let onlyRoot = try verifier(deployment, [try rootList(deployment, revoking: nil)], require: true)
        #expect(code(await onlyRoot.verify(license, at: Date())) == .revocationUnknown)
        let settled = try verifier(deployment, [try deployment.server.revocationList()], require: true)
        #expect(code(await settled.verify(license, at: Date())) == nil)
    }

    @Test("Attack: the genuine delta CRL beside a forged complete CRL of the server's name (another key, so another AKI) does not establish the status")
    func deltaBesideForgedComplete() async throws {
        let deployment = try await Deployment.make()
        let license = try deployment.issue(to: try deployment.client("PC-1")).certificate
        try deployment.server.revoke(serial: SerialNumbers.hex(license.serialNumber), reason: .keyCompromise)
        let complete = try deployment.server.revocationList()
        let delta = try deployment.server.revocationList(delta: true)
        #expect(delta.baseNumberValue == complete.numberValue && delta.entryCount == 0)
        // The attacker leaves the genuine complete CRL (which revokes the license) out and puts
        // in a "complete" CRL of the same name under a key of its own, numbered past the base.
        let server = try deployment.server.chain()[0]
        let impostorKey = try KeyType.p256.generate()
        let impostor = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: impostorKey.publicKey, notValidBefore: Date().addingTimeInterval(-60),
            notValidAfter: Date().addingTimeInterval(86_400), issuer: server.subject, subject: server.subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions { SubjectKeyIdentifier(hash: impostorKey.publicKey) }, issuerPrivateKey: impostorKey
        )
        let forged = try CertificateRevocationList.sign(
            issuer: impostor, key: impostorKey, entries: [], thisUpdate: Date(), nextUpdate: Date().addingTimeInterval(3600), number: 99
        )
        #expect(code(await (try verifier(deployment, [forged, delta], require: true)).verify(license, at: Date())) == .revocationUnknown)
        #expect(code(await (try verifier(deployment, [delta], require: true)).verify(license, at: Date())) == .revocationUnknown)
        #expect(code(await (try verifier(deployment, [complete, delta], require: true)).verify(license, at: Date())) == .revoked)
    }
}
