import CALTestSupport
import Foundation
import Testing

/// The web method from clients other than a browser (curl), and the operator's CLI for what
/// customers asked for on the pages.
@Suite("calkit: key pack codes and transfer applications")
struct WebMethodCommandTests {
    @Test("A transfer applied for with curl's multipart form is listed by the operator's CLI, refused with a reason, and not approvable afterwards; forms without their token are refused")
    func transferApplications() throws {
        let workspace = try CLIWorkspace.activated()
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "c1.pem")
        let service = try RunningService(ExternalTool.calkitPath, ["clearinghouse", "serve", "--home", "ch", "--listen", "127.0.0.1:0"], in: workspace.folder.path)
        defer { service.stop() }
        let base = "http://127.0.0.1:\(service.port)"
        let jar = workspace.file("cookies")
        let page = try ExternalTool.run("/usr/bin/curl", ["-s", "-c", jar, base + "/transfer"])
        let token = try #require(page.output.range(of: "name=\"calkit_form\" value=\"").map { String(page.output[$0.upperBound...].prefix(64)) })
        // Without the cookie, or without the token: 403, nothing recorded.
        let forged = try ExternalTool.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-F", "calkit_form=\(token)", "-F", "licenseFile=@c1.pem", base + "/transfer"], in: workspace.folder.path)
        #expect(forged.output == "403")
        let noToken = try ExternalTool.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-b", jar, "-F", "licenseFile=@c1.pem", base + "/transfer"], in: workspace.folder.path)
        #expect(noToken.output == "403")
        #expect(try workspace.ok("clearinghouse", "transfer-applications", "--home", "ch").output.contains("No transfer applications."))
        // The real form, twice: one application.
        for _ in 0..<2 {
            let sent = try ExternalTool.run(
                "/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", "-b", jar, "-F", "calkit_form=\(token)", "-F", "licenseFile=@c1.pem", base + "/transfer"],
                in: workspace.folder.path
            )
            #expect(sent.output.hasPrefix("303 \(base)/transfers/"), "\(sent.output)")
        }
        let listed = try JSONSerialization.jsonObject(with: Data(try workspace.ok("clearinghouse", "transfer-applications", "--home", "ch", "--json").output.utf8))
        let applications = try #require(listed as? [[String: Any]])
        #expect(applications.count == 1 && applications[0]["status"] as? String == "pending")
        let id = try #require(applications[0]["id"] as? String)
        let refused = try workspace.json(try workspace.ok("clearinghouse", "transfer-applications", "--home", "ch", "--refuse", id, "--reason", "device not reported lost", "--json"))
        #expect(refused["status"] as? String == "refused" && refused["refusal"] as? String == "device not reported lost")
        let after = try workspace.json(try workspace.ok("clearinghouse", "transfer-applications", "--home", "ch", "--approve", id, "--json"))
        #expect(after["status"] as? String == "refused")
        let status = try ExternalTool.run("/usr/bin/curl", ["-s", base + "/transfers/\(id)"])
        #expect(status.output.contains("Refused") && status.output.contains("device not reported lost"))
        let usage = try workspace.run("clearinghouse", "transfer-applications", "--home", "ch", "--refuse", id)
        #expect(usage.status == 64)
    }

    @Test("pack-code prints a one-time code for one order; an order the vendor did not sell is refused with its reason")
    func packCode() throws {
        let workspace = try CLIWorkspace.activated()
        let issued = try workspace.json(try workspace.ok(
            "clearinghouse", "pack-code", "--home", "ch", "--agreement", "4711", "--type", "per-user", "--product", "Desk", "--count", "25", "--json"
        ))
        #expect((issued["packCode"] as? String)?.count == 29 && issued["count"] as? String == "25")
        try workspace.refused("invalid-argument", "clearinghouse", "pack-code", "--home", "ch", "--agreement", "4711", "--type", "per-user", "--product", "Desk", "--count", "0")
        try workspace.refused("invalid-argument", "clearinghouse", "pack-code", "--home", "ch", "--agreement", "4711", "--type", "per-user", "--product", "Desk", "--count", "5", "--valid-days", "365")
    }
}
