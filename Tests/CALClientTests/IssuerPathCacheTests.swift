import CALClient
import CALCore
import CALLicenseServer
import CALTestSupport
import Foundation
import Testing
import X509

/// A verified issuer path is reused, never trusted beyond what it proved.
@Suite("Cached issuer paths: one signature per license, nothing weaker")
struct IssuerPathCacheTests {
    func code(_ result: Result<LicenseExtension, CALError>) -> CALError.Code? {
        if case .failure(let rejection) = result { return rejection.code }
        return nil
    }

    /// A license naming the real server (its name and key identifier) but signed by another key.
    func forged(_ deployment: Deployment, like license: Certificate) throws -> Certificate {
        let value = try #require(try LicenseExtension(of: license))
        return try ClientLicenseProfile.makeCertificate(
            ClientLicenseProfile.Contents(
                publicKey: license.publicKey, subject: .device("PC-1"), license: value, serialNumber: SerialNumbers.random(),
                notBefore: license.notValidBefore, notAfter: license.notValidAfter
            ),
            issuer: try deployment.server.chain()[0],
            issuerKey: try KeyType.p256.generate()
        )
    }

    @Test("After a good license cached its issuer's path, a license signed by another key under that issuer is bad-signature")
    func forgedAfterCached() async throws {
        let deployment = try await Deployment.make()
        let license = try deployment.issue(to: try deployment.client("PC-1")).certificate
        let verifier = try deployment.verifier
        #expect(code(await verifier.verify(license, at: Date())) == nil)
        let fake = try forged(deployment, like: license)
        #expect(fake.issuerKeyIdentifier == license.issuerKeyIdentifier, "the forgery names the real issuer's key")
        #expect(code(await verifier.verify(fake, at: Date())) == .badSignature)
        // A host makes a verifier per logon: the cache is the process's, the verdict the same.
        #expect(code(await (try deployment.verifier).verify(fake, at: Date())) == .badSignature)
        #expect(code(await verifier.verify(license, at: Date())) == nil)
        #expect(code(await verifier.verify(license, at: license.notValidAfter.addingTimeInterval(60))) == .expired)
    }

    @Test("A root of the same name but another key gets nothing from a path cached under the real root")
    func impostorRoot() async throws {
        let deployment = try await Deployment.make()
        let license = try deployment.issue(to: try deployment.client("PC-1")).certificate
        #expect(code(await (try deployment.verifier).verify(license, at: Date())) == nil)
        let realRoot = deployment.clearinghouse.root
        let name = try #require(SubjectNames.commonName(of: realRoot.subject))
        let impostor = try RootProfile.makeCertificate(name: name, key: try KeyType.p256.generate(), notBefore: realRoot.notValidBefore, years: 20)
        #expect(impostor.subject == realRoot.subject)
        let misled = LicenseVerifier(trustRoots: [impostor], intermediates: [try deployment.server.chain()[0]])
        #expect(code(await misled.verify(license, at: Date())) == .untrustedRoot)
    }

    @Test("A license with a critical extension CALKit does not issue goes through the full RFC 5280 check, cached path or not")
    func unknownCriticalExtension() async throws {
        let deployment = try await Deployment.make()
        let issued = try deployment.issue(to: try deployment.client("PC-1")).certificate
        let verifier = try deployment.verifier
        #expect(code(await verifier.verify(issued, at: Date())) == nil)
        // Signed by the real server key, with one unknown critical extension added.
        let serverKey = try PrivateKeyFile.read(from: deployment.server.home.file("server-key.pem"))
        var extensions = issued.extensions
        try extensions.append(Certificate.Extension(oid: [1, 3, 6, 1, 4, 1, 32473, 99], critical: true, value: [0x05, 0x00]))
        let odd = try Certificate(
            version: .v3, serialNumber: SerialNumbers.random(), publicKey: issued.publicKey, notValidBefore: issued.notValidBefore,
            notValidAfter: issued.notValidAfter, issuer: issued.issuer, subject: issued.subject, signatureAlgorithm: issued.signatureAlgorithm,
            extensions: extensions, issuerPrivateKey: serverKey
        )
        #expect(code(await verifier.verify(odd, at: Date())) == .untrustedRoot)
    }

    @Test("A server certificate the clearinghouse revokes after its path was cached: its licenses are issuer-revoked at once")
    func revokedAfterCached() async throws {
        let deployment = try await Deployment.make()
        let license = try deployment.issue(to: try deployment.client("PC-1")).certificate
        #expect(code(await (try deployment.verifier).verify(license, at: Date())) == nil)
        let server = try deployment.server.chain()[0]
        let rootKey = try PrivateKeyFile.read(from: deployment.clearinghouse.home.file("root-key.pem"))
        let rootList = try CertificateRevocationList.sign(
            issuer: deployment.clearinghouse.root, key: rootKey,
            entries: [.init(serial: Array(server.serialNumber.bytes), revokedAt: Date().addingTimeInterval(-60), reason: .keyCompromise)],
            thisUpdate: Date().addingTimeInterval(-120), nextUpdate: Date().addingTimeInterval(86_400), number: 1
        )
        let host = LicenseVerifier(trustRoots: [deployment.clearinghouse.root], intermediates: [server], revocationLists: [rootList])
        #expect(code(await host.verify(license, at: Date())) == .issuerRevoked)
    }
}
