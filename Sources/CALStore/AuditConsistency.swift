import CALCore

/// A ledger's audit log with its disagreements with the ledger's rows, read in one snapshot.
public struct AuditSnapshot: Sendable {
    /// Every entry, oldest first.
    public var entries: [AuditEntry]
    /// Each disagreement, as a sentence; empty when the log tells the rows' whole story.
    public var findings: [String]
}

/// Whether a ledger's audit log tells the story of its rows: every row that a change made has
/// the event that recorded it, and every event names a row that exists. A hash chain alone
/// cannot see entries cut from its end; the rows they described can.
enum AuditConsistency {
    /// The events that create a license, by the license's serial as subject.
    static let licenseEvents: Set<String> = ["license-issued", "license-renewed", "license-replaced", "license-transferred", "license-adopted"]
    /// The events that revoke a license in passing, naming the old serial in their detail.
    static let replacingEvents: Set<String> = ["license-replaced", "license-transferred"]

    /// A license as the check needs it.
    struct License {
        var serial: String
        var revoked: Bool
    }

    /// The disagreements between a license server's log and its licenses, packs and seats.
    static func licenseServer(_ entries: [AuditEntry], licenses: [License], packs: [String], seatHolders: [String]) -> [String] {
        var findings: [String] = []
        var issued: Set<String> = []
        var revokedByEvent: Set<String> = []
        var replacementDetails: [String] = []
        var installed: Set<String> = []
        for entry in entries {
            if licenseEvents.contains(entry.event) { issued.insert(entry.subject) }
            if replacingEvents.contains(entry.event) { replacementDetails.append(entry.detail) }
            if entry.event == "license-revoked" { revokedByEvent.insert(entry.subject) }
            if entry.event == "pack-installed" { installed.insert(entry.subject) }
        }
        let held = Dictionary(licenses.map { ($0.serial, $0) }, uniquingKeysWith: { first, _ in first })
        for license in licenses {
            if !issued.contains(license.serial) { findings.append("license \(license.serial) has no event that issued it") }
            if license.revoked && !revokedByEvent.contains(license.serial)
                && !replacementDetails.contains(where: { $0.contains(license.serial) })
            {
                findings.append("license \(license.serial) is revoked, but no event revoked it")
            }
        }
        for pack in packs where !installed.contains(pack) { findings.append("key pack \(pack) has no event that installed it") }
        for serial in issued where held[serial] == nil { findings.append("an event issued license \(serial), which the ledger does not hold") }
        for serial in revokedByEvent where held[serial]?.revoked != true {
            findings.append("an event revoked license \(serial), which the ledger does not hold as revoked")
        }
        let packSet = Set(packs)
        for pack in installed where !packSet.contains(pack) { findings.append("an event installed key pack \(pack), which the ledger does not hold") }
        for serial in seatHolders where held[serial] == nil { findings.append("a seat is held by license \(serial), which the ledger does not hold") }
        return findings
    }

    /// A license-server certificate as the check needs it.
    struct ServerCertificate {
        var serial: String
        var serverID: String
        var revoked: Bool
    }

    /// The disagreements between a clearinghouse's log and its activations, sold packs, transfers,
    /// transfer applications and spent key pack codes.
    static func clearinghouse(
        _ entries: [AuditEntry], certificates: [ServerCertificate], packs: [String], transfers: [String], reissues: [String],
        applications: [String] = [], spentCodes: [String] = []
    ) -> [String] {
        var findings: [String] = []
        var activations: [String: Int] = [:]
        var revoked: Set<String> = []
        var sold: Set<String> = []
        var granted: Set<String> = []
        var reissuedByEvent: [String: Int] = [:]
        var applied: Set<String> = []
        var spent: Set<String> = []
        for entry in entries {
            switch entry.event {
            case "transfer-applied": applied.insert(entry.subject)
            case "pack-code-used": spent.insert(entry.subject)
            case "pack-reissued": reissuedByEvent[entry.subject, default: 0] += 1
            case "server-activated", "server-reactivated": activations[entry.subject, default: 0] += 1
            case "server-revoked": revoked.insert(entry.subject)
            case "pack-sold": sold.insert(entry.subject)
            case "transfer-authorized": granted.insert(entry.subject)
            default: break
            }
        }
        var certificatesPerServer: [String: Int] = [:]
        for certificate in certificates {
            certificatesPerServer[certificate.serverID, default: 0] += 1
            if certificate.revoked && !revoked.contains(certificate.serial) {
                findings.append("server certificate \(certificate.serial) is revoked, but no event revoked it")
            }
        }
        for (server, count) in certificatesPerServer.sorted(by: { $0.key < $1.key }) where activations[server, default: 0] < count {
            findings.append("license server \(server) holds \(count) certificates but \(activations[server, default: 0]) activation events")
        }
        for (server, _) in activations.sorted(by: { $0.key < $1.key }) where certificatesPerServer[server] == nil {
            findings.append("an event activated license server \(server), which the ledger does not hold")
        }
        let revokedCertificates = Set(certificates.filter(\.revoked).map(\.serial))
        for serial in revoked.sorted() where !revokedCertificates.contains(serial) {
            findings.append("an event revoked server certificate \(serial), which the ledger does not hold as revoked")
        }
        findings += difference(of: Set(packs), and: sold, noun: "sold key pack", verb: "sold")
        findings += difference(of: Set(transfers), and: granted, noun: "transfer grant", verb: "authorized")
        findings += difference(of: Set(applications), and: applied, noun: "transfer application", verb: "recorded")
        findings += difference(of: Set(spentCodes.map { String($0.prefix(16)) }), and: spent, noun: "key pack code", verb: "spent")
        let reissuedByRow = Dictionary(reissues.map { ($0, 1) }, uniquingKeysWith: +)
        for pack in Set(reissuedByRow.keys).union(reissuedByEvent.keys).sorted() where reissuedByRow[pack] != reissuedByEvent[pack] {
            findings.append("key pack \(pack) was reissued \(reissuedByRow[pack] ?? 0) times by the ledger but \(reissuedByEvent[pack] ?? 0) by the log")
        }
        return findings
    }

    /// Rows without their event and events without their row, for rows named by one id.
    private static func difference(of rows: Set<String>, and events: Set<String>, noun: String, verb: String) -> [String] {
        rows.subtracting(events).sorted().map { "\(noun) \($0) has no event that \(verb) it" }
            + events.subtracting(rows).sorted().map { "an event \(verb) \(noun) \($0), which the ledger does not hold" }
    }
}
