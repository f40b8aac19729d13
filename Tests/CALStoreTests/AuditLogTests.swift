import CALCore
import CALStore
import CALTestSupport
import Foundation
import Testing

@Suite("The audit log's hash chain")
struct AuditLogTests {
    private let pool = LedgerContractTests()

    /// A store with a pack, two licenses, a revocation, a policy change: five entries.
    private func busyStore(_ folder: TemporaryFolder) throws -> SQLiteLicenseServerStore {
        let store = try SQLiteLicenseServerStore(path: folder.file("calkit.sqlite"))
        try store.install(pool.pack("PACK", count: 3))
        let first = try store.issue(product: "P", licenseType: .perDevice, permanent: true, now: pool.now) { pool.record($0) }
        _ = try store.issue(product: "P", licenseType: .perDevice, permanent: true, now: pool.now) { pool.record($0) }
        _ = try store.revoke(RevocationRequest(serial: first.serial, reason: .keyCompromise, revokedAt: pool.now), now: pool.now)
        try store.setSetting("enforce-per-user", "true", now: pool.now)
        return store
    }

    @Test("Each state change appends one entry in order, each linked to the one before")
    func appends() throws {
        let folder = try TemporaryFolder()
        let entries = try busyStore(folder).auditLog()
        #expect(entries.map(\.event) == ["pack-installed", "license-issued", "license-issued", "license-revoked", "setting-changed"])
        #expect(entries.map(\.sequence) == [1, 2, 3, 4, 5])
        #expect(entries.first?.previousHash == AuditEntry.genesisHash)
        for (before, after) in zip(entries, entries.dropFirst()) { #expect(after.previousHash == before.hash) }
        #expect(AuditEntry.firstBreak(in: entries) == nil)
    }

    @Test("A change that rolls back leaves no entry")
    func rollbackLeavesNothing() throws {
        struct MintFailed: Error {}
        let folder = try TemporaryFolder()
        let store = try busyStore(folder)
        #expect(throws: MintFailed.self) {
            try store.issue(product: "P", licenseType: .perDevice, permanent: true, now: pool.now) { _ in throw MintFailed() }
        }
        #expect(try store.auditLog().count == 5)
    }

    @Test(
        "Editing, deleting or relinking a row in the SQLite file is caught at the first entry it touches",
        arguments: [
            ("UPDATE audit_log SET detail = 'reason 0' WHERE sequence = 4", Int64(4)),
            ("UPDATE audit_log SET at = at + 1 WHERE sequence = 2", 2),
            ("DELETE FROM audit_log WHERE sequence = 3", 3),
            ("UPDATE audit_log SET event = 'license-renewed', hash = 'ab' WHERE sequence = 2", 2),
        ]
    )
    func tamperingIsCaught(sql: String, brokenAt: Int64) throws {
        let folder = try TemporaryFolder()
        let store = try busyStore(folder)
        try SQLiteEditor.execute(sql, in: folder.file("calkit.sqlite"))
        let broken = try #require(AuditEntry.firstBreak(in: try store.auditLog()))
        #expect(broken.sequence == brokenAt)
    }
}
