import CALTestSupport
import Foundation
import Testing

@Suite("Refusals: a clear message, a non-zero exit, nothing written or consumed")
struct RefusalTests {
    @Test("A pack for another server, from another clearinghouse or tampered is refused; a second install counts once")
    func packs() throws {
        let workspace = try CLIWorkspace.activated()
        let statusBefore = try workspace.ok("server", "status", "--home", "ls", "--json").output
        // A sibling server activated by the same clearinghouse.
        try workspace.ok("server", "init", "--home", "ls2", "--name", "Sibling")
        try workspace.ok("clearinghouse", "activate", "--home", "ch", "--request", "ls2/activation-request.pem", "--out", "chain2.pem")
        try workspace.ok("server", "install-certificate", "--home", "ls2", "chain2.pem")
        try workspace.refused("pack-not-for-this-server", "server", "install-pack", "--home", "ls2", "device.keypack")
        // A pack from a different clearinghouse.
        try workspace.ok("clearinghouse", "init", "--home", "ch2")
        try workspace.ok("server", "init", "--home", "ls3", "--name", "Stranger")
        try workspace.ok("clearinghouse", "activate", "--home", "ch2", "--request", "ls3/activation-request.pem", "--out", "chain3.pem")
        try workspace.ok("server", "install-certificate", "--home", "ls3", "chain3.pem")
        try workspace.ok(
            "clearinghouse", "issue-pack", "--home", "ch2", "--server-certificate", "chain3.pem", "--type", "per-device",
            "--count", "9", "--product", "Desk", "--agreement", "X", "--out", "stranger.keypack"
        )
        try workspace.refused("bad-pack-signature", "server", "install-pack", "--home", "ls", "stranger.keypack")
        // Altered content and altered signature.
        var bytes = try workspace.folder.read("device.keypack")
        let agreement = try #require(bytes.firstRange(of: Array("A-1".utf8)))
        bytes[agreement.lowerBound + 2] = UInt8(ascii: "9")
        try workspace.folder.write("altered-content.keypack", bytes)
        try workspace.refused("bad-pack-signature", "server", "install-pack", "--home", "ls", "altered-content.keypack")
        var signature = try workspace.folder.read("device.keypack")
        signature[signature.count - 2] ^= 0x01
        try workspace.folder.write("altered-signature.keypack", signature)
        try workspace.refused("bad-pack-signature", "server", "install-pack", "--home", "ls", "altered-signature.keypack")
        // Installed twice.
        let second = try workspace.refused("pack-already-installed", "server", "install-pack", "--home", "ls", "device.keypack")
        #expect(second.error.contains("nothing changed"))
        #expect(try workspace.ok("server", "status", "--home", "ls", "--json").output == statusBefore)
    }

    @Test("A permanent per-device request with no seat free is refused and writes no file")
    func noSeat() throws {
        let workspace = try CLIWorkspace.activated(seats: 1)
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "first.pem")
        try workspace.refused("no-seat-available", "server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "second.pem")
        #expect(!workspace.exists("second.pem"))
        let status = try workspace.json(try workspace.ok("server", "status", "--home", "ls", "--json"))
        let counts = try #require(status["licensesIssued"] as? [String: Int])
        #expect(counts["total"] == 1)
        // Temporary and per-user licenses still work with the pool empty.
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--temporary", "--out", "temp.pem")
    }

    @Test("An --out that cannot be written is refused before a seat, an activation or a sale is recorded")
    func unwritableOutput() throws {
        let workspace = try CLIWorkspace.activated(seats: 1)
        try workspace.refused("file-access", "server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "missing/cal.pem")
        try workspace.refused("file-access", "server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "ls")
        let status = try workspace.json(try workspace.ok("server", "status", "--home", "ls", "--json"))
        #expect((status["licensesIssued"] as? [String: Int])?["total"] == 0)
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "cal.pem")

        try workspace.ok("server", "init", "--home", "ls2", "--name", "Two")
        try workspace.refused("file-access", "clearinghouse", "activate", "--home", "ch", "--request", "ls2/activation-request.pem", "--out", "missing/chain.pem")
        try workspace.ok("clearinghouse", "activate", "--home", "ch", "--request", "ls2/activation-request.pem", "--out", "chain2.pem")
    }

    @Test("install-certificate refuses another server's chain and a chain cut short")
    func installCertificateRefusals() throws {
        let workspace = try CLIWorkspace.activated()
        try workspace.ok("server", "init", "--home", "ls2", "--name", "Two")
        try workspace.refused("key-mismatch", "server", "install-certificate", "--home", "ls2", "chain.pem")
        let chain = String(decoding: try workspace.folder.read("chain.pem"), as: UTF8.self)
        let end = try #require(chain.range(of: "-----END CERTIFICATE-----"))
        let serverOnly = String(chain[..<end.upperBound]) + "\n"
        try workspace.folder.write("server-only.pem", serverOnly)
        try workspace.refused("chain-does-not-verify", "server", "install-certificate", "--home", "ls", "server-only.pem")
        #expect(!workspace.exists("ls2/server-chain.pem"))
    }

    @Test("A CSR whose signature does not verify is refused by the server and the clearinghouse")
    func forgedRequests() throws {
        let workspace = try CLIWorkspace.activated()
        for (source, output) in [("c1.csr", "bad.csr"), ("ls/activation-request.pem", "bad-activation.pem")] {
            let text = String(decoding: try workspace.folder.read(source), as: UTF8.self)
            let body = text.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
            var der = try #require(Data(base64Encoded: body)).map { $0 }
            der[der.count - 4] ^= 0x01
            try workspace.folder.write(
                output,
                "-----BEGIN CERTIFICATE REQUEST-----\n" + Data(der).base64EncodedString(options: .lineLength64Characters) + "\n-----END CERTIFICATE REQUEST-----\n"
            )
            let check = try ExternalTool.openssl(["req", "-verify", "-in", workspace.file(output), "-noout"])
            #expect(!check.output.contains("verify OK") && !check.error.contains("verify OK"), "OpenSSL agrees the signature is bad")
        }
        try workspace.refused("bad-request-signature", "server", "issue", "--home", "ls", "--request", "bad.csr", "--type", "per-device", "--out", "x.pem")
        #expect(!workspace.exists("x.pem"))
        try workspace.ok("server", "init", "--home", "ls2", "--name", "Two")
        try workspace.refused("bad-request-signature", "clearinghouse", "activate", "--home", "ch", "--request", "bad-activation.pem", "--out", "y.pem")
        #expect(!workspace.exists("y.pem"))
    }

    @Test("A license presented for another device, user or key is refused")
    func bindings() throws {
        let workspace = try CLIWorkspace.activated()
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "cal.pem")
        try workspace.ok("client", "request", "--home", "c1", "--user", "alice@example.com", "--out", "alice.csr")
        try workspace.ok("server", "issue", "--home", "ls", "--request", "alice.csr", "--type", "per-user", "--out", "alice.pem")
        let common = ["--trust", "ch/root.pem", "--chain", "ls/server-chain.pem"]
        try workspace.refused("wrong-device", ["verify", "cal.pem", "--device-id", "PC-2"] + common)
        try workspace.refused("wrong-user", ["verify", "alice.pem", "--user", "bob@example.com"] + common)
        try workspace.ok("client", "init", "--home", "c2", "--device-id", "PC-2")
        try workspace.refused("not-for-this-client", "client", "install", "--home", "c2", "cal.pem")
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspace.file("c2/licenses")).isEmpty)
        // A license copied into another client's store by hand is caught by verify.
        try FileManager.default.copyItem(atPath: workspace.file("cal.pem"), toPath: workspace.file("c2/licenses/copied.pem"))
        let stolen = try workspace.run("client", "verify", "--home", "c2", "--trust", "ch/root.pem")
        #expect(stolen.status == 1)
        #expect(stolen.output.contains("refused: wrong-device"))
    }

    @Test("A flipped byte in the signature or the signed part, and a chain to another root, are refused")
    func tamperedCertificates() throws {
        let workspace = try CLIWorkspace.activated()
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "cal.pem")
        try Tampering.flipCertificateByte(in: workspace.file("cal.pem"), to: workspace.file("sig.pem"), fromEnd: 3)
        try Tampering.flipCertificateByte(in: workspace.file("cal.pem"), to: workspace.file("tbs.pem"), needle: "Desk")
        let common = ["--trust", "ch/root.pem", "--chain", "ls/server-chain.pem"]
        try workspace.refused("bad-signature", ["verify", "sig.pem"] + common)
        try workspace.refused("bad-signature", ["verify", "tbs.pem"] + common)
        for file in ["sig.pem", "tbs.pem"] {
            let openssl = try ExternalTool.openssl(["verify", "-CAfile", workspace.file("ch/root.pem"), "-untrusted", workspace.file("ls/server-chain.pem"), workspace.file(file)])
            #expect(openssl.status != 0, "OpenSSL agrees \(file) is bad")
        }
        try workspace.ok("clearinghouse", "init", "--home", "other")
        try workspace.refused("untrusted-root", ["verify", "cal.pem", "--trust", "other/root.pem", "--chain", "ls/server-chain.pem"])
        try workspace.ok("client", "install", "--home", "c1", "cal.pem")
        let result = try workspace.run("client", "verify", "--home", "c1", "--trust", "other/root.pem")
        #expect(result.status == 1)
        #expect(result.output.contains("refused: untrusted-root"))
    }

    @Test("--at after expiry or before validity is refused")
    func validityWindow() throws {
        let workspace = try CLIWorkspace.activated()
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--temporary", "--out", "temp.pem")
        try workspace.ok("client", "install", "--home", "c1", "temp.pem")
        let common = ["--trust", "ch/root.pem", "--chain", "ls/server-chain.pem"]
        let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(91 * 86_400))
        try workspace.refused("expired", ["verify", "temp.pem", "--at", later] + common)
        try workspace.refused("not-yet-valid", ["verify", "temp.pem", "--at", "2001-01-01"] + common)
        try workspace.ok(["verify", "temp.pem", "--at", ISO8601DateFormatter().string(from: Date().addingTimeInterval(89 * 86_400))] + common)
        let expired = try workspace.run("client", "verify", "--home", "c1", "--trust", "ch/root.pem", "--at", later)
        #expect(expired.status == 1)
        #expect(expired.output.contains("refused: expired"))
        let unreadable = try workspace.run(["verify", "temp.pem", "--at", "yesterday"] + common)
        #expect(unreadable.status != 0)
        #expect(unreadable.error.contains("'yesterday' is invalid for '--at"))
    }

    @Test("A CA certificate or a TLS certificate offered as a license is not-a-client-license")
    func notLicenses() throws {
        let workspace = try CLIWorkspace.activated()
        let common = ["--trust", "ch/root.pem", "--chain", "ls/server-chain.pem"]
        try workspace.refused("not-a-client-license", ["verify", "ls/server-chain.pem"] + common)
        try workspace.refused("not-a-client-license", ["verify", "ch/root.pem"] + common)
        let tls = try ExternalTool.openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", workspace.file("tls.key"),
            "-subj", "/CN=www.example.com", "-days", "30", "-addext", "extendedKeyUsage=serverAuth", "-out", workspace.file("tls.pem"),
        ])
        #expect(tls.status == 0)
        try workspace.refused("not-a-client-license", ["verify", "tls.pem"] + common)
        try workspace.refused("not-for-this-client", "client", "install", "--home", "c1", "tls.pem")
        try workspace.refused("not-for-this-client", "client", "install", "--home", "c1", "ls/server-chain.pem")
    }
}
