import CALCore
import CALLicensing
import Foundation
import Testing

/// Table tests of the logon decision: a subject's history at a time, and the plan that follows.
@Suite("The logon policy decides from the ledger alone")
struct LogonPolicyTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let day: TimeInterval = 86_400
    static let product = "Desk"

    /// A license of PC-1 for key `key`, valid from `from` to `until` days from now.
    static func license(
        _ serial: String, _ status: LicenseStatus, key: String = "key-1", subject: String = "PC-1", type: LicenseType = .perDevice,
        from: Double = -10, until: Double, issuer: String = "issuer-1", revoked: Bool = false, supersededBy: String? = nil,
        product: String = LogonPolicyTests.product
    ) -> LedgerLicense {
        LedgerLicense(
            serial: serial, licenseType: type, status: status, product: product, subjectName: subject, keyID: key,
            issuerKeyID: issuer, packID: status == .permanent ? "pack" : nil, seat: status == .permanent ? 1 : nil,
            notBefore: now.addingTimeInterval(from * day), notAfter: now.addingTimeInterval(until * day),
            revokedAt: revoked ? now.addingTimeInterval(-day) : nil, revocationReason: revoked ? .keyCompromise : nil,
            supersededBy: supersededBy
        )
    }

    static func facts(
        mode: LicenseType = .perDevice, key: String = "key-1", previousKey: String? = nil, product: String? = LogonPolicyTests.product,
        presented: PresentedLicense? = nil, history: [LedgerLicense] = [], packs: Set<String> = [LogonPolicyTests.product],
        compromised: Set<String> = [], subject: String = "PC-1"
    ) -> LogonFacts {
        LogonFacts(
            mode: mode, subjectName: subject, requestKeyID: key, previousKeyID: previousKey, product: product, presented: presented,
            history: history, productsWithPacks: packs, compromisedIssuers: compromised, now: now
        )
    }

    static let noneFree = LogonPlan.refuse(.noLicenseAvailable, "no CAL of Desk is free")

    /// Each row: what is known, and the plan that must follow.
    static let rows: [(String, LogonFacts, LogonPlan)] = {
        let temporary = license("t1", .temporary, until: 80)
        let expiredTemporary = license("t1", .temporary, from: -95, until: -5)
        let permanent = license("p1", .permanent, until: 40)
        let ending = license("p1", .permanent, until: 3)
        return [
            ("first logon of a device: its one temporary license", facts(), .issueTemporary(product: product)),
            (
                "first logon for a product with no pack: nothing, not even a temporary license",
                facts(packs: []), .refuse(.noLicenseAvailable, "no per-device key pack of Desk is installed")
            ),
            (
                "no product named and no pack at all",
                facts(product: nil, packs: []), .refuse(.noLicenseAvailable, "no per-device key pack is installed")
            ),
            (
                "a product named that no pack licenses",
                facts(product: "Other"), .refuse(.noLicenseAvailable, "no per-device key pack of Other is installed")
            ),
            ("no product named, one installed: that one", facts(product: nil), .issueTemporary(product: product)),
            (
                "no product named, several installed: the host must say",
                facts(product: nil, packs: [product, "Other"]),
                .refuse(.badRequest, "several products are licensed here; the host must name its product")
            ),
            (
                "temporary presented: a permanent CAL superseding it, else keep it",
                facts(presented: .recorded(temporary), history: [temporary]),
                .issuePermanent(product: product, superseding: "t1", otherwise: .keepCurrent)
            ),
            (
                "expired temporary presented: a permanent CAL, else refused",
                facts(presented: .recorded(expiredTemporary), history: [expiredTemporary]),
                .issuePermanent(
                    product: product, superseding: "t1",
                    otherwise: .refuse(.noLicenseAvailable, "the temporary license has expired and no CAL of Desk is free")
                )
            ),
            (
                "lost store with a standing temporary license: no second one",
                facts(history: [temporary]),
                .refuse(.temporaryAlreadyIssued, "this device already holds an unexpired temporary license")
            ),
            (
                "a new key on a device with a standing temporary license: no second one either",
                facts(key: "key-2", history: [temporary]),
                .refuse(.temporaryAlreadyIssued, "this device already holds an unexpired temporary license")
            ),
            (
                "a new key after the temporary license expired: a permanent CAL or nothing, never a new temporary",
                facts(key: "key-2", history: [expiredTemporary]), .issuePermanent(product: product, superseding: nil, otherwise: noneFree)
            ),
            (
                "a device that held a permanent CAL which lapsed gets no temporary license",
                facts(history: [license("p0", .permanent, from: -100, until: -10)]),
                .issuePermanent(product: product, superseding: nil, otherwise: noneFree)
            ),
            ("permanent presented, far from expiry: keep it", facts(presented: .recorded(permanent), history: [permanent]), .keepCurrent),
            (
                "permanent presented in its last 7 days: renew it, else keep it",
                facts(presented: .recorded(ending), history: [ending]), .renew(serial: "p1", otherwise: .keepCurrent)
            ),
            (
                "revoked permanent presented: refused, never kept or renewed",
                facts(presented: .recorded(license("p1", .permanent, until: 3, revoked: true))),
                .refuse(.revoked, "license p1 was revoked (keyCompromise)")
            ),
            (
                "a forged license naming this server: refused, nothing superseded",
                facts(presented: .forged("no such serial"), history: [permanent]),
                .refuse(.untrustedLicense, "the presented license is not one this server issued: no such serial")
            ),
            ("lost store with a standing permanent CAL: handed out again", facts(history: [permanent]), .handOut(serial: "p1")),
            (
                "a new key for a device that holds a permanent CAL: nothing more",
                facts(key: "key-2", history: [permanent]),
                .refuse(
                    .alreadyLicensed,
                    "device PC-1 already holds CAL p1 of Desk for another key; a re-keyed client proves its previous key"
                )
            ),
            (
                "a re-keyed client proving its previous key: the CAL moves, the old one revoked as superseded",
                facts(key: "key-2", previousKey: "key-1", history: [permanent]),
                .replace(
                    serial: "p1", revoking: .superseded,
                    otherwise: .refuse(
                        .alreadyLicensed,
                        "device PC-1 already holds CAL p1 of Desk for another key; a re-keyed client proves its previous key"
                    )
                )
            ),
            (
                "a CAL signed by a compromised key: replaced on its seat",
                facts(presented: .recorded(permanent), history: [permanent], compromised: ["issuer-1"]),
                .replace(
                    serial: "p1", revoking: nil,
                    otherwise: .replace(
                        serial: "p1", revoking: nil,
                        otherwise: .refuse(
                            .noLicenseAvailable, "the CAL of this client was signed by a compromised key and cannot be replaced"
                        )
                    )
                )
            ),
            (
                "a presented license for another key is as good as none",
                facts(key: "key-2", presented: .recorded(permanent), history: [permanent]),
                .refuse(
                    .alreadyLicensed,
                    "device PC-1 already holds CAL p1 of Desk for another key; a re-keyed client proves its previous key"
                )
            ),
            (
                "another device's genuine temporary license (certificates are public) presented by a new device: nothing of it is used",
                facts(key: "key-9", presented: .recorded(temporary), subject: "PC-2"), .issueTemporary(product: product)
            ),
            (
                "per user: a per-user CAL, not decremented",
                facts(mode: .perUser, subject: "alice"), .issuePermanent(product: product, superseding: nil, otherwise: noneFree)
            ),
            (
                "per user: a temporary license presented is not upgraded",
                facts(
                    mode: .perUser, presented: .recorded(license("t9", .temporary, subject: "alice", type: .perUser, until: 50)),
                    subject: "alice"
                ),
                .issuePermanent(product: product, superseding: nil, otherwise: noneFree)
            ),
            (
                "a superseded license presented: its standing successor is handed out",
                facts(
                    presented: .recorded(license("p0", .permanent, until: 2, supersededBy: "p1")),
                    history: [license("p0", .permanent, until: 2, supersededBy: "p1"), permanent]
                ),
                .handOut(serial: "p1")
            ),
        ]
    }()

    @Test("Each situation gets its plan", arguments: 0..<rows.count)
    func row(_ index: Int) {
        let (name, facts, expected) = Self.rows[index]
        #expect(LogonPolicy.decide(facts) == expected, "\(name)")
    }
}
