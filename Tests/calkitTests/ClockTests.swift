import CALTestSupport
import Foundation
import Testing

@Suite("Every command runs on --now or CALKIT_NOW, so a deployment can be walked through time")
struct ClockTests {
    @Test("A deployment set up and used in 2031 through --now: issuance, revocation, CRL and verification follow that clock")
    func walkThroughTime() throws {
        let workspace = try CLIWorkspace()
        let start = "2031-03-01T09:00:00Z"
        try workspace.ok("clearinghouse", "init", "--home", "ch", "--now", start)
        try workspace.ok("server", "init", "--home", "ls", "--name", "S", "--now", start)
        try workspace.ok("clearinghouse", "activate", "--home", "ch", "--request", "ls/activation-request.pem", "--out", "chain.pem", "--now", start)
        try workspace.ok("server", "install-certificate", "--home", "ls", "chain.pem", "--now", start)
        try workspace.ok(
            "clearinghouse", "issue-pack", "--home", "ch", "--server-certificate", "chain.pem", "--type", "per-device", "--count", "2",
            "--product", "P", "--agreement", "A", "--out", "p.keypack", "--now", start
        )
        try workspace.ok("server", "install-pack", "--home", "ls", "p.keypack", "--now", start)
        try workspace.ok("client", "init", "--home", "c", "--device-id", "PC-1", "--now", start)
        try workspace.ok("client", "request", "--home", "c", "--out", "c.csr", "--now", start)
        let issued = try workspace.json(
            try workspace.ok("server", "issue", "--home", "ls", "--request", "c.csr", "--type", "per-device", "--temporary", "--product", "P",
                             "--out", "cal.pem", "--json", "--now", start)
        )
        #expect(issued["notBefore"] as? String == start)
        #expect(issued["notAfter"] as? String == "2031-05-30T09:00:00Z")

        let common = ["--trust", "ch/root.pem", "--chain", "ls/server-chain.pem"]
        // By the wall clock (2026 here) the license is not valid yet; at the simulated time it is.
        try workspace.refused("not-yet-valid", ["verify", "cal.pem"] + common)
        try workspace.ok(["verify", "cal.pem", "--now", "2031-04-01T00:00:00Z"] + common)
        try workspace.refused("expired", ["verify", "cal.pem", "--now", "2031-06-01T00:00:00Z"] + common)
        #expect(try workspace.ok("inspect", "cal.pem", "--now", "2031-04-01T00:00:00Z").output.contains("validity now:      valid"))

        // The same through the environment.
        let environment = try ExternalTool.run(
            ExternalTool.calkitPath, ["verify", "cal.pem"] + common, in: workspace.folder.path, environment: ["CALKIT_NOW": "2031-04-01T00:00:00Z"]
        )
        #expect(environment.status == 0, "\(environment.error)")
        let broken = try ExternalTool.run(
            ExternalTool.calkitPath, ["server", "status", "--home", "ls"], in: workspace.folder.path, environment: ["CALKIT_NOW": "soon"]
        )
        #expect(broken.status == 1)
        #expect(broken.error.hasPrefix("error: invalid-argument"))

        // A CRL issued in the simulated future carries that time.
        let list = try workspace.json(try workspace.ok("server", "crl", "--home", "ls", "--out", "crl.pem", "--json", "--now", "2031-04-02T00:00:00Z"))
        #expect(list["thisUpdate"] as? String == "2031-04-02T00:00:00Z")
        try workspace.ok(["verify", "cal.pem", "--crl", "crl.pem", "--now", "2031-04-02T12:00:00Z"] + common)
        try workspace.refused("stale-crl", ["verify", "cal.pem", "--crl", "crl.pem", "--now", "2031-04-05T00:00:00Z"] + common)
    }
}
