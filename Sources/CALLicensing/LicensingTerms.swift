import Foundation

/// The numbers of the licensing model, defined once. Every rule in this module, every
/// certificate the license server mints and every host's grace period takes them from here.
public enum LicensingTerms {
    /// Lifetime of a temporary per-device license, in days: issued once per device, so the
    /// grace period plus the temporary license give at most 210 unlicensed days.
    public static let temporaryLicenseDays = 90
    /// The range a permanent CAL's lifetime is drawn from, in days: a CAL that is never renewed
    /// returns to the pool within this time.
    public static let permanentLicenseDays = 52...89
    /// How close to its expiry a permanent CAL is renewed at logon, in days.
    public static let renewalWindowDays = 7
    /// How long a session host admits unlicensed clients from its first connection, in days.
    public static let gracePeriodDays = 120
    /// The share of a product version's installed per-device CALs an administrator may hold
    /// revoked at once (lost machines), in percent; at least one CAL is always allowed.
    public static let revocationQuotaPercent = 20
    /// How far before the latest state change a home has recorded a new one may be dated, in
    /// seconds: clocks of several processes and machines disagree a little; more is a clock
    /// turned back.
    public static let clockToleranceSeconds: TimeInterval = 300
    /// How often the clearinghouse reissues one key pack (for a license server whose ledger was
    /// lost and rebuilt): each reissue could otherwise become a second set of the same seats.
    public static let packReissueLimit = 2

    /// Seconds in a day, for turning the day counts above into intervals.
    static let secondsPerDay: TimeInterval = 86_400
}
