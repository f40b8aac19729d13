import CALClient
import CALCore
import CALLicenseServer
import CALTestSupport
import Foundation
import Testing

@Suite("Strict per-user licensing")
struct PerUserPolicyTests {
    @Test("Off by default: per-user issuance goes past the purchased count and the report flags it")
    func offByDefault() async throws {
        let deployment = try await Deployment.make(packs: [(.perUser, 2)])
        #expect(try !deployment.server.enforcesPerUserLimit())
        let client = try deployment.client("PC-1")
        for user in ["a", "b", "c"] { _ = try deployment.issue(to: client, user: "\(user)@example.com") }
        #expect(try deployment.server.report().first { $0.licenseType == .perUser }?.overUse == true)
    }

    @Test("On: new users are refused at the purchased count; users who hold a license are still served")
    func enforced() async throws {
        let deployment = try await Deployment.make(packs: [(.perUser, 2)])
        try deployment.server.setEnforcesPerUserLimit(true)
        let client = try deployment.client("PC-1")
        let laptop = try deployment.client("PC-2")
        _ = try deployment.issue(to: client, user: "a@example.com")
        _ = try deployment.issue(to: client, user: "b@example.com")
        #expect(throws: CALError.perUserLimitReached(product: Deployment.product, purchased: 2)) {
            try deployment.issue(to: client, user: "c@example.com")
        }
        // A user who already holds a license gets one for another device too.
        _ = try deployment.issue(to: laptop, user: "a@example.com")
        // Through the logon flow the refusal is no-license-available.
        let grant = try await deployment.server.requestLicense(
            LicenseRequest(csr: try laptop.request(user: "d@example.com"), mode: .perUser, product: Deployment.product)
        )
        guard case .refused(let refusal) = grant else {
            Issue.record("a fourth user was served")
            return
        }
        #expect(refusal.code == .noLicenseAvailable)
        try deployment.server.setEnforcesPerUserLimit(false)
        _ = try deployment.issue(to: client, user: "c@example.com")
    }
}
