import CALClearinghouse
import CALClient
import CALCore
import CALLicenseServer
import CALTestSupport
import Foundation
import Testing
import X509

@Suite("Rotation artefacts checked by OpenSSL, Python cryptography and pkilint")
struct RotationInteropTests {
    let checker = ExternalTool.repositoryRoot + "/scripts/interop/check_with_cryptography.py"

    func lint(_ certificate: String) throws {
        let result = try ExternalTool.run(ExternalTool.venvBin + "/lint_pkix_cert", ["lint", "-s", "WARNING", certificate])
        expectSuccess(result, "pkilint \(certificate)")
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "pkilint findings on \(certificate): \(result.output)")
    }

    func lintChain(issuer: String, subject: String) throws {
        let result = try ExternalTool.run(ExternalTool.venvBin + "/lint_pkix_signer_signee_cert_chain", ["lint", "-s", "WARNING", issuer, subject])
        expectSuccess(result, "pkilint chain \(issuer) → \(subject)")
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "pkilint chain findings: \(result.output)")
    }

    @Test("Re-key requests (server and client) carry a key-continuity attribute and verify with openssl req and Python", arguments: KeyType.allCases)
    func rekeyRequests(keyType: KeyType) async throws {
        let deployment = try await Deployment.make(serverKey: keyType, packs: [])
        let rotation = try deployment.server.rotate(keyType: keyType, compromised: true)
        let client = try deployment.client("PC-1", keyType: keyType).rotate()
        let clientRequest = try deployment.folder.write("client.csr", try client.request().serializeAsPEM().pemString)
        for request in [rotation.requestPath, clientRequest] {
            let verified = try ExternalTool.openssl(["req", "-in", request, "-verify", "-noout", "-text"])
            expectSuccess(verified, "openssl req -verify \(request)")
            #expect(verified.error.contains("verify OK") || verified.output.contains("verify OK"))
            #expect(verified.output.contains("1.3.6.1.4.1.32473.2002.5"))
        }
        expectSuccess(try ExternalTool.python([checker, "csr:" + rotation.requestPath, "csr:" + clientRequest]), "cryptography CSRs")
        // The continuity reads back and holds for the new key only.
        let parsed = try #require(try KeyContinuity(of: try PEMBundle.request(at: rotation.requestPath)))
        #expect(parsed.compromised)
        #expect(parsed.isValid(for: try PEMBundle.request(at: rotation.requestPath).publicKey))
        #expect(!parsed.isValid(for: try KeyType.p256.generate().publicKey))
    }

    @Test("Root rollover: pkilint passes the new root, signer and cross-certificates; OpenSSL and Python check the cross signatures", arguments: [KeyType.p256, .rsa3072, .ed25519])
    func rolloverCertificates(keyType: KeyType) async throws {
        let deployment = try await Deployment.make(rootKey: keyType, packs: [])
        let oldRoot = try deployment.write("old-root.pem", [deployment.clearinghouse.root])
        let rollover = try deployment.clearinghouse.rotate()
        let home = rollover.clearinghouse.home
        let newRoot = home.file(Clearinghouse.Files.root)
        let newByOld = rollover.crossCertificatePaths[0]
        let oldByNew = rollover.crossCertificatePaths[1]
        for certificate in [newRoot, home.file(Clearinghouse.Files.signer), newByOld, oldByNew] { try lint(certificate) }
        try lintChain(issuer: oldRoot, subject: newByOld)
        try lintChain(issuer: newRoot, subject: oldByNew)
        try lintChain(issuer: newRoot, subject: home.file(Clearinghouse.Files.signer))
        // OpenSSL: each cross-certificate verifies under the root that signed it.
        expectSuccess(try ExternalTool.openssl(["verify", "-CAfile", oldRoot, "-partial_chain", newByOld]), "openssl verify new-by-old")
        expectSuccess(try ExternalTool.openssl(["verify", "-CAfile", newRoot, "-partial_chain", oldByNew]), "openssl verify old-by-new")
        expectSuccess(
            try ExternalTool.python([checker, "cert:\(newByOld):\(oldRoot)", "cert:\(oldByNew):\(newRoot)", "cert:\(home.file(Clearinghouse.Files.signer)):\(newRoot)"]),
            "cryptography cross signatures"
        )
        // A server reactivated under the new root: its certificate lints under the new root.
        let rotation = try deployment.server.rotate()
        let chain = try rollover.clearinghouse.activate(try PEMBundle.request(at: rotation.requestPath))
        let server = try deployment.write("new-server.pem", [chain[0]])
        try lint(server)
        try lintChain(issuer: newRoot, subject: server)
    }
}
