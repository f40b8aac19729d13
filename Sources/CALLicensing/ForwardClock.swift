import CALCore
import Foundation

/// Time only moves forward in a home. Each home keeps the latest time of any state change it
/// made (its high-water mark); a change dated more than ``LicensingTerms/clockToleranceSeconds``
/// before that mark is refused, whether the clock was turned back or a `--now` walk went
/// backwards. Otherwise a clock turned back would revoke past the quota, reclaim seats of valid
/// CALs, restart a host's grace period or make an expired license look valid again.
public enum ForwardClock {
    /// Throws ``CALError/Code/clockWentBackwards`` when `time` lies too far before `latest`.
    public static func check(_ time: Date, after latest: Date?) throws {
        guard let latest, time < latest.addingTimeInterval(-LicensingTerms.clockToleranceSeconds) else { return }
        throw CALError(
            .clockWentBackwards,
            "the clock says \(iso(time)), but this home already recorded a change at \(iso(latest)); time may not go back",
            context: ["latest": iso(latest)]
        )
    }

    /// The later of `time` and `latest`: what the rules that measure elapsed time (grace periods,
    /// validity) read, so a clock turned back within the tolerance gains nothing either.
    public static func effectiveTime(_ time: Date, after latest: Date?) -> Date {
        guard let latest else { return time }
        return max(time, latest)
    }

    /// Throws ``CALError/Code/invalidArgument`` for a revocation dated after `now`: a date in the
    /// future would free the seat at once while CRLs and OCSP still called the license good.
    public static func checkRevocationDate(_ revokedAt: Date, now: Date) throws {
        guard revokedAt > now else { return }
        throw CALError.invalidArgument("a revocation cannot be dated \(iso(revokedAt)), after now (\(iso(now)))")
    }

    private static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: date)
    }
}
