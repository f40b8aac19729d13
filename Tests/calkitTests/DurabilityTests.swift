import CALTestSupport
import Foundation
import Testing

/// A change is acknowledged only once it is on stable storage: traced with strace, the ledger
/// journal and SQLite's write-ahead log are synced after their last write and before the license
/// file is created or the HTTP answer is sent.
@Suite("Durability: nothing is acknowledged before its transaction is synced")
struct DurabilityTests {
    /// The system calls traced, and where they happened in the trace.
    static let traced = "trace=openat,write,pwrite64,writev,sendmsg,fsync,fdatasync"

    @Test("server issue: journal synced, then the WAL written and synced, then the license file created")
    func cliIssue() throws {
        let workspace = try CLIWorkspace.activated(seats: 3)
        let trace = workspace.file("issue.trace")
        let result = try ExternalTool.run(
            "/usr/bin/strace",
            Self.tracing(into: trace) + ["server", "issue", "--home", "ls", "--request", "c1.csr", "--type", "per-device", "--out", "lic.pem"],
            in: workspace.folder.path
        )
        #expect(result.status == 0, "\(result.error)")
        let calls = try SystemCallTrace(file: trace)
        let created = try #require(
            calls.firstIndex { $0.name == "openat" && $0.path.contains("lic.pem") && $0.line.contains("O_CREAT") },
            "no openat of the license file among \(calls.calls.count) calls; strace said: \(result.error.suffix(500)); last: \(calls.calls.suffix(4).map(\.line))"
        )
        try expectSynced(calls, before: created)
    }

    @Test("serve: POST /v1/licenses is answered only after the journal and the WAL are synced")
    func httpAnswer() throws {
        let workspace = try CLIWorkspace.activated(seats: 3)
        let trace = workspace.file("serve.trace")
        // The service runs under strace (seccomp-filtered: only the traced calls stop it).
        let service = try RunningService(
            "/usr/bin/strace",
            Self.tracing(into: trace) + ["server", "serve", "--home", "ls", "--open-requests", "--listen", "127.0.0.1:0"],
            in: workspace.folder.path
        )
        defer { Self.stopTraced(service) }
        let csr = try String(contentsOfFile: workspace.file("c1.csr"), encoding: .utf8)
        let body = try workspace.folder.write(
            "request.json", Array(try JSONSerialization.data(withJSONObject: ["csr": csr, "mode": "per-device", "product": "Desk"]))
        )
        let answer = try ExternalTool.run(
            "/usr/bin/curl",
            ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Content-Type: application/json", "--data-binary", "@" + body, service.url + "/v1/licenses"]
        )
        #expect(answer.output == "200")
        // The service stops (and strace with it, its trace complete) before the trace is read.
        Self.stopTraced(service)

        let calls = try SystemCallTrace(file: trace)
        let lastWALWrite = try #require(
            calls.lastIndex { $0.isWrite && $0.path.hasSuffix("calkit.sqlite-wal") },
            "no WAL write among \(calls.calls.count) traced calls; last: \(calls.calls.suffix(4).map(\.line))"
        )
        let answered = try #require(
            calls.firstIndex { $0.index > lastWALWrite && $0.isWrite && $0.line.contains("HTTP/1.1 200") }, "the answer followed the commit"
        )
        try expectSynced(calls, before: answered)
    }

    /// strace's arguments: follow threads and children, seccomp-filtered, descriptors as paths,
    /// into `file`; then `calkit`.
    static func tracing(into file: String) -> [String] {
        ["-f", "--seccomp-bpf", "-y", "-qq", "-s", "64", "-o", file, "-e", traced, ExternalTool.calkitPath]
    }

    /// Stops a service running under strace: SIGTERM to calkit (strace inherits the test
    /// runner's blocked signals, so it is not signalled itself), then strace ends with it.
    static func stopTraced(_ service: RunningService) {
        _ = try? ExternalTool.run("/usr/bin/pkill", ["-TERM", "-P", String(service.processIdentifier)])
        service.stop()
    }

    /// The ledger journal's last write before `index` is synced before the WAL's last write (the
    /// commit), and that is synced before `index`.
    func expectSynced(_ calls: SystemCallTrace, before index: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let earlier = calls.calls.prefix(index)
        let walWrite = try #require(earlier.lastIndex { $0.isWrite && $0.path.hasSuffix("calkit.sqlite-wal") }, sourceLocation: sourceLocation)
        let walSync = earlier.lastIndex { $0.isSync && $0.path.hasSuffix("calkit.sqlite-wal") }
        #expect(walSync.map { $0 > walWrite } == true, "the WAL was synced after its last write", sourceLocation: sourceLocation)
        let journalWrite = try #require(earlier.lastIndex { $0.isWrite && $0.path.hasSuffix("ledger.journal") }, sourceLocation: sourceLocation)
        let journalSync = earlier.lastIndex { $0.isSync && $0.path.hasSuffix("ledger.journal") }
        #expect(journalSync.map { $0 > journalWrite && $0 < walWrite } == true, "the journal was synced before the commit", sourceLocation: sourceLocation)
    }
}

/// The system calls of an `strace -f -y` output file, in the order they took effect: a write
/// where it began, a sync where it finished (a call strace shows as unfinished, then resumed,
/// is placed at its end when it is a sync).
struct SystemCallTrace {
    struct Call {
        let index: Int
        let name: String
        /// The path of the file descriptor or the path argument, as `-y` shows it.
        let path: String
        let line: String
        var isWrite: Bool { ["write", "pwrite64", "writev", "sendmsg"].contains(name) }
        var isSync: Bool { ["fsync", "fdatasync"].contains(name) }
    }

    private(set) var calls: [Call] = []

    init(file: String) throws {
        let text = try String(contentsOfFile: file, encoding: .utf8)
        var pending: [Substring: (name: String, path: String, line: String)] = [:]
        for line in text.split(separator: "\n") {
            // `PID  call(...)`: strace pads the PID to five columns, so short PIDs have more spaces.
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let (process, call) = (parts[0], parts[1].drop { $0 == " " })
            if call.hasPrefix("<... ") {
                guard let started = pending.removeValue(forKey: process) else { continue }
                if started.name == "fsync" || started.name == "fdatasync" { append(started.name, started.path, started.line) }
                continue
            }
            guard let open = call.firstIndex(of: "(") else { continue }
            let name = String(call[..<open])
            let path = Self.path(in: call[call.index(after: open)...], of: name)
            if call.contains("<unfinished ...>") {
                pending[process] = (name, path, String(line))
                if name == "fsync" || name == "fdatasync" { continue }
            }
            append(name, path, String(line))
        }
    }

    private mutating func append(_ name: String, _ path: String, _ line: String) {
        calls.append(Call(index: calls.count, name: name, path: path, line: line))
    }

    /// `openat(AT_FDCWD<dir>, "path", ...)` gives its path; `write(8</a/b>, ...)` its descriptor's.
    private static func path(in arguments: Substring, of name: String) -> String {
        if name == "openat", let quote = arguments.firstIndex(of: "\"") {
            let rest = arguments[arguments.index(after: quote)...]
            return String(rest.prefix { $0 != "\"" })
        }
        guard let open = arguments.firstIndex(of: "<"), let close = arguments[open...].firstIndex(of: ">") else { return "" }
        return String(arguments[arguments.index(after: open)..<close])
    }

    func firstIndex(where predicate: (Call) -> Bool) -> Int? { calls.firstIndex(where: predicate) }
    func lastIndex(where predicate: (Call) -> Bool) -> Int? { calls.lastIndex(where: predicate) }
}
