import CALTestSupport
import Foundation
import Testing

@Suite("The session host from the command line, walked through time with --now")
struct HostCommandTests {
    @Test("host init, logon and status: temporary, then licensed, then grace ended; an unreachable server during grace")
    func flow() throws {
        let workspace = try CLIWorkspace.activated(seats: 1)
        let day0 = "2027-01-01T08:00:00Z"
        try workspace.ok("host", "init", "--home", "h", "--mode", "per-device", "--license-server-home", "ls", "--product", "Desk")
        let before = try workspace.json(try workspace.ok("host", "status", "--home", "h", "--json", "--now", day0))
        #expect(before["graceDaysLeft"] as? Int == 120)
        #expect(try workspace.ok("host", "logon", "--home", "h", "--client-home", "c1", "--now", day0).output == "allowed temporary\n")
        let licensed = try workspace.json(
            try workspace.ok("host", "logon", "--home", "h", "--client-home", "c1", "--json", "--now", "2027-01-02T08:00:00Z")
        )
        #expect(licensed["decision"] as? String == "allowed")
        #expect(licensed["detail"] as? String == "licensed")
        let status = try workspace.json(try workspace.ok("host", "status", "--home", "h", "--json", "--now", "2027-01-02T09:00:00Z"))
        #expect(status["graceEndedBecause"] as? String != nil)
        let decisions = try #require(status["decisions"] as? [String: Int])
        #expect(decisions["allowed temporary"] == 1)
        #expect(decisions["allowed licensed"] == 1)

        // A second client, no seat left: temporary, then denied once the temporary has expired (grace is over).
        try workspace.ok("client", "init", "--home", "c2", "--device-id", "PC-2")
        #expect(try workspace.ok("host", "logon", "--home", "h", "--client-home", "c2", "--now", "2027-01-03T08:00:00Z").output == "allowed temporary\n")
        // The first client logs on every third day, so its CAL is renewed in its last week and keeps the seat.
        let formatter = ISO8601DateFormatter()
        let january2 = try #require(formatter.date(from: "2027-01-02T08:00:00Z"))
        for day in stride(from: 3, through: 93, by: 3) {
            let now = formatter.string(from: january2.addingTimeInterval(Double(day) * 86_400))
            #expect(try workspace.ok("host", "logon", "--home", "h", "--client-home", "c1", "--now", now).output == "allowed licensed\n")
        }
        let denied = try workspace.run("host", "logon", "--home", "h", "--client-home", "c2", "--now", "2027-04-05T08:00:00Z")
        #expect(denied.status == 1)
        #expect(denied.output == "denied no-license-available\n")

        // A fresh host whose license server cannot be reached admits in its grace period.
        try workspace.ok("host", "init", "--home", "h2", "--mode", "per-device", "--license-server-home", "ls")
        try FileManager.default.moveItem(atPath: workspace.file("ls"), toPath: workspace.file("ls-away"))
        try workspace.ok("client", "init", "--home", "c3", "--device-id", "PC-3")
        #expect(try workspace.ok("host", "logon", "--home", "h2", "--client-home", "c3", "--now", day0).output == "allowed grace-period\n")
        try workspace.ok("host", "set-mode", "--home", "h2", "per-user")
        try workspace.refused("invalid-argument", "host", "logon", "--home", "h2", "--client-home", "c3", "--now", day0)
    }
}
