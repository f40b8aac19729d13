/// How a ledger's writes have committed since it was opened: how many transactions (batches)
/// and how many writers they carried. Writers per batch above one is ``GroupCommit`` at work.
public struct CommitStatistics: Sendable, Equatable {
    /// Transactions committed (or failed), each with one sync.
    public var batches: Int
    /// Writes they carried.
    public var writers: Int
}
