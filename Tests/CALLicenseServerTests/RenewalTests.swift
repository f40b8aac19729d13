import CALClient
import CALCore
import CALLicenseServer
import CALLicensing
import CALTestSupport
import Foundation
import Testing
import X509

@Suite("Renewal and reclaiming seats at the license server")
struct RenewalTests {
    func hex(_ certificate: Certificate) -> String { SerialNumbers.hex(certificate.serialNumber) }

    @Test("A permanent CAL in its last 7 days is renewed on the same seat; the old serial is superseded")
    func renewal() async throws {
        let clock = MovingTimeSource(Date())
        let deployment = try await Deployment.make(packs: [(.perDevice, 2)], time: clock)
        let client = try deployment.client("PC-1")
        let old = try deployment.issue(to: client)
        #expect(thrownCode { _ = try deployment.server.renew(serial: hex(old.certificate), request: try client.request()) } == "not-renewable")

        clock.now = old.certificate.notValidAfter.addingTimeInterval(-3 * 86_400)
        let renewed = try deployment.server.renew(serial: hex(old.certificate), request: try client.request())
        #expect(renewed.record.seat == old.record.seat)
        #expect(renewed.record.keyPackID == old.record.keyPackID)
        let days = renewed.certificate.notValidAfter.timeIntervalSince(renewed.certificate.notValidBefore) / 86_400
        #expect(LicensingTerms.permanentLicenseDays.contains(Int(days.rounded())))
        #expect(renewed.certificate.notValidBefore == clock.now.wholeSeconds)
        #expect(try LicenseExtension(of: renewed.certificate)?.seat == old.record.seat)
        // The seat count does not change, and the old serial cannot be renewed again.
        let usage = try #require(try deployment.server.status().products.first)
        #expect(usage.issued == 1)
        #expect(thrownCode { _ = try deployment.server.renew(serial: hex(old.certificate), request: try client.request()) } == "not-renewable")
        // The renewed license verifies.
        let verifier = try deployment.verifier
        #expect((try? await verifier.verify(renewed.certificate, at: clock.now, expecting: .init(deviceID: "PC-1")).get()) != nil)
    }

    @Test("Another device's request, a temporary license and an expired CAL are not renewed")
    func refusals() async throws {
        let clock = MovingTimeSource(Date())
        let deployment = try await Deployment.make(packs: [(.perDevice, 2)], time: clock)
        let client = try deployment.client("PC-1")
        let permanent = try deployment.issue(to: client)
        let temporary = try deployment.issue(to: try deployment.client("PC-2"), temporary: true)
        clock.now = permanent.certificate.notValidAfter.addingTimeInterval(-86_400)
        #expect(thrownCode { _ = try deployment.server.renew(serial: hex(permanent.certificate), request: try deployment.client("PC-3").request()) } == "not-renewable")
        #expect(thrownCode { _ = try deployment.server.renew(serial: hex(temporary.certificate), request: try client.request()) } == "not-renewable")
        clock.now = permanent.certificate.notValidAfter.addingTimeInterval(60)
        #expect(thrownCode { _ = try deployment.server.renew(serial: hex(permanent.certificate), request: try client.request()) } == "not-renewable")
        #expect(throws: CALError.unknownSerial("0a0b")) { try deployment.server.renew(serial: "0a0b", request: try client.request()) }
    }

    @Test("Seats of expired, unrenewed CALs are reclaimed explicitly or by the next issuance, and counted")
    func reclaim() async throws {
        let clock = MovingTimeSource(Date())
        let deployment = try await Deployment.make(packs: [(.perDevice, 2)], time: clock)
        let first = try deployment.issue(to: try deployment.client("PC-1"))
        let second = try deployment.issue(to: try deployment.client("PC-2"))
        #expect(try deployment.server.reclaimExpiredSeats() == 0)
        clock.now = max(first.certificate.notValidAfter, second.certificate.notValidAfter).addingTimeInterval(1)
        #expect(try deployment.server.status().products.first?.free == 2)
        #expect(try deployment.server.reclaimExpiredSeats() == 2)
        #expect(try deployment.server.reclaimExpiredSeats() == 0)
        // A renewal of a license whose seat was reclaimed is refused.
        #expect(thrownCode {
            _ = try deployment.server.renew(serial: hex(first.certificate), request: try deployment.client("PC-1b").request())
        } == "not-renewable")
        let third = try deployment.issue(to: try deployment.client("PC-3"))
        clock.now = third.certificate.notValidAfter.addingTimeInterval(1)
        _ = try deployment.issue(to: try deployment.client("PC-4"))  // the issuing path reclaims PC-3's seat first
        #expect(try deployment.server.reclaimExpiredSeats() == 0)
    }
}
