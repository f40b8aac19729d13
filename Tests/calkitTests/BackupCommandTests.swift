import CALTestSupport
import Foundation
import Testing

@Suite("Backups: a consistent online copy of a ledger")
struct BackupCommandTests {
    @Test("server backup while serve is issuing: a whole, private copy; the service keeps answering; an existing file is never overwritten")
    func onlineBackup() throws {
        let workspace = try CLIWorkspace.activated(seats: 40)
        let service = try RunningService(
            ExternalTool.calkitPath, ["server", "serve", "--home", "ls", "--open-requests", "--listen", "127.0.0.1:0"], in: workspace.folder.path
        )
        defer { service.stop() }
        let bodies = try (0..<30).map { index -> String in
            try workspace.ok("client", "init", "--home", "d\(index)", "--device-id", "DEV-\(index)")
            try workspace.ok("client", "request", "--home", "d\(index)", "--out", "d\(index).csr")
            let csr = String(decoding: try workspace.folder.read("d\(index).csr"), as: UTF8.self)
            let body = try JSONSerialization.data(withJSONObject: ["csr": csr, "mode": "per-device", "product": "Desk"])
            return try workspace.folder.write("d\(index).json", Array(body))
        }
        let answers = Answers()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            DispatchQueue.concurrentPerform(iterations: bodies.count) { index in
                let answer = try? ExternalTool.run(
                    "/usr/bin/curl",
                    ["-s", "--max-time", "20", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Content-Type: application/json", "--data-binary",
                     "@" + bodies[index], service.url + "/v1/licenses"]
                )
                answers.append(answer?.output ?? "failed")
            }
        }
        let backup = try workspace.json(try workspace.ok("server", "backup", "--home", "ls", "--out", "ls-backup.sqlite", "--json"))
        group.wait()
        #expect(answers.codes.count == 30 && answers.codes.allSatisfy { $0 == "200" }, "\(answers.codes)")
        let mode = try FileManager.default.attributesOfItem(atPath: workspace.file("ls-backup.sqlite"))[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        let entries = try #require(backup["entries"] as? Int)
        // The copy is one snapshot: SQLite's own check passes, and its licenses match its audit log.
        let check = try ExternalTool.run(
            "/usr/bin/python3",
            ["-c", """
                import sqlite3, sys
                db = sqlite3.connect(sys.argv[1])
                print(db.execute("PRAGMA integrity_check").fetchone()[0])
                audit = db.execute("SELECT COUNT(*) FROM audit_log WHERE event = 'license-issued'").fetchone()[0]
                licenses = db.execute("SELECT COUNT(*) FROM licenses").fetchone()[0]
                print(audit == licenses, db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0])
                """, workspace.file("ls-backup.sqlite")]
        )
        #expect(check.output == "ok\nTrue \(entries)\n", "\(check.output) \(check.error)")
        try workspace.refused("file-access", "server", "backup", "--home", "ls", "--out", "ls-backup.sqlite")
        try workspace.refused("file-access", "server", "backup", "--home", "ls", "--out", "missing/ls-backup.sqlite")

        let clearinghouse = try workspace.ok("clearinghouse", "backup", "--home", "ch", "--out", "ch-backup.sqlite")
        #expect(clearinghouse.output.hasPrefix("Backed up the ledger to ch-backup.sqlite: "), "\(clearinghouse.output)")
    }
}
