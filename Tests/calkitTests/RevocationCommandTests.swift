import CALTestSupport
import Foundation
import Testing

@Suite("Revocation from the command line, checked by OpenSSL")
struct RevocationCommandTests {
    /// The serial of the first certificate of a license file, as `calkit inspect --json` prints it.
    func serial(_ workspace: CLIWorkspace, _ file: String) throws -> String {
        try workspace.serial(of: file)
    }

    func opensslVerify(_ workspace: CLIWorkspace, _ file: String, crl: String) throws -> ProcessResult {
        try ExternalTool.openssl([
            "verify", "-crl_check", "-CRLfile", workspace.file(crl), "-CAfile", workspace.file("ch/root.pem"),
            "-untrusted", workspace.file("ls/server-chain.pem"), workspace.file(file),
        ])
    }

    @Test("server revoke and server crl: OpenSSL and calkit say revoked for the revoked CAL and OK for the good one")
    func openSSLAgrees() throws {
        let workspace = try CLIWorkspace.activated(seats: 10)
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "bad.pem")
        try workspace.ok("client", "init", "--home", "c2", "--device-id", "PC-2")
        try workspace.ok("client", "request", "--home", "c2", "--out", "c2.csr")
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c2.csr", "--type", "per-device", "--out", "good.pem")
        let revoked = try workspace.ok("server", "revoke", "--home", "ls", "--serial", try serial(workspace, "bad.pem"), "--reason", "keyCompromise")
        #expect(revoked.output.contains("is free again"))
        try workspace.ok("server", "crl", "--home", "ls", "--out", "crl.pem")
        try workspace.ok("server", "crl", "--home", "ls", "--out", "crl.der", "--der")

        let bad = try opensslVerify(workspace, "bad.pem", crl: "crl.pem")
        #expect(bad.status != 0)
        #expect((bad.output + bad.error).contains("certificate revoked"))
        let good = try opensslVerify(workspace, "good.pem", crl: "crl.pem")
        #expect(good.status == 0, "\(good.error)")
        #expect(good.output.contains(": OK"))

        let inspected = try workspace.ok("inspect", "crl.der")
        #expect(inspected.output.hasPrefix("crl"))
        #expect(inspected.output.contains("keyCompromise"))
        let lines = try workspace.ok("inspect", "crl.pem").output.split(separator: "\n")
        #expect(lines.contains { $0.contains("entries:") && $0.hasSuffix(" 1") })
        let text = try ExternalTool.openssl(["crl", "-in", workspace.file("crl.pem"), "-CAfile", workspace.file("ls/server-chain.pem"), "-noout", "-text"])
        #expect(text.error.contains("verify OK"))
        #expect(text.output.contains("Key Compromise"))
        #expect(text.output.contains("X509v3 CRL Number"))

        let common = ["--trust", "ch/root.pem", "--chain", "ls/server-chain.pem"]
        for crl in ["crl.pem", "crl.der"] {
            try workspace.refused("revoked", ["verify", "bad.pem", "--crl", crl] + common)
            try workspace.ok(["verify", "good.pem", "--crl", crl, "--require-revocation-check"] + common)
        }
        try workspace.refused("revocation-unknown", ["verify", "good.pem", "--require-revocation-check"] + common)
        try workspace.ok("client", "install", "--home", "c1", "bad.pem")
        let client = try workspace.run("client", "verify", "--home", "c1", "--trust", "ch/root.pem", "--crl", "crl.pem")
        #expect(client.status == 1)
        #expect(client.output.contains("refused: revoked"))
    }

    @Test("clearinghouse revoke-server and crl: with the root CRL, OpenSSL -crl_check_all and calkit refuse CALs under the server")
    func revokedServer() throws {
        let workspace = try CLIWorkspace.activated()
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "cal.pem")
        try workspace.ok("server", "crl", "--home", "ls", "--out", "server.crl")
        try workspace.ok("clearinghouse", "crl", "--home", "ch", "--out", "root-before.crl")
        let chainArguments = ["-CAfile", workspace.file("ch/root.pem"), "-untrusted", workspace.file("ls/server-chain.pem")]
        let before = try ExternalTool.openssl(
            ["verify", "-crl_check_all", "-CRLfile", workspace.file("server.crl"), "-CRLfile", workspace.file("root-before.crl")]
                + chainArguments + [workspace.file("cal.pem")]
        )
        #expect(before.status == 0, "\(before.output) \(before.error)")

        try workspace.ok("clearinghouse", "revoke-server", "--home", "ch", "--certificate", "ls/server-chain.pem", "--reason", "keyCompromise")
        try workspace.refused("already-revoked", "clearinghouse", "revoke-server", "--home", "ch", "--certificate", "ls/server-chain.pem", "--reason", "keyCompromise")
        try workspace.refused("invalid-argument", "clearinghouse", "revoke-server", "--home", "ch", "--certificate", "ch/root.pem", "--reason", "keyCompromise")
        let rootList = try workspace.json(try workspace.ok("clearinghouse", "crl", "--home", "ch", "--out", "root.crl", "--json"))
        #expect(rootList["entries"] as? Int == 1)
        #expect(rootList["number"] as? Int == 2)
        let after = try ExternalTool.openssl(
            ["verify", "-crl_check_all", "-CRLfile", workspace.file("server.crl"), "-CRLfile", workspace.file("root.crl")]
                + chainArguments + [workspace.file("cal.pem")]
        )
        #expect(after.status != 0)
        #expect((after.output + after.error).contains("certificate revoked"))
        let text = try ExternalTool.openssl(["crl", "-in", workspace.file("root.crl"), "-CAfile", workspace.file("ch/root.pem"), "-noout", "-text"])
        #expect(text.error.contains("verify OK"))
        try workspace.refused(
            "issuer-revoked", "verify", "cal.pem", "--trust", "ch/root.pem", "--chain", "ls/server-chain.pem", "--crl", "server.crl", "--crl", "root.crl"
        )
    }

    @Test("The transfer from the command line: once only, the old CAL revoked for OpenSSL, the grant not replayable")
    func transfer() throws {
        let workspace = try CLIWorkspace.activated(seats: 3)
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "a.pem")
        try workspace.ok("client", "init", "--home", "b", "--device-id", "PC-B")
        try workspace.ok("client", "request", "--home", "b", "--out", "b.csr")
        let grant = try workspace.json(try workspace.ok("clearinghouse", "authorize-transfer", "--home", "ch", "--license", "a.pem", "--out", "grant.der", "--json"))
        #expect((grant["grantID"] as? String)?.count == 35)
        let inspected = try workspace.ok("inspect", "grant.der")
        #expect(inspected.output.hasPrefix("transfer-grant"))
        let verified = try ExternalTool.openssl([
            "cms", "-verify", "-inform", "DER", "-in", workspace.file("grant.der"), "-CAfile", workspace.file("ch/root.pem"), "-out", "/dev/null",
        ])
        #expect(verified.status == 0, "\(verified.error)")
        try workspace.ok("server", "transfer", "--home", "ls", "--grant", "grant.der", "--request", "b.csr", "--out", "b.pem")
        #expect(try workspace.ok("inspect", "b.pem").output.contains("transferred from:"))
        try workspace.refused("grant-already-used", "server", "transfer", "--home", "ls", "--grant", "grant.der", "--request", "b.csr", "--out", "c.pem")
        try workspace.refused("seat-already-transferred", "clearinghouse", "authorize-transfer", "--home", "ch", "--license", "b.pem", "--out", "grant2.der")
        try workspace.refused("seat-already-transferred", "clearinghouse", "authorize-transfer", "--home", "ch", "--license", "a.pem", "--out", "grant3.der")
        #expect(!workspace.exists("c.pem"))
        #expect(!workspace.exists("grant2.der"))

        try workspace.ok("server", "crl", "--home", "ls", "--out", "crl.pem")
        let old = try opensslVerify(workspace, "a.pem", crl: "crl.pem")
        #expect((old.output + old.error).contains("certificate revoked"))
        let new = try opensslVerify(workspace, "b.pem", crl: "crl.pem")
        #expect(new.status == 0, "\(new.error)")
        let status = try workspace.json(try workspace.ok("server", "status", "--home", "ls", "--json"))
        let products = try #require(status["products"] as? [[String: Any]])
        #expect(products.first { $0["licenseType"] as? String == "per-device" }?["issued"] as? Int == 1)
    }

    @Test("server reclaim and server report from the command line, as a table, CSV and JSON")
    func reclaimAndReport() throws {
        let workspace = try CLIWorkspace.activated(seats: 4)
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "cal.pem")
        let reclaimed = try workspace.json(try workspace.ok("server", "reclaim", "--home", "ls", "--json", "--now", "2099-01-01T00:00:00Z"))
        #expect(reclaimed["reclaimed"] as? Int == 1)
        let csv = try workspace.ok("server", "report", "--home", "ls", "--csv", "--now", "2099-01-01T00:00:00Z").output.split(separator: "\n")
        #expect(csv.first == "product,type,purchased,issued,active,temporary,free,reclaimed,users,over-use")
        #expect(csv.contains("Desk,per-device,4,1,0,0,4,1,,"))
        let object = try JSONSerialization.jsonObject(with: Data(try workspace.ok("server", "report", "--home", "ls", "--json").output.utf8))
        let rows = try #require(object as? [[String: Any]])
        #expect(rows.count == 2)
        let table = try workspace.ok("server", "report", "--home", "ls").output
        #expect(table.hasPrefix("product"))
        #expect(try workspace.json(try workspace.ok("server", "policy", "--home", "ls", "--json"))["enforcePerUser"] as? Bool == false)
        // The reclaim above was dated 2099: the home's changes cannot be dated earlier any more.
        try workspace.refused("clock-went-backwards", "server", "policy", "--home", "ls", "--enforce-per-user", "on")
        #expect(
            try workspace.ok("server", "policy", "--home", "ls", "--enforce-per-user", "on", "--now", "2099-01-01T00:01:00Z").output
                == "strict per-user licensing: on\n"
        )
        try workspace.ok("server", "init", "--home", "strict", "--name", "Strict", "--enforce-per-user")
        #expect(try workspace.ok("server", "policy", "--home", "strict").output == "strict per-user licensing: on\n")
        let both = try workspace.run("server", "report", "--home", "ls", "--csv", "--json")
        #expect(both.status != 0)
    }

    @Test("Revoking twice, an unknown serial and past the quota are clear errors")
    func refusals() throws {
        let workspace = try CLIWorkspace.activated(seats: 5)
        var serials: [String] = []
        for index in 1...2 {
            try workspace.ok("client", "init", "--home", "q\(index)", "--device-id", "Q-\(index)")
            try workspace.ok("client", "request", "--home", "q\(index)", "--out", "q\(index).csr")
            try workspace.ok("server", "issue", "--home", "ls", "--request", "q\(index).csr", "--type", "per-device", "--out", "q\(index).pem")
            serials.append(try serial(workspace, "q\(index).pem"))
        }
        try workspace.ok("server", "revoke", "--home", "ls", "--serial", serials[0], "--reason", "superseded")
        try workspace.refused("already-revoked", "server", "revoke", "--home", "ls", "--serial", serials[0], "--reason", "superseded")
        try workspace.refused("unknown-serial", "server", "revoke", "--home", "ls", "--serial", "0abc", "--reason", "superseded")
        try workspace.refused("revocation-quota-exceeded", "server", "revoke", "--home", "ls", "--serial", serials[1], "--reason", "keyCompromise")
        try workspace.refused("invalid-argument", "server", "crl", "--home", "ls", "--out", "x.crl", "--next-update", "0")
        #expect(!workspace.exists("x.crl"))
        let first = try workspace.json(try workspace.ok("server", "crl", "--home", "ls", "--out", "first.crl", "--json"))
        #expect(first["number"] as? Int == 1, "a refused CRL took no number")
        let badReason = try workspace.run("server", "revoke", "--home", "ls", "--serial", serials[1], "--reason", "bored")
        #expect(badReason.status != 0)
        #expect(badReason.error.contains("keyCompromise"))
    }

    @Test("Malformed, truncated and wrong-kind CRLs given to verify are clear errors")
    func badLists() throws {
        let workspace = try CLIWorkspace.activated()
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "cal.pem")
        try workspace.ok("server", "crl", "--home", "ls", "--out", "crl.der", "--der")
        let bytes = try workspace.folder.read("crl.der")
        try workspace.folder.write("truncated.der", Array(bytes.prefix(bytes.count / 2)))
        try workspace.folder.write("empty.der", [])
        let common = ["verify", "cal.pem", "--trust", "ch/root.pem", "--chain", "ls/server-chain.pem", "--crl"]
        for file in ["truncated.der", "empty.der", "c1.csr", "missing.crl"] {
            try workspace.refused(nil, common + [file])
        }
    }

    @Test("server crl --delta: only what was revoked since the complete CRL; OpenSSL -use_deltas -extended_crl and calkit refuse a license the delta alone revokes, pkilint finds nothing in either CRL")
    func deltaCRL() throws {
        let workspace = try CLIWorkspace.activated(seats: 10)
        // A public URL makes complete CRLs and licenses point at BASE/crl/delta (freshest CRL).
        let service = try RunningService(
            ExternalTool.calkitPath, ["server", "serve", "--home", "ls", "--listen", "127.0.0.1:0", "--public-url", "http://127.0.0.1:9"],
            in: workspace.folder.path
        )
        _ = service.stop()
        for client in ["c2", "c3"] {
            try workspace.ok("client", "init", "--home", client, "--device-id", "PC-" + client)
            try workspace.ok("client", "request", "--home", client, "--out", client + ".csr")
        }
        for (request, license) in [("c1.csr", "first.pem"), ("c2.csr", "second.pem"), ("c3.csr", "good.pem")] {
            try workspace.ok("server", "issue", "--home", "ls", "--request", request, "--type", "per-device", "--out", license)
        }
        try workspace.refused("invalid-argument", "server", "crl", "--home", "ls", "--out", "early.crl", "--delta")
        try workspace.ok("server", "revoke", "--home", "ls", "--serial", try serial(workspace, "first.pem"), "--reason", "keyCompromise")
        func summary(_ arguments: String...) throws -> [String: Any] {
            let output = try workspace.ok(["server", "crl", "--home", "ls", "--json"] + arguments).output
            return try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] ?? [:]
        }
        let complete = try summary("--out", "full.pem")
        #expect(complete["delta"] as? Bool == false && complete["freshestCRL"] as? String == "http://127.0.0.1:9/crl/delta", "\(complete)")
        try workspace.ok("server", "revoke", "--home", "ls", "--serial", try serial(workspace, "second.pem"), "--reason", "superseded")
        let delta = try summary("--out", "delta.pem", "--delta")
        #expect(delta["delta"] as? Bool == true && delta["entries"] as? Int == 1, "\(delta)")
        #expect(delta["baseNumber"] as? Int == complete["number"] as? Int && delta["number"] as? Int == (complete["number"] as? Int ?? 0) + 1)

        let text = try ExternalTool.openssl(["crl", "-in", workspace.file("delta.pem"), "-CAfile", workspace.file("ls/server-chain.pem"), "-noout", "-text"])
        #expect(text.error.contains("verify OK") && text.output.contains("X509v3 Delta CRL Indicator: critical"), "\(text.output)")
        let license = try ExternalTool.openssl(["x509", "-in", workspace.file("good.pem"), "-noout", "-text"]).output
        #expect(license.contains("X509v3 Freshest CRL") && license.contains("URI:http://127.0.0.1:9/crl/delta"), "\(license)")

        // -extended_crl: without it OpenSSL takes the newest CRL it is given as the complete one,
        // even a delta CRL (its get_crl_score skips deltas only with extended CRL support).
        func verify(_ file: String, deltas: Bool) throws -> ProcessResult {
            try ExternalTool.openssl(
                ["verify", "-crl_check", "-extended_crl", "-CRLfile", workspace.file("full.pem"), "-CRLfile", workspace.file("delta.pem")]
                    + (deltas ? ["-use_deltas"] : [])
                    + ["-CAfile", workspace.file("ch/root.pem"), "-untrusted", workspace.file("ls/server-chain.pem"), workspace.file(file)]
            )
        }
        for file in ["first.pem", "second.pem"] {
            let refused = try verify(file, deltas: true)
            #expect(refused.status != 0 && (refused.output + refused.error).contains("certificate revoked"), "\(file): \(refused.output) \(refused.error)")
        }
        let withoutDeltas = try verify("second.pem", deltas: false)
        #expect(withoutDeltas.status == 0, "without deltas OpenSSL knows only the complete CRL: \(withoutDeltas.output) \(withoutDeltas.error)")
        #expect(try verify("good.pem", deltas: true).status == 0)

        for file in ["full.pem", "delta.pem"] {
            let lint = try ExternalTool.run(ExternalTool.venvBin + "/lint_crl", ["lint", "-t", "CRL", "-p", "PKIX", "-s", "WARNING", workspace.file(file)])
            #expect(lint.status == 0 && lint.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "pkilint \(file): \(lint.output) \(lint.error)")
        }
        let python = try ExternalTool.python([
            "-c",
            """
            import sys
            from cryptography import x509
            full = x509.load_pem_x509_crl(open(sys.argv[1], "rb").read())
            delta = x509.load_pem_x509_crl(open(sys.argv[2], "rb").read())
            base = delta.extensions.get_extension_for_class(x509.DeltaCRLIndicator).value.crl_number
            number = full.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
            assert base == number, (base, number)
            assert full.extensions.get_extension_for_class(x509.FreshestCRL) is not None
            print(len(full), len(delta))
            """,
            workspace.file("full.pem"), workspace.file("delta.pem"),
        ])
        #expect(python.output.trimmingCharacters(in: .whitespacesAndNewlines) == "1 1", "\(python.output) \(python.error)")

        let common = ["--trust", "ch/root.pem", "--chain", "ls/server-chain.pem"]
        try workspace.refused("revoked", ["verify", "second.pem", "--crl", "full.pem", "--crl", "delta.pem"] + common)
        try workspace.ok(["verify", "good.pem", "--crl", "full.pem", "--crl", "delta.pem", "--require-revocation-check"] + common)
        // A delta CRL alone revokes what it lists, but does not establish a status by itself.
        try workspace.refused("revoked", ["verify", "second.pem", "--crl", "delta.pem"] + common)
        try workspace.refused("revocation-unknown", ["verify", "good.pem", "--crl", "delta.pem", "--require-revocation-check"] + common)
    }
}
