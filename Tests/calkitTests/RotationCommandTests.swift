import CALTestSupport
import Foundation
import Testing

@Suite("calkit server rotate, clearinghouse activate (reactivation) and client rotate")
struct RotationCommandTests {
    /// `openssl verify` of a license file against the root, with the given untrusted chains and CRL options.
    func opensslVerify(_ workspace: CLIWorkspace, _ file: String, chains: [String], extra: [String] = []) throws -> ProcessResult {
        try ExternalTool.openssl(
            ["verify", "-CAfile", workspace.file("ch/root.pem")] + chains.flatMap { ["-untrusted", workspace.file($0)] } + extra
                + [workspace.file(file)]
        )
    }

    @Test("A normal rotation: CALs from before verify after it (calkit and openssl), new CALs chain to the new certificate, the retired key's CRL lists its revocations")
    func normalRotation() throws {
        let workspace = try CLIWorkspace.activated(seats: 10)
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "before.pem")
        try workspace.ok("inspect", "ls/server-chain.pem")
        let oldSerial = try workspace.serial(of: "ls/server-chain.pem")
        let rotation = try workspace.json(try workspace.ok("server", "rotate", "--home", "ls", "--json"))
        let newKeyID = try #require(rotation["newKeyID"] as? String)
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "during.pem")
        let activated = try workspace.ok("clearinghouse", "activate", "--home", "ch", "--request", "ls/activation-request.pem", "--out", "chain2.pem")
        #expect(activated.output.hasPrefix("Reactivated"))
        try workspace.ok("server", "install-certificate", "--home", "ls", "chain2.pem")
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "after.pem")

        let retiredChain = "ls/retired/\(oldSerial)-server-chain.pem"
        #expect(workspace.exists("ls/retired/\(oldSerial)-server-key.pem") && workspace.exists(retiredChain))
        for file in ["before.pem", "during.pem", "after.pem"] {
            try workspace.ok("verify", file, "--trust", "ch/root.pem")
            let result = try opensslVerify(workspace, file, chains: [file])
            #expect(result.status == 0, "openssl verify \(file): \(result.error)")
        }
        // New CALs name the new key as their authority; old ones the old key.
        let after = try ExternalTool.openssl(["x509", "-in", workspace.file("after.pem"), "-noout", "-ext", "authorityKeyIdentifier"])
        #expect(after.output.lowercased().filter(\.isHexDigit).contains(newKeyID))

        // The retired key's CRL lists the revocation of its CAL and OpenSSL checks it with the old certificate.
        try workspace.ok("server", "revoke", "--home", "ls", "--serial", try workspace.serial(of: "before.pem"), "--reason", "keyCompromise")
        let status = try workspace.json(try workspace.ok("server", "status", "--home", "ls", "--json"))
        let issuers = try #require(status["issuers"] as? [[String: Any]])
        let retiredID = try #require(issuers.first { $0["status"] as? String == "retired" }?["keyID"] as? String)
        try workspace.ok("server", "crl", "--home", "ls", "--issuer", String(retiredID.prefix(10)), "--out", "old.crl")
        try workspace.ok("server", "crl", "--home", "ls", "--out", "new.crl")
        let text = try ExternalTool.openssl(["crl", "-in", workspace.file("old.crl"), "-CAfile", workspace.file(retiredChain), "-noout", "-text"])
        let beforeSerial = try workspace.serial(of: "before.pem").uppercased()
        #expect(text.error.contains("verify OK") && text.output.contains(beforeSerial))
        let revoked = try opensslVerify(workspace, "before.pem", chains: ["before.pem"], extra: ["-crl_check", "-CRLfile", workspace.file("old.crl")])
        #expect(revoked.status != 0 && (revoked.output + revoked.error).contains("certificate revoked"))
        let good = try opensslVerify(workspace, "during.pem", chains: ["during.pem"], extra: ["-crl_check", "-CRLfile", workspace.file("old.crl")])
        #expect(good.status == 0, "\(good.error)")
        try workspace.refused("revoked", "verify", "before.pem", "--trust", "ch/root.pem", "--crl", "old.crl", "--crl", "new.crl")
        try workspace.ok("verify", "after.pem", "--trust", "ch/root.pem", "--crl", "old.crl", "--crl", "new.crl", "--require-revocation-check")
        let audit = try workspace.ok("server", "audit", "--home", "ls", "--verify")
        #expect(audit.output.contains("whole"))
        #expect(try workspace.ok("server", "audit", "--home", "ls").output.contains("key-rotated"))
    }

    @Test("--compromised: the old key stops at once, the root CRL revokes it, calkit and openssl -crl_check_all refuse its CALs")
    func compromised() throws {
        let workspace = try CLIWorkspace.activated(seats: 10)
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "old.pem")
        // The CRL the server published before the compromise was discovered.
        try workspace.ok("server", "crl", "--home", "ls", "--out", "before.crl")
        try workspace.ok("server", "rotate", "--home", "ls", "--compromised")
        let inspected = try workspace.ok("inspect", "ls/activation-request.pem").output
        #expect(inspected.contains("re-key from") && inspected.contains("signed by it") && inspected.contains("declared compromised"))
        try workspace.refused("issuer-compromised", "server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "x.pem")
        try workspace.refused("issuer-compromised", "server", "crl", "--home", "ls", "--out", "x.crl")
        #expect(!workspace.exists("x.pem") && !workspace.exists("x.crl"))
        let activated = try workspace.ok("clearinghouse", "activate", "--home", "ch", "--request", "ls/activation-request.pem", "--out", "chain2.pem")
        #expect(activated.output.contains("revoked (keyCompromise)"))
        try workspace.ok("server", "install-certificate", "--home", "ls", "chain2.pem")
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "new.pem")
        try workspace.ok("clearinghouse", "crl", "--home", "ch", "--out", "root.crl")
        try workspace.ok("server", "crl", "--home", "ls", "--out", "server.crl")

        try workspace.refused("issuer-revoked", "verify", "old.pem", "--trust", "ch/root.pem", "--crl", "root.crl")
        try workspace.ok("verify", "new.pem", "--trust", "ch/root.pem", "--crl", "root.crl", "--crl", "server.crl")
        let all = ["-crl_check_all", "-CRLfile", workspace.file("root.crl"), "-CRLfile", workspace.file("server.crl")]
        let refused = try opensslVerify(
            workspace, "old.pem", chains: ["old.pem"], extra: ["-crl_check_all", "-CRLfile", workspace.file("root.crl"), "-CRLfile", workspace.file("before.crl")]
        )
        #expect(refused.status != 0 && (refused.output + refused.error).contains("certificate revoked"))
        let accepted = try opensslVerify(workspace, "new.pem", chains: ["new.pem"], extra: all)
        #expect(accepted.status == 0, "\(accepted.error)")
    }

    @Test("A client re-key through the host: same seat, new key, old license revoked as superseded")
    func clientRotate() throws {
        let workspace = try CLIWorkspace.activated(seats: 2)
        try workspace.ok("host", "init", "--home", "h", "--mode", "per-device", "--license-server-home", "ls", "--product", "Desk")
        try workspace.ok("host", "logon", "--home", "h", "--client-home", "c1")
        let first = try workspace.json(try workspace.ok("host", "logon", "--home", "h", "--client-home", "c1", "--json"))
        let oldSerial = try #require(first["serial"] as? String)
        let rotated = try workspace.json(try workspace.ok("client", "rotate", "--home", "c1", "--json"))
        #expect(workspace.exists("c1/retired/\(rotated["previousKeyID"] as? String ?? "")-client-key.pem"))
        let second = try workspace.json(try workspace.ok("host", "logon", "--home", "h", "--client-home", "c1", "--json"))
        #expect(second["decision"] as? String == "allowed")
        let newSerial = try #require(second["serial"] as? String)
        #expect(newSerial != oldSerial)
        let status = try workspace.json(try workspace.ok("server", "status", "--home", "ls", "--json"))
        let products = try #require(status["products"] as? [[String: Any]])
        #expect(products.first { $0["licenseType"] as? String == "per-device" }?["issued"] as? Int == 1)
        try workspace.ok("server", "crl", "--home", "ls", "--out", "server.crl")
        let crl = try workspace.ok("inspect", "server.crl").output
        #expect(crl.contains(oldSerial) && crl.contains("superseded"))
    }

    @Test("Root rollover: the four trust combinations verify with calkit and with openssl verify -CAfile ROOT -untrusted CROSS -untrusted SERVER")
    func rootRollover() throws {
        let workspace = try CLIWorkspace.activated(seats: 3)
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "old-cal.pem")
        _ = try workspace.folder.write("old-root.pem", try workspace.folder.read("ch/root.pem"))
        let rollover = try workspace.json(try workspace.ok("clearinghouse", "rotate", "--home", "ch", "--json"))
        let newByOld = try #require(rollover["newRootByPrevious"] as? String)
        let oldByNew = try #require(rollover["previousRootByNew"] as? String)
        _ = try workspace.folder.write("new-root.pem", try workspace.folder.read("ch/root.pem"))
        try workspace.ok("server", "init", "--home", "ls2", "--name", "Second")
        try workspace.ok("clearinghouse", "activate", "--home", "ch", "--request", "ls2/activation-request.pem", "--out", "chain2.pem")
        try workspace.ok("server", "install-certificate", "--home", "ls2", "chain2.pem")
        try workspace.ok(
            "clearinghouse", "issue-pack", "--home", "ch", "--server-certificate", "ls2/server-chain.pem", "--type", "per-device",
            "--count", "2", "--product", "Desk", "--agreement", "A-9", "--out", "new.keypack"
        )
        try workspace.ok("server", "install-pack", "--home", "ls2", "new.keypack")
        try workspace.ok("server", "issue", "--home", "ls2", "--request", "c1.csr", "--type", "per-device", "--out", "new-cal.pem")
        // The server under the old root still gets packs it verifies.
        try workspace.ok(
            "clearinghouse", "issue-pack", "--home", "ch", "--server-certificate", "ls/server-chain.pem", "--type", "per-device",
            "--count", "1", "--product", "Desk", "--agreement", "A-10", "--out", "old.keypack"
        )
        try workspace.ok("server", "install-pack", "--home", "ls", "old.keypack")

        for (root, cross) in [("old-root.pem", newByOld), ("new-root.pem", oldByNew)] {
            for (cal, server) in [("old-cal.pem", "ls/server-chain.pem"), ("new-cal.pem", "ls2/server-chain.pem")] {
                let openssl = try ExternalTool.openssl([
                    "verify", "-CAfile", workspace.file(root), "-untrusted", workspace.file(cross), "-untrusted", workspace.file(server), workspace.file(cal),
                ])
                #expect(openssl.status == 0, "openssl, trusting \(root): \(cal): \(openssl.error)")
                try workspace.ok("verify", cal, "--trust", root, "--chain", cross)
            }
        }
        // Across roots without the cross-certificate, both refuse.
        let without = try ExternalTool.openssl(["verify", "-CAfile", workspace.file("old-root.pem"), "-untrusted", workspace.file("ls2/server-chain.pem"), workspace.file("new-cal.pem")])
        #expect(without.status != 0)
        try workspace.refused("untrusted-root", "verify", "new-cal.pem", "--trust", "old-root.pem")

        // The retired root signs its own CRL, which revokes a server it certified.
        let previousID = try #require(rollover["previousRootKeyID"] as? String)
        try workspace.ok("clearinghouse", "revoke-server", "--home", "ch", "--certificate", "ls/server-chain.pem", "--reason", "keyCompromise")
        try workspace.ok("clearinghouse", "crl", "--home", "ch", "--root", String(previousID.prefix(12)), "--out", "old-root.crl")
        let crl = try ExternalTool.openssl(["crl", "-in", workspace.file("old-root.crl"), "-CAfile", workspace.file("old-root.pem"), "-noout"])
        #expect(crl.error.contains("verify OK"))
        try workspace.refused("issuer-revoked", "verify", "old-cal.pem", "--trust", "new-root.pem", "--chain", oldByNew, "--crl", "old-root.crl")
    }
}
