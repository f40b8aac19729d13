import CALCore
import CALTestSupport
import Foundation
import Testing
import X509

@Suite("POST /v1/licenses: the logon flow over HTTP, under concurrent load")
struct ServeLicenseTests {
    /// Writes a license-request body for a device's key (new unless given) and returns its path.
    func body(
        _ workspace: CLIWorkspace, device: String, key: Certificate.PrivateKey? = nil, presenting license: String? = nil
    ) throws -> String {
        let csr = try ClientLicenseRequest.make(for: .device(device), key: try key ?? KeyType.p256.generate())
        var object: [String: String] = ["csr": try csr.serializeAsPEM().pemString, "mode": "per-device", "product": "Desk"]
        if let license { object["presented"] = license }
        return try workspace.folder.write("\(device)\(license == nil ? "" : "-presenting").json", Array(try JSONSerialization.data(withJSONObject: object)))
    }

    /// An HTTP answer: status and JSON body.
    struct Answer: Sendable {
        let status: Int
        let body: String
        var object: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]) ?? [:] }
    }

    func post(_ service: RunningService, _ file: String) throws -> Answer {
        let result = try ExternalTool.run(
            "/usr/bin/curl",
            ["-s", "--max-time", "60", "-w", "\n%{http_code}", "-X", "POST", "-H", "Content-Type: application/json", "--data-binary", "@" + file,
             service.url + "/v1/licenses"]
        )
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
        let status = Int(lines.last ?? "") ?? 0
        return Answer(status: status, body: lines.dropLast().joined(separator: "\n"))
    }

    @Test("64 concurrent requests for a pack of 50: exactly 50 permanent CALs, 14 refused with 409, no serial twice, the store consistent")
    func concurrentRequests() async throws {
        let workspace = try CLIWorkspace.activated(seats: 50, simulatedClock: true)
        // Each device's first request gets its one 90-day temporary license, which takes no seat.
        // One test client plays 64 devices from one address: the per-address limit is raised for it.
        let unlimited = ["--rate-limit", "100000/s"]
        let first = try RunningService(
            ExternalTool.calkitPath, ["server", "serve", "--home", "ls", "--open-requests", "--listen", "127.0.0.1:0"] + unlimited, in: workspace.folder.path
        )
        var bodies: [String] = []
        for index in 0..<64 {
            let key = try KeyType.p256.generate()
            let answer = try post(first, try body(workspace, device: "PC-\(index)", key: key))
            #expect(answer.status == 200 && answer.object["decision"] as? String == "issued")
            let temporary = try #require(answer.object["license"] as? String)
            bodies.append(try body(workspace, device: "PC-\(index)", key: key, presenting: temporary))
        }
        first.stop()
        // 91 days later the temporaries have expired; all 64 devices present theirs at once, and
        // only a permanent CAL is left to give.
        let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(91 * 86_400))
        let service = try RunningService(
            ExternalTool.calkitPath, ["server", "serve", "--home", "ls", "--open-requests", "--listen", "127.0.0.1:0", "--now", later] + unlimited,
            in: workspace.folder.path
        )
        defer { service.stop() }
        // Each from a thread of its own, all at once (not two at a time on the cooperative pool).
        let results = await LicenseRequests.postAll(bodies, spreadOver: [service])
        let issued = results.filter { $0.status == 200 }
        let refused = results.filter { $0.status == 409 }
        #expect(issued.count == 50)
        #expect(refused.count == 14)
        #expect(refused.allSatisfy { $0.object["error"] as? String == "no-license-available" })
        let serials = Set(issued.compactMap { $0.object["serial"] as? String })
        #expect(serials.count == 50)
        for answer in issued {
            let license = try Certificate(pemEncoded: try #require(answer.object["license"] as? String))
            #expect(try LicenseExtension(of: license)?.status == .permanent)
        }
        service.stop()
        let status = try workspace.json(try workspace.ok("server", "status", "--home", "ls", "--json", "--now", later))
        let products = try #require(status["products"] as? [[String: Any]])
        let perDevice = try #require(products.first { $0["licenseType"] as? String == "per-device" })
        #expect(perDevice["issued"] as? Int == 50 && perDevice["free"] as? Int == 0)
        try workspace.ok("server", "audit", "--home", "ls", "--verify")
    }

    @Test("Malformed license requests get 400 with a reason; the wrong content type 415")
    func badRequests() throws {
        let workspace = try CLIWorkspace.activated(seats: 1)
        let service = try RunningService(ExternalTool.calkitPath, ["server", "serve", "--home", "ls", "--open-requests", "--listen", "127.0.0.1:0"], in: workspace.folder.path)
        defer { service.stop() }
        for (name, text) in [("notjson", "{{{"), ("nocsr", "{\"mode\":\"per-device\"}"), ("badcsr", "{\"csr\":\"-----BEGIN CERTIFICATE REQUEST-----\\nAAAA\\n-----END CERTIFICATE REQUEST-----\\n\",\"mode\":\"per-device\"}")] {
            let file = try workspace.folder.write("\(name).json", text)
            let answer = try post(service, file)
            #expect(answer.status == 400, "\(name): \(answer.status) \(answer.body)")
            #expect(answer.object["error"] as? String == "malformed" || answer.object["error"] as? String == "bad-request", "\(name): \(answer.object)")
        }
        let file = try body(workspace, device: "PC-1")
        let plain = try ExternalTool.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "--data-binary", "@" + file, service.url + "/v1/licenses"])
        #expect(plain.output == "415")
        #expect(try post(service, file).status == 200)
    }

    @Test("License requests are rate-limited per client address: beyond the limit 429, and the service keeps answering")
    func rateLimited() throws {
        let workspace = try CLIWorkspace.activated(seats: 5)
        let service = try RunningService(
            ExternalTool.calkitPath, ["server", "serve", "--home", "ls", "--open-requests", "--listen", "127.0.0.1:0", "--rate-limit", "3/min"], in: workspace.folder.path
        )
        defer { service.stop() }
        let statuses = try (0..<5).map { try post(service, try body(workspace, device: "CYCLE-\($0)")).status }
        #expect(statuses == [200, 200, 200, 429, 429])
        let limited = try post(service, try body(workspace, device: "CYCLE-9"))
        #expect(limited.object["error"] as? String == "rate-limited")
        let status = try ExternalTool.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", service.url + "/v1/status"])
        #expect(status.output == "200")
        try workspace.refused("invalid-argument", "server", "serve", "--home", "ls", "--rate-limit", "lots")
    }
}
