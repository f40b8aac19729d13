import CALCore
import CALLicenseServer
import Foundation
import X509

/// The HTTP rows where CALKit and a peer do the same job at 64 connections, measured in
/// alternating rounds (CALKit, peer, CALKit, peer, ...) so that a noisy machine shifts both
/// alike; each figure is its median round. Permanent CALs beside cfssl's sign endpoint (a CSR
/// in, a certificate recorded in SQLite out); OCSP beside `openssl ocsp -index`, which answers
/// one request per connection, so CALKit's OCSP is loaded that way too for the like-for-like ratio.
struct PeerRounds {
    private(set) var calkitPermanent: [HTTPLoad.Result] = []
    private(set) var cfsslSign: [HTTPLoad.Result] = []
    private(set) var calkitOCSP: [HTTPLoad.Result] = []
    private(set) var calkitOCSPPerConnection: [HTTPLoad.Result] = []
    private(set) var opensslOCSP: [HTTPLoad.Result] = []

    /// Runs `rounds` rounds against `calkit server serve` on `port` and the peers that are installed.
    static func run(
        rounds: Int, requests: Int, ocspRequests: Int, port: Int, credential: String, deployment: BenchDeployment,
        ocspRequest: [UInt8], license: Certificate?
    ) async throws -> PeerRounds {
        var measured = PeerRounds()
        let cfssl = try PeerService.cfssl()
        defer { cfssl?.stop() }
        var openssl: PeerService?
        if let license {
            let issuerFile = deployment.folder + "/bench-issuer.pem"
            try Data(try deployment.serverCertificate.serializeAsPEM().pemString.utf8).write(to: URL(fileURLWithPath: issuerFile))
            openssl = try PeerService.opensslOCSP(
                issuerCertificate: issuerFile, issuerKey: deployment.server.home.file(LicenseServer.Files.key),
                serialHex: SerialNumbers.hex(license.serialNumber)
            )
        }
        defer { openssl?.stop() }
        let licenses = HTTPLoad(port: port, path: "/v1/licenses", contentType: "application/json", authorization: credential)
        let ocsp = HTTPLoad(port: port, path: "/ocsp", contentType: "application/ocsp-request")
        var ocspPerConnection = ocsp
        ocspPerConnection.connectionPerRequest = true
        let ocspBodies = Array(repeating: ocspRequest, count: ocspRequests)

        for round in 0..<rounds {
            print("  peer round \(round + 1) of \(rounds)")
            // CALKit: permanent CALs for new devices (their first logon's temporaries, untimed, before).
            let devices = try (0..<requests).map { index in try BenchDevice(name: "ROUND-\(round)-\(index)") }
            let first = try await licenses.run(bodies: try devices.map { try $0.body(presenting: nil) }, concurrency: 64)
            let temporaries = try first.answers.map { try HTTPBench.issuedLicense(in: $0, expecting: .temporary) }
            let permanent = try await licenses.run(
                bodies: try zip(devices, temporaries).map { device, temporary in try device.body(presenting: temporary) }, concurrency: 64
            )
            _ = try permanent.answers.map { try HTTPBench.issuedLicense(in: $0, expecting: .permanent) }
            measured.calkitPermanent.append(permanent)
            // cfssl: the CSRs of as many other new devices.
            if let cfssl {
                let bodies = try (0..<requests).map { index in try BenchDevice(name: "CFSSL-\(round)-\(index)").cfsslSignBody() }
                let signed = try await HTTPLoad(port: cfssl.port, path: "/api/v1/cfssl/sign", contentType: "application/json")
                    .run(bodies: bodies, concurrency: 64)
                try expectAll(signed, requests, "cfssl sign")
                measured.cfsslSign.append(signed)
            }
            guard !ocspRequest.isEmpty else { continue }
            print("  peer round \(round + 1): OCSP")
            measured.calkitOCSP.append(try expectAll(try await ocsp.run(bodies: ocspBodies, concurrency: 64), ocspRequests, "OCSP"))
            if let openssl {
                print("  peer round \(round + 1): openssl ocsp")
                var peer = HTTPLoad(port: openssl.port, path: "/", contentType: "application/ocsp-request")
                peer.connectionPerRequest = true
                measured.opensslOCSP.append(try expectAll(try await peer.run(bodies: ocspBodies, concurrency: 64), ocspRequests, "openssl ocsp"))
            }
            measured.calkitOCSPPerConnection.append(
                try expectAll(try await ocspPerConnection.run(bodies: ocspBodies, concurrency: 64), ocspRequests, "OCSP per connection")
            )
        }
        if let cfssl, try cfssl.certificatesRecorded() != rounds * requests {
            throw BenchFailure("cfssl did not record every certificate it signed")
        }
        return measured
    }

    @discardableResult
    private static func expectAll(_ result: HTTPLoad.Result, _ count: Int, _ what: String) throws -> HTTPLoad.Result {
        guard result.statusCounts == [200: count] else { throw BenchFailure("\(what) answered \(result.statusCounts)") }
        return result
    }

    /// The round with the median rate.
    static func median(_ results: [HTTPLoad.Result]) -> HTTPLoad.Result? {
        results.sorted { $0.perSecond < $1.perSecond }.dropFirst(results.count / 2).first
    }

    /// The table rows: each series' median round.
    func rows(temporaryInProcess: Double, permanentInProcess: Double, ocspInProcess: Double) -> [HTTPBench.Row] {
        let series: [(String, [HTTPLoad.Result], Double?)] = [
            ("permanent CAL, median of \(calkitPermanent.count) rounds", calkitPermanent, permanentInProcess),
            ("  cfssl sign (CSR in, certificate in SQLite)", cfsslSign, nil),
            ("OCSP, keep-alive, median of \(calkitOCSP.count) rounds", calkitOCSP, ocspInProcess),
            ("OCSP, a connection per request", calkitOCSPPerConnection, ocspInProcess),
            ("  openssl ocsp -index (a connection per request)", opensslOCSP, nil),
        ]
        return series.compactMap { name, results, inProcess in
            Self.median(results).map { HTTPBench.Row(name: name, clients: 64, result: $0, inProcess: inProcess) }
        }
    }

    /// The figures `results.json` keeps, and the ratios.
    var figures: [String: Double] {
        var figures: [String: Double] = [:]
        if let permanent = Self.median(calkitPermanent) {
            figures["http_permanent_64_per_s"] = permanent.perSecond
            figures["http_permanent_64_p99_ms"] = permanent.percentile(0.99) * 1000
        }
        if let cfssl = Self.median(cfsslSign) {
            figures["cfssl_sign_64_per_s"] = cfssl.perSecond
            figures["cfssl_sign_64_p99_ms"] = cfssl.percentile(0.99) * 1000
        }
        if let ocsp = Self.median(calkitOCSP) { figures["ocsp_http_64_per_s"] = ocsp.perSecond }
        if let ocsp = Self.median(calkitOCSPPerConnection) { figures["ocsp_http_64_per_connection_per_s"] = ocsp.perSecond }
        if let openssl = Self.median(opensslOCSP) { figures["openssl_ocsp_64_per_s"] = openssl.perSecond }
        return figures
    }

    /// Prints the ratios to the peers.
    func printRatios() {
        let figures = self.figures
        func ratio(_ numerator: String, _ denominator: String) -> String {
            guard let top = figures[numerator], let bottom = figures[denominator], bottom > 0 else { return "-" }
            return String(format: "%.2f", top / bottom)
        }
        print("")
        print("Beside the peers (64 connections, medians of alternating rounds):")
        print("  permanent CALs / cfssl sign:                           \(ratio("http_permanent_64_per_s", "cfssl_sign_64_per_s"))")
        print("  OCSP / openssl ocsp, both a connection per request:    \(ratio("ocsp_http_64_per_connection_per_s", "openssl_ocsp_64_per_s"))")
        print("  OCSP keep-alive / openssl ocsp (which cannot keep alive): \(ratio("ocsp_http_64_per_s", "openssl_ocsp_64_per_s"))")
    }
}

extension BenchDevice {
    /// The JSON body cfssl's `/api/v1/cfssl/sign` takes: this device's CSR as PEM.
    func cfsslSignBody() throws -> [UInt8] {
        Array(try JSONEncoder().encode(["certificate_request": try request.serializeAsPEM().pemString]))
    }
}
