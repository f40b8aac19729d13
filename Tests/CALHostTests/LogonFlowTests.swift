import CALClient
import CALCore
import CALHost
import CALLicenseServer
import CALLicensing
import CALTestSupport
import Foundation
import Testing

@Suite("The session host's logon flow, walked through simulated time")
struct LogonFlowTests {
    typealias Site = HostSite

    func site(mode: LicenseType = .perDevice, packs: [(LicenseType, Int)]) async throws -> Site {
        try await HostSite.make(packs: packs, mode: mode)
    }

    @Test("Per device: temporary at the first logon, permanent at the next; the first permanent CAL ends the grace period")
    func temporaryThenPermanent() async throws {
        let site = try await site(packs: [(.perDevice, 2)])
        let client = try site.deployment.client("PC-1")
        let first = try await site.host.logon(client, user: nil, source: site.deployment.server)
        #expect(first.description == "allowed temporary")
        #expect(try site.host.gracePeriod().startedAt != nil)
        // The client stores a 90-day temporary per-device license; no seat is taken.
        let stored = try client.storedLicenses().map(\.license)
        #expect(stored.count == 1)
        #expect(try LicenseExtension(of: stored[0])?.status == .temporary)
        #expect(try LicenseExtension(of: stored[0])?.licenseType == .perDevice)
        #expect(stored[0].notValidAfter.timeIntervalSince(stored[0].notValidBefore) == 90 * 86_400)
        #expect(try site.deployment.server.status().products.first?.issued == 0)
        site.clock.now = site.clock.now.addingTimeInterval(3600)
        let second = try await site.host.logon(client, user: nil, source: site.deployment.server)
        #expect(second.description == "allowed licensed")
        // Now a permanent CAL of 52–89 days is stored beside it, and one seat is taken.
        let permanent = try #require(try client.storedLicenses().map(\.license).first { try LicenseExtension(of: $0)?.status == .permanent })
        let days = Int((permanent.notValidAfter.timeIntervalSince(permanent.notValidBefore) / 86_400).rounded())
        #expect(LicensingTerms.permanentLicenseDays.contains(days))
        #expect(SerialNumbers.hex(permanent.serialNumber) == second.serial)
        #expect(try site.deployment.server.status().products.first?.issued == 1)
        #expect(try site.deployment.server.status().products.first?.free == 1)
        #expect(try site.host.gracePeriod().endedAt != nil)
        #expect(try !site.host.gracePeriod().isActive(at: site.clock.now))
        let third = try await site.host.logon(client, user: nil, source: site.deployment.server)
        #expect(third == second)
        #expect(try site.host.decisionCounts()["allowed licensed"] == 2)
    }

    @Test("No seat free: the temporary license admits until it expires, the grace period until day 120, then denied")
    func graceAfterTemporary() async throws {
        let site = try await site(packs: [(.perDevice, 1)])
        let holder = try site.deployment.client("PC-0")
        let client = try site.deployment.client("PC-1")
        #expect(try await site.host.logon(client, user: nil, source: site.deployment.server).description == "allowed temporary")
        // Another device takes the only seat through the server directly and keeps renewing it.
        var seat = try site.deployment.issue(to: holder).certificate
        /// Renews the holder's CAL in its last day, moving the clock forward only, until it lasts past `date`.
        func keepSeat(until date: Date) throws {
            while seat.notValidAfter < date {
                site.clock.now = seat.notValidAfter.addingTimeInterval(-86_400)
                seat = try site.deployment.server.renew(serial: SerialNumbers.hex(seat.serialNumber), request: try holder.request()).certificate
            }
        }
        let start = site.clock.now
        site.clock.now = start.addingTimeInterval(30 * 86_400)
        #expect(try await site.host.logon(client, user: nil, source: site.deployment.server).description == "allowed temporary")
        try keepSeat(until: start.addingTimeInterval(100 * 86_400))
        site.clock.now = start.addingTimeInterval(100 * 86_400)
        #expect(try await site.host.logon(client, user: nil, source: site.deployment.server).description == "allowed grace-period")
        try keepSeat(until: start.addingTimeInterval(121 * 86_400))
        site.clock.now = start.addingTimeInterval(121 * 86_400)
        #expect(try await site.host.logon(client, user: nil, source: site.deployment.server).description == "denied no-license-available")
    }

    @Test("A client that throws its store away gets no second temporary license; the host says so")
    func storeThrownAway() async throws {
        let site = try await site(packs: [(.perDevice, 2)])
        _ = try site.deployment.issue(to: try site.deployment.client("PC-0"))  // one seat taken outside the host
        // Another client takes the second seat through the host, which ends the grace period.
        let other = try site.deployment.client("PC-2")
        _ = try await site.host.logon(other, user: nil, source: site.deployment.server)
        #expect(try await site.host.logon(other, user: nil, source: site.deployment.server).description == "allowed licensed")
        let client = try site.deployment.client("PC-1")
        #expect(try await site.host.logon(client, user: nil, source: site.deployment.server).description == "allowed temporary")
        try FileManager.default.removeItem(atPath: client.home.file(ClientIdentity.Files.licenses))
        site.clock.now = site.clock.now.addingTimeInterval(3600)
        let decision = try await site.host.logon(client, user: nil, source: site.deployment.server)
        #expect(decision == .denied(reason: .temporaryAlreadyIssued))
        #expect(try site.host.decisions().last?.decision == .denied(reason: .temporaryAlreadyIssued))
    }

    @Test("Once over, the grace period never comes back, even when the license server cannot be reached")
    func graceNeverReturns() async throws {
        let site = try await site(packs: [(.perDevice, 2)])
        let client = try site.deployment.client("PC-1")
        _ = try await site.host.logon(client, user: nil, source: site.deployment.server)
        #expect(try await site.host.logon(client, user: nil, source: site.deployment.server).description == "allowed licensed")
        let stranger = try site.deployment.client("PC-9")
        #expect(try await site.host.logon(stranger, user: nil, source: nil) == .denied(reason: .licenseServerUnreachable))
        #expect(try !site.host.gracePeriod().isActive(at: site.clock.now))
    }

    @Test("An unreachable license server: grace period while it lasts, then denied; a valid license still admits")
    func unreachable() async throws {
        let site = try await site(packs: [(.perDevice, 2)])
        let client = try site.deployment.client("PC-1")
        #expect(try await site.host.logon(client, user: nil, source: nil).description == "allowed grace-period")
        site.clock.now = site.clock.now.addingTimeInterval(121 * 86_400)
        #expect(try await site.host.logon(client, user: nil, source: nil).description == "denied license-server-unreachable")
        let licensed = try site.deployment.client("PC-2")
        #expect(try await site.host.logon(licensed, user: nil, source: site.deployment.server).description == "allowed temporary")
        #expect(try await site.host.logon(licensed, user: nil, source: nil).description == "allowed temporary")
    }

    @Test("Per user: the user gets a per-user license; the decision names the user")
    func perUser() async throws {
        let site = try await site(mode: .perUser, packs: [(.perUser, 5)])
        let client = try site.deployment.client("PC-1")
        let decision = try await site.host.logon(client, user: "alice@example.com", source: site.deployment.server)
        #expect(decision.description == "allowed licensed")
        let record = try #require(try site.host.decisions().last)
        #expect(record.subject == "alice@example.com")
        #expect(record.host == site.host.hostID)
        #expect(record.host.count == 35)
        #expect(record.decision.serial != nil)
        #expect(await thrownCode { _ = try await site.host.logon(client, user: nil, source: site.deployment.server) } == "invalid-argument")
    }
}
