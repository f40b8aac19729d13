import CALCore
import CALLicenseServer
import CALTestSupport
import Foundation
import Testing
import X509

/// Pre-signed OCSP responses: reused while true and fresh, never past a revocation.
@Suite("The OCSP response cache")
struct OCSPCacheTests {
    func request(for license: Certificate, issuer: Certificate, nonce: [UInt8]? = nil) throws -> [UInt8] {
        try OCSPRequest(certificateIDs: [try OCSPCertificateID(certificate: license, issuer: issuer)], nonce: nonce).derBytes()
    }

    @Test("Without a nonce the same response is reused; a revocation makes the next one say revoked at once")
    func reuseUntilRevoked() async throws {
        let deployment = try await Deployment.make()
        let server = deployment.server
        let license = try deployment.issue(to: try deployment.client("PC-1")).certificate
        let ask = try request(for: license, issuer: try server.chain()[0])
        let before = server.ocspCacheStatistics
        let first = try server.ocspResponseBytes(to: ask)
        let second = try server.ocspResponseBytes(to: ask)
        #expect(first == second)
        #expect(server.ocspCacheStatistics.hits == before.hits + 1)
        #expect(try OCSPResponse(derEncoded: second).responses.first?.status == .good)

        try server.revoke(serial: SerialNumbers.hex(license.serialNumber), reason: .keyCompromise)
        let after = try OCSPResponse(derEncoded: try server.ocspResponseBytes(to: ask))
        guard case .revoked(_, let reason) = after.responses.first?.status else {
            Issue.record("the response after the revocation says \(String(describing: after.responses.first?.status))")
            return
        }
        #expect(reason == .keyCompromise)
    }

    @Test("A request with a nonce always gets a fresh response echoing it")
    func nonceIsFresh() async throws {
        let deployment = try await Deployment.make()
        let server = deployment.server
        let license = try deployment.issue(to: try deployment.client("PC-1")).certificate
        let issuer = try server.chain()[0]
        _ = try server.ocspResponseBytes(to: try request(for: license, issuer: issuer))
        for nonce: [UInt8] in [[1, 2, 3], [4, 5, 6]] {
            let hits = server.ocspCacheStatistics.hits
            let response = try OCSPResponse(derEncoded: try server.ocspResponseBytes(to: try request(for: license, issuer: issuer, nonce: nonce)))
            #expect(response.nonce != nil)
            #expect(response.isSigned(by: issuer))
            #expect(server.ocspCacheStatistics.hits == hits)
        }
    }

    @Test("Once half its validity has passed, a response is signed anew")
    func halfValidity() async throws {
        let clock = MovingTimeSource(Date())
        let deployment = try await Deployment.make(time: clock)
        let server = deployment.server
        let license = try deployment.issue(to: try deployment.client("PC-1")).certificate
        let ask = try request(for: license, issuer: try server.chain()[0])
        let first = try server.ocspResponseBytes(to: ask, validityHours: 24)
        clock.now = clock.now.addingTimeInterval(11 * 3600)
        #expect(try server.ocspResponseBytes(to: ask, validityHours: 24) == first)
        clock.now = clock.now.addingTimeInterval(2 * 3600)
        let later = try server.ocspResponseBytes(to: ask, validityHours: 24)
        #expect(later != first)
        #expect(try #require(try OCSPResponse(derEncoded: later).producedAt) > (try #require(try OCSPResponse(derEncoded: first).producedAt)))
    }

    @Test("A compromised issuer answers nothing, kept responses or not")
    func compromised() async throws {
        let deployment = try await Deployment.make(packs: [(.perDevice, 5)])
        let server = deployment.server
        let license = try deployment.issue(to: try deployment.client("PC-1")).certificate
        let ask = try request(for: license, issuer: try server.chain()[0])
        _ = try server.ocspResponseBytes(to: ask)
        _ = try server.rotate(compromised: true)
        #expect { try server.ocspResponseBytes(to: ask) } throws: { ($0 as? CALError)?.code == .issuerCompromised }
    }
}
