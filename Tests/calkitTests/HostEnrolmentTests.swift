import CALTestSupport
import Foundation
import Testing

/// Who may take seats over HTTP: it used to be anyone who could reach the port.
@Suite("Hosts authenticate to their license server")
struct HostEnrolmentTests {
    func curl(_ arguments: [String]) throws -> ProcessResult {
        try ExternalTool.run("/usr/bin/curl", ["-s", "--max-time", "20"] + arguments)
    }

    /// POSTs `body` to /v1/licenses, with `credential` when given, from `source` when given; the answer ends with the status.
    func request(_ service: RunningService, _ workspace: CLIWorkspace, body: String, credential: String? = nil, source: String? = nil) throws -> String {
        let file = try workspace.folder.write("body-\(UUID().uuidString).json", body)
        var arguments = ["-w", " %{http_code}", "-X", "POST", "-H", "Content-Type: application/json", "--data-binary", "@" + file]
        if let credential { arguments += ["-H", "Authorization: Bearer \(credential)"] }
        if let source { arguments += ["--interface", source] }
        return try curl(arguments + [service.url + "/v1/licenses"]).output
    }

    func licenseBody(_ workspace: CLIWorkspace, csr: String) throws -> String {
        let pem = String(decoding: try workspace.folder.read(csr), as: UTF8.self)
        return String(decoding: try JSONSerialization.data(withJSONObject: ["csr": pem, "mode": "per-device", "product": "Desk"]), as: UTF8.self)
    }

    @Test("Without a credential POST /v1/licenses is 401 and no seat is taken; an enrolled host gets licenses; a removed one is refused at once")
    func enrolment() throws {
        let workspace = try CLIWorkspace.activated(seats: 2)
        let service = try RunningService(ExternalTool.calkitPath, ["server", "serve", "--home", "ls", "--listen", "127.0.0.1:0"], in: workspace.folder.path)
        defer { service.stop() }
        let body = try licenseBody(workspace, csr: "c1.csr")
        let anonymous = try request(service, workspace, body: body)
        #expect(anonymous.hasSuffix(" 401") && anonymous.contains("unauthorized"), "\(anonymous)")
        #expect(try request(service, workspace, body: body, credential: "calkit-host.0011223344556677.guess").hasSuffix(" 401"))

        // A host bound without a credential is denied, not waved through by its grace period.
        try workspace.ok("host", "init", "--home", "stranger", "--mode", "per-device", "--license-server", service.url, "--trust", "ch/root.pem")
        #expect(try workspace.run("host", "logon", "--home", "stranger", "--client-home", "c1").output == "denied unauthorized\n")

        let added = try workspace.json(try workspace.ok("server", "add-host", "--home", "ls", "--name", "rdsh-1", "--out", "rdsh-1.credential", "--json"))
        let mode = try FileManager.default.attributesOfItem(atPath: workspace.file("rdsh-1.credential"))[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        try workspace.refused("invalid-argument", "server", "add-host", "--home", "ls", "--name", "rdsh-1", "--out", "again.credential")
        let credential = String(decoding: try workspace.folder.read("rdsh-1.credential"), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(credential.hasPrefix("calkit-host.\(added["hostID"] as? String ?? "?")."))
        // The server keeps only a hash of the secret.
        let secret = String(credential.split(separator: ".").last ?? "")
        let database = try workspace.folder.read("ls/calkit.sqlite")
        #expect(!secret.isEmpty && !String(decoding: database, as: UTF8.self).contains(secret))

        try workspace.ok(
            "host", "init", "--home", "h", "--mode", "per-device", "--license-server", service.url, "--trust", "ch/root.pem", "--credential",
            "rdsh-1.credential"
        )
        #expect(try workspace.ok("host", "logon", "--home", "h", "--client-home", "c1").output == "allowed temporary\n")
        let hosts = try workspace.ok("server", "hosts", "--home", "ls").output
        #expect(hosts.contains("rdsh-1") && hosts.contains("enrolled"))

        try workspace.ok("server", "remove-host", "--home", "ls", "--name", "rdsh-1")
        #expect(try request(service, workspace, body: body, credential: credential).hasSuffix(" 401"))
        #expect(try workspace.run("host", "logon", "--home", "h", "--client-home", "c1").output == "allowed temporary\n", "its own license still admits")
        try workspace.ok("client", "init", "--home", "c2", "--device-id", "PC-2")
        #expect(try workspace.run("host", "logon", "--home", "h", "--client-home", "c2").output == "denied unauthorized\n")
        // The credential file of the host is private, and a loose one is refused.
        chmod(workspace.file("h/license-server-credential"), 0o644)
        try workspace.refused("insecure-permissions", "host", "logon", "--home", "h", "--client-home", "c2")
    }

    @Test("Rate limits: per host credential, per device, and per /24 for open requests (20 neighbouring addresses share one budget)")
    func rateLimits() throws {
        let workspace = try CLIWorkspace.activated(seats: 2)
        try workspace.ok("server", "add-host", "--home", "ls", "--name", "a", "--out", "a.credential")
        try workspace.ok("server", "add-host", "--home", "ls", "--name", "b", "--out", "b.credential")
        let a = String(decoding: try workspace.folder.read("a.credential"), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let b = String(decoding: try workspace.folder.read("b.credential"), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let service = try RunningService(
            ExternalTool.calkitPath,
            ["server", "serve", "--home", "ls", "--listen", "127.0.0.1:0", "--rate-limit", "3/h", "--subject-rate-limit", "4/h", "--open-requests"],
            in: workspace.folder.path
        )
        defer { service.stop() }
        // Per host: a's fourth request is refused, b still has its own budget.
        let fromA = try (0..<4).map { _ in try request(service, workspace, body: "{}", credential: a) }
        #expect(fromA.prefix(3).allSatisfy { $0.hasSuffix(" 400") } && fromA[3].hasSuffix(" 429"), "\(fromA)")
        #expect(try request(service, workspace, body: "{}", credential: b).hasSuffix(" 400"))
        // Per device: PC-1 asked through b twice and anonymously twice more, then it is over its 4/h wherever it asks from.
        let body = try licenseBody(workspace, csr: "c1.csr")
        let device = try [b, b].map { try request(service, workspace, body: body, credential: $0) }
            + (2...3).map { try request(service, workspace, body: body, source: "127.0.0.\($0)") }
            + [try request(service, workspace, body: body, source: "127.0.1.9")]
        #expect(device.prefix(4).allSatisfy { !$0.hasSuffix(" 429") } && device[4].hasSuffix(" 429"), "\(device)")
        // Open requests: addresses 127.0.0.10 ... 127.0.0.29 are one /24 with one budget of 3 (2 of it already used above).
        let neighbours = try (10..<30).map { try request(service, workspace, body: "{}", source: "127.0.0.\($0)") }
        #expect(neighbours.filter { $0.hasSuffix(" 429") }.count == 19, "\(neighbours)")
    }
}
