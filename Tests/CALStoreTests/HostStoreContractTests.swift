import CALCore
import CALStore
import CALTestSupport
import Foundation
import Testing

/// The stores a session host can keep its state in; every test of the contract runs against each.
enum HostLedger: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgresql

    var testDescription: String { rawValue }

    /// A new, empty store of this kind (the folder keeps a SQLite file alive for the test).
    func make() throws -> (store: any HostStore, folder: TemporaryFolder) {
        let folder = try TemporaryFolder("host-store")
        switch self {
        case .sqlite: return (try SQLiteHostStore(path: folder.file("calkit.sqlite")), folder)
        case .postgresql: return (try PostgresHostStore(location: try TestPostgres.freshLocation("host")), folder)
        }
    }
}

@Suite("The session host's store contract, SQLite and PostgreSQL alike")
struct HostStoreContractTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func decision(_ subject: String, at: Date, outcome: String = "allowed", detail: String = "licensed", serial: String? = "01") -> LogonRecord {
        LogonRecord(host: "host-1", at: at, subject: subject, outcome: outcome, detail: detail, serial: serial)
    }

    @Test("Settings, decisions in order with their counts, and settings changed with a decision in one transaction", arguments: HostLedger.allCases)
    func decisionsAndSettings(_ ledger: HostLedger) throws {
        let (store, _) = try ledger.make()
        #expect(try store.setting("mode") == nil && store.latestDecisionTime() == nil)
        try store.setSetting("mode", "per-device")
        try store.setSetting("mode", "per-user")
        #expect(try store.setting("mode") == "per-user")
        try store.record(decision("PC-1", at: now), settings: [:])
        try store.record(decision("PC-2", at: now.addingTimeInterval(1), detail: "grace-period", serial: nil), settings: ["grace-started": "x"])
        try store.record(decision("PC-3", at: now.addingTimeInterval(2), outcome: "denied", detail: "revoked"), settings: [:])
        #expect(try store.decisions().map(\.subject) == ["PC-1", "PC-2", "PC-3"])
        #expect(try store.decisions()[1].serial == nil && store.decisions()[0].at == now)
        #expect(try store.setting("grace-started") == "x")
        #expect(try store.latestDecisionTime() == now.addingTimeInterval(2))
        #expect(try store.decisionCounts() == ["allowed licensed": 1, "allowed grace-period": 1, "denied revoked": 1])
    }

    @Test("A decision dated over five minutes before the latest is clock-went-backwards, and its settings do not change", arguments: HostLedger.allCases)
    func forwardClock(_ ledger: HostLedger) throws {
        let (store, _) = try ledger.make()
        try store.record(decision("PC-1", at: now), settings: [:])
        #expect(thrownCode { try store.record(decision("PC-2", at: now.addingTimeInterval(-301)), settings: ["grace-started": "y"]) } == "clock-went-backwards")
        #expect(try store.setting("grace-started") == nil)
        try store.record(decision("PC-3", at: now.addingTimeInterval(-299)), settings: [:])
        #expect(try store.decisions().count == 2)
    }

    @Test("Concurrent recorders lose no decision", arguments: HostLedger.allCases)
    func concurrentRecorders(_ ledger: HostLedger) async throws {
        let (store, _) = try ledger.make()
        let start = now
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                group.addTask {
                    for index in 0..<10 { try? store.record(self.decision("PC-\(writer)-\(index)", at: start.addingTimeInterval(Double(index))), settings: [:]) }
                }
            }
        }
        #expect(try store.decisions().count == 40)
    }
}
