import CALCore
import Foundation

/// The license server's side of the logon flow, as one pure decision: given what the ledger
/// holds for a subject and what the client presented, what to do.
///
/// Per device: the first logon gets the device's one temporary license (90 days, once per
/// device id whatever its key, and only for a product a per-device pack is installed for); a
/// later logon presenting it gets a permanent CAL if a seat is free (the temporary license is
/// superseded), or keeps it until it expires. A device holds at most one standing permanent CAL
/// of a product. A permanent CAL in its last 7 days is renewed on its seat. Per user: a per-user
/// CAL (tracked, not decremented), renewed the same way; temporary licenses are not upgraded.
/// A client that lost its store gets its standing license again. A CAL signed by a key declared
/// compromised is replaced on its seat; a client that re-keyed (its request carries the old
/// key's continuity signature) gets its CAL moved to the new key, the old one revoked as
/// superseded. Nothing is believed of a presented license the server did not issue, and nothing
/// is kept, renewed or replaced on the strength of a revoked one.
public enum LogonPolicy {
    /// The plan for one logon.
    public static func decide(_ facts: LogonFacts) -> LogonPlan {
        if case .forged(let reason) = facts.presented {
            return .refuse(.untrustedLicense, "the presented license is not one this server issued: \(reason)")
        }
        let presented = presentedRecord(facts)
        guard let product = facts.product ?? presented?.product ?? onlyProduct(facts) else {
            if facts.productsWithPacks.isEmpty {
                return .refuse(.noLicenseAvailable, "no \(facts.mode.rawValue) key pack is installed")
            }
            return .refuse(.badRequest, "several products are licensed here; the host must name its product")
        }
        let history = facts.history.filter { $0.product == product && $0.licenseType == facts.mode && $0.subjectName == facts.subjectName }
        if let presented, presented.product == product {
            if let plan = decide(presented: presented, product: product, history: history, facts: facts) { return plan }
        }
        return withoutPresented(product: product, history: history, facts: facts)
    }

    /// The presented license when it is this server's record of a license of this subject, mode
    /// and key; another server's license, or one for another key, is as good as none.
    private static func presentedRecord(_ facts: LogonFacts) -> LedgerLicense? {
        guard case .recorded(let license) = facts.presented, license.licenseType == facts.mode,
            license.subjectName == facts.subjectName, license.keyID == facts.requestKeyID
        else { return nil }
        return license
    }

    /// The product when the host names none: the only one with a pack of the mode's type.
    private static func onlyProduct(_ facts: LogonFacts) -> String? {
        facts.productsWithPacks.count == 1 ? facts.productsWithPacks.first : nil
    }

    /// The plan for a presented license of this server, subject and key; nil to decide as if
    /// nothing usable were presented.
    private static func decide(presented: LedgerLicense, product: String, history: [LedgerLicense], facts: LogonFacts) -> LogonPlan? {
        let now = facts.now
        if presented.isRevoked {
            let reason = presented.revocationReason.map { " (\($0.name))" } ?? ""
            return .refuse(.revoked, "license \(presented.serial) was revoked\(reason)")
        }
        guard presented.supersededBy == nil else { return nil }  // the standing successor is handed out
        switch presented.status {
        case .permanent:
            guard presented.notAfter > now else { return nil }
            if let issuer = presented.issuerKeyID, facts.compromisedIssuers.contains(issuer) {
                return .replace(
                    serial: presented.serial, revoking: nil, otherwise: withoutPresented(product: product, history: history, facts: facts)
                )
            }
            guard LicenseLifetime.isInRenewalWindow(notAfter: presented.notAfter, at: now) else { return .keepCurrent }
            return .renew(serial: presented.serial, otherwise: .keepCurrent)
        case .temporary:
            guard facts.mode == .perDevice else { return nil }  // per user: temporary licenses are not upgraded
            let otherwise: LogonPlan =
                presented.notAfter > now
                ? .keepCurrent
                : .refuse(.noLicenseAvailable, "the temporary license has expired and no CAL of \(product) is free")
            return .issuePermanent(product: product, superseding: presented.serial, otherwise: otherwise)
        }
    }

    /// The plan when nothing usable was presented: the subject's standing license, a re-keyed
    /// client's license moved, or a new license as the rules allow.
    private static func withoutPresented(product: String, history: [LedgerLicense], facts: LogonFacts) -> LogonPlan {
        let standing = history.filter { $0.isStanding(at: facts.now) }
        let permanents = standing.filter { $0.status == .permanent }
        if let mine = permanents.last(where: { $0.keyID == facts.requestKeyID }) {
            if let issuer = mine.issuerKeyID, facts.compromisedIssuers.contains(issuer) {
                return .replace(
                    serial: mine.serial, revoking: nil,
                    otherwise: .refuse(.noLicenseAvailable, "the CAL of this client was signed by a compromised key and cannot be replaced")
                )
            }
            return .handOut(serial: mine.serial)
        }
        let fresh = newLicense(product: product, history: history, standing: standing, facts: facts)
        if let previous = facts.previousKeyID, let old = permanents.last(where: { $0.keyID == previous }) {
            return .replace(serial: old.serial, revoking: .superseded, otherwise: fresh)
        }
        return fresh
    }

    /// A new license for a subject that holds none for this key.
    private static func newLicense(product: String, history: [LedgerLicense], standing: [LedgerLicense], facts: LogonFacts) -> LogonPlan {
        guard facts.productsWithPacks.contains(product) else {
            return .refuse(.noLicenseAvailable, "no \(facts.mode.rawValue) key pack of \(product) is installed")
        }
        let noneFree = LogonPlan.refuse(.noLicenseAvailable, "no CAL of \(product) is free")
        switch facts.mode {
        case .perUser:
            return .issuePermanent(product: product, superseding: nil, otherwise: noneFree)
        case .perDevice:
            if let held = standing.last(where: { $0.status == .permanent }) {
                return .refuse(
                    .alreadyLicensed,
                    "device \(facts.subjectName) already holds CAL \(held.serial) of \(product) for another key; a re-keyed client proves its previous key"
                )
            }
            if standing.contains(where: { $0.status == .temporary }) {
                return .refuse(.temporaryAlreadyIssued, "this device already holds an unexpired temporary license")
            }
            // The one temporary license per device is spent once the device held any license.
            if !history.isEmpty { return .issuePermanent(product: product, superseding: nil, otherwise: noneFree) }
            return .issueTemporary(product: product)
        }
    }
}
