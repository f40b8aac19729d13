import CALTestSupport
import Foundation
import Testing

@Suite("Who may issue, from the command line: hosts without a server, --server-id, --key-pack, a corrupted store")
struct TrustCommandTests {
    @Test("host init needs no license server; the grace period admits; set-license-server binds one later")
    func hostWithoutServer() throws {
        let workspace = try CLIWorkspace.activated(seats: 1)
        let created = try workspace.ok("host", "init", "--home", "h", "--mode", "per-device", "--product", "Desk")
        #expect(created.output.contains("no license server"))
        let status = try workspace.json(try workspace.ok("host", "status", "--home", "h", "--json"))
        #expect(status["licenseServer"] as? String == "")
        #expect(try workspace.ok("host", "logon", "--home", "h", "--client-home", "c1", "--now", "2027-01-01T08:00:00Z").output == "allowed grace-period\n")
        let bound = try workspace.ok("host", "set-license-server", "--home", "h", "--license-server-home", "ls")
        #expect(bound.output.hasPrefix("Bound to license server "))
        #expect(try workspace.ok("host", "logon", "--home", "h", "--client-home", "c1", "--now", "2027-01-02T08:00:00Z").output == "allowed temporary\n")
        let after = try workspace.json(try workspace.ok("host", "status", "--home", "h", "--json"))
        #expect((after["licenseServerIDs"] as? [String])?.count == 1)
        // No trust from the network over plain http.
        let untrusted = try workspace.run("host", "init", "--home", "h2", "--mode", "per-device", "--license-server", "http://127.0.0.1:9")
        #expect(untrusted.status != 0)
        #expect(untrusted.error.contains("--trust"))
        #expect(!workspace.exists("h2"))
    }

    @Test("verify --server-id accepts one server's licenses alone; --key-pack refuses a CAL no signed pack backs")
    func serverIDAndKeyPacks() throws {
        let workspace = try CLIWorkspace.activated(seats: 1)
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "c1.pem")
        let status = try workspace.json(try workspace.ok("server", "status", "--home", "ls", "--json"))
        let serverID = try #require(status["serverID"] as? String)
        try workspace.ok("verify", "c1.pem", "--trust", "ch/root.pem", "--server-id", serverID, "--key-pack", "device.keypack")
        try workspace.refused("untrusted-license-server", "verify", "c1.pem", "--trust", "ch/root.pem", "--server-id", "SOME-OTHER-SERVER")
        try workspace.refused("unbacked-license", "verify", "c1.pem", "--trust", "ch/root.pem", "--key-pack", "user.keypack")

        // A pack row the clearinghouse never signed: the CAL it mints is unbacked.
        let database = workspace.file("ls/calkit.sqlite")
        try SQLiteEditor.execute(
            """
            INSERT INTO packs (pack_id, license_type, product, product_version, count, agreement_number, installed_at, signed_bytes)
            VALUES ('FAKE-PACK', 'per-device', 'Desk', '1.0', 9, 'NONE', 0, x'00')
            """,
            in: database
        )
        try SQLiteEditor.execute("INSERT INTO seats (pack_id, seat) VALUES ('FAKE-PACK', 1)", in: database)
        try workspace.ok("client", "init", "--home", "c2", "--device-id", "PC-2")
        try workspace.ok("client", "request", "--home", "c2", "--out", "c2.csr")
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c2.csr", "--type", "per-device", "--out", "c2.pem")
        try workspace.refused("unbacked-license", "verify", "c2.pem", "--trust", "ch/root.pem", "--key-pack", "device.keypack")
        // A pack file that is not signed under the root is an error, not a silent pass.
        _ = try workspace.folder.write("garbage.keypack", "not a pack")
        try workspace.refused(nil, ["verify", "c1.pem", "--trust", "ch/root.pem", "--key-pack", "garbage.keypack"])
    }

    @Test("A value of the wrong type in the store is error: storage, exit 1, never a crash", arguments: [
        "UPDATE audit_log SET at = 'yesterday' WHERE sequence = 1",
        "UPDATE audit_log SET event = x'ff' WHERE sequence = 1",
        "UPDATE licenses SET not_after = 'soon'",
        "UPDATE licenses SET seat = 'front row'",
        "UPDATE packs SET count = 'many'",
    ])
    func corruptedStore(sql: String) throws {
        let workspace = try CLIWorkspace.activated(seats: 2)
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "c1.pem")
        try SQLiteEditor.execute(sql, in: workspace.file("ls/calkit.sqlite"))
        for command in [
            ["server", "audit", "--home", "ls", "--verify"], ["server", "status", "--home", "ls"], ["server", "report", "--home", "ls"],
            ["server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "again.pem"],
        ] {
            let result = try workspace.run(command)
            #expect(!result.crashed)
            if result.status != 0 {
                #expect(result.status == 1)
                #expect(result.error.hasPrefix("error: "), "\(command): \(result.error)")
            }
        }
        let audit = try workspace.run("server", "audit", "--home", "ls", "--verify")
        if sql.contains("audit_log") {
            #expect(audit.status == 1)
            #expect(audit.error.hasPrefix("error: storage: "), "\(audit.error)")
        }
    }
}
