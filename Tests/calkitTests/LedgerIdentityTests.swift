import CALTestSupport
import Foundation
import Testing

@Suite("A lost or copied ledger does not get its packs back without the clearinghouse")
struct LedgerIdentityTests {
    /// Serial-free helper: how many per-device licenses `server issue` grants from `home` for new devices.
    static func issuable(_ workspace: CLIWorkspace, home: String, devices: Range<Int>) throws -> Int {
        var issued = 0
        for index in devices {
            try workspace.ok("client", "init", "--home", "\(home)-d\(index)", "--device-id", "\(home.uppercased())-\(index)")
            try workspace.ok("client", "request", "--home", "\(home)-d\(index)", "--out", "\(home)-d\(index).csr")
            let result = try workspace.run(["server", "issue", "--home", home, "--request", "\(home)-d\(index).csr", "--type", "per-device", "--out", "\(home)-\(index).pem"])
            if result.status == 0 { issued += 1 }
        }
        return issued
    }

    @Test("rm calkit.sqlite*, or cp -a the home and drop the copy's database: the old pack is refused (pack-predates-ledger), so a 2-seat pack stays 2 CALs")
    func rebuiltLedgerRefusesOldPacks() throws {
        let workspace = try CLIWorkspace.activated(seats: 2)
        #expect(try Self.issuable(workspace, home: "ls", devices: 0..<3) == 2)
        try FileManager.default.copyItem(atPath: workspace.file("ls"), toPath: workspace.file("copy"))
        for home in ["ls", "copy"] {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: workspace.file("\(home)/calkit.sqlite\(suffix)")) }
        }
        Thread.sleep(forTimeInterval: 1.1)
        for home in ["ls", "copy"] {
            try workspace.refused("pack-predates-ledger", "server", "install-pack", "--home", home, "device.keypack")
            #expect(try Self.issuable(workspace, home: home, devices: 10..<11) == 0, "\(home) issued a permanent CAL without a pack")
        }
    }

    @Test("The clearinghouse reissues a pack for one ledger: it installs there, not in a copy, not twice, and at most twice per pack; the audit log agrees")
    func reissueIsBoundAndLimited() throws {
        let workspace = try CLIWorkspace.activated(seats: 2)
        let packID = try #require(try workspace.json(try workspace.ok("inspect", "device.keypack", "--json"))["keyPackId"] as? String)
        try FileManager.default.copyItem(atPath: workspace.file("ls"), toPath: workspace.file("copy"))
        for home in ["ls", "copy"] {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: workspace.file("\(home)/calkit.sqlite\(suffix)")) }
        }
        Thread.sleep(forTimeInterval: 1.1)
        let ledger = try #require(try workspace.json(try workspace.ok("server", "status", "--home", "ls", "--json"))["ledgerID"] as? String)
        let copyLedger = try #require(try workspace.json(try workspace.ok("server", "status", "--home", "copy", "--json"))["ledgerID"] as? String)
        #expect(ledger != copyLedger)
        try workspace.ok(
            "clearinghouse", "reissue-pack", "--home", "ch", "--pack-id", packID, "--server-certificate", "ls/server-chain.pem",
            "--ledger-id", ledger, "--out", "reissued.keypack"
        )
        try workspace.ok("server", "install-pack", "--home", "ls", "reissued.keypack")
        try workspace.refused("pack-already-installed", "server", "install-pack", "--home", "ls", "reissued.keypack")
        try workspace.refused("pack-not-for-this-server", "server", "install-pack", "--home", "copy", "reissued.keypack")
        #expect(try Self.issuable(workspace, home: "ls", devices: 0..<3) == 2)
        #expect(try Self.issuable(workspace, home: "copy", devices: 0..<1) == 0)

        try workspace.ok(
            "clearinghouse", "reissue-pack", "--home", "ch", "--pack-id", packID, "--server-certificate", "ls/server-chain.pem",
            "--ledger-id", copyLedger, "--out", "second.keypack"
        )
        try workspace.refused(
            "pack-reissue-limit-reached", "clearinghouse", "reissue-pack", "--home", "ch", "--pack-id", packID, "--server-certificate",
            "ls/server-chain.pem", "--ledger-id", ledger, "--out", "third.keypack"
        )
        #expect(!FileManager.default.fileExists(atPath: workspace.file("third.keypack")))
        try workspace.refused(
            "unknown-serial", "clearinghouse", "reissue-pack", "--home", "ch", "--pack-id", "NOSUCHPACKNOSUCHPACKNOSUCHPACK12345",
            "--server-certificate", "ls/server-chain.pem", "--ledger-id", ledger, "--out", "none.keypack"
        )
        let audit = try workspace.ok("clearinghouse", "audit", "--home", "ch", "--verify")
        #expect(audit.output.contains("matches the ledger"), "\(audit.output)")
    }
}
