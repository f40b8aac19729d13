import CALTestSupport
import Foundation
import SwiftASN1
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

    @Test("Cutting the newest entries is caught: by the rows they described, and by a signed head kept elsewhere that OpenSSL reads")
    func tailDeletion() throws {
        let workspace = try CLIWorkspace.activated()
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "cal.pem")
        let serial = try workspace.serial(of: "cal.pem")
        try workspace.ok("server", "revoke", "--home", "ls", "--serial", serial, "--reason", "keyCompromise")
        let head = try workspace.ok("server", "audit", "--home", "ls", "--head")
        try workspace.folder.write("head.pem", head.output)
        let clearinghouseHead = try workspace.ok("clearinghouse", "audit", "--home", "ch", "--head")
        try workspace.folder.write("ch-head.pem", clearinghouseHead.output)
        // OpenSSL checks the signature and the chain to the clearinghouse root, and reads the head.
        for (file, chain) in [("head.pem", "ch/root.pem"), ("ch-head.pem", "ch/root.pem")] {
            let checked = try ExternalTool.openssl([
                "cms", "-verify", "-inform", "PEM", "-in", workspace.file(file), "-CAfile", workspace.file(chain), "-purpose", "any",
            ])
            #expect(checked.status == 0, "\(checked.error)")
            #expect(checked.output.hasPrefix("CALKit audit head\nrole: "), "\(checked.output)")
        }
        #expect(try workspace.ok("server", "audit", "--home", "ls", "--verify", "--expect-head", "head.pem").output.contains("signed head at entry 5"))
        try workspace.ok("clearinghouse", "audit", "--home", "ch", "--verify", "--expect-head", "ch-head.pem")

        // The last entry (the revocation) is deleted: the revoked license has no event revoking it.
        try SQLiteEditor.execute("DELETE FROM audit_log WHERE sequence = 5", in: workspace.file("ls/calkit.sqlite"))
        let unmatched = try workspace.refused("audit-chain-broken", "server", "audit", "--home", "ls", "--verify")
        #expect(unmatched.error.contains("license \(serial) is revoked, but no event revoked it"), "\(unmatched.error)")
        // The revocation row is also undone: the log and the rows agree again, but the kept head does not.
        try SQLiteEditor.execute("UPDATE licenses SET revoked_at = NULL, revocation_reason = NULL", in: workspace.file("ls/calkit.sqlite"))
        try workspace.ok("server", "audit", "--home", "ls", "--verify")
        let cut = try workspace.refused("audit-chain-broken", "server", "audit", "--home", "ls", "--verify", "--expect-head", "head.pem")
        #expect(cut.error.contains("no longer holds entry 5"), "\(cut.error)")
        // A head of another role, or an altered one, proves nothing.
        try workspace.refused("bad-signature", "server", "audit", "--home", "ls", "--verify", "--expect-head", "ch-head.pem")
        let document = try PEMDocument(pemString: head.output)
        var bytes = document.derBytes
        let needle = Array("sequence: 5".utf8)
        let at = try #require((0...(bytes.count - needle.count)).first { Array(bytes[$0..<($0 + needle.count)]) == needle })
        bytes[at + needle.count - 1] = UInt8(ascii: "9")
        try workspace.folder.write("bad-head.pem", PEMDocument(type: "CMS", derBytes: bytes).pemString)
        try workspace.refused("bad-signature", "server", "audit", "--home", "ls", "--verify", "--expect-head", "bad-head.pem")

        // A license deleted with its event leaves its seat pointing at nothing.
        try workspace.ok("client", "init", "--home", "c2", "--device-id", "PC-2")
        try workspace.ok("client", "request", "--home", "c2", "--out", "c2.csr")
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c2.csr", "--type", "per-device", "--out", "cal2.pem")
        let second = try workspace.serial(of: "cal2.pem")
        try SQLiteEditor.execute("DELETE FROM audit_log WHERE sequence = (SELECT MAX(sequence) FROM audit_log)", in: workspace.file("ls/calkit.sqlite"))
        try SQLiteEditor.execute("DELETE FROM licenses WHERE serial = '\(second)'", in: workspace.file("ls/calkit.sqlite"))
        let orphan = try workspace.refused("audit-chain-broken", "server", "audit", "--home", "ls", "--verify")
        #expect(orphan.error.contains("a seat is held by license"), "\(orphan.error)")
    }
}
