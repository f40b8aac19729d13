import CALClient
import CALCore
import CALLicenseServer
import CALTestSupport
import Foundation
import Testing
import X509

@Suite("Revocation at the license server")
struct RevocationTests {
    func hex(_ certificate: Certificate) -> String { SerialNumbers.hex(certificate.serialNumber) }

    @Test("Revoking a permanent per-device CAL returns its seat at once")
    func seatReturns() async throws {
        let deployment = try await Deployment.make(packs: [(.perDevice, 1)])
        let first = try deployment.issue(to: try deployment.client("PC-1"))
        let second = try deployment.client("PC-2")
        #expect(throws: CALError.noSeatAvailable(product: Deployment.product)) { try deployment.issue(to: second) }
        try deployment.server.revoke(serial: hex(first.certificate), reason: .keyCompromise)
        #expect(try deployment.server.status().products.first?.free == 1)
        let reissued = try deployment.issue(to: second)
        #expect(reissued.record.seat == first.record.seat)
    }

    @Test("An unknown serial, a serial revoked before and a bad serial are clear errors")
    func refusals() async throws {
        let deployment = try await Deployment.make(packs: [(.perDevice, 5)])
        let issued = try deployment.issue(to: try deployment.client("PC-1"))
        #expect(throws: CALError.unknownSerial("0102")) { try deployment.server.revoke(serial: "0102", reason: .unspecified) }
        try deployment.server.revoke(serial: hex(issued.certificate).uppercased(), reason: .unspecified)
        #expect(throws: CALError.alreadyRevoked(hex(issued.certificate))) {
            try deployment.server.revoke(serial: hex(issued.certificate), reason: .superseded)
        }
        #expect(thrownCode { _ = try deployment.server.revoke(serial: "not-hex", reason: .unspecified) } == "invalid-argument")
    }

    @Test("With 10 per-device CALs installed, two administrative revocations succeed and the third is refused")
    func quota() async throws {
        let deployment = try await Deployment.make(packs: [(.perDevice, 10), (.perUser, 5)])
        let issued = try (1...3).map { try deployment.issue(to: try deployment.client("PC-\($0)")) }
        try deployment.server.revoke(serial: hex(issued[0].certificate), reason: .keyCompromise)
        try deployment.server.revoke(serial: hex(issued[1].certificate), reason: .cessationOfOperation)
        #expect(throws: CALError.revocationQuotaExceeded(product: Deployment.product, productVersion: "1.0", limit: 2)) {
            try deployment.server.revoke(serial: hex(issued[2].certificate), reason: .keyCompromise)
        }
        let usage = try #require(try deployment.server.status().products.first { $0.licenseType == .perDevice })
        #expect(usage.issued == 1)
        #expect(usage.free == 9)
        // Per-user licenses hold no seat and have no quota.
        let client = try deployment.client("PC-9")
        for index in 0..<4 {
            let user = try deployment.issue(to: client, user: "user\(index)@example.com")
            try deployment.server.revoke(serial: hex(user.certificate), reason: .affiliationChanged)
        }
    }

    @Test("Revocations stop counting against the quota once the revoked CAL would have expired")
    func quotaWindow() async throws {
        let clock = MovingTimeSource(Date())
        let deployment = try await Deployment.make(packs: [(.perDevice, 4)], time: clock)
        let first = try deployment.issue(to: try deployment.client("PC-1"))
        let second = try deployment.issue(to: try deployment.client("PC-2"))
        try deployment.server.revoke(serial: hex(first.certificate), reason: .keyCompromise)
        #expect(thrownCode { _ = try deployment.server.revoke(serial: hex(second.certificate), reason: .keyCompromise) } == "revocation-quota-exceeded")
        clock.now = first.certificate.notValidAfter.addingTimeInterval(1)
        let third = try deployment.issue(to: try deployment.client("PC-3"))
        try deployment.server.revoke(serial: hex(third.certificate), reason: .keyCompromise)
    }

    @Test("The CRL lists revoked CALs with reasons until they expire, with a growing CRL number")
    func revocationList() async throws {
        let clock = MovingTimeSource(Date())
        let deployment = try await Deployment.make(packs: [(.perDevice, 10)], time: clock)
        let empty = try deployment.server.revocationList()
        #expect(empty.entries.isEmpty)
        let revoked = try deployment.issue(to: try deployment.client("PC-1"))
        let kept = try deployment.issue(to: try deployment.client("PC-2"))
        try deployment.server.revoke(serial: hex(revoked.certificate), reason: .keyCompromise)
        let crl = try deployment.server.revocationList(nextUpdateHours: 6)
        #expect(crl.entries.count == 1)
        #expect(crl.entry(for: Array(revoked.certificate.serialNumber.bytes))?.reason == .keyCompromise)
        #expect(crl.entry(for: Array(kept.certificate.serialNumber.bytes)) == nil)
        #expect(crl.isSigned(by: try deployment.server.chain()[0]))
        #expect(crl.nextUpdate == crl.thisUpdate.addingTimeInterval(6 * 3600))
        let numbers = [empty, crl].compactMap(\.number)
        #expect(numbers == [[1], [2]])
        clock.now = revoked.certificate.notValidAfter.addingTimeInterval(-1)
        #expect(try deployment.server.revocationList().entries.count == 1)
        clock.now = revoked.certificate.notValidAfter.addingTimeInterval(1)
        let later = try deployment.server.revocationList()
        #expect(later.entries.isEmpty)
        #expect(later.number == [4])
    }
}
