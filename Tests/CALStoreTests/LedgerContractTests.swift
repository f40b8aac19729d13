import CALCore
import CALLicensing
import CALStore
import CALTestSupport
import Foundation
import Testing

/// The ledgers a license server can keep its state in. Every test of the contract runs against
/// each; PostgreSQL is the real server the tests start (``TestPostgres``), a schema per test.
enum Ledger: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, memory, postgresql

    var testDescription: String { rawValue }

    /// A new, empty ledger of this kind (the folder keeps a SQLite file alive for the test).
    func make() throws -> (store: any LicenseServerStore, folder: TemporaryFolder) {
        let folder = try TemporaryFolder("ledger")
        switch self {
        case .sqlite: return (try SQLiteLicenseServerStore(path: folder.file("calkit.sqlite")), folder)
        case .memory: return (InMemoryLicenseServerStore(), folder)
        case .postgresql: return (try PostgresLicenseServerStore(location: try TestPostgres.freshLocation("contract")), folder)
        }
    }
}

@Suite("The license-server ledger contract, SQLite, PostgreSQL and in memory alike")
struct LedgerContractTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func pack(_ id: String, count: Int, type: LicenseType = .perDevice, product: String = "P", version: String = "1") -> InstalledPack {
        InstalledPack(
            packID: id, licenseType: type, product: product, productVersion: version, count: count,
            agreementNumber: "A", installedAt: now, signedBytes: [1, 2, 3]
        )
    }

    func record(
        _ grant: SeatGrant, serial: String = UUID().uuidString, subject: String = "device", status: LicenseStatus = .permanent,
        type: LicenseType = .perDevice, notAfter: Date? = nil, issuer: String? = nil
    ) -> IssuedLicense {
        IssuedLicense(
            serial: serial, licenseType: type, status: status, product: grant.pack?.product ?? "P", productVersion: "1",
            subjectName: subject, packID: grant.pack?.packID, seat: grant.seat, notBefore: now,
            notAfter: notAfter ?? now.addingTimeInterval(86_400), certificate: [0], issuerKeyID: issuer
        )
    }

    func permanent(_ store: any LicenseServerStore, at time: Date? = nil, serial: String = UUID().uuidString, lifetime: TimeInterval = 86_400)
        throws -> IssuedLicense
    {
        let at = time ?? now
        return try store.issue(product: "P", licenseType: .perDevice, permanent: true, now: at) {
            record($0, serial: serial, notAfter: at.addingTimeInterval(lifetime))
        }
    }

    @Test("A pack of N seats grants seats 1...N once each, then refuses and records nothing", arguments: Ledger.allCases)
    func exactCount(_ ledger: Ledger) throws {
        let (store, _) = try ledger.make()
        try store.install(pack("PACK", count: 3))
        let seats = try (0..<3).map { _ in try permanent(store).seat }
        #expect(seats == [1, 2, 3])
        #expect(throws: CALError.noSeatAvailable(product: "P")) { try permanent(store) }
        #expect(try store.issuedLicenses().count == 3)
        #expect(try store.auditSnapshot().findings == [], "the log tells the rows' whole story")
    }

    @Test("A failed mint rolls the seat and its audit entry back", arguments: Ledger.allCases)
    func failedMintTakesNothing(_ ledger: Ledger) throws {
        struct MintFailed: Error {}
        let (store, _) = try ledger.make()
        try store.install(pack("PACK", count: 1))
        let entries = try store.auditLog().count
        #expect(throws: MintFailed.self) {
            try store.issue(product: "P", licenseType: .perDevice, permanent: true, now: now) { _ in throw MintFailed() }
        }
        #expect(try store.auditLog().count == entries)
        #expect(try permanent(store).seat == 1)
    }

    @Test("Seats of expired licenses return, never-held seats first, then the longest expired", arguments: Ledger.allCases)
    func seatsReturn(_ ledger: Ledger) throws {
        let (store, _) = try ledger.make()
        try store.install(pack("PACK", count: 4))
        for lifetime in [600.0, 60, 600] { _ = try permanent(store, lifetime: lifetime) }
        let later = now.addingTimeInterval(120)
        let seats = try (0..<2).map { _ in try permanent(store, at: later).seat }
        #expect(Set(seats.compactMap { $0 }) == [2, 4])
        #expect(throws: CALError.noSeatAvailable(product: "P")) { try permanent(store, at: later) }
        #expect(try store.reclaimExpiredSeats(now: now.addingTimeInterval(10 * 86_400)) == 4)
        #expect(try store.report(from: nil, to: nil, now: now.addingTimeInterval(10 * 86_400)).first?.seatsReclaimed == 5)
        #expect(try store.auditSnapshot().findings == [], "the log tells the rows' whole story")
    }

    @Test("Per-user and temporary issuance take no seat; a pack installed twice is refused", arguments: Ledger.allCases)
    func noSeatTaken(_ ledger: Ledger) throws {
        let (store, _) = try ledger.make()
        try store.install(pack("USERS", count: 1, type: .perUser))
        #expect(throws: CALError.packAlreadyInstalled(packID: "USERS")) { try store.install(pack("USERS", count: 1, type: .perUser)) }
        for _ in 0..<3 {
            let issued = try store.issue(product: "P", licenseType: .perUser, permanent: true, now: now) { record($0, type: .perUser) }
            #expect(issued.seat == nil && issued.packID == "USERS")
        }
        let temporary = try store.issue(product: "Q", licenseType: .perDevice, permanent: false, now: now) { record($0, status: .temporary) }
        #expect(temporary.seat == nil)
        let counts = try store.issuanceCounts()
        #expect(counts.total == 4 && counts.permanentPerDevice == 0 && counts.permanentPerUser == 3 && counts.temporary == 1)
        #expect(throws: CALError.noPackForProduct(product: "P", type: "per-device")) { try permanent(store).seat }
        // Strict per-user: a new user beyond the purchased count is refused, a holder is not.
        #expect(throws: CALError.perUserLimitReached(product: "P", purchased: 1)) {
            try store.issue(product: "P", licenseType: .perUser, permanent: true, now: now, superseding: nil, userLimitFor: "bob") {
                record($0, subject: "bob", type: .perUser)
            }
        }
        _ = try store.issue(product: "P", licenseType: .perUser, permanent: true, now: now, superseding: nil, userLimitFor: "device") {
            record($0, type: .perUser)
        }
        #expect(try store.auditSnapshot().findings == [], "the log tells the rows' whole story")
    }

    @Test("Revocation: the quota counts administrative revocations only; the seat returns; CRL numbers never repeat", arguments: Ledger.allCases)
    func revocation(_ ledger: Ledger) throws {
        let (store, _) = try ledger.make()
        try store.install(pack("PACK", count: 10))
        let issued = try (0..<4).map { _ in try permanent(store) }
        _ = try store.revoke(RevocationRequest(serial: issued[0].serial, reason: .keyCompromise, revokedAt: now), now: now)
        _ = try store.revoke(RevocationRequest(serial: issued[1].serial, reason: .superseded, revokedAt: now, forTransfer: true), now: now)
        _ = try store.revoke(RevocationRequest(serial: issued[2].serial, reason: .keyCompromise, revokedAt: now), now: now)
        #expect(throws: CALError.revocationQuotaExceeded(product: "P", productVersion: "1", limit: 2)) {
            try store.revoke(RevocationRequest(serial: issued[3].serial, reason: .keyCompromise, revokedAt: now), now: now)
        }
        // The quota as the administrator's page reads it, counted as the revoke counts it; once the
        // revoked licenses would have expired, they count no more.
        #expect(try store.revocationQuotas(now: now) == [RevocationQuotaUsage(product: "P", productVersion: "1", installed: 10, outstanding: 2)])
        #expect(try store.revocationQuotas(now: now).first?.remaining == 0)
        #expect(try store.revocationQuotas(now: now.addingTimeInterval(2 * 86_400)).first?.remaining == 2)
        #expect(throws: CALError.alreadyRevoked(issued[0].serial)) {
            try store.revoke(RevocationRequest(serial: issued[0].serial, reason: .keyCompromise, revokedAt: now), now: now)
        }
        #expect(throws: CALError.unknownSerial("nope")) { try store.revoke(RevocationRequest(serial: "nope", reason: .keyCompromise, revokedAt: now), now: now) }
        #expect(try store.packUsage(at: now).first?.issued == 1)
        struct SignFailed: Error {}
        #expect(throws: SignFailed.self) { try store.publishRevocations(issuerKeyID: "none", now: now, delta: false) { _ in throw SignFailed() } }
        let first = try store.publishRevocations(issuerKeyID: "none", now: now, delta: false) { rows in (try rows.count(), rows.number) }
        let second = try store.publishRevocations(issuerKeyID: "none", now: now, delta: false) { $0.number }
        #expect(first.0 == 0 && first.1 == 1 && second == 2)
        let status = try store.revocationStatus(of: [issued[0].serial, issued[3].serial, "nope"], issuerKeyID: "none")
        #expect(status.licenses[issued[0].serial]?.revocation?.reason == .keyCompromise)
        #expect(status.licenses[issued[3].serial] != nil && status.licenses[issued[3].serial]?.revocation == nil)
        #expect(status.licenses["nope"] == nil && status.issuerStatus == nil)
        #expect(try store.revocationStamp().hasPrefix("3/"))
        #expect(try store.auditSnapshot().findings == [], "the log tells the rows' whole story")
    }

    @Test("Delta CRLs: none before a complete CRL; then only what was revoked since the last complete one, numbered in the same sequence", arguments: Ledger.allCases)
    func deltaRevocations(_ ledger: Ledger) throws {
        let (store, _) = try ledger.make()
        try store.install(pack("PACK", count: 10))
        let issuer = IssuerRecord(
            keyID: "K", certificateSerial: "01", certificate: [9], keyFile: "server-key.pem", chainFile: "server-chain.pem", status: .active,
            activatedAt: now
        )
        try store.activateIssuer(issuer, previousMovedTo: nil, now: now)
        func issue() throws -> IssuedLicense {
            try store.issue(product: "P", licenseType: .perUser, permanent: false, now: now) { record($0, type: .perUser, issuer: "K") }
        }
        func listed(delta: Bool) throws -> (number: UInt64, base: UInt64?, serials: [String]) {
            try store.publishRevocations(issuerKeyID: "K", now: now, delta: delta) { rows in
                var serials: [String] = []
                try rows.forEach { serial, _, _ in serials.append(String(decoding: serial, as: UTF8.self)) }
                #expect(try rows.count() == serials.count)
                return (rows.number, rows.deltaBase, serials)
            }
        }
        let issued = try (0..<4).map { _ in try issue() }
        #expect(throws: CALError.noCompleteCRL(issuerKeyID: "K")) { try listed(delta: true) }
        _ = try store.revoke(RevocationRequest(serial: issued[0].serial, reason: .keyCompromise, revokedAt: now), now: now)
        let complete = try listed(delta: false)
        #expect(complete.base == nil && complete.serials == [issued[0].serial])
        let empty = try listed(delta: true)
        #expect(empty.base == complete.number && empty.number == complete.number + 1 && empty.serials.isEmpty)
        // A backdated revocation is still new to the delta: the log orders by when it was recorded.
        _ = try store.revoke(RevocationRequest(serial: issued[2].serial, reason: .superseded, revokedAt: now.addingTimeInterval(-3600)), now: now)
        _ = try store.revoke(RevocationRequest(serial: issued[1].serial, reason: .superseded, revokedAt: now), now: now)
        let delta = try listed(delta: true)
        #expect(delta.base == complete.number && delta.serials == [issued[2].serial, issued[1].serial])
        let next = try listed(delta: false)
        #expect(next.serials.count == 3 && next.number == delta.number + 1)
        #expect(try listed(delta: true).serials.isEmpty, "a new complete CRL is the new base")
    }

    @Test("Reissue keeps the seat and supersedes once; a seat gone to another after expiry is lost", arguments: Ledger.allCases)
    func reissue(_ ledger: Ledger) throws {
        let (store, _) = try ledger.make()
        try store.install(pack("PACK", count: 1))
        let old = try permanent(store, lifetime: 600)
        let renewed = try store.reissue(serial: old.serial, as: .renewal, now: now) { previous, grant in
            record(grant, notAfter: now.addingTimeInterval(600))
        }
        #expect(renewed.seat == old.seat)
        #expect(try store.licenses(serial: old.serial)?.supersededBy == renewed.serial)
        #expect(throws: CALError.notRenewable("\(old.serial) was renewed before, by \(renewed.serial)")) {
            try store.reissue(serial: old.serial, as: .renewal, now: now) { _, grant in record(grant) }
        }
        let replaced = try store.reissue(serial: renewed.serial, as: .replacement(revokingOldWith: .superseded), now: now) { _, grant in record(grant) }
        #expect(try store.licenses(serial: renewed.serial)?.revokedAt != nil)
        // The replacement expires; another device takes the seat; the replacement cannot come back.
        let later = now.addingTimeInterval(2 * 86_400)
        _ = try permanent(store, at: later)
        #expect(throws: CALError.notRenewable("the seat of \(replaced.serial) went to another license after it expired")) {
            try store.reissue(serial: replaced.serial, as: .renewal, now: later) { _, grant in record(grant) }
        }
        #expect(throws: CALError.unknownSerial("nope")) { try store.reissue(serial: "nope", as: .renewal, now: now) { _, grant in record(grant) } }
        #expect(try store.auditSnapshot().findings == [], "the log tells the rows' whole story")
    }

    @Test("A transfer revokes the seat's holder and hands the seat on, once per grant", arguments: Ledger.allCases)
    func transfer(_ ledger: Ledger) throws {
        let (store, _) = try ledger.make()
        try store.install(pack("PACK", count: 2))
        let old = try permanent(store)
        let request = TransferRequest(grantID: "G1", oldSerial: old.serial, keyPackID: "PACK", seat: old.seat ?? 0)
        let moved = try store.transfer(request, now: now) { previous, grant in
            #expect(previous.serial == old.serial && previous.revokedAt == nil)
            return record(grant, subject: "new-device")
        }
        #expect(moved.seat == old.seat)
        #expect(try store.licenses(serial: old.serial)?.revocationReason == .superseded)
        #expect(throws: CALError.grantAlreadyUsed(grantID: "G1")) { try store.transfer(request, now: now) { _, grant in record(grant) } }
        let wrongSeat = TransferRequest(grantID: "G2", oldSerial: moved.serial, keyPackID: "PACK", seat: 2)
        #expect(thrownCode { _ = try store.transfer(wrongSeat, now: now) { _, grant in record(grant) } } == "not-transferable")
        // The administrative quota does not count the transfer's revocation.
        _ = try store.revoke(RevocationRequest(serial: moved.serial, reason: .keyCompromise, revokedAt: now), now: now)
        #expect(try store.auditSnapshot().findings == [], "the log tells the rows' whole story")
    }

    @Test("Reads: the logon snapshot, standing licenses, issuers and their status", arguments: Ledger.allCases)
    func reads(_ ledger: Ledger) throws {
        let (store, _) = try ledger.make()
        try store.install(pack("PACK", count: 3))
        let unattributed = try permanent(store)
        let issuer = IssuerRecord(
            keyID: "K1", certificateSerial: "01", certificate: [9], keyFile: "server-key.pem", chainFile: "server-chain.pem", status: .active,
            activatedAt: now
        )
        try store.activateIssuer(issuer, previousMovedTo: nil, now: now)
        #expect(try store.licenses(serial: unattributed.serial)?.issuerKeyID == "K1")
        let signed = try store.issue(product: "P", licenseType: .perDevice, permanent: true, now: now) { record($0, subject: "PC-2", issuer: "K1") }
        let snapshot = try store.logonSnapshot(subjectName: "PC-2", licenseType: .perDevice, presentedSerial: unattributed.serial)
        #expect(snapshot.history.map(\.serial) == [signed.serial])
        #expect(snapshot.presented?.serial == unattributed.serial)
        #expect(snapshot.productsWithPacks == ["P"])
        #expect(snapshot.issuers.map(\.keyID) == ["K1"])
        #expect(try store.currentLicenses(subjectName: "PC-2", licenseType: .perDevice, now: now).count == 1)
        #expect(try store.currentLicenses(subjectName: "PC-2", licenseType: .perDevice, now: now.addingTimeInterval(2 * 86_400)).isEmpty)
        // A rotation retires K1; a compromise stops it signing anything more.
        let next = IssuerRecord(
            keyID: "K2", certificateSerial: "02", certificate: [8], keyFile: "server-key.pem", chainFile: "server-chain.pem", status: .active,
            activatedAt: now
        )
        try store.activateIssuer(next, previousMovedTo: RetiredFiles(keyFile: "retired/k1.pem", chainFile: "retired/c1.pem"), now: now)
        let issuers = try store.issuers()
        #expect(issuers.map(\.status) == [.retired, .active])
        #expect(issuers.first?.licensesIssued == 2)
        #expect(throws: CALError.issuerNotActive(keyID: "K1")) {
            try store.issue(product: "P", licenseType: .perDevice, permanent: true, now: now) { record($0, issuer: "K1") }
        }
        try store.requestRotation(newKeyID: "K3", compromisedKeyID: "K2", now: now)
        #expect(try store.issuer(keyID: "K2")?.status == .compromised)
        #expect(try store.logonSnapshot(subjectName: "x", licenseType: .perDevice, presentedSerial: nil).issuers.filter(\.compromised).map(\.keyID) == ["K2"])
    }

    @Test("The audit log chains every change, and both ledgers write the same story", arguments: Ledger.allCases)
    func auditChain(_ ledger: Ledger) throws {
        let (store, _) = try ledger.make()
        try store.install(pack("PACK", count: 2))
        let issued = try permanent(store, serial: "AA")
        try store.setSetting("public-url", "https://example.test", now: now)
        _ = try store.revoke(RevocationRequest(serial: issued.serial, reason: .keyCompromise, revokedAt: now), now: now)
        let log = try store.auditLog()
        #expect(log.map(\.event) == ["pack-installed", "license-issued", "setting-changed", "license-revoked"])
        #expect(log.allSatisfy { $0.computedHash == $0.hash })
        #expect(zip(log.dropFirst(), log).allSatisfy { $0.previousHash == $1.hash })
        #expect(try store.setting("public-url") == "https://example.test")
        #expect(log.map(\.detail) == [
            "2 per-device P 1, agreement A",
            "permanent per-device P 1 for device, pack PACK seat 1, until 2027-01-16T08:00:00Z",
            "set to https://example.test",
            "reason 1, effective 2027-01-15T08:00:00Z",
        ])
        #expect(try store.auditSnapshot().findings == [], "the log tells the rows' whole story")
    }

    @Test(
        "Time only moves forward: a change dated over five minutes before the latest is clock-went-backwards and changes nothing",
        arguments: Ledger.allCases
    )
    func forwardClock(_ ledger: Ledger) throws {
        let (store, _) = try ledger.make()
        try store.install(pack("PACK", count: 2))
        let ahead = now.addingTimeInterval(400 * 86_400)
        #expect(try store.reclaimExpiredSeats(now: ahead) == 0)
        _ = try permanent(store, at: ahead)
        let entries = try store.auditLog().count
        #expect(thrownCode { _ = try permanent(store, at: ahead.addingTimeInterval(-301)) } == "clock-went-backwards")
        #expect(thrownCode { try store.setSetting("x", "y", now: now) } == "clock-went-backwards")
        #expect(try store.auditLog().count == entries)
        #expect(try store.packUsage(at: ahead).first?.issued == 1)
        // Two machines' clocks a little apart are not a clock turned back.
        _ = try permanent(store, at: ahead.addingTimeInterval(-299))
        #expect(try store.auditLog().count == entries + 1)
        #expect(try store.auditSnapshot().findings == [], "the log tells the rows' whole story")
    }

    /// Runs `body` on four nodes at once, each with the ledger opened again as another node
    /// (PostgreSQL) or another connection (SQLite) would; the in-memory ledger has only itself.
    /// Returns what each node's body returned (nil for a node whose ledger did not open).
    static func onFourNodes<Outcome: Sendable>(
        of first: any LicenseServerStore, _ ledger: Ledger, folder: TemporaryFolder,
        _ body: @escaping @Sendable (_ store: any LicenseServerStore, _ node: Int) -> Outcome
    ) async -> [Outcome?] {
        let path = folder.file("calkit.sqlite")
        return await withTaskGroup(of: Outcome?.self) { group in
            for node in 0..<4 {
                group.addTask {
                    let store: (any LicenseServerStore)? =
                        switch ledger {
                        case .sqlite: try? SQLiteLicenseServerStore(path: path)
                        case .postgresql: (first as? PostgresLicenseServerStore).flatMap { try? PostgresLicenseServerStore(location: $0.location) }
                        case .memory: first
                        }
                    return store.map { body($0, node) }
                }
            }
            var all: [Outcome?] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
    }

    @Test("Concurrent per-user issuers for new users never pass the purchased count (SQLite: separate connections; PostgreSQL: separate nodes)", arguments: Ledger.allCases)
    func concurrentPerUserIssuers(_ ledger: Ledger) async throws {
        let (first, folder) = try ledger.make()
        try first.install(pack("USERS", count: 3, type: .perUser))
        let now = self.now
        let admitted = await Self.onFourNodes(of: first, ledger, folder: folder) { store, node in
            (0..<3).map { "user-\(node)-\($0)" }.filter { user in
                nil != (try? store.issue(product: "P", licenseType: .perUser, permanent: true, now: now, superseding: nil, userLimitFor: user) {
                    self.record($0, subject: user, type: .perUser)
                })
            }
        }.flatMap { $0 ?? ["no store"] }
        #expect(admitted.count == 3, "admitted \(admitted)")
        #expect(Set(try first.issuedLicenses().map(\.subjectName)) == Set(admitted))
        #expect(try first.auditSnapshot().findings == [], "the log tells the rows' whole story")
    }

    @Test(
        "Concurrent revokers never pass the quota, and concurrent CRLs never share a number (SQLite: separate connections; PostgreSQL: separate nodes)",
        arguments: Ledger.allCases
    )
    func concurrentRevokers(_ ledger: Ledger) async throws {
        let (first, folder) = try ledger.make()
        try first.install(pack("PACK", count: 10))
        let serials = try (0..<10).map { _ in try permanent(first).serial }
        let now = self.now
        // Four nodes, each revoking its own share of the licenses and publishing CRLs in between.
        typealias Outcome = (revoked: Int, refused: [String], numbers: [UInt64])
        let outcomes = await Self.onFourNodes(of: first, ledger, folder: folder) { store, node -> Outcome in
            var outcome: Outcome = (0, [], [])
            for serial in serials.enumerated().filter({ $0.offset % 4 == node }).map(\.element) {
                do {
                    _ = try store.revoke(RevocationRequest(serial: serial, reason: .keyCompromise, revokedAt: now), now: now)
                    outcome.revoked += 1
                } catch {
                    outcome.refused.append(thrownCode { throw error })
                }
                if let number = try? store.publishRevocations(issuerKeyID: "none", now: now, delta: false, sign: { $0.number }) {
                    outcome.numbers.append(number)
                }
            }
            return outcome
        }.map { $0 ?? Outcome(revoked: 0, refused: ["no store"], numbers: []) }
        // 20 % of 10 installed seats: two administrative revocations, whichever nodes make them.
        #expect(outcomes.map(\.revoked).reduce(0, +) == 2)
        #expect(outcomes.flatMap(\.refused).sorted() == Array(repeating: "revocation-quota-exceeded", count: 8))
        let numbers = outcomes.flatMap(\.numbers).sorted()
        #expect(numbers == Array(1...UInt64(10)), "CRL numbers \(numbers)")
        #expect(try first.revocationQuotas(now: now).first?.outstanding == 2)
        #expect(try first.auditSnapshot().findings == [], "the log tells the rows' whole story")
    }

    @Test("Concurrent issuers never oversubscribe a pack (SQLite: separate connections; PostgreSQL: separate nodes)", arguments: Ledger.allCases)
    func concurrentIssuers(_ ledger: Ledger) async throws {
        let (first, folder) = try ledger.make()
        try first.install(pack("PACK", count: 10))
        let granted = await Self.onFourNodes(of: first, ledger, folder: folder) { store, _ in
            (0..<6).compactMap { _ in try? self.permanent(store).seat }
        }.flatMap { $0 ?? [] }
        #expect(granted.sorted() == Array(1...10))
        #expect(try first.issuedLicenses().count == 10)
    }
}
