import CALTestSupport
import Foundation
import Testing

/// The operator's clock against the rules: each of these used to free seats, bring a grace
/// period back or serve expired licenses.
@Suite("Time only moves forward in a home")
struct TimeGameTests {
    let iso = ISO8601DateFormatter()

    func seatsInUse(_ workspace: CLIWorkspace) throws -> Int {
        let status = try workspace.json(try workspace.ok("server", "status", "--home", "ls", "--json"))
        let packs = try #require(status["packs"] as? [[String: Any]])
        return packs.compactMap { $0["issued"] as? Int }.reduce(0, +)
    }

    @Test("A revocation dated in the future is refused and frees no seat")
    func futureRevocationDate() throws {
        let workspace = try CLIWorkspace.activated(seats: 2)
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "cal.pem")
        let serial = try workspace.serial(of: "cal.pem")
        let before = try seatsInUse(workspace)
        #expect(before == 1)
        let future = iso.string(from: Date().addingTimeInterval(30 * 86_400))
        try workspace.refused("invalid-argument", "server", "revoke", "--home", "ls", "--serial", serial, "--reason", "keyCompromise", "--at", future)
        #expect(try seatsInUse(workspace) == before)
        // A revocation dated in the past is fine (the machine was lost last week).
        let lastWeek = iso.string(from: Date().addingTimeInterval(-7 * 86_400))
        try workspace.ok("server", "revoke", "--home", "ls", "--serial", serial, "--reason", "keyCompromise", "--at", lastWeek)
    }

    @Test("After a change dated ahead, changes dated earlier are clock-went-backwards: revoke, reclaim and issue gain nothing, the audit log stays ordered")
    func clockTurnedBack() throws {
        let workspace = try CLIWorkspace.activated(seats: 2)
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "cal.pem")
        let serial = try workspace.serial(of: "cal.pem")
        let ahead = iso.string(from: Date().addingTimeInterval(400 * 86_400))
        // Reclaiming in the future frees the seat of the valid CAL there...
        try workspace.ok("server", "reclaim", "--home", "ls", "--now", ahead)
        // ...and nothing can be done at the real time again: the seat cannot be reused for a valid CAL.
        try workspace.ok("client", "init", "--home", "c2", "--device-id", "PC-2")
        try workspace.ok("client", "request", "--home", "c2", "--out", "c2.csr")
        try workspace.refused("clock-went-backwards", "server", "issue", "--home", "ls", "--request", "c2.csr", "--type", "per-device", "--out", "cal2.pem")
        #expect(!workspace.exists("cal2.pem"))
        try workspace.refused("clock-went-backwards", "server", "revoke", "--home", "ls", "--serial", serial, "--reason", "keyCompromise")
        // Within five minutes of the latest change is still accepted (clocks of two machines disagree a little).
        let slightlyBehind = iso.string(from: Date().addingTimeInterval(400 * 86_400 - 120))
        try workspace.ok("server", "revoke", "--home", "ls", "--serial", serial, "--reason", "keyCompromise", "--now", slightlyBehind)
        // The audit log is in time order and whole.
        try workspace.ok("server", "audit", "--home", "ls", "--verify")
        let audit = try workspace.ok("server", "audit", "--home", "ls", "--json")
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(audit.output.utf8)) as? [[String: Any]])
        let times = entries.compactMap { ($0["at"] as? String).flatMap(iso.date(from:)) }
        #expect(times.count == entries.count && !times.isEmpty)
        for (earlier, later) in zip(times, times.dropFirst()) { #expect(later >= earlier.addingTimeInterval(-300)) }
    }

    @Test("serve refuses --now and CALKIT_NOW on a home that keeps real time; a home made with --simulated-clock serves on it")
    func serveOnFrozenClock() throws {
        let workspace = try CLIWorkspace()
        try workspace.ok("server", "init", "--home", "real", "--name", "Real")
        let refused = try workspace.refused("invalid-argument", "server", "serve", "--home", "real", "--listen", "127.0.0.1:0", "--now", "2026-01-01")
        #expect(refused.error.contains("simulated-clock"), "\(refused.error)")
        var frozen = workspace
        frozen.environment["CALKIT_NOW"] = "2026-01-01T00:00:00Z"
        try frozen.refused("invalid-argument", "server", "serve", "--home", "real", "--listen", "127.0.0.1:0")
        try workspace.ok("clearinghouse", "init", "--home", "ch")
        try workspace.refused("invalid-argument", "clearinghouse", "serve", "--home", "ch", "--listen", "127.0.0.1:0", "--now", "2026-01-01")

        try workspace.ok("server", "init", "--home", "sim", "--name", "Simulated", "--simulated-clock")
        let service = try RunningService(
            ExternalTool.calkitPath, ["server", "serve", "--home", "sim", "--listen", "127.0.0.1:0", "--now", "2026-01-01"], in: workspace.folder.path
        )
        #expect(service.stop() == 0)
    }

    @Test("An administrator who marks a real home as simulated still cannot serve it in the past: issuance there is clock-went-backwards")
    func editedManifest() throws {
        let workspace = try CLIWorkspace.activated(seats: 2)
        let manifest = workspace.file("ls/role.json")
        var object = try #require(try JSONSerialization.jsonObject(with: Data(try workspace.folder.read(manifest))) as? [String: Any])
        object["simulatedClock"] = true
        try workspace.folder.write("ls/role.json", Array(try JSONSerialization.data(withJSONObject: object)))
        let past = iso.string(from: Date().addingTimeInterval(-30 * 86_400))
        let service = try RunningService(
            ExternalTool.calkitPath, ["server", "serve", "--home", "ls", "--open-requests", "--listen", "127.0.0.1:0", "--now", past],
            in: workspace.folder.path
        )
        defer { service.stop() }
        let csr = String(decoding: try workspace.folder.read("c1.csr"), as: UTF8.self)
        let body = try workspace.folder.write("body.json", Array(try JSONSerialization.data(withJSONObject: ["csr": csr, "mode": "per-device", "product": "Desk"])))
        let answer = try ExternalTool.run(
            "/usr/bin/curl",
            ["-s", "--max-time", "20", "-w", " %{http_code}", "-H", "Content-Type: application/json", "--data-binary", "@" + body, service.url + "/v1/licenses"]
        )
        #expect(answer.output.hasSuffix(" 503") && answer.output.contains("clock-went-backwards"), "\(answer.output)")
    }

    @Test("A host whose clock is turned back does not get its ended grace period back")
    func hostClockTurnedBack() throws {
        let workspace = try CLIWorkspace()
        try workspace.ok("host", "init", "--home", "h", "--mode", "per-device")
        try workspace.ok("client", "init", "--home", "c1", "--device-id", "PC-1")
        #expect(try workspace.ok("host", "logon", "--home", "h", "--client-home", "c1", "--now", "2026-01-01T08:00:00Z").output == "allowed grace-period\n")
        let over = try workspace.run("host", "logon", "--home", "h", "--client-home", "c1", "--now", "2026-06-01T08:00:00Z")
        #expect(over.output == "denied no-license-server\n", "\(over.output) \(over.error)")
        try workspace.refused("clock-went-backwards", "host", "logon", "--home", "h", "--client-home", "c1", "--now", "2026-02-01T08:00:00Z")
    }

    @Test("A client whose clock is turned back is told so instead of seeing its expired licenses as valid")
    func clientClockTurnedBack() throws {
        let workspace = try CLIWorkspace.activated(seats: 2)
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "cal.pem")
        try workspace.ok("client", "install", "--home", "c1", "cal.pem")
        try workspace.ok("client", "verify", "--home", "c1", "--trust", "ch/root.pem")
        let later = iso.string(from: Date().addingTimeInterval(200 * 86_400))
        try workspace.run("client", "verify", "--home", "c1", "--trust", "ch/root.pem", "--now", later)
        try workspace.refused("clock-went-backwards", "client", "verify", "--home", "c1", "--trust", "ch/root.pem")
        // Asking about another instant explicitly is a question, not the clock.
        try workspace.ok("client", "verify", "--home", "c1", "--trust", "ch/root.pem", "--at", iso.string(from: Date()))
    }
}
