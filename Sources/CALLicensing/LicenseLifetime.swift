import CALCore
import Foundation

/// When licenses end and when they may be renewed.
public enum LicenseLifetime {
    /// The end of validity of a license of `status` issued at `now`: 90 days for a temporary
    /// license, a random 52 to 89 days for a permanent CAL (so expiries of one batch spread out).
    public static func notAfter(of status: LicenseStatus, issuedAt now: Date) -> Date {
        var generator = SystemRandomNumberGenerator()
        return notAfter(of: status, issuedAt: now, using: &generator)
    }

    /// As above, drawing the permanent lifetime from `generator` (for tests).
    public static func notAfter(
        of status: LicenseStatus,
        issuedAt now: Date,
        using generator: inout some RandomNumberGenerator
    ) -> Date {
        let days: Int
        switch status {
        case .temporary: days = LicensingTerms.temporaryLicenseDays
        case .permanent: days = Int.random(in: LicensingTerms.permanentLicenseDays, using: &generator)
        }
        return now.addingTimeInterval(TimeInterval(days) * LicensingTerms.secondsPerDay)
    }

    /// Whether a permanent CAL ending at `notAfter` may be renewed at `now`: in its last 7 days,
    /// and not after it has expired.
    public static func isInRenewalWindow(notAfter: Date, at now: Date) -> Bool {
        notAfter > now && notAfter.timeIntervalSince(now) <= renewalWindow
    }

    /// The renewal window as an interval.
    public static var renewalWindow: TimeInterval { TimeInterval(LicensingTerms.renewalWindowDays) * LicensingTerms.secondsPerDay }
}
