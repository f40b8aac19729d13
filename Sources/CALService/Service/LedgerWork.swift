import NIOPosix

/// Where a request waits for the ledger: threads apart from the event loops and from Swift's
/// cooperative pool (one thread per core), so that a request waiting for its transaction's sync
/// holds neither, and as many requests as there are threads here can join one group commit.
enum LedgerWork {
    /// Requests that can wait for the ledger at once: the largest batch a group commit can gather
    /// from this service (connections beyond it queue for a thread).
    static let threads = 64

    private static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
        return pool
    }()

    /// Runs `body`, which reads or writes the ledger and may block on its sync, on a ledger thread.
    static func run<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await pool.runIfActive(body)
    }
}
