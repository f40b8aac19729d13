import CALCore
import CALWire
import CALLicenseServer
import CALTestSupport
import Crypto
import Foundation
import X509

/// The network rows of `make bench`: `calkit server serve` (release build, its own process, request
/// logging on, SQLite store) on loopback, loaded by `HTTPLoad` from this process at 1, 8 and 64
/// concurrent connections; beside the same decisions taken in process.
///
/// Each concurrency level gets its own fresh devices: a first request each earns a temporary
/// license, and presenting it earns a permanent per-device CAL (the temporary superseded, one
/// SQLite transaction). Then OCSP requests for one of those CALs over `POST /ocsp`, alone and with
/// one OCSP client beside 64 clients asking for licenses. Every license is durable before it is
/// answered (WAL synced per commit); concurrent requests share commits (group commit). At 64
/// connections the peers run beside it in alternating rounds (``PeerRounds``).
enum HTTPBench {
    /// One measured row.
    struct Row {
        let name: String
        let clients: Int
        let result: HTTPLoad.Result
        /// The in-process rate of the same work, for the ratio (none for a peer's row).
        let inProcess: Double?
    }

    /// Runs the network rows and prints their table; `rawSign` is the raw P-256 signing rate of
    /// this run. Returns the figures `results.json` keeps.
    @discardableResult
    static func report(rawSign: Double, levels: [Int], requestsPerLevel: Int, ocspRequests: Int, rounds: Int = 3) async throws -> [String: Double] {
        let calkit = try calkitExecutable()
        let deployment = try await BenchDeployment.make(seats: (levels.count + rounds) * requestsPerLevel)
        defer { deployment.remove() }

        // The same decisions in process, on a deployment of their own, one caller.
        let local = try await BenchDeployment.make(seats: requestsPerLevel + 1)
        defer { local.remove() }
        let (temporaryInProcess, permanentInProcess) = try await inProcessRates(on: local.server, devices: requestsPerLevel)
        let ocspInProcess = try inProcessOCSPRate(on: local, requests: ocspRequests)

        // The load comes from one enrolled session host, as in a deployment.
        let credential = "Bearer " + (try deployment.server.enrollHost(name: "bench-host")).credential
        let service = try RunningService(
            calkit,
            ["server", "serve", "--home", deployment.folder + "/ls", "--listen", "127.0.0.1:0", "--rate-limit", "1000000/s"],
            in: deployment.folder
        )
        defer { service.stop() }

        var rows: [Row] = []
        // OCSP as browsers and most clients ask (no nonce: the kept response answers), and once
        // with a nonce (signed for each request).
        var ocspRequest: [UInt8] = []
        var ocspNonceRequest: [UInt8] = []
        var ocspLicense: Certificate?
        for clients in levels {
            let devices = try (0..<requestsPerLevel).map { index in try BenchDevice(name: "HTTP-\(clients)-\(index)") }
            let licenses = HTTPLoad(port: service.port, path: "/v1/licenses", contentType: "application/json", authorization: credential)

            let first = try await licenses.run(bodies: try devices.map { try $0.body(presenting: nil) }, concurrency: clients)
            let temporaries = try first.answers.map { try issuedLicense(in: $0, expecting: .temporary) }
            rows.append(Row(name: "temporary license (first logon)", clients: clients, result: first, inProcess: temporaryInProcess))

            let bodies = try zip(devices, temporaries).map { device, temporary in try device.body(presenting: temporary) }
            let second = try await licenses.run(bodies: bodies, concurrency: clients)
            let permanents = try second.answers.map { try issuedLicense(in: $0, expecting: .permanent) }
            rows.append(Row(name: "permanent CAL (temporary presented)", clients: clients, result: second, inProcess: permanentInProcess))

            if ocspRequest.isEmpty, let license = permanents.first {
                ocspLicense = license
                let id = try OCSPCertificateID(certificate: license, issuer: deployment.serverCertificate)
                ocspRequest = try OCSPRequest(certificateIDs: [id]).derBytes()
                ocspNonceRequest = try OCSPRequest(certificateIDs: [id], nonce: Array(repeating: 7, count: 16)).derBytes()
            }
        }
        let ocsp = HTTPLoad(port: service.port, path: "/ocsp", contentType: "application/ocsp-request")
        for clients in levels {
            let result = try await ocsp.run(bodies: Array(repeating: ocspRequest, count: ocspRequests), concurrency: clients)
            guard result.statusCounts == [200: ocspRequests] else { throw BenchFailure("OCSP over HTTP answered \(result.statusCounts)") }
            rows.append(Row(name: "OCSP response (POST /ocsp, no nonce)", clients: clients, result: result, inProcess: ocspInProcess))
        }
        let fresh = try await ocsp.run(bodies: Array(repeating: ocspNonceRequest, count: ocspRequests), concurrency: 64)
        guard fresh.statusCounts == [200: ocspRequests] else { throw BenchFailure("OCSP with a nonce answered \(fresh.statusCounts)") }
        rows.append(Row(name: "OCSP response (with a nonce: signed)", clients: 64, result: fresh, inProcess: ocspInProcess))
        // Side by side at 64 connections, in alternating rounds (A B A B, medians): permanent CALs
        // against cfssl's sign endpoint; OCSP against `openssl ocsp -index`, which closes the
        // connection after every answer, so CALKit is also loaded that way for the like-for-like ratio.
        let peers = try await PeerRounds.run(
            rounds: rounds, requests: requestsPerLevel, ocspRequests: ocspRequests, port: service.port, credential: credential,
            deployment: deployment, ocspRequest: ocspRequest, license: ocspLicense
        )
        rows += peers.rows(temporaryInProcess: temporaryInProcess, permanentInProcess: permanentInProcess, ocspInProcess: ocspInProcess)
        // One OCSP client while 64 others ask for licenses: does store work hold up the light requests?
        let mixedDevices = try (0..<requestsPerLevel).map { index in try BenchDevice(name: "MIX-\(index)") }
        let licenses = HTTPLoad(port: service.port, path: "/v1/licenses", contentType: "application/json", authorization: credential)
        async let licenseLoad = licenses.run(bodies: try mixedDevices.map { try $0.body(presenting: nil) }, concurrency: 64)
        try await Task.sleep(for: .milliseconds(200))
        let underLoad = try await ocsp.run(bodies: Array(repeating: ocspRequest, count: 500), concurrency: 1)
        let background = try await licenseLoad
        guard underLoad.statusCounts == [200: 500], background.statusCounts == [200: requestsPerLevel] else {
            throw BenchFailure("the mixed load answered \(underLoad.statusCounts) and \(background.statusCounts)")
        }
        rows.append(Row(name: "OCSP, 1 client beside 64 asking for licenses", clients: 1, result: underLoad, inProcess: ocspInProcess))
        rows.append(Row(name: "  the 64 license requests meanwhile", clients: 64, result: background, inProcess: temporaryInProcess))
        guard service.stop() == 0 else { throw BenchFailure("calkit server serve did not stop cleanly") }

        print("")
        print("HTTP on loopback: calkit server serve (release, own process, request log on, SQLite), load from this process;")
        print("both share the machine's \(ProcessInfo.processInfo.activeProcessorCount) cores. In process: the same call on the LicenseServer, one caller.")
        print("\(requestsPerLevel) new devices per level (2 requests each), \(ocspRequests) OCSP requests per level.")
        print("")
        let width = rows.map(\.name.count).max() ?? 0
        print(
            "".padding(toLength: width, withPad: " ", startingAt: 0)
                + "  clients     req/s   p50 ms   p99 ms   in-process/s   HTTP/in-process   HTTP/raw sign"
        )
        for row in rows {
            let columns = [
                pad(String(row.clients), 7),
                pad(String(format: "%.0f", row.result.perSecond), 9),
                pad(String(format: "%.2f", row.result.percentile(0.5) * 1000), 8),
                pad(String(format: "%.2f", row.result.percentile(0.99) * 1000), 8),
                pad(row.inProcess.map { String(format: "%.0f", $0) } ?? "-", 14),
                pad(row.inProcess.map { String(format: "%.2f", row.result.perSecond / $0) } ?? "-", 17),
                pad(String(format: "%.3f", row.result.perSecond / rawSign), 15),
            ]
            print(row.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + columns.joined(separator: "  "))
        }
        peers.printRatios()
        return peers.figures
    }

    /// The in-process rates of the two logon decisions: temporaries for new devices, then permanent CALs for them.
    private static func inProcessRates(on server: LicenseServer, devices count: Int) async throws -> (Double, Double) {
        let devices = try (0..<count).map { index in try BenchDevice(name: "LOCAL-\(index)") }
        let clock = ContinuousClock()
        var start = clock.now
        var temporaries: [Certificate] = []
        for device in devices {
            guard case .issued(let license, _) = try await server.requestLicense(LicenseRequest(csr: device.request, mode: .perDevice)) else {
                throw BenchFailure("the in-process first logon was not granted a temporary license")
            }
            temporaries.append(license)
        }
        let temporaryRate = Double(count) / HTTPLoad.seconds(clock.now - start)
        start = clock.now
        for (device, temporary) in zip(devices, temporaries) {
            let request = LicenseRequest(csr: device.request, mode: .perDevice, presented: temporary)
            guard case .issued = try await server.requestLicense(request) else {
                throw BenchFailure("the in-process second logon was not granted a permanent CAL")
            }
        }
        return (temporaryRate, Double(count) / HTTPLoad.seconds(clock.now - start))
    }

    /// The in-process OCSP rate (parse, look up, sign) for one of the deployment's licenses.
    private static func inProcessOCSPRate(on deployment: BenchDeployment, requests count: Int) throws -> Double {
        let license = try deployment.issue()
        let request = try OCSPRequest(certificateIDs: [try OCSPCertificateID(certificate: license, issuer: deployment.serverCertificate)]).derBytes()
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<count { _ = try deployment.server.ocspResponseBytes(to: request) }
        return Double(count) / HTTPLoad.seconds(clock.now - start)
    }

    /// The license in a 200 answer to `POST /v1/licenses`, checked to have the expected status.
    static func issuedLicense(in answer: HTTPLoad.Answer, expecting status: LicenseStatus) throws -> Certificate {
        guard answer.status == 200 else {
            throw BenchFailure("the license server answered \(answer.status): \(String(decoding: answer.body, as: UTF8.self))")
        }
        let message = try JSONDecoder().decode(LicenseGrantMessage.self, from: Data(answer.body))
        guard case .issued(let license, _) = try message.grant(), try LicenseExtension(of: license)?.status == status else {
            throw BenchFailure("the license server did not issue a \(status.rawValue) license")
        }
        return license
    }

    /// `calkit` beside this executable (both built by `make bench`), or `CALKIT_BIN`.
    static func calkitExecutable() throws -> String {
        if let path = ProcessInfo.processInfo.environment["CALKIT_BIN"] { return path }
        let own = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let path = own.deletingLastPathComponent().appendingPathComponent("calkit").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw BenchFailure("no calkit at \(path): build it with `swift build -c release --product calkit` or set CALKIT_BIN")
        }
        return path
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}

/// A client device of the network rows: its key and its signed license request.
struct BenchDevice {
    let request: CertificateSigningRequest

    /// A new device `name` with a new P-256 key.
    init(name: String) throws {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        request = try ClientLicenseRequest.make(for: .device(name), key: key)
    }

    /// The JSON body a per-device host sends for it, presenting `license` if it has one.
    func body(presenting license: Certificate?) throws -> [UInt8] {
        Array(try JSONEncoder().encode(try LicenseRequestMessage(LicenseRequest(csr: request, mode: .perDevice, presented: license))))
    }
}

/// A benchmark whose service did not behave as expected: the figures would mean nothing.
struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
