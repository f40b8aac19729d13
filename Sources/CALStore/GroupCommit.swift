import CALCore
import CoreMetrics
import Foundation
import GRDB

/// Writes that arrive together commit together: one transaction and one fsync for a batch of
/// concurrent writers, each in its own savepoint, so that a refusal rolls back only its own
/// writer's rows and the others still commit.
///
/// There is no timer: the first writer to arrive leads and commits at once; the writers that
/// arrive while it commits (and fsyncs) wait, and the first of them leads the next batch with
/// all of them. An idle ledger answers a lone writer with no added delay; a busy one pays one
/// fsync per batch instead of one per writer. Every writer returns only once its batch is on
/// stable storage (or has failed), so nothing is acknowledged before it is durable.
final class GroupCommit: @unchecked Sendable {
    /// The most writers one transaction takes: a batch of this many is already a single fsync
    /// for a queue deeper than any connection limit, and keeps each transaction short.
    static let largestBatch = 128

    /// One writer waiting for its batch: its work, and once the batch is done, how it went.
    final class Writer {
        let work: (Database) throws -> Void
        fileprivate(set) var outcome: Result<Void, any Error>?
        fileprivate var leads = false

        init(_ work: @escaping (Database) throws -> Void) {
            self.work = work
        }
    }

    private let condition = NSCondition()
    private var waiting: [Writer] = []
    private var leaderActive = false
    private var totals = CommitStatistics(batches: 0, writers: 0)

    /// How many batches committed and how many writers they held.
    var statistics: CommitStatistics {
        condition.lock()
        defer { condition.unlock() }
        return totals
    }

    /// Runs `work` in the next batch and returns once that batch has committed; throws `work`'s
    /// own error (its savepoint rolled back), or the batch's error when the batch as a whole
    /// could not commit. `commit` runs one batch: every writer's work in one transaction.
    func run(_ work: (Database) throws -> Void, commit: ([Writer]) -> Void) throws {
        try withoutActuallyEscaping(work) { work in
            let writer = Writer(work)
            condition.lock()
            waiting.append(writer)
            if leaderActive {
                while writer.outcome == nil && !writer.leads { condition.wait() }
            } else {
                leaderActive = true
                writer.leads = true
            }
            if writer.outcome == nil {
                let batch = Array(waiting.prefix(Self.largestBatch))
                waiting.removeFirst(batch.count)
                condition.unlock()
                let started = DispatchTime.now().uptimeNanoseconds
                commit(batch)
                Self.record(batch: batch.count, nanoseconds: DispatchTime.now().uptimeNanoseconds - started)
                condition.lock()
                totals.batches += 1
                totals.writers += batch.count
                if let next = waiting.first { next.leads = true } else { leaderActive = false }
                condition.broadcast()
            }
            let outcome = writer.outcome
            condition.unlock()
            guard let outcome else { throw CALError.storage("a write ended without its batch committing or failing") }
            try outcome.get()
        }
    }

    /// Records one batch for operators (swift-metrics: nothing unless the process bootstrapped a
    /// backend, as `serve` does): commits, writers, and the time to commit and sync.
    private static func record(batch writers: Int, nanoseconds: UInt64) {
        Counter(label: "calkit_ledger_commits_total").increment()
        Counter(label: "calkit_ledger_commit_writers_total").increment(by: writers)
        Recorder(label: "calkit_ledger_batch_writers").record(writers)
        Timer(label: "calkit_ledger_commit_seconds").recordNanoseconds(Int64(clamping: nanoseconds))
    }

    /// Runs a batch in the one transaction `transaction` opens (it calls its argument inside the
    /// transaction, before the commit): each writer's work in a savepoint. Every writer's outcome
    /// is set, and success only once the transaction committed.
    static func commit(_ batch: [Writer], in transaction: (_ runBatch: (Database) throws -> Void) throws -> Void) {
        var refused: [ObjectIdentifier: any Error] = [:]
        do {
            try transaction { db in
                for writer in batch {
                    do {
                        try db.inSavepoint {
                            try writer.work(db)
                            return .commit
                        }
                    } catch {
                        // SQLite ends the whole transaction on some errors (disk full, I/O):
                        // then nothing of the batch can commit.
                        guard db.isInsideTransaction else { throw error }
                        refused[ObjectIdentifier(writer)] = error
                    }
                }
            }
        } catch {
            for writer in batch { writer.outcome = .failure(refused[ObjectIdentifier(writer)] ?? error) }
            return
        }
        for writer in batch { writer.outcome = refused[ObjectIdentifier(writer)].map { .failure($0) } ?? .success(()) }
    }
}
