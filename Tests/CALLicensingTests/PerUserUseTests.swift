import CALCore
import CALLicensing
import Foundation
import Testing

@Suite("Per-user use over time and the revocation quota still free")
struct PerUserUseTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("Each day counts the distinct users holding a standing license: not before it starts, not after it ends or is revoked; a user with two licenses counts once")
    func series() {
        let holdings = [
            PerUserUse.Holding(user: "ann", notBefore: now.addingDays(-10), notAfter: now.addingDays(50), revokedAt: nil),
            PerUserUse.Holding(user: "ann", notBefore: now.addingDays(-3), notAfter: now.addingDays(60), revokedAt: nil),
            PerUserUse.Holding(user: "bob", notBefore: now.addingDays(-5), notAfter: now.addingDays(-2), revokedAt: nil),
            PerUserUse.Holding(user: "cat", notBefore: now.addingDays(-4), notAfter: now.addingDays(60), revokedAt: now.addingDays(-1)),
            PerUserUse.Holding(user: "dan", notBefore: now.addingDays(-1), notAfter: now.addingDays(60), revokedAt: nil),
        ]
        let use = PerUserUse.series(product: "Desk", purchased: 2, holdings: holdings, dayCount: 12, now: now)
        #expect(use.days.count == 12 && use.days.last == now && use.days.first == now.addingDays(-11))
        // Days -11 ... 0.
        #expect(use.users == [0, 1, 1, 1, 1, 1, 2, 3, 3, 2, 2, 2])
        #expect(use.overUse)
        #expect(!PerUserUse.series(product: "Desk", purchased: 3, holdings: holdings, dayCount: 12, now: now).overUse)
        #expect(PerUserUse.series(product: "Desk", purchased: 3, holdings: [], dayCount: 0, now: now).users == [0])
    }

    @Test("The quota still free: 20 % of the installed per-device CALs, at least one, less those revoked now, never below zero", arguments: [
        (10, 0, 2, 2), (10, 1, 2, 1), (10, 3, 2, 0), (3, 0, 1, 1), (0, 0, 1, 1), (100, 7, 20, 13),
    ])
    func quota(installed: Int, outstanding: Int, limit: Int, remaining: Int) {
        let usage = RevocationQuotaUsage(product: "Desk", productVersion: "1", installed: installed, outstanding: outstanding)
        #expect(usage.limit == limit && usage.remaining == remaining)
    }
}
