import CALCore
import CALLicenseServer
import CALStore
import CALTestSupport
import Foundation
import Testing
import X509

@Suite("The license server's usage report")
struct ReportTests {
    @Test("Purchased, issued, active, temporary, free, reclaimed and per-user over-use add up")
    func figures() async throws {
        let clock = MovingTimeSource(Date())
        let deployment = try await Deployment.make(packs: [(.perDevice, 3), (.perUser, 1)], time: clock)
        let start = clock.now
        let first = try deployment.issue(to: try deployment.client("PC-1"))
        _ = try deployment.issue(to: try deployment.client("PC-2"))
        _ = try deployment.issue(to: try deployment.client("PC-3"), temporary: true)
        let laptop = try deployment.client("PC-4")
        _ = try deployment.issue(to: laptop, user: "a@example.com")
        _ = try deployment.issue(to: laptop, user: "b@example.com")

        var rows = try deployment.server.report()
        var device = try #require(rows.first { $0.licenseType == .perDevice })
        var user = try #require(rows.first { $0.licenseType == .perUser })
        #expect(device.purchased == 3)
        #expect(device.permanentIssued == 2)
        #expect(device.permanentActive == 2)
        #expect(device.temporaryOutstanding == 1)
        #expect(device.seatsFree == 1)
        #expect(user.purchased == 1)
        #expect(user.distinctUsers == 2)
        #expect(user.overUse)

        // After the first CAL expires unrenewed its seat is reclaimed and shows in the report.
        clock.now = first.certificate.notValidAfter.addingTimeInterval(1)
        try deployment.server.reclaimExpiredSeats()
        rows = try deployment.server.report()
        device = try #require(rows.first { $0.licenseType == .perDevice })
        #expect(device.seatsReclaimed >= 1)
        #expect(device.permanentActive <= 1)
        // A period before anything happened shows no issuance.
        rows = try deployment.server.report(from: start.addingTimeInterval(-7200), to: start.addingTimeInterval(-3600))
        user = try #require(rows.first { $0.licenseType == .perUser })
        #expect(user.distinctUsers == 0)
        #expect(!user.overUse)
        #expect(rows.allSatisfy { $0.permanentIssued == 0 })
        #expect(thrownCode { _ = try deployment.server.report(from: start, to: start) } == "invalid-argument")
    }
}
