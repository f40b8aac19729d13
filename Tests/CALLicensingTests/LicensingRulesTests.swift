import CALCore
import CALLicensing
import Foundation
import Testing

@Suite("The licensing numbers and the small rules")
struct LicensingRulesTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let day: TimeInterval = 86_400

    @Test("Lifetimes: 90 days temporary, 52 to 89 days permanent")
    func lifetimes() {
        #expect(LicenseLifetime.notAfter(of: .temporary, issuedAt: now) == now.addingTimeInterval(90 * day))
        var seen = Set<Int>()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let end = LicenseLifetime.notAfter(of: .permanent, issuedAt: now, using: &generator)
            seen.insert(Int(end.timeIntervalSince(now) / day))
        }
        #expect(seen.min() == 52)
        #expect(seen.max() == 89)
    }

    @Test("The renewal window is the last 7 days, never after expiry", arguments: [
        (8.0, false), (7.0, true), (0.5, true), (0.0, false), (-1.0, false),
    ])
    func renewalWindow(daysLeft: Double, renewable: Bool) {
        #expect(LicenseLifetime.isInRenewalWindow(notAfter: now.addingTimeInterval(daysLeft * day), at: now) == renewable)
    }

    @Test("Standing: not expired, not revoked, not superseded")
    func standing() {
        let base = LedgerLicense(
            serial: "a", licenseType: .perDevice, status: .permanent, product: "P", subjectName: "PC", keyID: "k",
            notBefore: now.addingTimeInterval(-day), notAfter: now.addingTimeInterval(day)
        )
        #expect(base.isStanding(at: now))
        #expect(!base.isStanding(at: now.addingTimeInterval(day)))
        var revoked = base
        revoked.revokedAt = now
        #expect(!revoked.isStanding(at: now))
        var superseded = base
        superseded.supersededBy = "b"
        #expect(!superseded.isStanding(at: now))
    }

    @Test("Revocation quota: 20 % of the installed CALs, at least one", arguments: [
        (1, 1), (4, 1), (5, 1), (10, 2), (14, 2), (15, 3), (100, 20),
    ])
    func quota(installed: Int, limit: Int) {
        let quota = RevocationQuota(installed: installed)
        #expect(quota.limit == limit)
        #expect(quota.allowsAnother(outstanding: limit - 1))
        #expect(!quota.allowsAnother(outstanding: limit))
    }

    @Test("Strict per-user limit: new users up to the purchased count; holders always")
    func perUserLimit() {
        let limit = PerUserLimit(purchased: 2)
        #expect(limit.admits(userHoldsStanding: false, usersHolding: 1))
        #expect(!limit.admits(userHoldsStanding: false, usersHolding: 2))
        #expect(limit.admits(userHoldsStanding: true, usersHolding: 2))
    }

    @Test("Seat choice: never-held seats first in order, then the longest expired; held seats never")
    func seats() {
        typealias Seat = SeatPolicy.Seat
        let seats = [
            Seat(number: 1, heldUntil: now.addingTimeInterval(day)),
            Seat(number: 2, heldUntil: now.addingTimeInterval(-day)),
            Seat(number: 3, heldUntil: nil),
            Seat(number: 4, heldUntil: now.addingTimeInterval(-3 * day)),
        ]
        #expect(SeatPolicy.choose(from: seats, at: now) == 3)
        #expect(SeatPolicy.choose(from: seats.filter { $0.number != 3 }, at: now) == 4)
        #expect(SeatPolicy.choose(from: [seats[0]], at: now) == nil)
        #expect(SeatPolicy.isReclaimable(seats[1], at: now))
        #expect(!SeatPolicy.isReclaimable(seats[0], at: now))
        #expect(!SeatPolicy.isReclaimable(seats[2], at: now))
    }

    @Test("Transfers: only the standing CAL holding its seat")
    func transfers() {
        let standing = LedgerLicense(
            serial: "a", licenseType: .perDevice, status: .permanent, product: "P", subjectName: "PC", keyID: "k", packID: "pack",
            seat: 1, notBefore: now.addingTimeInterval(-day), notAfter: now.addingTimeInterval(day)
        )
        #expect(TransferEligibility.refusal(of: standing, seatHolder: "a", at: now) == nil)
        var renewed = standing
        renewed.supersededBy = "b"
        #expect(TransferEligibility.refusal(of: renewed, seatHolder: "a", at: now)?.contains("renewed or replaced by b") == true)
        #expect(TransferEligibility.refusal(of: standing, seatHolder: "a", at: now.addingTimeInterval(2 * day))?.contains("expired") == true)
        var revoked = standing
        revoked.revokedAt = now
        #expect(TransferEligibility.refusal(of: revoked, seatHolder: "a", at: now)?.contains("revoked") == true)
        #expect(TransferEligibility.refusal(of: standing, seatHolder: "c", at: now)?.contains("held by another") == true)
        var temporary = standing
        temporary.status = .temporary
        #expect(TransferEligibility.refusal(of: temporary, seatHolder: "a", at: now) != nil)
        #expect(TransferEligibility.refusal(validFrom: now.addingTimeInterval(-day), until: now.addingTimeInterval(-1), at: now) != nil)
    }

    @Test("Reissue: a standing permanent CAL of the same subject; renewal only in its window")
    func reissue() {
        let license = LedgerLicense(
            serial: "a", licenseType: .perDevice, status: .permanent, product: "P", subjectName: "PC", keyID: "k", packID: "pack",
            seat: 1, notBefore: now.addingTimeInterval(-60 * day), notAfter: now.addingTimeInterval(3 * day)
        )
        #expect(ReissueEligibility.refusal(of: license, for: "PC", type: .perDevice, renewal: true, at: now) == nil)
        #expect(ReissueEligibility.refusal(of: license, for: "PC", type: .perDevice, renewal: true, at: now.addingTimeInterval(-10 * day)) != nil)
        #expect(ReissueEligibility.refusal(of: license, for: "PC", type: .perDevice, renewal: false, at: now.addingTimeInterval(-10 * day)) == nil)
        #expect(ReissueEligibility.refusal(of: license, for: "PC-2", type: .perDevice, renewal: true, at: now) != nil)
        #expect(ReissueEligibility.refusal(of: license, for: "PC", type: .perDevice, renewal: false, at: now.addingTimeInterval(4 * day)) != nil)
        var temporary = license
        temporary.status = .temporary
        #expect(ReissueEligibility.refusal(of: temporary, for: "PC", type: .perDevice, renewal: true, at: now)?.hasPrefix("temporary") == true)
    }

    @Test("Possession: the licensed key itself, or a continuity signature by it")
    func possession() {
        #expect(KeyPossession.proves(licenseKeyID: "k1", requestKeyID: "k1", previousKeyID: nil))
        #expect(KeyPossession.proves(licenseKeyID: "k1", requestKeyID: "k2", previousKeyID: "k1"))
        #expect(!KeyPossession.proves(licenseKeyID: "k1", requestKeyID: "k2", previousKeyID: nil))
        #expect(!KeyPossession.proves(licenseKeyID: "k1", requestKeyID: "k2", previousKeyID: "k3"))
    }

    @Test("The grace period: 120 days from the first connection, over for good at the first permanent CAL")
    func grace() {
        var grace = GracePeriod()
        #expect(grace.isActive(at: now))
        grace.startedAt = now
        #expect(grace.isActive(at: now.addingTimeInterval(119 * day)))
        #expect(!grace.isActive(at: now.addingTimeInterval(120 * day)))
        #expect(grace.daysLeft(at: now.addingTimeInterval(100 * day)) == 20)
        grace.endedAt = now.addingTimeInterval(day)
        #expect(!grace.isActive(at: now.addingTimeInterval(2 * day)))
        #expect(grace.endReason(at: now.addingTimeInterval(2 * day)) != nil)
    }
}
