import CALCore
import CALLicensing
internal import CALStore
import Foundation

/// What the administrator's page shows beyond `status` and `report`: the revocation quota
/// still free, per-user use over time, and licenses found by device, user or serial.
extension LicenseServer {
    /// The server's clock now: the system's, or a simulation's (pages judge "expired" by it).
    public var currentTime: Date { time.now }

    /// The revocation quota of each product version with per-device CALs: what may still be revoked.
    public func revocationQuotas() throws -> [RevocationQuotaUsage] {
        try records { try $0.revocationQuotas(now: time.now) }
    }

    /// Per-user use of each product with per-user packs over the last `dayCount` days, against
    /// the per-user CALs purchased.
    public func perUserUse(dayCount: Int = 30) throws -> [PerUserUse] {
        let now = time.now
        let purchased = Dictionary(
            try records { try $0.packUsage(at: now) }.filter { $0.licenseType == .perUser }.map { ($0.product, $0.total) }, uniquingKeysWith: +
        )
        let licenses = try issuedLicenses().filter { $0.licenseType == .perUser && $0.status == .permanent }
        return purchased.keys.sorted().map { product in
            let holdings = licenses.filter { $0.product == product }.map {
                PerUserUse.Holding(user: $0.subject, notBefore: $0.notBefore, notAfter: $0.notAfter, revokedAt: $0.revokedAt)
            }
            return PerUserUse.series(product: product, purchased: purchased[product] ?? 0, holdings: holdings, dayCount: dayCount, now: now)
        }
    }

    /// The licenses whose device id, user or serial contains `query` (case does not matter),
    /// newest first, at most `limit`; every license, newest first, for an empty query.
    public func findLicenses(matching query: String, limit: Int = 200) throws -> [LicenseRecord] {
        let needle = query.trimmingCharacters(in: .whitespaces).lowercased().filter { $0 != ":" }
        let all = try issuedLicenses().reversed()
        let found = needle.isEmpty ? Array(all) : all.filter { $0.subject.lowercased().contains(needle) || $0.serial.contains(needle) }
        return Array(found.prefix(limit))
    }

    /// The license with this serial (hex, either case), as recorded; nil if this server never issued it.
    public func license(serial: String) throws -> LicenseRecord? {
        try records { try $0.licenses(serial: serial.lowercased()) }.map(LicenseRecord.init)
    }
}
