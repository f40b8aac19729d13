import CALClient
import CALCore
import CALTestSupport
import Foundation
import Testing
import X509

/// The sample PKI in certs/, as `make certs` wrote it.
@Suite("The sample PKI in certs/")
struct FixtureTests {
    let certs = ExternalTool.repositoryRoot + "/certs/"
    let licenses = ["per-device-cal.pem", "per-user-cal.pem", "temporary-cal.pem"]

    /// An instant inside every sample license's validity: a day after the per-device one began.
    func insideValidity() throws -> Date {
        try PEMBundle.certificates(at: certs + "per-device-cal.pem")[0].notValidBefore.addingTimeInterval(86_400)
    }

    @Test("OpenSSL verifies every sample license at a time inside its validity")
    func openSSLVerifies() throws {
        let epoch = String(Int(try insideValidity().timeIntervalSince1970))
        for license in licenses {
            let result = try ExternalTool.openssl([
                "verify", "-attime", epoch, "-CAfile", certs + "root.pem", "-untrusted", certs + "server-chain.pem", certs + license,
            ])
            expectSuccess(result, "openssl verify \(license)")
        }
        for pack in ["per-device.keypack", "per-user.keypack"] {
            expectSuccess(
                try ExternalTool.openssl(["cms", "-verify", "-inform", "DER", "-in", certs + pack, "-CAfile", certs + "root.pem", "-out", "/dev/null"]),
                "openssl cms -verify \(pack)"
            )
        }
    }

    @Test("calkit verify accepts every sample license, bound to its device or user")
    func calkitVerifies() throws {
        let at = ISO8601DateFormatter().string(from: try insideValidity())
        let common = ["--trust", certs + "root.pem", "--chain", certs + "server-chain.pem", "--at", at]
        for (license, binding) in [
            ("per-device-cal.pem", ["--device-id", "SAMPLE-DEVICE-1"]), ("per-user-cal.pem", ["--user", "sample.user@example.com"]),
            ("temporary-cal.pem", ["--device-id", "SAMPLE-DEVICE-1"]),
        ] {
            let result = try ExternalTool.calkit(["verify", certs + license] + binding + common)
            #expect(result.status == 0, "\(license): \(result.error)")
        }
        let wrong = try ExternalTool.calkit(["verify", certs + "per-device-cal.pem", "--device-id", "SAMPLE-DEVICE-2"] + common)
        #expect(wrong.error.hasPrefix("error: wrong-device"))
    }

    @Test("The sample client key is the key the sample licenses certify")
    func clientKey() throws {
        let key = try PrivateKeyFile.read(from: certs + "client-key.pem")
        for license in licenses {
            #expect(try PEMBundle.certificates(at: certs + license)[0].publicKey == key.publicKey)
        }
        let request = try PEMBundle.request(at: certs + "per-device.csr")
        #expect(try ClientLicenseRequest.subject(of: request) == .device("SAMPLE-DEVICE-1"))
        let userRequest = try PEMBundle.request(at: certs + "per-user.csr")
        #expect(try ClientLicenseRequest.subject(of: userRequest) == .user("sample.user@example.com"))
    }

    @Test("The sample key packs verify against the sample root and name the sample server")
    func packs() async throws {
        let root = try PEMBundle.certificate(at: certs + "root.pem")
        let server = try PEMBundle.certificates(at: certs + "server-chain.pem")[0]
        for (file, type) in [("per-device.keypack", LicenseType.perDevice), ("per-user.keypack", .perUser)] {
            let bytes = try SecureFile.read(certs + file)
            let pack = try await KeyPack.verify(bytes, root: root, at: try insideValidity())
            #expect(pack.content.licenseType == type)
            #expect(pack.content.count == 10)
            #expect(pack.content.licenseServerID == LicenseServerProfile.serverID(of: server))
        }
    }

    @Test("pkilint finds nothing at warning level in the sample certificates")
    func pkilint() throws {
        let folder = try TemporaryFolder()
        let server = try folder.write("server.pem", try PEMBundle.pem(of: [try PEMBundle.certificates(at: certs + "server-chain.pem")[0]]))
        // A license file holds the license, then the server certificate; pkilint reads one certificate per file.
        let licenseFiles = try licenses.map { name in
            try folder.write(name, try PEMBundle.pem(of: [try PEMBundle.certificates(at: certs + name)[0]]))
        }
        for file in [certs + "root.pem", server] + licenseFiles {
            let result = try ExternalTool.run(ExternalTool.venvBin + "/lint_pkix_cert", ["lint", "-s", "WARNING", file])
            expectSuccess(result, "pkilint \(file)")
            #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(file): \(result.output)")
        }
    }
}
