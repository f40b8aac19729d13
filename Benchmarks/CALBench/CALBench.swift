import CALClearinghouse
import CALClient
import CALCore
import CALLicenseServer
import CALLicensing
import Crypto
import Foundation
import X509

/// `make bench`: raw P-256 signing and verifying beside CAL minting and verification, measured
/// side by side in one run so the ratios hold on a noisy machine.
@main
struct CALBench {
    static func main() async {
        do {
            try await run()
        } catch {
            FileHandle.standardError.write(Data("CALBench: \(error)\n".utf8))
            exit(1)
        }
    }

    /// Every row, or the one `CALBENCH_ONLY` names.
    static func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        // CALBENCH_QUICK=1: shorter rows, fewer devices, CRLs up to 100,000 entries (a few minutes).
        let quick = environment["CALBENCH_QUICK"] == "1"
        let duration = Double(environment["CALBENCH_SECONDS"] ?? "") ?? (quick ? 1.0 : 2.0)
        // CALBENCH_ONLY=crl measures one CRL size (the report runs it in child processes).
        if environment["CALBENCH_ONLY"] == "crl" {
            try await CRLScale.measure(entries: Int(environment["CALBENCH_CRL_ENTRIES"] ?? "") ?? 100_000)
            return
        }
        let crlSizes = quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000]
        // CALBENCH_ONLY=crls runs the CRL rows again and updates their keys in results.json.
        if environment["CALBENCH_ONLY"] == "crls" {
            var results = Self.readResults()
            results.merge(try CRLScale.report(sizes: crlSizes)) { $1 }
            try write(results)
            return
        }
        let levels = [1, 8, 64]
        let devicesPerLevel = Int(environment["CALBENCH_HTTP_DEVICES"] ?? "") ?? (quick ? 500 : 2_000)
        let ocspRequests = Int(environment["CALBENCH_HTTP_OCSP"] ?? "") ?? (quick ? 1_000 : 4_000)
        // CALBENCH_ONLY=http runs the network rows (after a raw signing row for their ratio).
        if environment["CALBENCH_ONLY"] == "http" {
            let key = P256.Signing.PrivateKey()
            let rawSign = try Measurement.run("raw P-256 sign (swift-crypto)", duration: duration) { _ = try key.signature(for: [1, 2, 3]) }
            print("raw P-256 sign: \(format(rawSign.perSecond)) /s")
            try await HTTPBench.report(rawSign: rawSign.perSecond, levels: levels, requestsPerLevel: devicesPerLevel, ocspRequests: ocspRequests)
            return
        }
        // CALBENCH_ONLY=nodes runs the PostgreSQL rows: SQLite beside one, two and three nodes.
        let nodeDevices = Int(environment["CALBENCH_NODES_DEVICES"] ?? "") ?? (quick ? 300 : 1_000)
        if environment["CALBENCH_ONLY"] == "nodes" {
            var results = Self.readResults()
            results.merge(try await NodesBench.report(levels: levels, devices: nodeDevices)) { $1 }
            try write(results)
            return
        }
        // CALBENCH_ONLY=store or =verify runs just that row, for a profiler.
        if let only = environment["CALBENCH_ONLY"], only != "ratios" {
            try await profile(only, duration: duration)
            return
        }
        let deployment = try await BenchDeployment.make(seats: KeyPackContent.maximumCount)
        defer { deployment.remove() }

        // Raw swift-crypto P-256.
        let rawKey = P256.Signing.PrivateKey()
        let message = Array(repeating: UInt8(0x42), count: 512)
        let rawSignature = try rawKey.signature(for: message)
        // Minting in memory, in rounds alternating with raw signing.
        let mint = try Self.minting(deployment)
        let (rawSign, mintInMemory) = try await Measurement.alternating(
            ("raw P-256 sign (swift-crypto)", { _ = try rawKey.signature(for: message) }),
            ("CAL mint, in memory (signed DER)", { try mint() }),
            duration: duration
        )

        // Minting through the license server: CSR check, seat, signing and the SQLite record, one transaction each.
        let mintWithStore = try Measurement.run("CAL mint + SQLite record (1 txn each)", duration: duration) {
            _ = try deployment.issue()
        }

        // Full verification: profile, signatures, validity, RFC 5280 path, binding.
        let license = try deployment.issue()
        let verifier = deployment.verifier
        let expectation = LicenseVerifier.Expectation(deviceID: "BENCH-1", holderKey: deployment.client.publicKey, product: "Bench")
        let publicKey = rawKey.publicKey
        let (rawVerify, verify) = try await Measurement.alternating(
            ("raw P-256 verify (swift-crypto)", { precondition(publicKey.isValidSignature(rawSignature, for: message)) }),
            (
                "full license verification",
                {
                    guard case .success = await verifier.verify(license, at: Date(), expecting: expectation) else {
                        throw CALError.chainDoesNotVerify("benchmark license did not verify")
                    }
                }
            ),
            duration: duration
        )

        // OCSP: parse a request, look the serial up in the store, sign the response.
        let ocspRequest = try OCSPRequest(
            certificateIDs: [try OCSPCertificateID(certificate: license, issuer: deployment.serverCertificate)],
            nonce: Array(repeating: 7, count: 16)
        ).derBytes()
        let ocsp = try Measurement.run("OCSP response (parse, look up, sign)", duration: duration) {
            _ = try deployment.server.ocspResponseBytes(to: ocspRequest)
        }
        // Without a nonce: parse, look up, and the kept response.
        let keptRequest = try OCSPRequest(
            certificateIDs: [try OCSPCertificateID(certificate: license, issuer: deployment.serverCertificate)]
        ).derBytes()
        let ocspKept = try Measurement.run("OCSP response, kept (no nonce)", duration: duration) {
            _ = try deployment.server.ocspResponseBytes(to: keptRequest)
        }

        // The licensing engine: the pure logon decision, and a whole in-process license request
        // presenting a standing CAL (ledger snapshot, the presented license judged, the decision).
        let logonClient = try ClientIdentity.create(at: deployment.folder + "/logon-client", deviceID: "BENCH-LOGON")
        let held = try deployment.server.issue(request: try logonClient.request(), licenseType: .perDevice, temporary: false, product: "Bench")
        let ledgerLicense = LedgerLicense(
            serial: held.record.serial, licenseType: .perDevice, status: .permanent, product: "Bench", subjectName: "BENCH-LOGON",
            keyID: logonClient.publicKey.keyIdentifier, issuerKeyID: held.record.issuerKeyID, packID: held.record.keyPackID,
            seat: held.record.seat, notBefore: held.record.notBefore, notAfter: held.record.notAfter
        )
        let facts = LogonFacts(
            mode: .perDevice, subjectName: "BENCH-LOGON", requestKeyID: logonClient.publicKey.keyIdentifier, product: "Bench",
            presented: .recorded(ledgerLicense), history: [ledgerLicense], productsWithPacks: ["Bench"], now: Date()
        )
        let decide = Measurement.run("logon decision alone (LogonPolicy)", duration: duration) {
            precondition(LogonPolicy.decide(facts) == .keepCurrent)
        }
        let logonRequest = LicenseRequest(csr: try logonClient.request(), mode: .perDevice, product: "Bench", presented: held.certificate)
        let requestInProcess = try await Measurement.run("license request in process (keep current)", duration: duration) {
            guard case .keepCurrent = try await deployment.server.requestLicense(logonRequest) else {
                throw CALError.chainDoesNotVerify("benchmark logon did not keep its license")
            }
        }

        let all = [rawSign, rawVerify, mintInMemory, mintWithStore, verify, ocsp, ocspKept, decide, requestInProcess]
        print("CALKit benchmark — release build, P-256, \(duration) s per row, one run")
        print("(raw sign | mint and raw verify | verification alternate in 7 rounds each; their rates are the rounds' medians)")
        print("")
        let width = all.map(\.name.count).max() ?? 0
        for measurement in all {
            let name = measurement.name.padding(toLength: width, withPad: " ", startingAt: 0)
            print("\(name)  \(format(measurement.perSecond)) /s  (\(measurement.operations) in \(String(format: "%.2f", measurement.seconds)) s)")
        }
        print("")
        print("mint in memory / raw sign:  \(String(format: "%.2f", mintInMemory.perSecond / rawSign.perSecond))")
        print("mint + SQLite / raw sign:   \(String(format: "%.2f", mintWithStore.perSecond / rawSign.perSecond))")
        print("verification / raw verify:  \(String(format: "%.2f", verify.perSecond / rawVerify.perSecond))")
        print("OCSP response / raw sign:   \(String(format: "%.2f", ocsp.perSecond / rawSign.perSecond))")

        // CALBENCH_ONLY=ratios stops here: the in-process rows and their ratios.
        if environment["CALBENCH_ONLY"] == "ratios" { return }
        let python = Peers.pythonMintRate(seconds: duration)
        if let python {
            print("Python cryptography, same profile in memory:  \(format(python)) /s  (CALKit mint / Python: \(String(format: "%.2f", mintInMemory.perSecond / python)))")
        }

        var results: [String: Double] = [
            "raw_sign_per_s": rawSign.perSecond, "raw_verify_per_s": rawVerify.perSecond, "mint_in_memory_per_s": mintInMemory.perSecond,
            "verify_per_s": verify.perSecond, "ocsp_in_process_per_s": ocsp.perSecond, "ocsp_kept_in_process_per_s": ocspKept.perSecond,
        ]
        results["python_mint_per_s"] = python
        let http = try await HTTPBench.report(rawSign: rawSign.perSecond, levels: levels, requestsPerLevel: devicesPerLevel, ocspRequests: ocspRequests)
        results.merge(http) { $1 }
        // The cost of /metrics to every request: Hummingbird's four metric updates, beside the
        // server time a permanent CAL takes at the rate measured (both cores over the rate).
        let metrics = MetricsCost.nanosecondsPerRequest()
        results["metrics_ns_per_request"] = metrics
        if let rate = http["http_permanent_64_per_s"] {
            let share = metrics / (Double(ProcessInfo.processInfo.activeProcessorCount) * 1e9 / rate)
            print("")
            print("metrics per request (Hummingbird's MetricsMiddleware updates, swift-prometheus): \(String(format: "%.0f", metrics)) ns, "
                + "\(String(format: "%.3f", share * 100)) % of a permanent CAL's server time")
        }
        results.merge(try await NodesBench.report(levels: levels, devices: nodeDevices)) { $1 }
        let crl = try CRLScale.report(sizes: crlSizes)
        results.merge(crl) { $1 }
        try write(results)
    }

    /// The figures of `.build/bench/results.json` as the last run left them (none if there are none).
    static func readResults() -> [String: Double] {
        let file = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/bench/results.json")
        guard let data = try? Data(contentsOf: file) else { return [:] }
        return (try? JSONDecoder().decode([String: Double].self, from: data)) ?? [:]
    }

    /// Writes `.build/bench/results.json`: the run's figures by key (numbers; a peer's keys are
    /// absent when it could not run).
    static func write(_ results: [String: Double]) throws {
        let folder = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/bench")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let file = folder.appendingPathComponent("results.json")
        try encoder.encode(results).write(to: file)
        print("")
        print("figures: \(file.path)")
    }

    /// Only one row (`mint`: minting in memory; `store`: minting with the store; `verify`: full verification), so
    /// `perf record` sees nothing else.
    static func profile(_ row: String, duration: Double) async throws {
        let deployment = try await BenchDeployment.make(seats: 100_000)
        defer { deployment.remove() }
        let measurement: Measurement
        if row == "mint" {
            measurement = try Measurement.run("CAL mint, in memory (signed DER)", duration: duration, try Self.minting(deployment))
        } else if row == "verify" {
            let license = try deployment.issue()
            let verifier = deployment.verifier
            let expectation = LicenseVerifier.Expectation(deviceID: "BENCH-1", holderKey: deployment.client.publicKey, product: "Bench")
            measurement = try await Measurement.run("full license verification", duration: duration) {
                guard case .success = await verifier.verify(license, at: Date(), expecting: expectation) else {
                    throw CALError.chainDoesNotVerify("benchmark license did not verify")
                }
            }
        } else {
            measurement = try Measurement.run("CAL mint + SQLite record", duration: duration) {
                _ = try deployment.issue()
            }
        }
        print("\(measurement.name): \(format(measurement.perSecond)) /s")
    }

    /// One license minted in memory as the license server mints it: built and signed (DER) with
    /// the issuer's signer made once, the key as the request encoded it; no store.
    static func minting(_ deployment: BenchDeployment) throws -> @Sendable () throws -> Void {
        let signer = try ClientLicenseSigner(issuer: deployment.serverCertificate, issuerKey: deployment.serverKey)
        let subject = LicenseSubject.device("BENCH-1")
        let license = LicenseExtension(
            licenseType: .perDevice, status: .permanent, product: "Bench", productVersion: "1",
            licenseServerID: deployment.server.serverID, subjectHash: subject.hash, keyPackID: deployment.pack.content.keyPackID
        )
        let request = deployment.request
        return {
            let now = Date()
            _ = try signer.sign(
                ClientLicenseProfile.Contents(
                    publicKey: request.publicKey, subject: subject, license: license, serialNumber: SerialNumbers.random(),
                    notBefore: now, notAfter: now.addingDays(60), publicKeyInfo: ClientLicenseRequest.publicKeyInfo(of: request)
                )
            )
        }
    }

    static func format(_ value: Double) -> String {
        let text = String(format: "%.0f", value)
        return String(repeating: " ", count: max(0, 8 - text.count)) + text
    }
}
