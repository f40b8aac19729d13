import CALTestSupport
import Foundation
import Testing

/// Silent connections against a service with few file descriptors: it used to stop answering.
/// Answers gathered from concurrent requests.
final class Answers: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var codes: [String] = []
    func append(_ code: String) { lock.withLock { codes.append(code) } }
}

@Suite("Connections are bounded: silent crowds do not lock real clients out")
struct ConnectionLimitTests {
    /// The license server of `workspace`, started under `ulimit -n 256` with `arguments`.
    func service(_ workspace: CLIWorkspace, _ arguments: [String]) throws -> RunningService {
        try RunningService(
            "/bin/sh",
            ["-c", "ulimit -n 256 && exec \"$0\" \"$@\"", ExternalTool.calkitPath, "server", "serve", "--home", "ls", "--listen", "127.0.0.1:0"]
                + arguments,
            in: workspace.folder.path
        )
    }

    func status(_ service: RunningService) throws -> (code: String, seconds: Double) {
        let started = Date()
        let answer = try ExternalTool.run("/usr/bin/curl", ["-s", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}", service.url + "/v1/status"])
        return (answer.output, Date().timeIntervalSince(started))
    }

    @Test("With 256 descriptors, 300 silent connections: the longest idle are closed to make room and real requests are answered at once")
    func silentCrowd() throws {
        let workspace = try CLIWorkspace.activated()
        let service = try service(workspace, ["--max-connections", "200", "--idle-timeout", "60"])
        defer { service.stop() }
        let crowd = try SilentClients(port: service.port, count: 300)
        for _ in 0..<5 {
            let answer = try status(service)
            #expect(answer.code == "200" && answer.seconds < 3, "\(answer)")
        }
        // The crowd beyond the limit was closed by the service, not left hanging.
        #expect(crowd.closedByService() >= 100)
        // The service is still well: it answers a burst of ordinary requests.
        let answers = Answers()
        DispatchQueue.concurrentPerform(iterations: 50) { _ in
            let code = (try? status(service).code) ?? "failed"
            answers.append(code)
        }
        #expect(answers.codes.filter { $0 == "200" }.count == 50, "\(answers.codes)")
    }

    @Test("A connection that sends no request is closed after --idle-timeout")
    func idleTimeout() throws {
        let workspace = try CLIWorkspace.activated()
        let service = try service(workspace, ["--idle-timeout", "1"])
        defer { service.stop() }
        let quiet = try SilentClients(port: service.port, count: 5)
        Thread.sleep(forTimeInterval: 0.3)
        #expect(quiet.closedByService() == 0)
        Thread.sleep(forTimeInterval: 2.5)
        #expect(quiet.closedByService() == 5)
        #expect(try status(service).code == "200")
    }

    @Test("A request whose body stalls after its head is answered 408 within 10 s, and the connection is freed")
    func stalledBody() throws {
        let workspace = try CLIWorkspace.activated()
        let service = try service(workspace, [])
        defer { service.stop() }
        let script = """
            import socket, sys, time
            s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
            s.sendall(b"POST /v1/licenses HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: application/json\\r\\nContent-Length: 100\\r\\n\\r\\n{")
            started = time.time()
            s.settimeout(30)
            answer = s.recv(4096).decode(errors="replace")
            print(answer.split("\\r\\n")[0], round(time.time() - started))
            """
        let result = try ExternalTool.run("/usr/bin/python3", ["-c", script, String(service.port)])
        let words = result.output.split(separator: " ")
        #expect(result.output.hasPrefix("HTTP/1.1 408"), "\(result.output) \(result.error)")
        #expect((words.last.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 99) <= 12, "\(result.output)")
    }

    @Test("--idle-timeout and --max-connections are checked and explained in --help")
    func options() throws {
        let workspace = try CLIWorkspace()
        let help = try workspace.ok("server", "serve", "--help").output
        #expect(help.contains("--idle-timeout") && help.contains("default: 30") && help.contains("--max-connections") && help.contains("default: 512"))
        #expect(try workspace.run("server", "serve", "--home", "ls", "--idle-timeout", "0").status != 0)
        #expect(try workspace.run("clearinghouse", "serve", "--home", "ch", "--max-connections", "0").status != 0)
    }
}
