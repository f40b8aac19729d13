import CALClient
import CALCore
import CALTestSupport
import Foundation
import Testing

/// Every key type in every role, mixed: each row puts each type in a different role.
let keyTypeMatrix: [(KeyType, KeyType, KeyType)] = [
    (.ed25519, .p256, .rsa3072),
    (.p256, .p384, .ed25519),
    (.p384, .rsa3072, .p256),
    (.rsa3072, .ed25519, .p384),
]

@Suite("Independent implementations accept CALKit's artefacts for every key type", .serialized)
struct KeyTypeMatrixTests {
    @Test("OpenSSL verifies, parses and accepts every artefact", arguments: keyTypeMatrix)
    func openSSL(root: KeyType, server: KeyType, client: KeyType) async throws {
        let workspace = try await InteropWorkspace.make(root: root, server: server, client: client)
        for (kind, license) in workspace.licenses {
            let verify = try ExternalTool.openssl(["verify", "-CAfile", workspace.root, "-untrusted", workspace.serverChain, license])
            expectSuccess(verify, "openssl verify of the \(kind) license")
            #expect(verify.output.contains(": OK"))
            let text = try ExternalTool.openssl(["x509", "-in", license, "-noout", "-text"])
            expectSuccess(text, "openssl x509 -text")
            #expect(text.output.contains("1.3.6.1.4.1.32473.2002.1"))
            #expect(text.output.contains("1.3.6.1.4.1.32473.2002.2"))
            #expect(text.output.contains("CA:FALSE"))
        }
        let serverText = try ExternalTool.openssl(["x509", "-in", workspace.serverCertificate, "-noout", "-text"])
        #expect(serverText.output.contains("CA:TRUE, pathlen:0"))
        for request in workspace.requests {
            let verify = try ExternalTool.openssl(["req", "-verify", "-in", request, "-noout"])
            expectSuccess(verify, "openssl req -verify \(request)")
        }
        for pack in workspace.packs {
            let verify = try ExternalTool.openssl(["cms", "-verify", "-inform", "DER", "-in", pack, "-CAfile", workspace.root, "-out", "/dev/null"])
            expectSuccess(verify, "openssl cms -verify \(pack)")
            #expect(verify.error.contains("Verification successful"))
        }
        for key in workspace.keys {
            let read = try ExternalTool.openssl(["pkey", "-in", key, "-noout"])
            expectSuccess(read, "openssl pkey \(key)")
        }
    }

    @Test("Python cryptography loads everything and verifies every certificate signature", arguments: keyTypeMatrix)
    func pythonCryptography(root: KeyType, server: KeyType, client: KeyType) async throws {
        let workspace = try await InteropWorkspace.make(root: root, server: server, client: client)
        var items = [
            "cert:\(workspace.root):\(workspace.root)",
            "cert:\(workspace.serverCertificate):\(workspace.root)",
            "cert:\(workspace.signerCertificate):\(workspace.root)",
        ]
        items += workspace.packs.map { "pack:\($0):\(workspace.root)" }
        items += workspace.licenses.values.map { "cert:\($0):\(workspace.serverCertificate)" }
        items += workspace.requests.map { "csr:\($0)" }
        items += workspace.keys.map { "key:\($0)" }
        let result = try ExternalTool.python([ExternalTool.repositoryRoot + "/scripts/interop/check_with_cryptography.py"] + items)
        expectSuccess(result, "cryptography check")
        let passed = result.output.split(separator: "\n").filter { $0.hasPrefix("ok ") }
        #expect(passed.count == items.count, "\(result.output)")
    }

    @Test("pkilint finds nothing at warning level on the root, the server, the signer and every license", arguments: keyTypeMatrix)
    func pkilint(root: KeyType, server: KeyType, client: KeyType) async throws {
        let workspace = try await InteropWorkspace.make(root: root, server: server, client: client)
        let lint = ExternalTool.venvBin + "/lint_pkix_cert"
        let chainLint = ExternalTool.venvBin + "/lint_pkix_signer_signee_cert_chain"
        for certificate in [workspace.root, workspace.serverCertificate, workspace.signerCertificate] + workspace.licenses.values {
            let result = try ExternalTool.run(lint, ["lint", "-s", "WARNING", certificate])
            expectSuccess(result, "pkilint \(certificate)")
            #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "pkilint findings: \(result.output)")
        }
        var pairs = [(workspace.root, workspace.serverCertificate), (workspace.root, workspace.signerCertificate)]
        pairs += workspace.licenses.values.map { (workspace.serverCertificate, $0) }
        for (issuer, subject) in pairs {
            let result = try ExternalTool.run(chainLint, ["lint", "-s", "WARNING", issuer, subject])
            expectSuccess(result, "pkilint chain \(issuer) → \(subject)")
            #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "pkilint findings: \(result.output)")
        }
    }

    @Test("CALKit's own verifier accepts every license kind", arguments: keyTypeMatrix)
    func calkitVerifier(root: KeyType, server: KeyType, client: KeyType) async throws {
        let workspace = try await InteropWorkspace.make(root: root, server: server, client: client)
        let verifier = try workspace.deployment.verifier
        for (kind, path) in workspace.licenses {
            let certificate = try PEMBundle.certificate(at: path)
            let result = await verifier.verify(certificate, at: Date(), expecting: .init(deviceID: "DEVICE-1", user: "alice@example.com"))
            #expect((try? result.get()) != nil, "\(kind): \(result)")
        }
    }
}
