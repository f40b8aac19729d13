import CALClearinghouse
import CALCore
import CALLicenseServer
import CALTestSupport
import Foundation
import Testing
import X509

@Suite("Activating license servers")
struct ActivationTests {
    @Test("An activated server certificate follows the license-server profile and chains to the root")
    func profile() async throws {
        let deployment = try await Deployment.make(packs: [])
        let chain = try deployment.server.chain()
        #expect(chain.count == 2)
        let certificate = chain[0]
        #expect(LicenseServerProfile.serverID(of: certificate) == deployment.server.serverID)
        #expect(try certificate.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        let usage = try #require(try certificate.extensions.keyUsage)
        #expect(usage.keyCertSign && usage.cRLSign && usage.digitalSignature)
        #expect(certificate.extensions.first(where: { $0.oid == .X509ExtensionID.keyUsage })?.critical == true)
        #expect(try certificate.extensions.authorityKeyIdentifier?.keyIdentifier
            == deployment.clearinghouse.root.extensions.subjectKeyIdentifier?.keyIdentifier)
        #expect(chain[1] == deployment.clearinghouse.root)
        #expect(certificate.serialNumber.bytes.count == 16)
    }

    @Test("The same server id cannot be activated twice")
    func onlyOnce() async throws {
        let deployment = try await Deployment.make(packs: [])
        let request = try PEMBundle.request(at: deployment.server.home.file(LicenseServer.Files.activationRequest))
        #expect(throws: CALError.alreadyActivated(serverID: deployment.server.serverID)) {
            try deployment.clearinghouse.activate(request)
        }
        #expect(try deployment.clearinghouse.activations().count == 1)
    }

    @Test("A request whose signature does not verify is refused")
    func tamperedRequest() async throws {
        let folder = try TemporaryFolder()
        let clearinghouse = try Clearinghouse.create(at: folder.file("ch"))
        let server = try LicenseServer.create(at: folder.file("ls"), name: "Server")
        let request = try PEMBundle.request(at: server.home.file(LicenseServer.Files.activationRequest))
        // Same subject, someone else's key: the signature no longer matches.
        let forged = try CertificateSigningRequest(
            version: request.version,
            subject: request.subject,
            publicKey: try KeyType.p256.generate().publicKey,
            attributes: request.attributes,
            signatureAlgorithm: request.signatureAlgorithm,
            signature: request.signature
        )
        #expect(throws: CALError.requestSignatureInvalid) { try clearinghouse.activate(forged) }
        #expect(try clearinghouse.activations().isEmpty)
    }

    @Test("A client's request is not an activation request")
    func clientRequestRefused() async throws {
        let deployment = try await Deployment.make(packs: [])
        let client = try deployment.client("PC-1")
        #expect {
            try deployment.clearinghouse.activate(try client.request())
        } throws: { error in
            (error as? CALError)?.code == .requestNotAcceptable
        }
    }

    @Test("install-certificate refuses another server's certificate and a chain to another root")
    func installRefusals() async throws {
        let first = try await Deployment.make(packs: [])
        let folder = try TemporaryFolder()
        let other = try LicenseServer.create(at: folder.file("other"), name: "Other")
        // Another server's chain: wrong key.
        #expect(await thrownCode { _ = try await other.installCertificate(chain: try first.server.chain()) } == "key-mismatch")

        // The right certificate, but with another root appended: the chain does not verify.
        let strangerRoot = try Clearinghouse.create(at: folder.file("stranger")).root
        let otherRequest = try PEMBundle.request(at: other.home.file(LicenseServer.Files.activationRequest))
        let otherChain = try first.clearinghouse.activate(otherRequest)
        #expect(await thrownCode { _ = try await other.installCertificate(chain: [otherChain[0], strangerRoot]) } == "chain-does-not-verify")
        #expect(!FileManager.default.fileExists(atPath: other.home.file(LicenseServer.Files.chain)))
        // The real chain installs.
        _ = try await other.installCertificate(chain: otherChain)
        #expect(try other.chain().count == 2)
    }

    @Test("Packs are only sold to servers this clearinghouse activated")
    func packsForActivatedServersOnly() async throws {
        let first = try await Deployment.make(packs: [])
        let second = try await Deployment.make(packs: [])
        #expect(thrownCode {
            _ = try first.clearinghouse.issuePack(
                serverCertificate: try second.server.chain()[0], licenseType: .perDevice, count: 1, product: "P",
                productVersion: "1", agreementNumber: "A"
            )
        } == "chain-does-not-verify")
        #expect(thrownCode {
            _ = try first.clearinghouse.issuePack(
                serverCertificate: first.clearinghouse.root, licenseType: .perDevice, count: 1, product: "P",
                productVersion: "1", agreementNumber: "A"
            )
        } == "invalid-argument")
    }
}
