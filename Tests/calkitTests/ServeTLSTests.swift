import CALTestSupport
import Foundation
import Testing

@Suite("Both services over https: --tls-certificate and --tls-key, clients with --tls-trust")
struct ServeTLSTests {
    func curl(_ arguments: [String]) throws -> ProcessResult {
        try ExternalTool.run("/usr/bin/curl", ["-s", "--max-time", "20"] + arguments)
    }

    /// A private TLS CA (tls-ca.pem) and a certificate for 127.0.0.1 it issued (tls.pem, tls.key), made by OpenSSL.
    func makeTLSCertificates(in workspace: CLIWorkspace) throws {
        func openssl(_ arguments: [String]) throws {
            let result = try ExternalTool.openssl(arguments)
            #expect(result.status == 0, "openssl \(arguments.joined(separator: " ")): \(result.error)")
        }
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        try openssl(
            ["req", "-x509"] + curve + [
                "-keyout", workspace.file("tls-ca.key"), "-out", workspace.file("tls-ca.pem"), "-subj", "/CN=Test TLS CA", "-days", "2",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign",
            ]
        )
        try openssl(["req"] + curve + ["-keyout", workspace.file("tls.key"), "-out", workspace.file("tls.csr"), "-subj", "/CN=127.0.0.1"])
        _ = try workspace.folder.write("tls.ext", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n")
        try openssl([
            "x509", "-req", "-in", workspace.file("tls.csr"), "-CA", workspace.file("tls-ca.pem"), "-CAkey", workspace.file("tls-ca.key"),
            "-set_serial", "7", "-days", "2", "-extfile", workspace.file("tls.ext"), "-out", workspace.file("tls.pem"),
        ])
    }

    @Test("Activation, a pack, host logons, CRL and OCSP all over https with a private CA; without trusting it the clients refuse to talk")
    func wholeStoryOverTLS() throws {
        let workspace = try CLIWorkspace()
        try makeTLSCertificates(in: workspace)
        let tls = ["--tls-certificate", "tls.pem", "--tls-key", "tls.key"]
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: workspace.file("tls.key"))
        _ = try workspace.folder.write("token", "operator-token-for-the-test-0001\n")
        try workspace.ok("clearinghouse", "init", "--home", "ch")
        let clearinghouse = try RunningService(
            ExternalTool.calkitPath,
            ["clearinghouse", "serve", "--home", "ch", "--listen", "127.0.0.1:0", "--operator-token-file", "token", "--open-activation"] + tls,
            in: workspace.folder.path
        )
        defer { clearinghouse.stop() }
        #expect(clearinghouse.url.hasPrefix("https://"))
        #expect(!clearinghouse.log.contains("warning"))
        try workspace.ok("server", "init", "--home", "ls", "--name", "Secure")

        // The private CA is not in the system's store: the client refuses, and says what to do.
        let untrusted = try workspace.refused("service-unreachable", "server", "activate", "--home", "ls", "--clearinghouse", clearinghouse.url)
        #expect(untrusted.error.contains("--tls-trust"), "\(untrusted.error)")
        // Plain http to the https port is no request at all; the service goes on.
        let plain = try workspace.refused(
            "service-unreachable", "server", "activate", "--home", "ls", "--clearinghouse", "http://127.0.0.1:\(clearinghouse.port)"
        )
        #expect(!plain.error.isEmpty)
        // Trusting a CA that did not issue the certificate is no better.
        try workspace.ok("clearinghouse", "init", "--home", "other-ch")
        try workspace.refused(
            "service-unreachable", "server", "activate", "--home", "ls", "--clearinghouse", clearinghouse.url, "--tls-trust", "other-ch/root.pem"
        )

        try workspace.ok("server", "activate", "--home", "ls", "--clearinghouse", clearinghouse.url, "--tls-trust", "tls-ca.pem")
        try workspace.ok([
            "server", "install-pack", "--home", "ls", "--clearinghouse", clearinghouse.url, "--tls-trust", "tls-ca.pem", "--token-file", "token",
            "--agreement", "A-1", "--type", "per-device", "--count", "2", "--product", "Desk",
        ])

        // A key other users can read still serves, with a warning.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: workspace.file("tls.key"))
        let server = try RunningService(
            ExternalTool.calkitPath, ["server", "serve", "--home", "ls", "--listen", "127.0.0.1:0"] + tls, in: workspace.folder.path
        )
        defer { server.stop() }
        #expect(server.logContains("warning: tls.key can be read by other users; chmod 600 it"), "\(server.log)")
        try workspace.refused(
            "service-unreachable", "host", "init", "--home", "h0", "--mode", "per-device", "--license-server", server.url, "--trust", "ch/root.pem"
        )
        #expect(!workspace.exists("h0"))
        try workspace.ok("server", "add-host", "--home", "ls", "--name", "rdsh-1", "--out", "rdsh-1.credential")
        try workspace.ok(
            "host", "init", "--home", "h", "--mode", "per-device", "--license-server", server.url, "--trust", "ch/root.pem", "--tls-trust", "tls-ca.pem",
            "--credential", "rdsh-1.credential"
        )
        try workspace.ok("client", "init", "--home", "c1", "--device-id", "PC-1")
        #expect(try workspace.ok("host", "logon", "--home", "h", "--client-home", "c1").output.contains("allowed temporary"))
        #expect(try workspace.ok("host", "logon", "--home", "h", "--client-home", "c1").output.contains("allowed licensed"))

        // OCSP over https (openssl ocsp does its own TLS), then curl with the private CA.
        let license = try #require(try FileManager.default.contentsOfDirectory(atPath: workspace.file("c1/licenses")).first { $0.hasSuffix(".pem") })
        let issuer = try workspace.serverCertificate()
        let ocsp = try ExternalTool.openssl([
            "ocsp", "-url", server.url + "/ocsp", "-issuer", issuer, "-cert", workspace.file("c1/licenses/" + license),
            "-CAfile", workspace.file("ch/root.pem"), "-verify_other", issuer,
        ])
        #expect(ocsp.output.contains(": good") && ocsp.error.contains("Response verify OK"), "\(ocsp.output) \(ocsp.error)")
        let crl = try curl(["--cacert", workspace.file("tls-ca.pem"), "-o", workspace.file("ls.crl"), "-w", "%{http_code}", server.url + "/crl"])
        #expect(crl.output == "200")
        let checked = try ExternalTool.openssl(["crl", "-inform", "DER", "-in", workspace.file("ls.crl"), "-CAfile", workspace.file("ls/server-chain.pem"), "-noout"])
        #expect(checked.error.contains("verify OK"))
        #expect(try curl(["-o", "/dev/null", "-w", "%{http_code}", server.url + "/crl"]).output == "000")  // curl refuses an unknown CA too
        let handshake = try ExternalTool.openssl([
            "s_client", "-connect", "127.0.0.1:\(server.port)", "-CAfile", workspace.file("tls-ca.pem"), "-verify_return_error", "-brief",
        ])
        #expect(handshake.error.contains("Verification: OK"), "\(handshake.error)")
        let old = try ExternalTool.openssl(["s_client", "-connect", "127.0.0.1:\(server.port)", "-tls1_1", "-brief"])
        #expect(old.status != 0)  // TLS 1.2 or later only
        #expect(clearinghouse.stop() == 0 && server.stop() == 0)
    }

    @Test("A certificate from the trusted CA but for another name is refused by the clients")
    func certificateForAnotherName() throws {
        let workspace = try CLIWorkspace()
        try makeTLSCertificates(in: workspace)
        _ = try workspace.folder.write("other.ext", "subjectAltName=DNS:other.example\nextendedKeyUsage=serverAuth\n")
        let issued = try ExternalTool.openssl([
            "x509", "-req", "-in", workspace.file("tls.csr"), "-CA", workspace.file("tls-ca.pem"), "-CAkey", workspace.file("tls-ca.key"),
            "-set_serial", "8", "-days", "2", "-extfile", workspace.file("other.ext"), "-out", workspace.file("other.pem"),
        ])
        #expect(issued.status == 0, "\(issued.error)")
        try workspace.ok("clearinghouse", "init", "--home", "ch")
        let clearinghouse = try RunningService(
            ExternalTool.calkitPath,
            ["clearinghouse", "serve", "--home", "ch", "--listen", "127.0.0.1:0", "--tls-certificate", "other.pem", "--tls-key", "tls.key"],
            in: workspace.folder.path
        )
        defer { clearinghouse.stop() }
        try workspace.ok("server", "init", "--home", "ls", "--name", "Secure")
        let refused = try workspace.refused(
            "service-unreachable", "server", "activate", "--home", "ls", "--clearinghouse", clearinghouse.url, "--tls-trust", "tls-ca.pem"
        )
        #expect(refused.error.contains("does not name this host"), "\(refused.error)")
        #expect(!workspace.exists("ls/server-chain.pem"))
    }

    @Test("TLS settings are checked before the service starts: both flags, existing files, PEM, and a key that matches")
    func badTLSSettings() throws {
        let workspace = try CLIWorkspace()
        try makeTLSCertificates(in: workspace)
        try workspace.ok("clearinghouse", "init", "--home", "ch")
        let serve = ["clearinghouse", "serve", "--home", "ch", "--listen", "127.0.0.1:0"]
        let alone = try workspace.run(serve + ["--tls-certificate", "tls.pem"])
        #expect(alone.status != 0 && alone.error.contains("--tls-certificate and --tls-key go together"))
        try workspace.refused("file-not-found", serve + ["--tls-certificate", "missing.pem", "--tls-key", "tls.key"])
        _ = try workspace.folder.write("garbage.pem", "not a certificate\n")
        try workspace.refused("malformed", serve + ["--tls-certificate", "garbage.pem", "--tls-key", "tls.key"])
        try workspace.refused("malformed", serve + ["--tls-certificate", "tls.pem", "--tls-key", "garbage.pem"])
        // The CA's key is a fine key, but not the certificate's.
        let mismatch = try workspace.refused("invalid-argument", serve + ["--tls-certificate", "tls.pem", "--tls-key", "tls-ca.key"])
        #expect(mismatch.error.contains("is not the private key of the certificate"))
        try workspace.ok("server", "init", "--home", "ls", "--name", "Secure")
        // Refused before --public-url is stored: the audit log shows no setting change.
        try workspace.refused(
            "malformed", "server", "serve", "--home", "ls", "--public-url", "https://licensing.example.com",
            "--tls-certificate", "garbage.pem", "--tls-key", "tls.key"
        )
        #expect(!(try workspace.ok("server", "audit", "--home", "ls").output.contains("setting-changed")))
        try workspace.refused("malformed", "server", "activate", "--home", "ls", "--clearinghouse", "https://127.0.0.1:9", "--tls-trust", "garbage.pem")
    }
}
