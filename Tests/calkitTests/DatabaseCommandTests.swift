import CALStore
import CALTestSupport
import Foundation
import Testing

/// Every role's ledger in PostgreSQL, from the command line: `--database` and `CALKIT_DATABASE_URL`.
@Suite("calkit with its ledgers in PostgreSQL: --database, CALKIT_DATABASE_URL, and what is refused")
struct DatabaseCommandTests {
    /// A URL of the test cluster with a schema of its own.
    func url(_ purpose: String) throws -> String { try TestPostgres.freshLocation(purpose).description }

    @Test("Clearinghouse, license server and host on PostgreSQL: activation, a pack, a logon, and whole audit chains")
    func everyRole() throws {
        var workspace = try CLIWorkspace()
        try workspace.ok("clearinghouse", "init", "--home", "ch", "--database", try url("ch"))
        workspace.environment["CALKIT_DATABASE_URL"] = try url("ls")
        let created = try workspace.json(try workspace.ok("server", "init", "--home", "ls", "--name", "HQ", "--json"))
        #expect((created["database"] as? String)?.contains("schema=ls_") == true)
        workspace.environment["CALKIT_DATABASE_URL"] = nil
        try workspace.ok("clearinghouse", "activate", "--home", "ch", "--request", "ls/activation-request.pem", "--out", "chain.pem")
        try workspace.ok("server", "install-certificate", "--home", "ls", "chain.pem")
        try workspace.ok(
            "clearinghouse", "issue-pack", "--home", "ch", "--server-certificate", "ls/server-chain.pem", "--type", "per-device", "--count", "2",
            "--product", "Desk", "--agreement", "A-1", "--out", "device.keypack"
        )
        try workspace.ok("server", "install-pack", "--home", "ls", "device.keypack")
        try workspace.ok("host", "init", "--home", "h", "--mode", "per-device", "--license-server-home", "ls", "--database", try url("host"))
        try workspace.ok("client", "init", "--home", "c1", "--device-id", "PC-1")
        let logon = try workspace.json(try workspace.ok("host", "logon", "--home", "h", "--client-home", "c1", "--json"))
        #expect(logon["decision"] as? String == "allowed" && logon["detail"] as? String == "temporary", "\(logon)")
        try workspace.ok("host", "status", "--home", "h")
        try workspace.ok("server", "audit", "--home", "ls", "--verify")
        try workspace.ok("clearinghouse", "audit", "--home", "ch", "--verify")
        for home in ["ch", "ls", "h"] {
            #expect(!(try String(contentsOfFile: workspace.file(home + "/role.json"), encoding: .utf8)).contains("password"))
            #expect(!workspace.exists(home + "/calkit.sqlite"), "\(home) wrote a SQLite ledger beside its PostgreSQL one")
        }
        let backup = try workspace.refused("invalid-argument", "server", "backup", "--home", "ls", "--out", "ls.backup")
        #expect(backup.error.contains("pg_dump"))
    }

    @Test("A URL with a password, a schema another server holds, a home pointed at another's ledger, and nodes of a SQLite server are refused")
    func refusals() throws {
        let workspace = try CLIWorkspace()
        let schema = try url("taken")
        let withPassword = schema.replacingOccurrences(of: "postgresql://calkit@", with: "postgresql://calkit:secret@")
        let refused = try workspace.refused("invalid-argument", "server", "init", "--home", "a", "--name", "A", "--database", withPassword)
        #expect(refused.error.contains("PGPASSWORD") && !refused.error.contains("secret"))
        #expect(!workspace.exists("a/role.json"))
        try workspace.refused("invalid-argument", "server", "init", "--home", "a", "--name", "A", "--database", "postgresql://calkit@127.0.0.1:1/calkit?color=blue")
        try workspace.ok("server", "init", "--home", "first", "--name", "First", "--database", schema)
        let taken = try workspace.refused("invalid-argument", "server", "init", "--home", "second", "--name", "Second", "--database", schema)
        #expect(taken.error.contains("holds the ledger of license server"))
        // A home edited to name another server's ledger does not open.
        try workspace.ok("server", "init", "--home", "other", "--name", "Other", "--database", try url("other"))
        let manifest = try String(contentsOfFile: workspace.file("other/role.json"), encoding: .utf8)
        let pointed = manifest.replacingOccurrences(of: #""database" : "[^"]*""#, with: "\"database\" : \"\(schema)\"", options: .regularExpression)
        try pointed.write(toFile: workspace.file("other/role.json"), atomically: true, encoding: .utf8)
        #expect(try workspace.refused("invalid-argument", "server", "status", "--home", "other").error.contains("belongs to license server"))
        // Nothing listens on port 1: a clear storage error, quickly.
        let unreachable = try workspace.refused("storage", "server", "init", "--home", "b", "--name", "B", "--database", "postgresql://calkit@127.0.0.1:1/calkit")
        #expect(unreachable.error.contains("cannot reach the database"))
        let sqlite = try CLIWorkspace.activated()
        try sqlite.refused("invalid-argument", "server", "add-node", "--home", "n2", "--of", "ls")
    }
}
