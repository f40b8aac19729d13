import CALTestSupport
import Foundation
import Testing

@Suite("calkit server audit and clearinghouse audit")
struct AuditCommandTests {
    @Test("Both logs list every change; --verify proves them whole, then names the row edited in the SQLite file")
    func auditAndVerify() throws {
        let workspace = try CLIWorkspace.activated()
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "cal.pem")
        let serial = try workspace.serial(of: "cal.pem")
        try workspace.ok("server", "revoke", "--home", "ls", "--serial", serial, "--reason", "keyCompromise")

        let server = try workspace.ok("server", "audit", "--home", "ls", "--json")
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(server.output.utf8)) as? [[String: Any]])
        #expect(entries.compactMap { $0["event"] as? String } == ["certificate-installed", "pack-installed", "pack-installed", "license-issued", "license-revoked"])
        #expect(entries.last?["subject"] as? String == serial)
        let clearinghouse = try workspace.ok("clearinghouse", "audit", "--home", "ch")
        #expect(clearinghouse.output.contains("server-activated") && clearinghouse.output.contains("pack-sold"))

        let verified = try workspace.json(try workspace.ok("server", "audit", "--home", "ls", "--verify", "--json"))
        #expect(verified["verified"] as? Bool == true && verified["entries"] as? Int == 5)
        try workspace.ok("clearinghouse", "audit", "--home", "ch", "--verify")

        // Someone with the file rewrites history: the revocation's reason.
        try SQLiteEditor.execute("UPDATE audit_log SET detail = 'reason 0' WHERE event = 'license-revoked'", in: workspace.file("ls/calkit.sqlite"))
        let broken = try workspace.refused("audit-chain-broken", "server", "audit", "--home", "ls", "--verify")
        #expect(broken.error.contains("entry 5"))
        try SQLiteEditor.execute("DELETE FROM audit_log WHERE sequence = 2", in: workspace.file("ch/calkit.sqlite"))
        try workspace.refused("audit-chain-broken", "clearinghouse", "audit", "--home", "ch", "--verify")
    }
}
