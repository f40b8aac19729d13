import CALTestSupport
import Foundation
import Testing

@Suite("server restore: a backup brought up to date from the ledger journal")
struct RestoreCommandTests {
    /// Issues a per-device license to a new device; its serial, or nil when refused.
    static func issue(_ workspace: CLIWorkspace, home: String = "ls", device: String) throws -> String? {
        if !workspace.exists(device) {
            try workspace.ok("client", "init", "--home", device, "--device-id", device)
            try workspace.ok("client", "request", "--home", device, "--out", device + ".csr")
        }
        let result = try workspace.run(["server", "issue", "--home", home, "--request", device + ".csr", "--type", "per-device", "--out", "\(home)-\(device).pem", "--json"])
        guard result.status == 0 else { return nil }
        return try workspace.json(result)["serial"] as? String
    }

    @Test("A copied-back backup forgets a revocation and frees taken seats (5 valid CALs on 3 seats); restore keeps the revocation and the seats (3)")
    func restoreNeverUnrevokesOrFreesTwice() throws {
        let workspace = try CLIWorkspace.activated(seats: 3)
        let first = try #require(try Self.issue(workspace, device: "A"))
        try workspace.ok("server", "backup", "--home", "ls", "--out", "backup.sqlite")
        let second = try #require(try Self.issue(workspace, device: "B"))
        try workspace.ok("server", "revoke", "--home", "ls", "--serial", first, "--reason", "keyCompromise")
        let third = try #require(try Self.issue(workspace, device: "C"))

        // The weakness: putting the old file back (as step-ca's users did) un-revokes A and hands B's and C's seats out again.
        try FileManager.default.copyItem(atPath: workspace.file("ls"), toPath: workspace.file("naive"))
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: workspace.file("naive/calkit.sqlite" + suffix)) }
        try FileManager.default.removeItem(atPath: workspace.file("naive/calkit.sqlite"))
        try FileManager.default.copyItem(atPath: workspace.file("backup.sqlite"), toPath: workspace.file("naive/calkit.sqlite"))
        #expect(try Self.issue(workspace, home: "naive", device: "D") != nil && Self.issue(workspace, home: "naive", device: "E") != nil)

        let restored = try workspace.json(try workspace.ok("server", "restore", "--home", "ls", "backup.sqlite", "--json"))
        #expect((restored["transactionsReplayed"] as? Int ?? 0) >= 3, "\(restored)")
        let status = try workspace.json(try workspace.ok("server", "status", "--home", "ls", "--json"))
        let issued = (status["licensesIssued"] as? [String: Any])?["permanentPerDevice"] as? Int
        #expect(issued == 3, "\(status["licensesIssued"] ?? "")")
        try workspace.refused("already-revoked", "server", "revoke", "--home", "ls", "--serial", first, "--reason", "keyCompromise")
        #expect(try Self.issue(workspace, device: "D") != nil, "A's revocation freed one seat")
        #expect(try Self.issue(workspace, device: "E") == nil, "no seat is free twice")
        try workspace.ok("server", "crl", "--home", "ls", "--out", "after.crl")
        let crl = try ExternalTool.openssl(["crl", "-in", workspace.file("after.crl"), "-noout", "-text"])
        #expect(crl.output.uppercased().contains(first.uppercased()))
        #expect(!crl.output.uppercased().contains(second.uppercased()) && !crl.output.uppercased().contains(third.uppercased()))
        #expect(try workspace.ok("server", "audit", "--home", "ls", "--verify").output.contains("matches the ledger"))
    }

    @Test("Restore refuses while serve runs (home-in-use), a clearinghouse backup (wrong-kind), a missing file; a journal line cut short by a crash is skipped")
    func restoreRefusals() throws {
        let workspace = try CLIWorkspace.activated(seats: 3)
        try workspace.ok("server", "backup", "--home", "ls", "--out", "backup.sqlite")
        try workspace.ok("clearinghouse", "backup", "--home", "ch", "--out", "ch.sqlite")
        let service = try RunningService(ExternalTool.calkitPath, ["server", "serve", "--home", "ls", "--listen", "127.0.0.1:0"], in: workspace.folder.path)
        try workspace.refused("home-in-use", "server", "restore", "--home", "ls", "backup.sqlite")
        #expect(service.stop() == 0)
        try workspace.refused("wrong-kind", "server", "restore", "--home", "ls", "ch.sqlite")
        try workspace.refused("file-not-found", "server", "restore", "--home", "ls", "nothing.sqlite")
        _ = try #require(try Self.issue(workspace, device: "A"))
        let journal = try FileHandle(forWritingTo: URL(fileURLWithPath: workspace.file("ls/ledger.journal")))
        try journal.seekToEnd()
        try journal.write(contentsOf: Data("{\"rows\":[{\"t\":\"licenses\",\"r\":99,".utf8))
        try journal.close()
        let restored = try workspace.json(try workspace.ok("server", "restore", "--home", "ls", "backup.sqlite", "--json"))
        #expect((restored["entries"] as? Int ?? 0) > (restored["entriesInBackup"] as? Int ?? 0))
        #expect(try Self.issue(workspace, device: "B") != nil && Self.issue(workspace, device: "C") != nil)
        #expect(try Self.issue(workspace, device: "D") == nil, "A kept its seat through the restore")
    }

    @Test("clearinghouse restore brings back a pack sold after the backup (its reissue still counts), and refuses while the clearinghouse is served")
    func clearinghouseRestore() throws {
        let workspace = try CLIWorkspace.activated(seats: 2)
        try workspace.ok("clearinghouse", "backup", "--home", "ch", "--out", "ch.sqlite")
        let sold = try workspace.json(try workspace.ok(
            "clearinghouse", "issue-pack", "--home", "ch", "--server-certificate", "ls/server-chain.pem", "--type", "per-device",
            "--count", "4", "--product", "Desk", "--agreement", "A-9", "--out", "late.keypack", "--json"
        ))
        let packID = try #require(sold["keyPackID"] as? String)
        let service = try RunningService(ExternalTool.calkitPath, ["clearinghouse", "serve", "--home", "ch", "--listen", "127.0.0.1:0"], in: workspace.folder.path)
        try workspace.refused("home-in-use", "clearinghouse", "restore", "--home", "ch", "ch.sqlite")
        #expect(service.stop() == 0)
        let restored = try workspace.json(try workspace.ok("clearinghouse", "restore", "--home", "ch", "ch.sqlite", "--json"))
        #expect((restored["transactionsReplayed"] as? Int ?? 0) >= 1)
        let ledger = try #require(try workspace.json(try workspace.ok("server", "status", "--home", "ls", "--json"))["ledgerID"] as? String)
        try workspace.ok(
            "clearinghouse", "reissue-pack", "--home", "ch", "--pack-id", packID, "--server-certificate", "ls/server-chain.pem",
            "--ledger-id", ledger, "--out", "again.keypack"
        )
        #expect(try workspace.ok("clearinghouse", "audit", "--home", "ch", "--verify").output.contains("matches the ledger"))
    }
}
