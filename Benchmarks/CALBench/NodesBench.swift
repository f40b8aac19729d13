import CALCore
import CALLicenseServer
import CALTestSupport
import Foundation
import X509

/// The PostgreSQL rows of `make bench`: durable issuance over HTTP (a permanent CAL for a
/// device presenting its temporary license, committed before it is answered) at 1, 8 and 64
/// connections, on SQLite (one node) and on PostgreSQL with one, two and three nodes of the
/// same license server, every `calkit server serve` a release build in its own process.
///
/// PostgreSQL is a server of the bench's own (initdb under `.build/postgres-bench/`, fsync and
/// synchronous commit on, the defaults). On this machine the nodes, PostgreSQL and the load
/// generator share the same cores: more nodes add processes competing for them, not capacity.
/// Connections are spread over the nodes in turn, so one client uses one node.
enum NodesBench {
    /// One measured row: what was asked, of which backend and how many nodes, by how many clients.
    struct Row {
        let work: String
        let backend: String
        let nodes: Int
        let clients: Int
        let result: HTTPLoad.Result
    }

    /// The work of the rows: durable issuance, and OCSP answers (a read on every node).
    static let issuance = "permanent CAL"
    static let ocsp = "OCSP (no nonce)"

    /// Runs the rows and prints their table with the ratios to SQLite; returns the figures
    /// `results.json` keeps (`nodes_<backend>_<nodes>_<clients>_per_s`).
    @discardableResult
    static func report(levels: [Int], devices: Int) async throws -> [String: Double] {
        let calkit = try HTTPBench.calkitExecutable()
        let postgres = try TestPostgresServer(label: "bench")
        var rows: [Row] = []
        // SQLite: one node, as the other network rows.
        let sqlite = try await BenchDeployment.make(seats: levels.count * devices + 1)
        defer { sqlite.remove() }
        rows += try await measure(sqlite, homes: ["ls"], backend: "SQLite", levels: levels, devices: devices, calkit: calkit)
        // PostgreSQL: one server, then one, two and three nodes of it.
        let shared = try await BenchDeployment.make(seats: 3 * levels.count * devices + 1, database: postgres.url + "?schema=bench")
        defer { shared.remove() }
        for node in 2...3 { _ = try shared.server.addNode(at: shared.folder + "/node\(node)") }
        for count in 1...3 {
            let homes = ["ls"] + (1..<count).map { "node\($0 + 1)" }
            rows += try await measure(shared, homes: homes, backend: "PostgreSQL", levels: levels, devices: devices, calkit: calkit)
        }

        print("")
        print("Durable issuance over HTTP: a permanent CAL for a device presenting its temporary license (committed before")
        print("it is answered), \(devices) devices per row. SQLite: one node (WAL, synced per commit, group commit).")
        print("PostgreSQL \(postgres.version): a local server (fsync on), one to three nodes of one license server; the nodes,")
        print("PostgreSQL and the load share this machine's \(ProcessInfo.processInfo.activeProcessorCount) cores, so more nodes compete for them.")
        print("")
        print("work             backend      nodes  clients     req/s   p50 ms   p99 ms   / SQLite same clients")
        var figures: [String: Double] = [:]
        for row in rows {
            let baseline = rows.first { $0.work == row.work && $0.backend == "SQLite" && $0.clients == row.clients }?.result.perSecond ?? row.result.perSecond
            print(
                row.work.padding(toLength: 17, withPad: " ", startingAt: 0)
                    + row.backend.padding(toLength: 11, withPad: " ", startingAt: 0) + pad(String(row.nodes), 6) + pad(String(row.clients), 9)
                    + pad(String(format: "%.0f", row.result.perSecond), 10) + pad(String(format: "%.2f", row.result.percentile(0.5) * 1000), 9)
                    + pad(String(format: "%.2f", row.result.percentile(0.99) * 1000), 9) + pad(String(format: "%.2f", row.result.perSecond / baseline), 24)
            )
            let work = row.work == issuance ? "issue" : "ocsp"
            figures["nodes_\(work)_\(row.backend.lowercased())_\(row.nodes)_\(row.clients)_per_s"] = row.result.perSecond
        }
        // What a license costs PostgreSQL to keep: its row with every index, and its seat.
        let sizes = try ExternalTool.run(
            "/usr/bin/psql",
            [postgres.url, "-Atc", "SELECT pg_total_relation_size('bench.licenses') / GREATEST(COUNT(*), 1), COUNT(*) FROM bench.licenses"]
        )
        let parts = sizes.output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|")
        if parts.count == 2, let bytes = Double(parts[0]) {
            print("")
            print("PostgreSQL keeps \(String(format: "%.0f", bytes)) bytes per license (row, certificate and indexes; \(parts[1]) licenses)")
            figures["postgres_bytes_per_license"] = bytes
        }
        return figures
    }

    /// Serves `homes` (nodes of the deployment's server), and for each level gives fresh devices
    /// their temporary licenses, then measures their permanent CALs.
    private static func measure(
        _ deployment: BenchDeployment, homes: [String], backend: String, levels: [Int], devices: Int, calkit: String
    ) async throws -> [Row] {
        let credential = "Bearer " + (try deployment.server.enrollHost(name: "bench-\(backend)-\(homes.count)")).credential
        let services = try homes.map { home in
            try RunningService(
                calkit, ["server", "serve", "--home", deployment.folder + "/" + home, "--listen", "127.0.0.1:0", "--rate-limit", "1000000/s"],
                in: deployment.folder
            )
        }
        defer { services.forEach { $0.stop() } }
        var load = HTTPLoad(port: services[0].port, path: "/v1/licenses", contentType: "application/json", authorization: credential)
        load.ports = services.map(\.port)
        var rows: [Row] = []
        var license: Certificate?
        for clients in levels {
            let batch = try (0..<devices).map { index in try BenchDevice(name: "\(backend)-\(homes.count)-\(clients)-\(index)") }
            let first = try await load.run(bodies: try batch.map { try $0.body(presenting: nil) }, concurrency: clients)
            let temporaries = try first.answers.map { try HTTPBench.issuedLicense(in: $0, expecting: .temporary) }
            let second = try await load.run(bodies: try zip(batch, temporaries).map { try $0.body(presenting: $1) }, concurrency: clients)
            license = try second.answers.map { try HTTPBench.issuedLicense(in: $0, expecting: .permanent) }.first
            rows.append(Row(work: issuance, backend: backend, nodes: homes.count, clients: clients, result: second))
        }
        // OCSP for one of them at 64 connections: parse, a read of the ledger, the kept response.
        if let license {
            let request = try OCSPRequest(certificateIDs: [try OCSPCertificateID(certificate: license, issuer: deployment.serverCertificate)]).derBytes()
            var ocsp = HTTPLoad(port: services[0].port, path: "/ocsp", contentType: "application/ocsp-request")
            ocsp.ports = services.map(\.port)
            let answered = try await ocsp.run(bodies: Array(repeating: request, count: devices * 4), concurrency: 64)
            guard answered.statusCounts == [200: devices * 4] else { throw BenchFailure("OCSP answered \(answered.statusCounts)") }
            rows.append(Row(work: Self.ocsp, backend: backend, nodes: homes.count, clients: 64, result: answered))
        }
        return rows
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
