import CALCore
import CALStore
import CALTestSupport
import Foundation
import Testing
import X509

/// One license server run as three nodes (`calkit server add-node`) on one PostgreSQL ledger,
/// each a real `calkit server serve` on loopback, with requests spread over them as a load
/// balancer would.
@Suite("Several nodes of one license server on PostgreSQL, under load")
struct NodeScenarioTests {
    /// The three homes: the first made with `server init`, the others with `add-node`.
    static let homes = ["ls", "n2", "n3"]
    /// 91 days on: every temporary license has expired, so only a permanent CAL is left to give.
    static let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(91 * 86_400))

    /// An activated license server with a per-device pack of `seats`, its ledger in a fresh
    /// PostgreSQL schema, and its two further nodes.
    static func cluster(seats: Int, on server: TestPostgresServer? = nil) throws -> (workspace: CLIWorkspace, location: PostgresLocation) {
        let location = try server.map { try PostgresLocation(url: $0.url).with(schema: "nodes") } ?? TestPostgres.freshLocation("nodes")
        let workspace = try CLIWorkspace.activated(seats: seats, simulatedClock: true, database: location.description)
        for home in homes.dropFirst() { try workspace.ok("server", "add-node", "--home", home, "--of", "ls") }
        return (workspace, location)
    }

    /// Serves every node, on the clock `now` (the system's when nil).
    static func serve(_ workspace: CLIWorkspace, now: String? = nil, homes: [String] = homes) throws -> [RunningService] {
        try homes.map { home in try serve(workspace, home, now: now) }
    }

    static func serve(_ workspace: CLIWorkspace, _ home: String, now: String? = nil) throws -> RunningService {
        _ = try workspace.folder.write("token", "a-long-operator-token-0123456789\n")
        return try RunningService(
            ExternalTool.calkitPath,
            // The tests play a load balancer that retries at once: no per-host or per-device limit.
            ["server", "serve", "--home", home, "--open-requests", "--listen", "127.0.0.1:0", "--rate-limit", "100000/s", "--subject-rate-limit", "100000/s",
             "--admin-token-file", "token"]
                + (now.map { ["--now", $0] } ?? []),
            in: workspace.folder.path
        )
    }

    /// Every device of `devices` asks once, on the nodes in turn, and gets its one temporary
    /// license; returns, per device, a request presenting it (with the same key).
    static func temporaries(_ workspace: CLIWorkspace, devices: [String], on nodes: [RunningService]) async throws -> [String] {
        var bodies: [String] = []
        for (index, device) in devices.enumerated() {
            let key = try KeyType.p256.generate()
            let answer = try LicenseRequests.post(nodes[index % nodes.count], try LicenseRequests.body(workspace, device: device, key: key))
            #expect(answer.status == 200 && answer.object["decision"] as? String == "issued", "\(device): \(answer.status) \(answer.body)")
            let temporary = try #require(answer.object["license"] as? String)
            bodies.append(try LicenseRequests.body(workspace, device: device, key: key, presenting: temporary))
        }
        return bodies
    }

    /// The ledger's own account, read straight from PostgreSQL: every license, and the seats held.
    static func ledger(_ location: PostgresLocation, at now: Date) throws -> (licenses: [IssuedLicense], seatsHeld: Int) {
        let store = try PostgresLicenseServerStore(location: location)
        defer { store.close() }
        return (try store.issuedLicenses(), try store.packUsage(at: now).filter { $0.licenseType == .perDevice }.reduce(0) { $0 + $1.issued })
    }

    @Test("Three nodes, 96 concurrent requests for a pack of 50: exactly 50 permanent CALs and 46 refusals, every serial distinct, the audit chain whole")
    func exactAcrossNodes() async throws {
        let (workspace, location) = try Self.cluster(seats: 50)
        let devices = (0..<96).map { "PC-\($0)" }
        var nodes = try Self.serve(workspace)
        let bodies = try await Self.temporaries(workspace, devices: devices, on: nodes)
        nodes.forEach { $0.stop() }
        nodes = try Self.serve(workspace, now: Self.later)
        defer { nodes.forEach { $0.stop() } }
        let answers = await LicenseRequests.postAll(bodies, spreadOver: nodes)
        let issued = answers.filter { $0.status == 200 }
        let refused = answers.filter { $0.status == 409 }
        #expect(issued.count == 50, "\(answers.map(\.status))")
        #expect(refused.count == 46)
        #expect(refused.allSatisfy { $0.object["error"] as? String == "no-license-available" })
        let serials = issued.compactMap { $0.object["serial"] as? String }
        #expect(Set(serials).count == 50)
        for answer in issued {
            let license = try Certificate(pemEncoded: try #require(answer.object["license"] as? String))
            #expect(try LicenseExtension(of: license)?.status == .permanent)
        }
        let ledger = try Self.ledger(location, at: Date().addingTimeInterval(91 * 86_400))
        #expect(ledger.seatsHeld == 50)
        #expect(Set(ledger.licenses.filter { $0.status == .permanent }.map(\.serial)) == Set(serials))
        for home in Self.homes { try workspace.ok("server", "audit", "--home", home, "--verify", "--now", Self.later) }
    }

    @Test("One device asking every node at once, with one key or several, gets one temporary license, and later takes one seat")
    func oneDeviceOnEveryNode() async throws {
        let (workspace, location) = try Self.cluster(seats: 5)
        var nodes = try Self.serve(workspace)
        // The admin's trick: the same device name asked for from every node at the same moment,
        // hoping each node sees no license yet. Eight requests, each with its own key.
        let keys = try (0..<8).map { _ in try KeyType.p256.generate() }
        let first = await LicenseRequests.postAll(try keys.map { try LicenseRequests.body(workspace, device: "PC-1", key: $0) }, spreadOver: nodes)
        let temporaries = first.filter { $0.object["decision"] as? String == "issued" }
        #expect(temporaries.count == 1, "\(first.map { "\($0.status) \($0.object["error"] ?? "")" })")
        #expect(first.filter { $0.status == 409 }.count == 7)
        let now = Date()
        #expect(try Self.ledger(location, at: now).licenses.count == 1)
        // Later, the holder presents its expired temporary license on every node at once: one seat.
        let holder = try #require(first.firstIndex { $0.object["decision"] as? String == "issued" })
        let temporary = try #require(first[holder].object["license"] as? String)
        nodes.forEach { $0.stop() }
        nodes = try Self.serve(workspace, now: Self.later)
        defer { nodes.forEach { $0.stop() } }
        let presenting = try (0..<6).map { _ in try LicenseRequests.body(workspace, device: "PC-1", key: keys[holder], presenting: temporary) }
        let second = await LicenseRequests.postAll(presenting, spreadOver: nodes)
        #expect(second.allSatisfy { $0.status == 200 }, "\(second.map { "\($0.status) \($0.body)" })")
        #expect(Set(second.compactMap { $0.object["serial"] as? String }).count == 1, "every node hands out the one CAL")
        let ledger = try Self.ledger(location, at: now.addingTimeInterval(91 * 86_400))
        #expect(ledger.seatsHeld == 1)
        #expect(ledger.licenses.filter { $0.status == .permanent }.count == 1)
    }

    @Test("A revocation on node 1 is in the CRL and the OCSP answers of node 3 at once, and OpenSSL checks both")
    func revocationSeenEverywhere() throws {
        let (workspace, _) = try Self.cluster(seats: 3)
        try workspace.ok("server", "issue", "--home", "n2", "--request", "c1.csr", "--type", "per-device", "--out", "cal.pem")
        let serial = try workspace.serial(of: "cal.pem")
        let server = try workspace.serverCertificate()
        let nodes = try Self.serve(workspace)
        defer { nodes.forEach { $0.stop() } }
        func ocsp(_ node: RunningService) throws -> ProcessResult {
            try ExternalTool.openssl([
                "ocsp", "-url", node.url + "/ocsp", "-issuer", server, "-cert", workspace.file("cal.pem"), "-CAfile", workspace.file("ch/root.pem"),
                "-verify_other", server,
            ])
        }
        func crl(_ node: RunningService, _ name: String) throws -> String {
            _ = try ExternalTool.run("/usr/bin/curl", ["-s", "--max-time", "20", "-o", workspace.file(name), node.url + "/crl"])
            let text = try ExternalTool.openssl(["crl", "-inform", "DER", "-in", workspace.file(name), "-CAfile", workspace.file("ls/server-chain.pem"), "-text"])
            #expect(text.error.contains("verify OK"), "\(text.error)")
            return text.output
        }
        for node in nodes { #expect(try ocsp(node).output.contains("cal.pem: good")) }
        #expect(!(try crl(nodes[2], "before.crl")).contains(serial.uppercased()))
        let revoked = try ExternalTool.run(
            "/usr/bin/curl",
            ["-s", "--max-time", "20", "-w", " %{http_code}", "-H", "Authorization: Bearer a-long-operator-token-0123456789", "-X", "POST",
             "-H", "Content-Type: application/json", "--data", "{\"serial\":\"\(serial)\",\"reason\":\"keyCompromise\"}", nodes[0].url + "/v1/revocations"]
        )
        #expect(revoked.output.hasSuffix(" 200"), "\(revoked.output)")
        let answer = try ocsp(nodes[2])
        #expect(answer.output.contains("cal.pem: revoked") && answer.error.contains("Response verify OK"), "\(answer.output) \(answer.error)")
        #expect(try ocsp(nodes[1]).output.contains("cal.pem: revoked"))
        #expect(try crl(nodes[2], "after.crl").contains(serial.uppercased()))
    }

    @Test("Node 2 killed with SIGKILL in the middle of the load and started again: no acknowledged license lost, no seat without its license")
    func nodeKilledMidLoad() async throws {
        let scenario = try await FaultScenario()
        defer { scenario.stop() }
        var restarted: RunningService?
        defer { restarted?.stop() }
        // Node 2 dies without a word; a moment later it is back.
        try await scenario.run(
            fault: { scenario.nodes[1].kill() },
            recover: {
                let node = try NodeScenarioTests.serve(scenario.workspace, "n2", now: NodeScenarioTests.later)
                scenario.balancer.replace(1, with: node)
                restarted = node
            }
        )
        try scenario.workspace.ok("server", "audit", "--home", "n2", "--verify", "--now", Self.later)
    }

    @Test("A key rotated on node 1: node 2 refuses to sign with the retired key (issuer-not-active) until refreshed, then signs with the new one and still publishes the retired issuer's CRL")
    func rotationAcrossNodes() throws {
        let (workspace, _) = try Self.cluster(seats: 5)
        try workspace.ok("server", "issue", "--home", "n2", "--request", "c1.csr", "--type", "per-device", "--out", "old.pem")
        let oldKey = try workspace.json(try workspace.ok("server", "status", "--home", "ls", "--json"))
        let oldIssuer = try #require((oldKey["issuers"] as? [[String: Any]])?.first?["keyID"] as? String)
        try workspace.ok("server", "rotate", "--home", "ls")
        try workspace.ok("clearinghouse", "activate", "--home", "ch", "--request", "ls/activation-request.pem", "--out", "rotated.pem")
        try workspace.ok("server", "install-certificate", "--home", "ls", "rotated.pem")
        try workspace.ok("client", "init", "--home", "c2", "--device-id", "PC-2")
        try workspace.ok("client", "request", "--home", "c2", "--out", "c2.csr")
        let refused = try workspace.refused("issuer-not-active", "server", "issue", "--home", "n2", "--request", "c2.csr", "--type", "per-device", "--out", "c2.pem")
        #expect(refused.error.contains("another node"))
        try workspace.refused("invalid-argument", "server", "add-node", "--home", "ch", "--of", "ls", "--refresh")
        try workspace.ok("server", "add-node", "--home", "n2", "--of", "ls", "--refresh")
        #expect(try FileManager.default.attributesOfItem(atPath: workspace.file("n2/server-key.pem"))[.posixPermissions] as? Int == 0o600)
        try workspace.ok("server", "issue", "--home", "n2", "--request", "c2.csr", "--type", "per-device", "--out", "c2.pem")
        let verified = try ExternalTool.openssl(["verify", "-CAfile", workspace.file("ch/root.pem"), "-untrusted", workspace.file("rotated.pem"), workspace.file("c2.pem")])
        #expect(verified.status == 0, "\(verified.output) \(verified.error)")
        // The retired key's licenses are still answered for, from the refreshed node.
        try workspace.ok("server", "crl", "--home", "n2", "--issuer", String(oldIssuer.prefix(12)), "--out", "old.crl")
        try workspace.ok("server", "crl", "--home", "n3", "--out", "n3.crl")
    }

    @Test("A database too slow to answer: a node with every connection waiting refuses with 503 storage within its timeouts, piles nothing up, and takes up again")
    func slowDatabase() async throws {
        let (workspace, location) = try Self.cluster(seats: 50)
        let nodes = try Self.serve(workspace, homes: ["ls"])
        defer { nodes.forEach { $0.stop() } }
        // Another session holds the audit chain's head, which every change waits for, until
        // the test ends it. Once it holds the lock it takes a name of its own, which is how the
        // test knows (a loaded machine starts psql slowly).
        let schema = location.schema ?? ""
        let holderName = "calkit-test-holder-\(schema)"
        let holderErrors = workspace.file("holder.err")
        _ = FileManager.default.createFile(atPath: holderErrors, contents: nil)
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        holder.arguments = [
            try TestPostgres.url(), "-q", "-c",
            "BEGIN; SELECT 1 FROM \(schema).audit_head FOR UPDATE; SET application_name = '\(holderName)'; SELECT pg_sleep(600); COMMIT;",
        ]
        holder.standardInput = FileHandle.nullDevice
        holder.standardOutput = FileHandle.nullDevice
        holder.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: holderErrors))
        try holder.run()
        let psql = { (sql: String) throws -> String in
            try ExternalTool.run("/usr/bin/psql", [try TestPostgres.url(), "-Atc", sql]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let endHolder = {
            _ = try? psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%\(schema).audit_head FOR UPDATE%' AND pid <> pg_backend_pid()")
            if holder.isRunning { holder.terminate() }
            holder.waitUntilExit()
        }
        defer { endHolder() }
        // Asked again after every sleep before the deadline is looked at: on a loaded machine a
        // sleeping task may wake long after it asked to, and must not give up without looking.
        var held = false
        let deadline = Date().addingTimeInterval(90)
        while true {
            held = try psql("SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = '\(holderName)'") == "1"
            if held || !holder.isRunning || Date() >= deadline { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        if !held {
            // What the database was doing instead, for whoever reads the failure.
            let sessions = try? psql(
                "SELECT pid, application_name, state, wait_event_type, wait_event, left(query, 100) FROM pg_stat_activity WHERE datname = current_database()"
            )
            let waits = try? psql("SELECT pid, locktype, mode, relation::regclass FROM pg_locks WHERE NOT granted")
            let errors = (try? String(contentsOfFile: holderErrors, encoding: .utf8)) ?? ""
            Issue.record("the holder (running: \(holder.isRunning)) never held the head; psql said: \(errors)\nsessions:\n\(sessions ?? "?")\nwaiting:\n\(waits ?? "?")")
            return
        }
        // Twice as many requests as the node has connections, all at once. Each is timed by
        // the client from connecting to the last byte of the answer: what the node did, not how
        // long a loaded machine took to start the clients.
        let bodies = try (0..<16).map { try LicenseRequests.body(workspace, device: "SLOW-\($0)", key: try KeyType.p256.generate()) }
        let waited = await LicenseRequests.postAll(bodies, through: LicenseRequests.Balancer(nodes), retrying: false)
        #expect(waited.allSatisfy { $0.status == 503 && $0.object["error"] as? String == "storage" }, "\(waited.map { "\($0.status) \($0.body)" })")
        let slowest = waited.map(\.seconds).max() ?? 0
        #expect(slowest < 30, "the node took \(slowest) s to refuse: its lock, statement and pool timeouts are 10, 10 and 5 s")
        #expect(nodes[0].isRunning)
        endHolder()
        let fresh = try (0..<16).map { try LicenseRequests.body(workspace, device: "AFTER-\($0)", key: try KeyType.p256.generate()) }
        let after = await LicenseRequests.postAll(fresh, through: LicenseRequests.Balancer(nodes), retrying: false)
        #expect(after.allSatisfy { $0.status == 200 }, "\(after.map(\.status))")
    }

    @Test("PostgreSQL restarted in the middle of the load: the nodes answer 503 storage at once, neither crash nor hang, and recover by themselves")
    func databaseRestartedMidLoad() async throws {
        let database = try TestPostgresServer()
        let scenario = try await FaultScenario(on: database)
        defer { scenario.stop() }
        try await scenario.run(
            fault: {
                database.stop()
                // While the database is down every node says so, quickly: 503 with the storage code.
                for node in scenario.nodes {
                    let body = try LicenseRequests.body(scenario.workspace, device: "PROBE", key: try KeyType.p256.generate())
                    let answer = try LicenseRequests.post(node, body)
                    #expect(answer.status == 503 && answer.object["error"] as? String == "storage", "\(answer.status) \(answer.body)")
                    #expect(answer.seconds < 12, "a node took \(answer.seconds) s to say the database is down")
                }
            },
            recover: { try database.start() }
        )
        for node in scenario.nodes where !node.isRunning { Issue.record("a node died with the database: \(node.log.suffix(3000))") }
        try scenario.workspace.ok("server", "audit", "--home", "n3", "--verify", "--now", Self.later)
        // Nothing left waiting on a connection the restart closed: every node shuts down cleanly.
        for node in scenario.nodes { #expect(node.stop() == 0, "a node did not shut down after the restart: \(node.log.suffix(2000))") }
    }
}

/// Three nodes under the load of 96 devices presenting expired temporary licenses for a pack of
/// 50, sent in two waves: once the first wave's first CALs are in the ledger a fault strikes,
/// the second wave follows at once, and the fault is repaired half a second later. Whatever
/// the fault, the same must hold afterwards.
struct FaultScenario {
    let workspace: CLIWorkspace
    let location: PostgresLocation
    let nodes: [RunningService]
    let balancer: LicenseRequests.Balancer
    let bodies: [String]

    /// The cluster (on `server`, else the shared one), its devices given their temporary
    /// licenses, and the nodes served again 91 days later.
    init(on server: TestPostgresServer? = nil) async throws {
        (workspace, location) = try NodeScenarioTests.cluster(seats: 50, on: server)
        let first = try NodeScenarioTests.serve(workspace)
        bodies = try await NodeScenarioTests.temporaries(workspace, devices: (0..<96).map { "PC-\($0)" }, on: first)
        first.forEach { $0.stop() }
        nodes = try NodeScenarioTests.serve(workspace, now: NodeScenarioTests.later)
        balancer = LicenseRequests.Balancer(nodes)
    }

    /// Runs the two waves around `fault` and `recover`, then checks: every request answered
    /// 200 or 409 (a client retrying through the balancer), at least one met the fault, exactly
    /// 50 permanent CALs, each acknowledged one in the ledger, every seat held by its license,
    /// and no device holding two.
    func run(fault: () async throws -> Void, recover: () async throws -> Void) async throws {
        async let firstWave = LicenseRequests.postAll(Array(bodies.prefix(48)), through: balancer)
        let watcher = try PostgresLicenseServerStore(location: location)
        defer { watcher.close() }
        let deadline = Date().addingTimeInterval(30)
        while try watcher.issuanceCounts().permanentPerDevice < 5 && Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
        try await fault()
        async let secondWave = LicenseRequests.postAll(Array(bodies.dropFirst(48)), through: balancer)
        try await Task.sleep(for: .milliseconds(500))
        try await recover()
        let results = await firstWave + secondWave
        #expect(results.contains { $0.attempts > 1 }, "no request met the fault")
        #expect(results.allSatisfy { $0.status == 200 || $0.status == 409 }, "\(results.map(\.status))")
        let acknowledged = Set(results.filter { $0.status == 200 }.compactMap { $0.object["serial"] as? String })
        let ledger = try NodeScenarioTests.ledger(location, at: Date().addingTimeInterval(91 * 86_400))
        let permanent = ledger.licenses.filter { $0.status == .permanent }
        #expect(acknowledged.isSubset(of: Set(permanent.map(\.serial))), "an acknowledged license is missing from the ledger")
        #expect(permanent.count == 50 && ledger.seatsHeld == 50, "\(permanent.count) CALs, \(ledger.seatsHeld) seats held")
        // A CAL committed just before the fault, whose answer was lost, is handed out when its
        // device asks again: no device holds two seats.
        #expect(Set(permanent.map(\.subjectName)).count == permanent.count)
    }

    /// Stops the nodes.
    func stop() { nodes.forEach { $0.stop() } }
}

/// License requests over HTTP, as a host would send them.
enum LicenseRequests {
    /// An HTTP answer: status (0: no answer) and JSON body.
    struct Answer: Sendable {
        let status: Int
        let body: String
        /// Seconds from connecting to the end of the answer (the last node asked), as the client timed it.
        var seconds: Double = 0
        /// How many nodes were asked before one answered.
        var attempts = 1
        var object: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]) ?? [:] }
    }

    /// Writes a license-request body for a device's key, presenting `license` if given; returns its path.
    static func body(_ workspace: CLIWorkspace, device: String, key: Certificate.PrivateKey, presenting license: String? = nil) throws -> String {
        let csr = try ClientLicenseRequest.make(for: .device(device), key: key)
        var object: [String: String] = ["csr": try csr.serializeAsPEM().pemString, "mode": "per-device", "product": "Desk"]
        if let license { object["presented"] = license }
        return try workspace.folder.write(
            "\(device)\(license == nil ? "" : "-presenting")-\(UUID().uuidString.prefix(8)).json", Array(try JSONSerialization.data(withJSONObject: object))
        )
    }

    /// Posts a request body to `/v1/licenses` of a node.
    static func post(_ node: RunningService, _ file: String) throws -> Answer { try post(node.url, file) }

    /// Posts a request body to `/v1/licenses` at `base`.
    static func post(_ base: String, _ file: String) throws -> Answer {
        let result = try ExternalTool.run(
            "/usr/bin/curl",
            ["-s", "--max-time", "60", "-w", "\n%{time_total}\n%{http_code}", "-X", "POST", "-H", "Content-Type: application/json", "--data-binary", "@" + file,
             base + "/v1/licenses"]
        )
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
        return Answer(
            status: Int(lines.last ?? "") ?? 0, body: lines.dropLast(2).joined(separator: "\n"), seconds: Double(lines.dropLast().last ?? "") ?? 0
        )
    }

    /// Posts to node `first mod n`, and on to the next while no node answers or one says 503,
    /// for up to two minutes (a loaded machine restarts PostgreSQL slowly).
    static func postRetrying(_ file: String, from first: Int, over balancer: Balancer, retrying: Bool = true) -> Answer {
        var answer = Answer(status: 0, body: "")
        var attempts = 0
        let deadline = Date().addingTimeInterval(120)
        repeat {
            if attempts > 0 { Thread.sleep(forTimeInterval: 0.25) }
            answer = (try? post(balancer.url(first + attempts), file)) ?? Answer(status: 0, body: "")
            attempts += 1
        } while retrying && (answer.status == 0 || answer.status == 503) && Date() < deadline
        answer.attempts = attempts
        return answer
    }

    /// Posts every body at once, body `i` to node `i mod n`; a request no node answered (a node
    /// down) is sent to the next node, as a load balancer retries.
    static func postAll(_ bodies: [String], spreadOver nodes: [RunningService]) async -> [Answer] {
        await postAll(bodies, through: Balancer(nodes))
    }

    /// Posts every body at once through `balancer`, each from a thread of its own: the tasks of
    /// a task group would share the two threads of the cooperative pool and send two at a time.
    static func postAll(_ bodies: [String], through balancer: Balancer, retrying: Bool = true) async -> [Answer] {
        await withCheckedContinuation { continuation in
            let group = DispatchGroup()
            let lock = NSLock()
            nonisolated(unsafe) var answers: [Answer] = []
            for (index, file) in bodies.enumerated() {
                group.enter()
                Thread {
                    let answer = postRetrying(file, from: index, over: balancer, retrying: retrying)
                    lock.withLock { answers.append(answer) }
                    group.leave()
                }.start()
            }
            group.notify(queue: .global()) { continuation.resume(returning: lock.withLock { answers }) }
        }
    }

    /// The nodes' addresses, in turn; a node started again takes its place.
    final class Balancer: @unchecked Sendable {
        private let lock = NSLock()
        private var urls: [String]

        init(_ nodes: [RunningService]) { urls = nodes.map(\.url) }

        var count: Int { lock.withLock { urls.count } }

        func url(_ index: Int) -> String { lock.withLock { urls[index % urls.count] } }

        func replace(_ index: Int, with node: RunningService) { lock.withLock { urls[index] = node.url } }
    }
}
