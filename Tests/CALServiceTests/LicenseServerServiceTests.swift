import CALClient
import CALCore
import CALLicenseServer
import CALService
import CALTestSupport
import CALWire
import Foundation
import HTTPTypes
import Testing
import X509

@Suite("The license server's routes, in process")
struct LicenseServerServiceTests {
    static let adminToken = "admin-token-0123456789abcdef"

    static func service(_ deployment: Deployment, openRequests: Bool = false) -> ServiceTesting {
        ServiceTesting(
            service: LicenseServerService(server: deployment.server, adminToken: BearerToken(adminToken), openRequests: openRequests)
        )
    }

    static func request(_ deployment: Deployment, device: String) throws -> LicenseRequestMessage {
        let client = try deployment.client(device)
        return try LicenseRequestMessage(LicenseRequest(csr: try client.request(), mode: .perDevice, product: Deployment.product))
    }

    @Test("An enrolled host gets a license that verifies; no credential, a made-up one or a removed host's is 401")
    func hostCredential() async throws {
        let deployment = try await Deployment.make()
        let (_, credential) = try deployment.server.enrollHost(name: "rdsh-01")
        let (_, removedCredential) = try deployment.server.enrollHost(name: "rdsh-02")
        _ = try deployment.server.removeHost(name: "rdsh-02")
        let message = try Self.request(deployment, device: "PC-1")
        let verifier = try deployment.verifier
        try await Self.service(deployment).run { client in
            let granted = try await client.json(.post, WirePath.licenses, message, bearer: credential)
            #expect(granted.status == 200)
            let grant = try granted.decode(LicenseGrantMessage.self)
            #expect(grant.decision == "issued")
            guard case .issued(let license, _) = try grant.grant() else { Issue.record("no license"); return }
            _ = try await verifier.verify(license, at: Date(), expecting: .init(deviceID: "PC-1")).get()
            for bearer in [nil, "calkit-host.0000.0000", removedCredential] {
                let refused = try await client.json(.post, WirePath.licenses, message, bearer: bearer)
                #expect(refused.status == 401)
                #expect(try refused.error.error == "unauthorized")
            }
        }
    }

    @Test("Bodies are checked before the ledger: wrong media type 415, not JSON 400, a missing field named, a bad CSR 400 without source paths")
    func bodies() async throws {
        let deployment = try await Deployment.make()
        let (_, credential) = try deployment.server.enrollHost(name: "rdsh-01")
        try await Self.service(deployment).run { client in
            let form = try await client.send(.post, WirePath.licenses, body: Array("csr=x".utf8), type: "application/x-www-form-urlencoded", bearer: credential)
            #expect(form.status == 415)
            #expect(try form.error.error == "unsupported-media-type")
            let notJSON = try await client.send(.post, WirePath.licenses, body: Array("{".utf8), type: MediaType.json, bearer: credential)
            #expect(notJSON.status == 400)
            #expect(try notJSON.error.error == "malformed")
            let missing = try await client.send(.post, WirePath.licenses, body: Array("{\"mode\":\"per-device\"}".utf8), type: MediaType.json, bearer: credential)
            #expect(try missing.error.message.contains("csr is missing"))
            let badMode = try await client.send(
                .post, WirePath.licenses, body: Array("{\"csr\":\"x\",\"mode\":\"per-galaxy\"}".utf8), type: MediaType.json, bearer: credential
            )
            #expect(try badMode.error.message.contains("mode"))
            let badCSR = try await client.send(
                .post, WirePath.licenses, body: Array("{\"csr\":\"-----BEGIN CERTIFICATE REQUEST-----\\nAAAA\\n-----END CERTIFICATE REQUEST-----\",\"mode\":\"per-device\"}".utf8),
                type: MediaType.json, bearer: credential
            )
            #expect(badCSR.status == 400)
            #expect(try badCSR.error.error == "malformed")
        }
    }

    @Test("Unknown paths are 404, a method a path does not take (any method) is 405 with Allow, HEAD follows GET")
    func methods() async throws {
        let deployment = try await Deployment.make()
        try await Self.service(deployment).run { client in
            let missing = try await client.send(.get, "/v2/nothing")
            #expect(missing.status == 404)
            #expect(try missing.error.error == "not-found")
            let delete = try await client.send(.delete, WirePath.licenses)
            #expect(delete.status == 405)
            #expect(try delete.error.error == "method-not-allowed")
            #expect(delete.headers[.allow] == "POST, GET, HEAD")
            let trace = try await client.send(.trace, WirePath.status)
            #expect(trace.status == 405)
            #expect(trace.headers[.allow] == "GET, HEAD")
            let query = try await client.send(try #require(HTTPRequest.Method("QUERY")), WirePath.packs)
            #expect(query.status == 405, "a method outside the usual list is 405 too")
            #expect(query.headers[.allow] == "GET, POST, HEAD")
            let postCRL = try await client.send(.post, WirePath.crl)
            #expect(postCRL.status == 405)
            #expect(try await client.send(.head, WirePath.status).status == 200)
            let renewGet = try await client.send(.get, WirePath.renewal(serial: "00ff"))
            #expect(renewGet.status == 405)
        }
    }

    @Test("Admin routes: off without a token, 401/403 without the right one; install a pack (201, then 409), revoke, and the CRL and OCSP say so")
    func adminRoutes() async throws {
        let deployment = try await Deployment.make()
        let issued = try deployment.issue(to: try deployment.client("PC-9"))
        let serial = SerialNumbers.hex(issued.certificate.serialNumber)
        let pack = try deployment.pack(.perDevice, count: 3).signedBytes
        try await ServiceTesting(service: LicenseServerService(server: deployment.server)).run { client in
            let off = try await client.send(.get, WirePath.report, bearer: Self.adminToken)
            #expect(off.status == 403)
            #expect(try off.error.error == "admin-disabled")
        }
        try await Self.service(deployment).run { client in
            #expect(try await client.send(.get, WirePath.report).status == 401)
            #expect(try await client.send(.get, WirePath.report, bearer: "wrong-token-0123456789").status == 403)
            #expect(try await client.send(.get, WirePath.report, bearer: Self.adminToken).status == 200)
            let installed = try await client.send(.post, WirePath.packs, body: pack, type: MediaType.octetStream, bearer: Self.adminToken)
            #expect(installed.status == 201)
            #expect(try installed.decode(InstalledPackMessage.self).count == 3)
            let again = try await client.send(.post, WirePath.packs, body: pack, type: MediaType.octetStream, bearer: Self.adminToken)
            #expect(again.status == 409)
            #expect(try again.error.error == "pack-already-installed")
            let packs = try await client.send(.get, WirePath.packs)
            #expect(try packs.decode(SignedKeyPacksMessage.self).packs.contains(pack))

            let revoked = try await client.json(
                .post, WirePath.revocations, RevocationRequestMessage(serial: serial, reason: .keyCompromise), bearer: Self.adminToken
            )
            #expect(revoked.status == 200)
            #expect(try revoked.decode(RevocationMessage.self).subject == "PC-9")
            let twice = try await client.json(
                .post, WirePath.revocations, RevocationRequestMessage(serial: serial, reason: .keyCompromise), bearer: Self.adminToken
            )
            #expect(twice.status == 409)
            let unknownReason = try await client.send(
                .post, WirePath.revocations, body: Array("{\"serial\":\"\(serial)\",\"reason\":\"boredom\"}".utf8), type: MediaType.json,
                bearer: Self.adminToken
            )
            #expect(try unknownReason.error.error == "invalid-argument")

            let crlAnswer = try await client.send(.get, WirePath.crl)
            #expect(crlAnswer.headers[.contentType] == MediaType.crl)
            let crl = try CertificateRevocationList(derEncoded: crlAnswer.body)
            #expect(crl.entries.contains { $0.serial == Array(issued.certificate.serialNumber.bytes) })
            // The delta CRL adds to the complete one just served: nothing revoked since.
            let delta = try CertificateRevocationList(derEncoded: try await client.send(.get, WirePath.deltaCRL).body)
            #expect(delta.baseNumberValue == crl.numberValue && delta.numberValue > crl.numberValue && delta.entryCount == 0)
            #expect(delta.isSigned(by: try deployment.server.chain()[0]))

            let chain = try deployment.server.chain()
            let ocspRequest = try OCSPRequest(certificateIDs: [try OCSPCertificateID(certificate: issued.certificate, issuer: chain[0])], nonce: [7]).derBytes()
            let posted = try await client.send(.post, WirePath.ocsp, body: ocspRequest, type: MediaType.ocspRequest)
            #expect(posted.status == 200)
            #expect(posted.headers[.contentType] == MediaType.ocspResponse)
            let encoded = Data(ocspRequest).base64EncodedString().addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let fetched = try await client.send(.get, WirePath.ocsp + "/" + encoded)
            #expect(fetched.status == 200)
            let wrongType = try await client.send(.post, WirePath.ocsp, body: ocspRequest, type: MediaType.json)
            #expect(wrongType.status == 415)
        }
    }

    @Test("Ten requests per device and period, whatever host or network asks: the eleventh is 429")
    func subjectRateLimit() async throws {
        let deployment = try await Deployment.make(packs: [(.perDevice, 20)])
        let message = try Self.request(deployment, device: "PC-LOOP")
        // An hour's period: a loaded machine taking seconds per request must not refill the bucket mid-test.
        let service = LicenseServerService(
            server: deployment.server, adminToken: BearerToken(Self.adminToken), subjectRequestLimit: RateLimiter(limit: 10, per: 3600),
            openRequests: true
        )
        try await ServiceTesting(service: service).run { client in
            var statuses: [Int] = []
            for _ in 0..<11 { statuses.append(try await client.json(.post, WirePath.licenses, message).status) }
            #expect(statuses.prefix(10).allSatisfy { $0 != 429 })
            #expect(statuses.last == 429)
        }
    }
}

@Suite("GET /metrics: what operators watch, in Prometheus's text format")
struct MetricsRouteTests {
    @Test("Requests per route and status with their latency, ledger commits, OCSP cache hits, seats free per product, CRL age; the admin token when the service has one")
    func metrics() async throws {
        let deployment = try await Deployment.make(packs: [(.perDevice, 5)])
        let (_, credential) = try deployment.server.enrollHost(name: "rdsh-01")
        let message = try LicenseServerServiceTests.request(deployment, device: "PC-1")
        let license = try deployment.issue(to: try deployment.client("PC-2")).certificate
        let ocsp = try OCSPRequest(certificateIDs: [try OCSPCertificateID(certificate: license, issuer: try deployment.server.chain()[0])]).derBytes()
        try await LicenseServerServiceTests.service(deployment).run { client in
            #expect(try await client.json(.post, WirePath.licenses, message, bearer: credential).status == 200)
            for _ in 0..<2 { #expect(try await client.send(.post, WirePath.ocsp, body: ocsp, type: MediaType.ocspRequest).status == 200) }
            #expect(try await client.send(.get, WirePath.crl).status == 200)
            #expect(try await client.send(.get, WirePath.metrics).status == 401)
            #expect(try await client.send(.get, WirePath.metrics, bearer: "wrong-token-0123456789abcdef").status == 403)
            let scraped = try await client.send(.get, WirePath.metrics, bearer: LicenseServerServiceTests.adminToken)
            #expect(scraped.status == 200)
            #expect(scraped.headers[.contentType] == MediaType.prometheusText)
            let text = String(decoding: scraped.body, as: UTF8.self)
            let lines = text.split(separator: "\n").map(String.init)
            func value(_ prefix: String) -> Double? {
                lines.first { $0.hasPrefix(prefix) }.flatMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            }
            #expect(lines.contains { $0.hasPrefix("hb_requests{") && $0.contains("http_route=\"/v1/licenses\"") && $0.contains("http_response_status_code=\"200\"") })
            #expect(lines.contains { $0.hasPrefix("http_server_request_duration_bucket{") && $0.contains("http_route=\"/ocsp\"") })
            #expect((value("calkit_ledger_commits_total") ?? 0) >= 1)
            #expect(lines.contains { $0.hasPrefix("calkit_ledger_commit_seconds_bucket") })
            #expect((value("calkit_ocsp_cache_hits_total") ?? 0) >= 1)
            // One permanent CAL took a seat of five; the first logon over HTTP got a temporary license.
            let seats = lines.first { $0.hasPrefix("calkit_seats_free{") && $0.contains("product=\"\(Deployment.product)\"") && $0.contains("license_type=\"per-device\"") }
            #expect(seats.flatMap { $0.split(separator: " ").last.flatMap { Double($0) } } == 4)
            #expect(value("calkit_crl_age_seconds") != nil)
        }
    }
}
