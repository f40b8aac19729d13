import CALClearinghouse
import CALClient
import CALCore
import CALTestSupport
import Foundation
import SwiftASN1
import Testing
import X509

@Suite("Verifying licenses")
struct LicenseVerifierTests {
    func code(_ result: Result<LicenseExtension, CALError>) -> CALError.Code? {
        if case .failure(let rejection) = result { return rejection.code }
        return nil
    }

    @Test("A fresh license verifies, bound to its device, key and product")
    func valid() async throws {
        let deployment = try await Deployment.make()
        let client = try deployment.client("PC-1")
        let issued = try deployment.issue(to: client)
        let result = try await deployment.verifier.verify(
            issued.certificate,
            at: Date(),
            expecting: .init(deviceID: "PC-1", holderKey: client.publicKey, product: Deployment.product)
        )
        #expect(try result.get().licenseType == .perDevice)
    }

    @Test("Another device, user, key or product is refused with its code")
    func bindings() async throws {
        let deployment = try await Deployment.make()
        let client = try deployment.client("PC-1")
        let other = try deployment.client("PC-2")
        let device = try deployment.issue(to: client).certificate
        let user = try deployment.issue(to: client, user: "alice@example.com").certificate
        let verifier = try deployment.verifier
        #expect(code(await verifier.verify(device, at: Date(), expecting: .init(deviceID: "PC-2"))) == .wrongDevice)
        #expect(code(await verifier.verify(user, at: Date(), expecting: .init(user: "bob@example.com"))) == .wrongUser)
        #expect(code(await verifier.verify(device, at: Date(), expecting: .init(holderKey: other.publicKey))) == .wrongKey)
        #expect(code(await verifier.verify(device, at: Date(), expecting: .init(product: "Other"))) == .wrongProduct)
        #expect(code(await verifier.verify(user, at: Date(), expecting: .init(user: "alice@example.com"))) == nil)
    }

    @Test("Expired and not-yet-valid licenses are refused at the time given")
    func validity() async throws {
        let deployment = try await Deployment.make()
        let certificate = try deployment.issue(to: try deployment.client("PC-1")).certificate
        let verifier = try deployment.verifier
        #expect(code(await verifier.verify(certificate, at: certificate.notValidAfter.addingTimeInterval(1))) == .expired)
        #expect(code(await verifier.verify(certificate, at: certificate.notValidBefore.addingTimeInterval(-1))) == .notYetValid)
        #expect(code(await verifier.verify(certificate, at: certificate.notValidAfter.addingTimeInterval(-1))) == nil)
    }

    @Test("A clock-skew allowance admits a license just outside its validity, and no more")
    func clockSkew() async throws {
        let deployment = try await Deployment.make()
        let certificate = try deployment.issue(to: try deployment.client("PC-1")).certificate
        let chain = try deployment.server.chain()
        let lenient = LicenseVerifier(trustRoots: [deployment.clearinghouse.root], intermediates: [chain[0]], clockSkew: 60)
        #expect(code(await lenient.verify(certificate, at: certificate.notValidBefore.addingTimeInterval(-30))) == nil)
        #expect(code(await lenient.verify(certificate, at: certificate.notValidAfter.addingTimeInterval(30))) == nil)
        #expect(code(await lenient.verify(certificate, at: certificate.notValidBefore.addingTimeInterval(-90))) == .notYetValid)
        #expect(code(await lenient.verify(certificate, at: certificate.notValidAfter.addingTimeInterval(90))) == .expired)
        #expect(code(await (try deployment.verifier).verify(certificate, at: certificate.notValidBefore.addingTimeInterval(-30))) == .notYetValid)
    }

    @Test("A flipped byte in the signature or in the signed part is bad-signature")
    func tampering() async throws {
        let deployment = try await Deployment.make()
        let certificate = try deployment.issue(to: try deployment.client("PC-1")).certificate
        let der = try certificate.derBytes()
        var inSignature = der
        inSignature[der.count - 3] ^= 0x01
        var inBody = der
        let product = try #require(der.firstRange(of: Array(Deployment.product.utf8)))
        inBody[product.lowerBound] ^= 0x20
        let verifier = try deployment.verifier
        for bytes in [inSignature, inBody] {
            let tampered = try Certificate(derEncoded: bytes)
            #expect(code(await verifier.verify(tampered, at: Date())) == .badSignature)
        }
    }

    @Test("A chain to another root is untrusted-root")
    func otherRoot() async throws {
        let deployment = try await Deployment.make()
        let stranger = try await Deployment.make()
        let certificate = try deployment.issue(to: try deployment.client("PC-1")).certificate
        let verifier = LicenseVerifier(trustRoots: [stranger.clearinghouse.root], intermediates: [try deployment.server.chain()[0]])
        #expect(code(await verifier.verify(certificate, at: Date())) == .untrustedRoot)
        let noChain = LicenseVerifier(trustRoots: [deployment.clearinghouse.root])
        #expect(code(await noChain.verify(certificate, at: Date())) == .untrustedRoot)
    }

    @Test("A root with the same name but another key is untrusted-root")
    func impostorRoot() async throws {
        let deployment = try await Deployment.make()
        let folder = try TemporaryFolder()
        let impostor = try Clearinghouse.create(at: folder.file("impostor"), name: "CALKit Clearinghouse")
        #expect(impostor.root.subject == deployment.clearinghouse.root.subject)
        let certificate = try deployment.issue(to: try deployment.client("PC-1")).certificate
        let verifier = LicenseVerifier(trustRoots: [impostor.root], intermediates: [try deployment.server.chain()[0]])
        #expect(code(await verifier.verify(certificate, at: Date())) == .untrustedRoot)
    }

    @Test("A CA certificate or a TLS certificate offered as a license is not-a-client-license")
    func notALicense() async throws {
        let deployment = try await Deployment.make()
        let verifier = try deployment.verifier
        #expect(code(await verifier.verify(try deployment.server.chain()[0], at: Date())) == .notAClientLicense)
        #expect(code(await verifier.verify(deployment.clearinghouse.root, at: Date())) == .notAClientLicense)

        let key = try KeyType.p256.generate()
        let tls = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: key.publicKey, notValidBefore: Date().addingTimeInterval(-60),
            notValidAfter: Date().addingTimeInterval(86_400), issuer: try SubjectNames.commonName("example.com"),
            subject: try SubjectNames.commonName("example.com"), signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
            },
            issuerPrivateKey: key
        )
        #expect(code(await verifier.verify(tls, at: Date())) == .notAClientLicense)
    }

    @Test("Among several certificates of one server name, the one whose key signed the license is used")
    func rekeyedServerName() async throws {
        let deployment = try await Deployment.make()
        let certificate = try deployment.issue(to: try deployment.client("PC-1")).certificate
        let server = try deployment.server.chain()[0]
        let rootKey = try PrivateKeyFile.read(from: deployment.clearinghouse.home.file("root-key.pem"))
        let otherKey = try KeyType.p256.generate()
        // A valid license-server certificate with the same name and another key, as after a re-key.
        let sibling = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: otherKey.publicKey, notValidBefore: server.notValidBefore,
            notValidAfter: server.notValidAfter, issuer: server.issuer, subject: server.subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: otherKey.publicKey)
            },
            issuerPrivateKey: rootKey
        )
        let verifier = LicenseVerifier(trustRoots: [deployment.clearinghouse.root], intermediates: [sibling, server])
        #expect(code(await verifier.verify(certificate, at: Date())) == nil)
    }

    @Test("A license whose issuer is not a license-server certificate is not-a-license-server")
    func issuerNotAServer() async throws {
        let deployment = try await Deployment.make()
        let certificate = try deployment.issue(to: try deployment.client("PC-1")).certificate
        // An end-entity certificate with the issuing server's name and key, signed by the real root.
        let server = try deployment.server.chain()[0]
        let rootKey = try PrivateKeyFile.read(from: deployment.clearinghouse.home.file("root-key.pem"))
        let impostor = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: server.publicKey, notValidBefore: server.notValidBefore,
            notValidAfter: server.notValidAfter, issuer: deployment.clearinghouse.root.subject, subject: server.subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions { Critical(BasicConstraints.notCertificateAuthority) },
            issuerPrivateKey: rootKey
        )
        let verifier = LicenseVerifier(trustRoots: [deployment.clearinghouse.root], intermediates: [impostor])
        #expect(code(await verifier.verify(certificate, at: Date())) == .notALicenseServer)
    }
}
