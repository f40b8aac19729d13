import CALTestSupport
import Foundation
import Testing

@Suite("calkit server serve: the license server over HTTP")
struct ServeCommandTests {
    func curl(_ arguments: [String]) throws -> ProcessResult {
        try ExternalTool.run("/usr/bin/curl", ["-s", "--max-time", "20"] + arguments)
    }

    @Test("CRL fetched with curl and checked by openssl crl; openssl ocsp -url answers good, then revoked; GET OCSP too")
    func crlAndOCSP() throws {
        let workspace = try CLIWorkspace.activated(seats: 3)
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "cal.pem")
        let serial = try workspace.serial(of: "cal.pem")
        let server = try workspace.serverCertificate()
        let service = try RunningService(ExternalTool.calkitPath, ["server", "serve", "--home", "ls", "--open-requests", "--listen", "127.0.0.1:0"], in: workspace.folder.path)
        defer { service.stop() }

        let fetched = try curl(["-o", workspace.file("fetched.crl"), "-w", "%{http_code} %{content_type}", service.url + "/crl"])
        #expect(fetched.output == "200 application/pkix-crl")
        let crl = try ExternalTool.openssl(["crl", "-inform", "DER", "-in", workspace.file("fetched.crl"), "-CAfile", workspace.file("ls/server-chain.pem"), "-noout"])
        #expect(crl.error.contains("verify OK"))

        func ocsp() throws -> ProcessResult {
            try ExternalTool.openssl([
                "ocsp", "-url", service.url + "/ocsp", "-issuer", server, "-cert", workspace.file("cal.pem"),
                "-CAfile", workspace.file("ch/root.pem"), "-verify_other", server,
            ])
        }
        let good = try ocsp()
        #expect(good.output.contains("cal.pem: good") && good.error.contains("Response verify OK"), "\(good.output) \(good.error)")

        try workspace.ok("server", "revoke", "--home", "ls", "--serial", serial, "--reason", "keyCompromise")
        let revoked = try ocsp()
        #expect(revoked.output.contains("cal.pem: revoked"), "\(revoked.output)")
        // The published CRL follows the revocation made by another process.
        _ = try curl(["-o", workspace.file("after.crl"), service.url + "/crl"])
        let text = try ExternalTool.openssl(["crl", "-inform", "DER", "-in", workspace.file("after.crl"), "-noout", "-text"])
        #expect(text.output.contains(serial.uppercased()))
        // And it is not made anew while nothing changes.
        _ = try curl(["-o", workspace.file("again.crl"), service.url + "/crl"])
        #expect(try workspace.folder.read("again.crl") == (try workspace.folder.read("after.crl")))

        // RFC 6960 GET: the DER request, base64, in the path.
        expectTool(try ExternalTool.openssl(["ocsp", "-issuer", server, "-cert", workspace.file("cal.pem"), "-reqout", workspace.file("req.der")]))
        let encoded = Data(try workspace.folder.read("req.der")).base64EncodedString()
            .addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let viaGet = try curl(["-o", workspace.file("get.der"), "-w", "%{http_code}", service.url + "/ocsp/" + encoded])
        #expect(viaGet.output == "200")
        let parsed = try ExternalTool.openssl([
            "ocsp", "-respin", workspace.file("get.der"), "-issuer", server, "-cert", workspace.file("cal.pem"),
            "-CAfile", workspace.file("ch/root.pem"), "-verify_other", server, "-no_nonce",
        ])
        #expect(parsed.output.contains("revoked"))
        #expect(service.stop() == 0)
    }

    @Test("Garbage, oversize, truncated and mistyped bodies get 400, 413 and 415 with JSON errors, and the service keeps answering")
    func hostileRequests() throws {
        let workspace = try CLIWorkspace.activated(seats: 1)
        let service = try RunningService(ExternalTool.calkitPath, ["server", "serve", "--home", "ls", "--open-requests", "--listen", "127.0.0.1:0"], in: workspace.folder.path)
        defer { service.stop() }
        let ocsp = service.url + "/ocsp"
        let garbage = try curl(["-w", " %{http_code}", "-X", "POST", "-H", "Content-Type: application/ocsp-request", "--data", "garbage", ocsp])
        #expect(garbage.output.hasSuffix(" 400") && garbage.output.contains("\"error\":\"malformed\""))
        let mistyped = try curl(["-w", " %{http_code}", "-X", "POST", "-H", "Content-Type: text/plain", "--data", "x", ocsp])
        #expect(mistyped.output.hasSuffix(" 415"))
        _ = try workspace.folder.write("big.bin", [UInt8](repeating: 0x30, count: 200_000))
        let oversize = try curl([
            "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H", "Content-Type: application/ocsp-request",
            "--data-binary", "@" + workspace.file("big.bin"), ocsp,
        ])
        #expect(oversize.output == "413")
        let oversizeBody = try curl([
            "-X", "POST", "-H", "Content-Type: application/ocsp-request", "--data-binary", "@" + workspace.file("big.bin"), ocsp,
        ])
        #expect(oversizeBody.output.contains("\"error\":\"body-too-large\""))
        // Truncated: half a real OCSP request, half a license request's JSON, and a body cut off
        // before its Content-Length (the client hangs up).
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "cal.pem")
        let issuer = try workspace.serverCertificate()
        expectTool(try ExternalTool.openssl(["ocsp", "-issuer", issuer, "-cert", workspace.file("cal.pem"), "-reqout", workspace.file("req.der")]))
        let request = try workspace.folder.read("req.der")
        _ = try workspace.folder.write("half.der", Array(request.prefix(request.count / 2)))
        let halfOCSP = try curl([
            "-w", " %{http_code}", "-X", "POST", "-H", "Content-Type: application/ocsp-request", "--data-binary", "@" + workspace.file("half.der"), ocsp,
        ])
        #expect(halfOCSP.output.hasSuffix(" 400") && halfOCSP.output.contains("\"error\":\"malformed\""), "\(halfOCSP.output)")
        let csr = String(decoding: try workspace.folder.read("c1.csr"), as: UTF8.self)
        let message = "{\"mode\":\"per-device\",\"csr\":\(String(decoding: try JSONEncoder().encode(csr), as: UTF8.self))}"
        _ = try workspace.folder.write("half.json", String(message.prefix(message.count / 2)))
        let halfJSON = try curl([
            "-w", " %{http_code}", "-X", "POST", "-H", "Content-Type: application/json", "--data-binary", "@" + workspace.file("half.json"),
            service.url + "/v1/licenses",
        ])
        #expect(halfJSON.output.hasSuffix(" 400") && halfJSON.output.contains("\"error\":\"malformed\""), "\(halfJSON.output)")
        let hangUp = Process()
        hangUp.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        hangUp.arguments = [
            "-c",
            "import socket,sys\ns=socket.create_connection(('127.0.0.1',int(sys.argv[1])))\n"
                + "s.sendall(b'POST /ocsp HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: application/ocsp-request\\r\\nContent-Length: 500\\r\\n\\r\\n0123')\n"
                + "s.close()",
            String(service.port),
        ]
        try hangUp.run()
        hangUp.waitUntilExit()
        let afterHangUp = try ExternalTool.openssl([
            "ocsp", "-url", ocsp, "-issuer", issuer, "-cert", workspace.file("cal.pem"), "-CAfile", workspace.file("ch/root.pem"), "-verify_other", issuer,
        ])
        #expect(afterHangUp.output.contains("cal.pem: good"), "\(afterHangUp.output) \(afterHangUp.error)")
        let badGet = try curl(["-w", " %{http_code}", ocsp + "/!!!not-base64!!!"])
        #expect(badGet.output.hasSuffix(" 400"))
        let unknown = try curl(["-w", " %{http_code}", service.url + "/v1/nothing"])
        #expect(unknown.output.hasSuffix(" 404") && unknown.output.contains("\"error\":\"not-found\""), "\(unknown.output)")
        // A slow client dribbling a request a byte a second holds nothing up.
        let slow = Process()
        slow.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        slow.arguments = [
            "-c",
            "import socket,sys,time\ns=socket.create_connection(('127.0.0.1',int(sys.argv[1])))\nfor b in b'POST /ocsp HTTP/1.1\\r\\nHost: x\\r\\n':\n  s.send(bytes([b])); time.sleep(1)",
            String(service.port),
        ]
        try slow.run()
        defer { slow.terminate() }
        Thread.sleep(forTimeInterval: 1.5)
        let started = Date()
        let status = try curl(["-w", " %{http_code}", service.url + "/v1/status"])
        #expect(Date().timeIntervalSince(started) < 5, "the status request waited behind the slow client")
        #expect(slow.isRunning, "the slow client should still be dribbling")
        #expect(status.output.hasSuffix(" 200") && status.output.contains("\"activated\":true"))
        let chain = try curl([service.url + "/v1/chain"])
        #expect(chain.output.components(separatedBy: "BEGIN CERTIFICATE").count == 3)
    }

    @Test("--listen is checked before anything starts")
    func badListen() throws {
        let workspace = try CLIWorkspace.activated(seats: 1)
        try workspace.refused("invalid-argument", "server", "serve", "--home", "ls", "--listen", "nowhere")
    }

    private func expectTool(_ result: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 0, "\(result.error)", sourceLocation: sourceLocation)
    }

    @Test("A host bound by URL logs clients on through the running service; while it is down the grace period admits")
    func hostOverHTTP() throws {
        let workspace = try CLIWorkspace.activated(seats: 2)
        let first = try RunningService(ExternalTool.calkitPath, ["server", "serve", "--home", "ls", "--open-requests", "--listen", "127.0.0.1:0"], in: workspace.folder.path)
        let url = first.url
        try workspace.ok("host", "init", "--home", "h", "--mode", "per-device", "--license-server", url, "--trust", "ch/root.pem", "--product", "Desk")
        try workspace.ok("clearinghouse", "init", "--home", "other-ch")
        try workspace.refused("chain-does-not-verify", "host", "init", "--home", "h2", "--mode", "per-device", "--license-server", url, "--trust", "other-ch/root.pem")
        #expect(!workspace.exists("h2"))
        #expect(first.stop() == 0)
        // The service is down: the host cannot reach it, and the grace period admits.
        #expect(try workspace.ok("host", "logon", "--home", "h", "--client-home", "c1").output.contains("allowed grace-period"))
        let second = try RunningService(
            ExternalTool.calkitPath, ["server", "serve", "--home", "ls", "--open-requests", "--listen", "127.0.0.1:\(first.port)"], in: workspace.folder.path
        )
        defer { second.stop() }
        #expect(try workspace.ok("host", "logon", "--home", "h", "--client-home", "c1").output.contains("allowed temporary"))
        let licensed = try workspace.json(try workspace.ok("host", "logon", "--home", "h", "--client-home", "c1", "--json"))
        #expect(licensed["detail"] as? String == "licensed")
        let serial = try #require(licensed["serial"] as? String)
        let status = try workspace.json(try workspace.ok("server", "status", "--home", "ls", "--json"))
        let products = try #require(status["products"] as? [[String: Any]])
        #expect(products.first { $0["licenseType"] as? String == "per-device" }?["issued"] as? Int == 1)
        #expect(try workspace.ok("host", "logon", "--home", "h", "--client-home", "c1", "--json").output.contains(serial))
    }

    @Test("A hung license server (takes the connection, never answers): each attempt times out after --timeout, and the grace period admits")
    func hungLicenseServer() throws {
        let workspace = try CLIWorkspace.activated(seats: 2)
        let service = try RunningService(ExternalTool.calkitPath, ["server", "serve", "--home", "ls", "--open-requests", "--listen", "127.0.0.1:0"], in: workspace.folder.path)
        let port = service.port
        try workspace.ok(
            "host", "init", "--home", "h", "--mode", "per-device", "--license-server", service.url, "--trust", "ch/root.pem", "--timeout", "1"
        )
        #expect(service.stop() == 0)
        let hung = try SilentListener(port: port)
        let clock = ContinuousClock()
        let start = clock.now
        let logon = try workspace.ok("host", "logon", "--home", "h", "--client-home", "c1")
        let waited = clock.now - start
        #expect(logon.output.contains("allowed grace-period"), "\(logon.output)")
        // Three attempts of one second each (and the backoff between them), not the default's 5 s each.
        #expect(waited >= .seconds(3) && waited < .seconds(10), "the logon took \(waited)")
        #expect(hung.port == port)
        let zero = try workspace.run(["host", "init", "--home", "h2", "--mode", "per-device", "--license-server", service.url, "--timeout", "0"])
        #expect(zero.status != 0 && zero.error.contains("--timeout must be 0.1 to 300 seconds"))
    }

    @Test("SIGTERM lets the request in flight finish (its body still arriving) and answers it before the service exits 0")
    func gracefulShutdown() throws {
        let workspace = try CLIWorkspace.activated(seats: 1)
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "cal.pem")
        let server = try workspace.serverCertificate()
        expectTool(try ExternalTool.openssl(["ocsp", "-issuer", server, "-cert", workspace.file("cal.pem"), "-reqout", workspace.file("req.der")]))
        let service = try RunningService(ExternalTool.calkitPath, ["server", "serve", "--home", "ls", "--open-requests", "--listen", "127.0.0.1:0"], in: workspace.folder.path)
        defer { service.stop() }
        // A client that sends the head and part of the body, waits, then sends the rest.
        let client = Process()
        let output = Pipe()
        client.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        client.arguments = [
            "-c",
            """
            import socket,sys,time
            body=open(sys.argv[2],'rb').read()
            s=socket.create_connection(('127.0.0.1',int(sys.argv[1])))
            head=b'POST /ocsp HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: application/ocsp-request\\r\\nConnection: close\\r\\nContent-Length: %d\\r\\n\\r\\n' % len(body)
            s.sendall(head+body[:10])
            print('half', flush=True)
            time.sleep(1.5)
            s.sendall(body[10:])
            data=b''
            while True:
              chunk=s.recv(65536)
              if not chunk: break
              data+=chunk
            print(data.split(b'\\r\\n')[0].decode(), flush=True)
            """,
            String(service.port), workspace.file("req.der"),
        ]
        client.standardOutput = output
        try client.run()
        var said = ""
        while !said.contains("half") {
            let data = output.fileHandleForReading.availableData
            guard !data.isEmpty else { break }
            said += String(decoding: data, as: UTF8.self)
        }
        #expect(said.contains("half"))
        Thread.sleep(forTimeInterval: 0.3)
        service.terminate()
        client.waitUntilExit()
        said += String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(said.contains("HTTP/1.1 200 OK"), "\(said)")
        #expect(service.stop() == 0)
    }

    @Test("Admin routes: no token 401, wrong token 403, off without --admin-token-file; with it packs install, licenses revoke, report and listing answer")
    func adminRoutes() throws {
        let workspace = try CLIWorkspace.activated(seats: 2)
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "cal.pem")
        try workspace.ok(
            "clearinghouse", "issue-pack", "--home", "ch", "--server-certificate", "ls/server-chain.pem", "--type", "per-device",
            "--count", "5", "--product", "Desk", "--agreement", "A-7", "--out", "more.keypack"
        )
        _ = try workspace.folder.write("token", "a-long-operator-token-0123456789\n")
        let off = try RunningService(ExternalTool.calkitPath, ["server", "serve", "--home", "ls", "--open-requests", "--listen", "127.0.0.1:0"], in: workspace.folder.path)
        #expect(try curl(["-o", "/dev/null", "-w", "%{http_code}", off.url + "/v1/report"]).output == "403")
        off.stop()
        let service = try RunningService(
            ExternalTool.calkitPath, ["server", "serve", "--home", "ls", "--open-requests", "--listen", "127.0.0.1:0", "--admin-token-file", "token"], in: workspace.folder.path
        )
        defer { service.stop() }
        let bearer = ["-H", "Authorization: Bearer a-long-operator-token-0123456789"]
        #expect(try curl(["-o", "/dev/null", "-w", "%{http_code}", service.url + "/v1/report"]).output == "401")
        #expect(try curl(["-o", "/dev/null", "-w", "%{http_code}", "-H", "Authorization: Bearer a-long-operator-token-012345678X", service.url + "/v1/report"]).output == "403")
        let installed = try curl(bearer + ["-w", " %{http_code}", "-X", "POST", "-H", "Content-Type: application/octet-stream", "--data-binary", "@" + workspace.file("more.keypack"), service.url + "/v1/packs"])
        #expect(installed.output.hasSuffix(" 201") && installed.output.contains("\"count\":5"), "\(installed.output)")
        let again = try curl(bearer + ["-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H", "Content-Type: application/octet-stream", "--data-binary", "@" + workspace.file("more.keypack"), service.url + "/v1/packs"])
        #expect(again.output == "409")
        let serial = try workspace.serial(of: "cal.pem")
        let revoked = try curl(bearer + ["-w", " %{http_code}", "-X", "POST", "-H", "Content-Type: application/json", "--data", "{\"serial\":\"\(serial)\",\"reason\":\"keyCompromise\"}", service.url + "/v1/revocations"])
        #expect(revoked.output.hasSuffix(" 200"), "\(revoked.output)")
        let unknown = try curl(bearer + ["-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H", "Content-Type: application/json", "--data", "{\"serial\":\"00ff\"}", service.url + "/v1/revocations"])
        #expect(unknown.output == "404")
        let report = try curl(bearer + [service.url + "/v1/report"])
        #expect(report.output.contains("\"product\":\"Desk\""))
        let listing = try curl(bearer + [service.url + "/v1/licenses"])
        #expect(listing.output.contains(serial) && !listing.output.contains("certificate"))

        // One log line per request, with its outcome; never the token, never a key.
        #expect(service.stop() == 0)
        let lines = service.log.split(separator: "\n").filter { $0.contains("method=") }
        #expect(lines.count == 8, "\(service.log)")
        #expect(lines.contains { $0.contains("method=POST") && $0.contains("path=/v1/revocations") && $0.contains("status=200") })
        #expect(lines.contains { $0.contains("path=/v1/report") && $0.contains("status=401") })
        #expect(lines.contains { $0.contains("path=/v1/packs") && $0.contains("status=409") })
        #expect(!service.log.contains("0123456789") && !service.log.contains("012345678X") && !service.log.contains("Bearer"))
        #expect(!service.log.contains("PRIVATE KEY"))
    }

    @Test("POST /v1/licenses/{serial}/renew renews in the last 7 days on the same seat, and refuses earlier or twice with 409")
    func renewal() throws {
        let workspace = try CLIWorkspace.activated(seats: 2, simulatedClock: true)
        let issued = try workspace.json(try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "cal.pem", "--json"))
        let serial = try #require(issued["serial"] as? String)
        let notAfterText = try #require(issued["notAfter"] as? String)
        let notAfter = try #require(ISO8601DateFormatter().date(from: notAfterText))
        let csr = String(decoding: try workspace.folder.read("c1.csr"), as: UTF8.self)
        let body = try workspace.folder.write("renew.json", Array(try JSONSerialization.data(withJSONObject: ["csr": csr])))
        func renew(at instant: Date) throws -> ProcessResult {
            let service = try RunningService(
                ExternalTool.calkitPath,
                ["server", "serve", "--home", "ls", "--open-requests", "--listen", "127.0.0.1:0", "--now", ISO8601DateFormatter().string(from: instant)],
                in: workspace.folder.path
            )
            defer { service.stop() }
            return try curl(["-w", " %{http_code}", "-X", "POST", "-H", "Content-Type: application/json", "--data-binary", "@" + body, service.url + "/v1/licenses/\(serial)/renew"])
        }
        let early = try renew(at: notAfter.addingTimeInterval(-30 * 86_400))
        #expect(early.output.hasSuffix(" 409") && early.output.contains("not-renewable"))
        let due = try renew(at: notAfter.addingTimeInterval(-3 * 86_400))
        #expect(due.output.hasSuffix(" 200") && due.output.contains("\"decision\":\"issued\""), "\(due.output)")
        let twice = try renew(at: notAfter.addingTimeInterval(-2 * 86_400))
        #expect(twice.output.hasSuffix(" 409"))
    }

    @Test("--public-url: licenses issued afterwards name BASE/crl and BASE/ocsp; OpenSSL reads them, pkilint finds nothing, and openssl ocsp finds the responder by itself")
    func publicURL() throws {
        let workspace = try CLIWorkspace.activated(seats: 2)
        let first = try RunningService(ExternalTool.calkitPath, ["server", "serve", "--home", "ls", "--open-requests", "--listen", "127.0.0.1:0"], in: workspace.folder.path)
        let port = first.port
        first.stop()
        let base = "http://127.0.0.1:\(port)"
        let service = try RunningService(
            ExternalTool.calkitPath, ["server", "serve", "--home", "ls", "--open-requests", "--listen", "127.0.0.1:\(port)", "--public-url", base], in: workspace.folder.path
        )
        defer { service.stop() }
        try workspace.ok("server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "cal.pem")
        let text = try ExternalTool.openssl(["x509", "-in", workspace.file("cal.pem"), "-noout", "-text"])
        #expect(text.output.contains("X509v3 CRL Distribution Points") && text.output.contains("URI:\(base)/crl"))
        #expect(text.output.contains("OCSP - URI:\(base)/ocsp"))
        // The license file holds the license, then the server certificate: pkilint reads one.
        let license = try workspace.firstCertificate(of: "cal.pem", to: "license-only.pem")
        let lint = try ExternalTool.run(ExternalTool.venvBin + "/lint_pkix_cert", ["lint", "-s", "WARNING", license])
        #expect(lint.status == 0 && lint.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "pkilint: \(lint.output) \(lint.error)")
        // openssl ocsp takes the responder's URL from the certificate itself.
        let server = try workspace.serverCertificate()
        let url = try ExternalTool.openssl(["x509", "-in", workspace.file("cal.pem"), "-noout", "-ocsp_uri"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        let answer = try ExternalTool.openssl([
            "ocsp", "-url", url, "-issuer", server, "-cert", workspace.file("cal.pem"), "-CAfile", workspace.file("ch/root.pem"), "-verify_other", server,
        ])
        #expect(answer.output.contains("cal.pem: good"), "\(answer.output) \(answer.error)")
        try workspace.refused("invalid-argument", "server", "serve", "--home", "ls", "--public-url", "not a url")
    }
}
