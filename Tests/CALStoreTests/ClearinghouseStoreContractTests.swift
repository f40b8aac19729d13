@testable import CALCore
import CALStore
import CALTestSupport
import Foundation
import Testing

/// The ledgers a clearinghouse can keep its state in; every test of the contract runs against each.
enum ClearinghouseLedger: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgresql

    var testDescription: String { rawValue }

    /// A new, empty ledger of this kind (the folder keeps a SQLite file alive for the test).
    func make() throws -> (store: any ClearinghouseStore, folder: TemporaryFolder) {
        let folder = try TemporaryFolder("clearinghouse-store")
        switch self {
        case .sqlite: return (try SQLiteClearinghouseStore(path: folder.file("calkit.sqlite")), folder)
        case .postgresql: return (try PostgresClearinghouseStore(location: try TestPostgres.freshLocation("clearinghouse")), folder)
        }
    }
}

@Suite("The clearinghouse ledger contract, SQLite and PostgreSQL alike")
struct ClearinghouseStoreContractTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func certificate(_ serverID: String, serial: String, at: Date? = nil) -> ActivationRecord {
        let when = at ?? now
        return ActivationRecord(
            serverID: serverID, name: "Server \(serverID)", certificateSerial: serial, activatedAt: when, notAfter: when.addingTimeInterval(365 * 86_400),
            certificate: [1, 2, 3], rootKeyID: "ROOT"
        )
    }

    func root(_ keyID: String = "ROOT") -> RootRecord {
        RootRecord(keyID: keyID, certificate: [9], filePrefix: "", status: .active, activatedAt: now)
    }

    func sale(_ packID: String, to serverID: String = "S1", count: Int = 5) -> SoldPack {
        SoldPack(
            packID: packID, serverID: serverID, licenseType: "per-device", count: count, product: "Desk", productVersion: "1", agreementNumber: "A",
            issuedAt: now
        )
    }

    @Test("Activation, reactivation revoking the old certificate, one-time codes, and root CRLs numbered once", arguments: ClearinghouseLedger.allCases)
    func activations(_ ledger: ClearinghouseLedger) throws {
        let (store, _) = try ledger.make()
        try store.activateRoot(root(), previousPrefix: nil, now: now)
        try store.recordActivationCode(ActivationCodeRecord(codeHash: "HASH", agreementNumber: "A", issuedAt: now, expiresAt: now.addingTimeInterval(3600)))
        let first = try store.activate(serverID: "S1", at: now, revokingPrevious: nil, redeeming: "HASH") { current in
            #expect(current == nil)
            return certificate("S1", serial: "01")
        }
        #expect(first.certificateSerial == "01")
        // The code is spent: a second activation with it is refused and records nothing.
        #expect(thrownCode { _ = try store.activate(serverID: "S2", at: now, revokingPrevious: nil, redeeming: "HASH") { _ in certificate("S2", serial: "02") } } == "activation-code-invalid")
        #expect(try store.activation(serverID: "S2") == nil)
        let second = try store.activate(serverID: "S1", at: now.addingTimeInterval(60), revokingPrevious: 1, redeeming: nil) { current in
            #expect(current?.certificateSerial == "01")
            return certificate("S1", serial: "03", at: now.addingTimeInterval(60))
        }
        #expect(try store.activation(serverID: "S1")?.certificateSerial == second.certificateSerial)
        #expect(try store.activations().map(\.certificateSerial) == ["03"])
        #expect(try store.serverCertificates().map(\.certificateSerial) == ["01", "03"])
        #expect(try store.serverCertificates().first?.revocationReason == 1)
        #expect(thrownCode { _ = try store.revokeServer(certificateSerial: "01", reason: 1, at: now, now: now.addingTimeInterval(60)) } == "already-revoked")
        let stamp = try store.revocationStamp()
        _ = try store.revokeServer(certificateSerial: "03", reason: 4, at: now.addingTimeInterval(120), now: now.addingTimeInterval(120))
        #expect(try store.revocationStamp() != stamp)
        let numbers = try (0..<2).map { _ in
            try store.publishRevocations(rootKeyID: "ROOT", now: now.addingTimeInterval(180)) { rows in
                var serials: [String] = []
                try rows.forEach { serial, _, _ in serials.append(String(decoding: serial, as: UTF8.self)) }
                #expect(serials == ["01", "03"])
                return rows.number
            }
        }
        #expect(numbers == [1, 2])
        #expect(try store.roots().first?.serverCertificates == 2)
        #expect(try store.auditSnapshot().findings == [])
    }

    @Test(
        "A double submit across nodes: one activation code and one pack code, each redeemed at once from eight connections, serve exactly once",
        arguments: ClearinghouseLedger.allCases
    )
    func codesRedeemedAtOnce(_ ledger: ClearinghouseLedger) async throws {
        let (first, folder) = try ledger.make()
        _ = try first.activate(serverID: "BOUGHT", at: now, revokingPrevious: nil, redeeming: nil) { _ in certificate("BOUGHT", serial: "FF") }
        try first.recordActivationCode(ActivationCodeRecord(codeHash: "HASH", agreementNumber: "A", issuedAt: now, expiresAt: now.addingTimeInterval(3600)))
        try first.recordPackCode(
            PackCodeRecord(
                codeHash: "CODE", agreementNumber: "A", licenseType: "per-device", product: "Desk", productVersion: "1", count: 5, issuedAt: now,
                expiresAt: now.addingTimeInterval(3600)
            )
        )
        let path = folder.file("calkit.sqlite")
        let location = (first as? PostgresClearinghouseStore)?.location
        let outcomes = await withTaskGroup(of: (activation: String, sale: String).self) { group in
            for node in 0..<8 {
                group.addTask {
                    let opened: (any ClearinghouseStore)? =
                        switch ledger {
                        case .sqlite: try? SQLiteClearinghouseStore(path: path)
                        case .postgresql: location.flatMap { try? PostgresClearinghouseStore(location: $0) }
                        }
                    guard let store = opened else { return ("no store", "no store") }
                    let activation = thrownCode {
                        _ = try store.activate(serverID: "S\(node)", at: self.now, revokingPrevious: nil, redeeming: "HASH") { _ in
                            self.certificate("S\(node)", serial: "0\(node)")
                        }
                    }
                    let sale = thrownCode { try store.recordSale(self.sale("P\(node)", to: "BOUGHT"), signed: [1], redeeming: "CODE") { _ in } }
                    return (activation, sale)
                }
            }
            var all: [(activation: String, sale: String)] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        #expect(outcomes.map(\.activation).sorted() == Array(repeating: "activation-code-invalid", count: 7) + ["none"], "\(outcomes)")
        #expect(outcomes.map(\.sale).sorted() == ["none"] + Array(repeating: "pack-code-invalid", count: 7), "\(outcomes)")
        #expect(try first.activations().count == 2 && first.soldPacks().count == 1)
        #expect(try first.auditSnapshot().findings == [])
    }

    @Test("A key pack code sells one pack once; reissues stop at the limit; signed packs are kept", arguments: ClearinghouseLedger.allCases)
    func sales(_ ledger: ClearinghouseLedger) throws {
        let (store, _) = try ledger.make()
        _ = try store.activate(serverID: "S1", at: now, revokingPrevious: nil, redeeming: nil) { _ in certificate("S1", serial: "01") }
        try store.recordPackCode(
            PackCodeRecord(
                codeHash: "CODE", agreementNumber: "A", licenseType: "per-device", product: "Desk", productVersion: "1", count: 5, issuedAt: now,
                expiresAt: now.addingTimeInterval(3600)
            )
        )
        #expect(thrownCode { try store.recordSale(sale("P0"), signed: [0], redeeming: "CODE") { _ in throw CALError.invalidArgument("not what the code allows") } } == "invalid-argument")
        #expect(try store.packCode(hash: "CODE")?.usedAt == nil && store.soldPacks().isEmpty)
        try store.recordSale(sale("P1"), signed: [7, 7], redeeming: "CODE") { #expect($0.count == 5) }
        #expect(thrownCode { try store.recordSale(sale("P2"), signed: [0], redeeming: "CODE") { _ in } } == "pack-code-invalid")
        #expect(try store.packCode(hash: "CODE")?.packID == "P1")
        #expect(try store.signedPack(packID: "P1") == [7, 7] && store.signedPack(packID: "P2") == nil)
        for attempt in 1...2 { #expect(try store.reissuePack(packID: "P1", limit: 2, now: now) { _, count in count } == attempt) }
        #expect(thrownCode { _ = try store.reissuePack(packID: "P1", limit: 2, now: now) { _, count in count } } == "pack-reissue-limit-reached")
        #expect(thrownCode { _ = try store.reissuePack(packID: "NONE", limit: 2, now: now) { _, count in count } } == "unknown-serial")
        #expect(try store.soldPacks().map(\.packID) == ["P1"])
        #expect(try store.auditSnapshot().findings == [])
    }

    @Test("A seat transfers once; an application is approved with its grant or refused, once", arguments: ClearinghouseLedger.allCases)
    func transfers(_ ledger: ClearinghouseLedger) throws {
        let (store, _) = try ledger.make()
        _ = try store.activate(serverID: "S1", at: now, revokingPrevious: nil, redeeming: nil) { _ in certificate("S1", serial: "01") }
        try store.recordSale(sale("P1"), signed: [1], redeeming: nil) { _ in }
        func grant(_ id: String) -> TransferGrant {
            TransferGrant(
                content: TransferGrantContent(grantID: id, licenseServerID: "S1", oldSerial: [1], keyPackID: "P1", seat: 1, issuedAt: now), signedBytes: [4, 2]
            )
        }
        let application = try store.submitTransferApplication(
            TransferApplication(id: "APP1", oldSerial: "AA", serverID: "S1", keyPackID: "P1", seat: 1, license: [5], submittedAt: now)
        )
        #expect(try store.submitTransferApplication(
            TransferApplication(id: "APP2", oldSerial: "AA", serverID: "S1", keyPackID: "P1", seat: 1, license: [5], submittedAt: now)
        ).id == application.id, "the same CAL applies once")
        let record = TransferRecord(serverID: "S1", keyPackID: "P1", seat: 1, oldSerial: "AA", grantID: "G1", grantedAt: now)
        _ = try store.recordTransfer(record, approving: "APP1") { grant("G1") }
        #expect(try store.transferApplication(id: "APP1")?.status == .approved && store.transferApplication(id: "APP1")?.grant == [4, 2])
        #expect(thrownCode { _ = try store.recordTransfer(record, approving: nil) { grant("G2") } } == "seat-already-transferred")
        _ = try store.submitTransferApplication(
            TransferApplication(id: "APP3", oldSerial: "BB", serverID: "S1", keyPackID: "P1", seat: 2, license: [6], submittedAt: now)
        )
        #expect(try store.refuseTransferApplication(id: "APP3", reason: "no", at: now).status == .refused)
        #expect(try store.refuseTransferApplication(id: "APP3", reason: "again", at: now).refusal == "no")
        #expect(thrownCode { _ = try store.recordTransfer(
            TransferRecord(serverID: "S1", keyPackID: "P1", seat: 2, oldSerial: "BB", grantID: "G3", grantedAt: now), approving: "APP3") { grant("G3") } } == "invalid-argument")
        #expect(try store.transfers().map(\.grantID) == ["G1"])
        #expect(try store.transferApplications().map(\.id) == ["APP1", "APP3"])
        #expect(try store.auditSnapshot().findings == [])
        #expect(AuditEntry.firstBreak(in: try store.auditLog()) == nil)
    }
}
