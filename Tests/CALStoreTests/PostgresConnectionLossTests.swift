import CALCore
@testable import CALStore
import CALTestSupport
import Foundation
import Testing

/// The database going away under a transaction, on the real PostgreSQL the tests start: the
/// ledger must notice at once and try again on a fresh connection, never wait for an answer
/// that will not come.
@Suite("PostgreSQL connections lost between two statements of a transaction")
struct PostgresConnectionLossTests {
    @Test("A backend terminated between two statements: the next statement fails at once and the transaction runs again on a fresh connection")
    func backendTerminatedMidTransaction() throws {
        let ledger = try PostgresLedger(location: try TestPostgres.freshLocation("loss"), defaultSchema: "loss", migrations: [])
        defer { ledger.close() }
        let attempts = NSLock()
        nonisolated(unsafe) var backends: [Int32] = []
        let started = Date()
        let outcome = try Self.within(seconds: 60) {
            try ledger.write { transaction in
                let backend = try #require(try transaction.value(Int32.self, "SELECT pg_backend_pid()"))
                let first = attempts.withLock { backends.append(backend); return backends.count == 1 }
                if first {
                    // Another session ends this one's backend; the server closes the socket.
                    let ended = try ExternalTool.run(
                        "/usr/bin/psql", [try TestPostgres.url(), "-Atc", "SELECT pg_terminate_backend(\(backend))"]
                    )
                    #expect(ended.output.contains("t"), "\(ended.output) \(ended.error)")
                    Thread.sleep(forTimeInterval: 0.5)
                }
                return try transaction.value(Int32.self, "SELECT 1")
            }
        }
        #expect(outcome == 1)
        let seen = attempts.withLock { backends }
        #expect(seen.count == 2 && Set(seen).count == 2, "backends \(seen): the transaction should have run again on a fresh connection")
        // The statement timeout is 10 s and the client's guard 15 s: a lost statement noticed
        // only by the guard would take that long, and one never noticed would not end at all.
        #expect(Date().timeIntervalSince(started) < 8, "the lost connection took \(Date().timeIntervalSince(started)) s to notice")
    }

    /// Runs `body` on a thread of its own and waits for it at most `seconds`: a statement that
    /// never ends fails the test rather than hanging the suite.
    static func within<T: Sendable>(seconds: TimeInterval, _ body: @escaping @Sendable () throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: Result<T, any Error>?
        Thread {
            result = Result { try body() }
            done.signal()
        }.start()
        guard done.wait(timeout: .now() + seconds) == .success, let result else {
            throw CALError.storage("the transaction did not end within \(Int(seconds)) s")
        }
        return try result.get()
    }
}
