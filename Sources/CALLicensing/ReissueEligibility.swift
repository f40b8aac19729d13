import CALCore
import Foundation

/// Which licenses may be reissued on their seat: renewed near their end, or replaced (the key
/// that signed them was compromised, or the client re-keyed). Only a standing permanent CAL of
/// the same subject, and a renewal only in its renewal window.
public enum ReissueEligibility {
    /// Why `license` cannot be reissued at `now` for `subjectName` (`not-renewable`), or nil when it can.
    public static func refusal(of license: LedgerLicense, for subjectName: String, type: LicenseType, renewal: Bool, at now: Date) -> String? {
        guard license.status == .permanent else { return "temporary licenses are not renewed; the next logon replaces them" }
        guard license.subjectName == subjectName, license.licenseType == type else {
            return "the request names \(subjectName), the license \(license.subjectName)"
        }
        guard license.notAfter > now else { return "it expired at \(license.notAfter.iso8601)" }
        if renewal, !LicenseLifetime.isInRenewalWindow(notAfter: license.notAfter, at: now) {
            return "it is renewed in its last \(LicensingTerms.renewalWindowDays) days; it expires at \(license.notAfter.iso8601)"
        }
        return nil
    }
}
