import CALCore
import CALLicenseServer
import Foundation
import SwiftASN1

#if canImport(Glibc)
import Glibc
#endif

/// The CRL rows of `make bench`: building, signing, parsing and searching CRLs of 100,000 and
/// 1,000,000 entries. Each size runs in its own process so its peak memory is its own.
enum CRLScale {
    /// Runs one size in this process and prints one line of `key=value` figures.
    static func measure(entries count: Int) async throws {
        // 100 seats: the revocation quota allows the two revocations timed below.
        let deployment = try await BenchDeployment.make(seats: 100)
        defer { deployment.remove() }
        var generator = SystemRandomNumberGenerator()
        let now = Date()
        let entries = (0..<count).map { index in
            CertificateRevocationList.Entry(
                serial: SerialNumbers.random().bytes.map { $0 },
                revokedAt: now.addingTimeInterval(-Double(index % 86_400)),
                reason: [RevocationReason.keyCompromise, .superseded, .cessationOfOperation].randomElement(using: &generator)
            )
        }
        let clock = ContinuousClock()
        let buildStart = clock.now
        let list = try CertificateRevocationList.sign(
            issuer: deployment.serverCertificate, key: deployment.serverKey, entries: entries, thisUpdate: now,
            nextUpdate: now.addingTimeInterval(86_400), number: 1
        )
        let build = seconds(clock.now - buildStart)
        let bytes = list.derBytes
        // The PEM text beside the DER: linear (PEMText); swift-asn1's own encoder only where it finishes in time.
        let pemStart = clock.now
        let pemLength = list.pemString.utf8.count
        let pem = seconds(clock.now - pemStart)
        var quadraticPEM = "-"
        if count <= 10_000 {
            let start = clock.now
            _ = PEMDocument(type: "X509 CRL", derBytes: bytes).pemString
            quadraticPEM = format(seconds(clock.now - start))
        }

        let parseStart = clock.now
        let parsed = try CertificateRevocationList(derEncoded: bytes)
        let parse = seconds(clock.now - parseStart)
        let signatureStart = clock.now
        let signed = parsed.isSigned(by: deployment.serverCertificate)
        let signature = seconds(clock.now - signatureStart)

        // Half present, half absent serials.
        let probes = (0..<1_000_000).map { index in
            index % 2 == 0 ? entries[Int.random(in: 0..<count, using: &generator)].serial : SerialNumbers.random().bytes.map { $0 }
        }
        let lookupStart = clock.now
        var found = 0
        for probe in probes where parsed.entry(for: probe) != nil { found += 1 }
        let lookup = seconds(clock.now - lookupStart)

        // End to end: `calkit server crl` over a ledger holding as many revoked licenses, as DER
        // and as PEM; then one more revocation beside them, and the delta CRL that publishes it.
        var serverCRL = ""
        // One revocation in an empty ledger first: what a revocation costs without a million beside it.
        let first = SerialNumbers.hex(Array(try deployment.issue().serialNumber.bytes))
        let emptyStart = clock.now
        try deployment.server.revoke(serial: first, reason: .keyCompromise)
        serverCRL += " revoke_empty_ms=\(format(seconds(clock.now - emptyStart) * 1000))"
        if Peers.fillLedger(deployment.folder + "/ls/calkit.sqlite", revoked: count) {
            let calkit = try HTTPBench.calkitExecutable()
            let home = ["--home", deployment.folder + "/ls"]
            if let der = ChildProcess.run(calkit, ["server", "crl"] + home + ["--out", deployment.folder + "/server.crl", "--der"]), der.status == 0,
                let pem = ChildProcess.run(calkit, ["server", "crl"] + home + ["--out", deployment.folder + "/server.pem"]), pem.status == 0
            {
                serverCRL += " server_crl_s=\(format(der.seconds)) server_crl_peak_rss_mb=\(der.peakMB) "
                    + "server_crl_pem_s=\(format(pem.seconds)) server_crl_pem_peak_rss_mb=\(pem.peakMB)"
            }
            // In this process: one permanent CAL revoked (the quota counted beside a million
            // revocations), then the delta CRL signed; then the same delta by the CLI, end to end.
            let server = deployment.server
            let serial = SerialNumbers.hex(Array(try deployment.issue().serialNumber.bytes))
            // The empty ledger's revocation first: its CRL is the base of the delta below.
            let revokeStart = clock.now
            try server.revoke(serial: serial, reason: .keyCompromise)
            let revoke = seconds(clock.now - revokeStart)
            let deltaStart = clock.now
            let delta = try server.revocationList(delta: true)
            let deltaSeconds = seconds(clock.now - deltaStart)
            let deltaCLI = ChildProcess.run(calkit, ["server", "crl"] + home + ["--out", deployment.folder + "/delta.crl", "--delta", "--der"])
            serverCRL += " revoke_ms=\(format(revoke * 1000)) delta_crl_ms=\(format(deltaSeconds * 1000)) delta_entries=\(delta.entryCount)"
                + " delta_crl_cli_ms=\(deltaCLI.map { format($0.seconds * 1000) } ?? "-")"
        }

        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print(
            "entries=\(count) build_sign_s=\(format(build)) size_mb=\(format(Double(bytes.count) / 1_048_576)) "
                + "pem_s=\(format(pem)) pem_mb=\(format(Double(pemLength) / 1_048_576)) swift_asn1_pem_s=\(quadraticPEM) "
                + "parse_s=\(format(parse)) verify_s=\(format(signature)) signature_ok=\(signed) "
                + "lookups_per_s=\(Int(Double(probes.count) / lookup)) found=\(found) peak_rss_mb=\(usage.ru_maxrss / 1024)" + serverCRL
        )
    }

    /// Runs every size in a child process, and `openssl ca -gencrl` over the same count, and
    /// prints a table; returns the figures `results.json` keeps (for 1,000,000 entries).
    static func report(sizes: [Int]) throws -> [String: Double] {
        var results: [String: Double] = [:]
        print("")
        print("CRL scale (each size in its own process; peak RSS includes the process's setup); beside it openssl ca -gencrl")
        for size in sizes {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
            var environment = ProcessInfo.processInfo.environment
            environment["CALBENCH_ONLY"] = "crl"
            environment["CALBENCH_CRL_ENTRIES"] = String(size)
            process.environment = environment
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            var figures: [String: String] = [:]
            for pair in output.split(whereSeparator: \.isWhitespace) {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { figures[String(parts[0])] = String(parts[1]) }
            }
            let value = { (key: String) in figures[key] ?? "?" }
            print(
                "  \(String(size).padding(toLength: 8, withPad: " ", startingAt: 0)) entries: build+sign \(value("build_sign_s")) s, "
                    + "\(value("size_mb")) MB, PEM \(value("pem_s")) s (swift-asn1's PEM \(value("swift_asn1_pem_s")) s), "
                    + "parse \(value("parse_s")) s, signature check \(value("verify_s")) s, "
                    + "\(value("lookups_per_s")) lookups/s, peak RSS \(value("peak_rss_mb")) MB"
            )
            let indent = "".padding(toLength: 18, withPad: " ", startingAt: 0)
            print("  \(indent)calkit server crl (ledger to file, end to end): DER \(value("server_crl_s")) s, peak RSS \(value("server_crl_peak_rss_mb")) MB; PEM \(value("server_crl_pem_s")) s, peak RSS \(value("server_crl_pem_peak_rss_mb")) MB")
            print("  \(indent)one more revocation beside them: \(value("revoke_ms")) ms in the store, durable commit included (\(value("revoke_empty_ms")) ms in an empty ledger); its delta CRL (\(value("delta_entries")) entry) \(value("delta_crl_ms")) ms to sign, \(value("delta_crl_cli_ms")) ms by calkit server crl --delta end to end")
            let openssl = Peers.opensslCRL(entries: size)
            if let openssl {
                print("  \("".padding(toLength: 8, withPad: " ", startingAt: 0))          openssl ca -gencrl (index to PEM, signed): \(format(openssl.seconds)) s, peak RSS \(Int(openssl.peakMB)) MB")
            }
            let cfssl = Peers.cfsslCRL(entries: size)
            if let cfssl {
                print("  \(indent)cfssl gencrl (serial list to base64 DER, signed): \(format(cfssl.seconds)) s, peak RSS \(Int(cfssl.peakMB)) MB")
            }
            if size == 1_000_000 {
                results["cfssl_crl_1m_seconds"] = cfssl?.seconds
                results["crl_1m_seconds"] = Double(value("server_crl_s"))
                results["crl_1m_peak_rss_mb"] = Double(value("server_crl_peak_rss_mb"))
                results["crl_1m_build_sign_seconds"] = Double(value("build_sign_s"))
                results["crl_1m_codec_peak_rss_mb"] = Double(value("peak_rss_mb"))
                results["openssl_crl_1m_seconds"] = openssl?.seconds
                results["crl_1m_pem_seconds"] = Double(value("server_crl_pem_s"))
                results["crl_1m_parse_seconds"] = Double(value("parse_s"))
                results["revoke_at_1m_ms"] = Double(value("revoke_ms"))
                results["revoke_empty_ms"] = Double(value("revoke_empty_ms"))
                results["delta_crl_publish_ms"] = Double(value("delta_crl_ms"))
                results["delta_crl_cli_ms"] = Double(value("delta_crl_cli_ms"))
            }
        }
        return results
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private static func format(_ value: Double) -> String { String(format: "%.3f", value) }
}
