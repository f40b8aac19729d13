import CALTestSupport
import Foundation
import Testing

/// The telephone method through the real binary: groups printed by one side, typed into the
/// other (also at the prompt, group by group), and what is installed checked by OpenSSL and pkilint.
@Suite("calkit: the telephone method")
struct TelephoneCommandTests {
    /// The `groups` a `--json` telephone command printed.
    static func groups(_ workspace: CLIWorkspace, _ result: ProcessResult) throws -> String {
        try #require(try workspace.json(result)["groups"] as? String)
    }

    @Test("Activate, buy a pack and move a seat with only a telephone; OpenSSL verifies the chain, the pack and the new license, pkilint finds nothing")
    func wholeStory() throws {
        let workspace = try CLIWorkspace()
        try workspace.ok("clearinghouse", "init", "--home", "ch", "--name", "Vendor")
        try workspace.ok("server", "init", "--home", "ls", "--name", "Branch")
        let request = try Self.groups(workspace, try workspace.ok("server", "activate", "--home", "ls", "--telephone", "--json"))
        #expect(request.split(separator: " ").count == 18)

        // The operator types the groups at the prompt: the third one wrong first, which is named and asked for again.
        var typed = request.split(separator: " ").map(String.init)
        let wrongThird = String(typed[2].dropLast()) + (typed[2].last == "0" ? "1" : "0")
        let lines = [typed[0] + " " + typed[1], wrongThird] + typed[2...].map { $0 }
        typed = lines
        let prompt = try ExternalTool.run(
            "/bin/bash", ["-c", "printf '%s\\n' \"$@\" | \"\(ExternalTool.calkitPath)\" clearinghouse activate --home ch --telephone --json", "typing"] + typed,
            in: workspace.folder.path, environment: ["CALKIT_TELEPHONE_PROMPT": "1"]
        )
        #expect(prompt.status == 0, "\(prompt.error)")
        #expect(prompt.error.contains("group 3 (\(wrongThird)) does not check: read it again"))
        #expect(prompt.error.contains("group 4 of 18"))
        let response = try Self.groups(workspace, prompt)
        #expect(response.split(separator: " ").count == 29)

        // A server without the vendor's certificates cannot install; with them it is activated.
        let missing = try workspace.run("server", "activate", "--home", "ls", "--telephone-response", response)
        #expect(missing.status == 64 && missing.error.contains("--vendor-certificates"))
        _ = try workspace.folder.write("vendor.pem", String(decoding: try workspace.folder.read("ch/root.pem") + (try workspace.folder.read("ch/signer.pem")), as: UTF8.self))
        try workspace.ok("server", "activate", "--home", "ls", "--telephone-response", response, "--vendor-certificates", "vendor.pem")
        let chain = try ExternalTool.openssl(["verify", "-CAfile", workspace.file("ch/root.pem"), workspace.file("ls/server-chain.pem")])
        #expect(chain.status == 0, "\(chain.output) \(chain.error)")
        let server = try workspace.serverCertificate()
        let lint = try ExternalTool.run(ExternalTool.venvBin + "/lint_pkix_cert", ["lint", "-s", "WARNING", server])
        #expect(lint.status == 0 && lint.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "pkilint: \(lint.output) \(lint.error)")

        // A pack: the server id read out, the order typed by both; the clearinghouse keeps a copy OpenSSL verifies.
        let serverID = try #require(try workspace.json(try workspace.ok("server", "status", "--home", "ls", "--json"))["serverID"] as? String)
        let sale = try workspace.ok(
            "clearinghouse", "issue-pack", "--home", "ch", "--telephone", "--server-id", serverID, "--type", "per-device", "--count", "3",
            "--product", "Desk", "--agreement", "4711", "--out", "pack.der", "--json"
        )
        let pack = try ExternalTool.openssl([
            "cms", "-verify", "-inform", "DER", "-in", workspace.file("pack.der"), "-CAfile", workspace.file("ch/root.pem"), "-out", workspace.file("pack.content"),
        ])
        #expect(pack.status == 0, "\(pack.error)")
        let packGroups = try Self.groups(workspace, sale)
        let order = ["--type", "per-device", "--product", "Desk", "--agreement", "4711"]
        try workspace.refused("bad-pack-signature", ["server", "install-pack", "--home", "ls", "--telephone-response", packGroups, "--count", "30"] + order)
        try workspace.ok(["server", "install-pack", "--home", "ls", "--telephone-response", packGroups, "--count", "3"] + order)

        // A seat moves by telephone, once.
        try workspace.ok("client", "init", "--home", "c1", "--device-id", "PC-1")
        try workspace.ok("client", "request", "--home", "c1", "--out", "c1.csr")
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "c1.pem")
        let serial = try workspace.serial(of: "c1.pem")
        let transfer = try Self.groups(workspace, try workspace.ok("server", "transfer", "--home", "ls", "--telephone-request", "--serial", serial, "--json"))
        let grant = try Self.groups(workspace, try workspace.ok("clearinghouse", "authorize-transfer", "--home", "ch", "--telephone", "--code", transfer, "--json"))
        try workspace.refused("seat-already-transferred", "clearinghouse", "authorize-transfer", "--home", "ch", "--telephone", "--code", transfer)
        try workspace.ok("client", "init", "--home", "c2", "--device-id", "PC-2")
        try workspace.ok("client", "request", "--home", "c2", "--out", "c2.csr")
        try workspace.ok("server", "transfer", "--home", "ls", "--telephone-response", grant, "--serial", serial, "--request", "c2.csr", "--out", "c2.pem")
        let license = try ExternalTool.openssl(["verify", "-CAfile", workspace.file("ch/root.pem"), "-untrusted", server, workspace.file("c2.pem")])
        #expect(license.status == 0, "\(license.output) \(license.error)")
        try workspace.refused("grant-already-used", "server", "transfer", "--home", "ls", "--telephone-response", grant, "--serial", serial, "--request", "c2.csr", "--out", "c3.pem")
    }

    @Test("A mistyped group is named by its number, with no change; --help says which key types go by telephone and in how many groups")
    func mistakesAndHelp() throws {
        let workspace = try CLIWorkspace()
        try workspace.ok("clearinghouse", "init", "--home", "ch", "--name", "Vendor")
        try workspace.ok("server", "init", "--home", "ls", "--name", "Branch")
        var groups = try Self.groups(workspace, try workspace.ok("server", "activate", "--home", "ls", "--telephone", "--json")).split(separator: " ").map(String.init)
        // One character changed: the group's own check always catches that (a reversal, tried
        // before, checks alone once in 32 codes and is then left to the whole-code check).
        let first = groups[6].first ?? "0"
        groups[6] = (first == "X" ? "Y" : "X") + groups[6].dropFirst()
        let refusal = try workspace.refused("telephone-code-invalid", "clearinghouse", "activate", "--home", "ch", "--telephone", "--code", groups.joined(separator: " "))
        #expect(refusal.error.contains("group 7 ("))
        try workspace.refused("telephone-code-invalid", "clearinghouse", "activate", "--home", "ch", "--telephone", "--code", groups.dropLast(3).joined(separator: " "))
        #expect(try workspace.ok("clearinghouse", "audit", "--home", "ch", "--json").output.contains("activat") == false)
        // Without a terminal and without --code, the operator is told how to give the groups.
        let noTerminal = try workspace.run("clearinghouse", "activate", "--home", "ch", "--telephone")
        #expect(noTerminal.status == 64 && noTerminal.error.contains("--code"))
        let help = try workspace.ok("server", "activate", "--help").output
        #expect(help.contains("p256 18") && help.contains("ed25519 18") && help.contains("p384 23"))
        #expect(help.contains("rsa3072 is too long"))
    }
}
