import CALClient
import CALCore
import CALLicenseServer
import CALTestSupport
import Foundation
import Testing
import X509

@Suite("The license server's side of the logon flow")
struct LogonDecisionTests {
    func license(_ grant: LicenseGrant) throws -> Certificate {
        guard case .issued(let license, _) = grant else { throw CALError.invalidArgument("expected a license, got \(grant)") }
        return license
    }

    func refusal(_ grant: LicenseGrant) -> CALError.Code? {
        if case .refused(let refusal) = grant { return refusal.code }
        return nil
    }

    func isKeepCurrent(_ grant: LicenseGrant) -> Bool {
        if case .keepCurrent = grant { return true }
        return false
    }

    @Test("Per device: temporary first, once; permanent when a seat is free; the temporary is superseded")
    func temporaryThenPermanent() async throws {
        let clock = MovingTimeSource(Date())
        let deployment = try await Deployment.make(packs: [(.perDevice, 1)], time: clock)
        let client = try deployment.client("PC-1")
        let request = { (presented: Certificate?) in
            LicenseRequest(csr: try client.request(), mode: .perDevice, product: Deployment.product, presented: presented)
        }
        let temporary = try license(try await deployment.server.requestLicense(try request(nil)))
        #expect(try LicenseExtension(of: temporary)?.status == .temporary)
        #expect(temporary.notValidAfter.timeIntervalSince(temporary.notValidBefore) == 90 * 86_400)
        // A client that threw its store away gets no second temporary license.
        #expect(refusal(try await deployment.server.requestLicense(try request(nil))) == .temporaryAlreadyIssued)

        clock.now = clock.now.addingTimeInterval(86_400)
        let permanent = try license(try await deployment.server.requestLicense(try request(temporary)))
        #expect(try LicenseExtension(of: permanent)?.status == .permanent)
        let report = try #require(try deployment.server.report().first { $0.licenseType == .perDevice })
        #expect(report.temporaryOutstanding == 0)
        #expect(report.permanentActive == 1)
        #expect(report.seatsFree == 0)

        // Presenting it again long before expiry changes nothing; a lost store gets it back.
        #expect(isKeepCurrent(try await deployment.server.requestLicense(try request(permanent))))
        let again = try license(try await deployment.server.requestLicense(try request(nil)))
        #expect(again.serialNumber == permanent.serialNumber)

        // In its last 7 days it is renewed on the same seat.
        clock.now = permanent.notValidAfter.addingTimeInterval(-2 * 86_400)
        let renewed = try license(try await deployment.server.requestLicense(try request(permanent)))
        #expect(renewed.serialNumber != permanent.serialNumber)
        #expect(try LicenseExtension(of: renewed)?.seat == LicenseExtension(of: permanent)?.seat)
    }

    @Test("Per device with no seat free: the temporary license stands until it expires, then nothing is issued")
    func noSeat() async throws {
        let clock = MovingTimeSource(Date())
        let deployment = try await Deployment.make(packs: [(.perDevice, 1)], time: clock)
        _ = try deployment.issue(to: try deployment.client("PC-0"))  // the only seat
        let client = try deployment.client("PC-1")
        let request = { (presented: Certificate?) in
            LicenseRequest(csr: try client.request(), mode: .perDevice, product: Deployment.product, presented: presented)
        }
        let temporary = try license(try await deployment.server.requestLicense(try request(nil)))
        #expect(isKeepCurrent(try await deployment.server.requestLicense(try request(temporary))))
        clock.now = temporary.notValidAfter.addingTimeInterval(60)
        // By now PC-0's CAL has expired too, so its seat is reclaimed and goes to PC-1.
        let late = try license(try await deployment.server.requestLicense(try request(temporary)))
        #expect(try LicenseExtension(of: late)?.status == .permanent)
        // A third device, after its temporary expired with no seat free, gets nothing — and no second temporary.
        let third = try deployment.client("PC-2")
        let thirdRequest = { (presented: Certificate?) in
            LicenseRequest(csr: try third.request(), mode: .perDevice, product: Deployment.product, presented: presented)
        }
        let thirdTemporary = try license(try await deployment.server.requestLicense(try thirdRequest(nil)))
        // PC-1 renews in its last days, so the seat stays taken past the third device's temporary license.
        clock.now = late.notValidAfter.addingTimeInterval(-86_400)
        let renewed = try license(try await deployment.server.requestLicense(try request(late)))
        #expect(renewed.notValidAfter > thirdTemporary.notValidAfter)
        clock.now = thirdTemporary.notValidAfter.addingTimeInterval(60)
        #expect(refusal(try await deployment.server.requestLicense(try thirdRequest(thirdTemporary))) == .noLicenseAvailable)
        #expect(refusal(try await deployment.server.requestLicense(try thirdRequest(nil))) == .noLicenseAvailable)
    }

    @Test("Per user: a per-user license is issued, kept, renewed; a temporary license is not upgraded")
    func perUser() async throws {
        let clock = MovingTimeSource(Date())
        let deployment = try await Deployment.make(packs: [(.perDevice, 5), (.perUser, 5)], time: clock)
        let client = try deployment.client("PC-1")
        let deviceTemporary = try deployment.issue(to: client, temporary: true).certificate
        let request = { (presented: Certificate?) in
            LicenseRequest(csr: try client.request(user: "alice@example.com"), mode: .perUser, product: Deployment.product, presented: presented)
        }
        let userLicense = try license(try await deployment.server.requestLicense(try request(deviceTemporary)))
        let value = try #require(try LicenseExtension(of: userLicense))
        #expect(value.licenseType == .perUser)
        #expect(value.status == .permanent)
        #expect(isKeepCurrent(try await deployment.server.requestLicense(try request(userLicense))))
        clock.now = userLicense.notValidAfter.addingTimeInterval(-86_400)
        let renewed = try license(try await deployment.server.requestLicense(try request(userLicense)))
        #expect(renewed.serialNumber != userLicense.serialNumber)
        let perDevice = try #require(try deployment.server.report().first { $0.licenseType == .perDevice })
        #expect(perDevice.permanentActive == 0)
    }

    @Test("A request of the wrong kind for the host's mode is a bad request")
    func wrongMode() async throws {
        let deployment = try await Deployment.make(packs: [(.perDevice, 1)])
        let client = try deployment.client("PC-1")
        let grant = try await deployment.server.requestLicense(LicenseRequest(csr: try client.request(), mode: .perUser))
        #expect(refusal(grant) == .badRequest)
    }
}
