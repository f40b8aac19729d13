import CALCore
import CALStore
import CALTestSupport
import Foundation
import Testing

/// Concurrent writers of one process share a transaction and its sync, and stay exact.
@Suite("Group commit: concurrent writers share one transaction, each in its own savepoint")
struct GroupCommitTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Runs `body` on `count` threads at once (started together) and waits for all of them.
    func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let start = DispatchSemaphore(value: 0)
        let done = DispatchGroup()
        for index in 0..<count {
            done.enter()
            let thread = Thread {
                start.wait()
                body(index)
                done.leave()
            }
            thread.start()
        }
        for _ in 0..<count { start.signal() }
        done.wait()
    }

    func record(_ grant: SeatGrant, serial: String) -> IssuedLicense {
        IssuedLicense(
            serial: serial, licenseType: .perDevice, status: .permanent, product: "P", productVersion: "1",
            subjectName: "device-\(serial)", packID: grant.pack?.packID, seat: grant.seat, notBefore: now,
            notAfter: now.addingTimeInterval(86_400), certificate: [0], issuerKeyID: nil
        )
    }

    @Test("48 writers on 20 seats: 20 licenses on seats 1...20, a writer that throws loses only its own rows, batches are shared, the audit chain holds")
    func sharedBatches() throws {
        let folder = try TemporaryFolder("group-commit")
        let store = try SQLiteLicenseServerStore(path: folder.file("calkit.sqlite"))
        try store.install(
            InstalledPack(
                packID: "PACK", licenseType: .perDevice, product: "P", productVersion: "1", count: 20,
                agreementNumber: "A", installedAt: now, signedBytes: [1]
            )
        )
        let before = store.commitStatistics
        let outcomes = Outcomes()
        onThreads(48) { index in
            do {
                let license = try store.issue(product: "P", licenseType: .perDevice, permanent: true, now: now) { grant in
                    // Every fourth writer refuses after its seat was taken inside its savepoint.
                    if index % 4 == 3 { throw CALError(.badRequest, "writer \(index) refuses") }
                    return record(grant, serial: String(format: "%04x", index))
                }
                outcomes.add(index, .success(license.seat ?? 0))
            } catch {
                outcomes.add(index, .failure(error as? CALError ?? CALError.storage("\(error)")))
            }
        }
        let results = outcomes.all
        let seats = results.compactMap { try? $0.value.get() }.sorted()
        #expect(seats == Array(1...20), "each seat once, none lost to a refusal in the same batch")
        // A writer that refuses fails with its own refusal (or finds no seat left, like any other).
        var ownRefusals = 0
        for (index, result) in results where index % 4 == 3 {
            guard case .failure(let error) = result else {
                Issue.record("writer \(index) threw, yet its license was recorded")
                continue
            }
            if error == CALError(.badRequest, "writer \(index) refuses") { ownRefusals += 1 } else { #expect(error == .noSeatAvailable(product: "P")) }
        }
        #expect(ownRefusals > 0)
        let refusedForSeats = results.filter { index, result in
            index % 4 != 3 && (try? result.get()) == nil
        }
        #expect(refusedForSeats.count == 36 - 20)
        for (_, result) in refusedForSeats { #expect(throws: CALError.noSeatAvailable(product: "P")) { try result.get() } }
        #expect(try store.issuedLicenses().count == 20)
        #expect(try store.auditSnapshot().findings == [])
        let after = store.commitStatistics
        #expect(after.writers - before.writers == 48)
        #expect(after.batches - before.batches < 48, "concurrent writers shared transactions: \(after.batches - before.batches) batches for 48")
    }

    @Test("A lone writer commits at once, in a batch of its own")
    func loneWriter() throws {
        let folder = try TemporaryFolder("group-commit")
        let store = try SQLiteLicenseServerStore(path: folder.file("calkit.sqlite"))
        let before = store.commitStatistics
        try store.setSetting("public-url", "https://example.test", now: now)
        #expect(store.commitStatistics.batches == before.batches + 1)
        #expect(store.commitStatistics.writers == before.writers + 1)
        #expect(try store.setting("public-url") == "https://example.test")
    }
}

/// Results gathered from many threads.
final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Int: Result<Int, CALError>] = [:]

    func add(_ index: Int, _ result: Result<Int, CALError>) {
        lock.withLock { results[index] = result }
    }

    var all: [(key: Int, value: Result<Int, CALError>)] { lock.withLock { results.sorted { $0.key < $1.key } } }
}

@Suite("Indexes serve the ledger's large reads")
struct LedgerIndexTests {
    @Test("A CRL's entries of one issuer are read from an index in CRL order: no temporary B-tree sorts them")
    func crlOrderWithoutSort() throws {
        let folder = try TemporaryFolder("ledger-index")
        let store = try SQLiteLicenseServerStore(path: folder.file("calkit.sqlite"))
        let sql = StoreDatabase.revocationQuery(table: "licenses", serialColumn: "serial", scopeColumn: "issuer_key_id")
        let plan = try store.database.queryPlan(sql, arguments: [1_800_000_000.0, "issuer"])
        #expect(plan.contains { $0.contains("licenses_revoked_by_issuer") }, "\(plan)")
        #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
    }
}
