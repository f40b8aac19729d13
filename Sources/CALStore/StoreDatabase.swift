import CALCore
import Foundation
import GRDB

/// An embedded SQLite database in write-ahead-log mode, shared safely by several processes.
///
/// Every state change runs in one `BEGIN IMMEDIATE` transaction, so concurrent `calkit`
/// processes on the same home folder queue up instead of racing, and a busy database is
/// waited for (up to 30 s) rather than reported as an error. A change is acknowledged only
/// once it is on stable storage: the write-ahead log is synced at every commit
/// (`synchronous = FULL`) and the journal before it; concurrent writers of one process share
/// the commit and its sync (``GroupCommit``).
public final class StoreDatabase: Sendable {
    let pool: DatabasePool
    /// The rows of every committed transaction, outside the database, when the ledger keeps one.
    let journal: LedgerJournal?
    /// The database file.
    let databasePath: String
    /// The schema's migrations, in order (a restored backup is brought up to date with them).
    let migrator: DatabaseMigrator
    /// Concurrent writers, gathered into shared transactions.
    private let groupCommit = GroupCommit()

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    ///
    /// The database file is created 0600 before SQLite opens it (SQLite gives its write-ahead
    /// log and shared-memory files the database's mode), and an existing one is narrowed to 0600,
    /// whatever the umask was when it was made: it holds every license the role issued.
    /// With `journaled`, every write transaction also appends its rows to the ``LedgerJournal``
    /// beside the database before it commits (what `restore` replays over a backup).
    public init(path: String, journaled: Bool = false, migrations: [(String, @Sendable (Database) throws -> Void)]) throws {
        journal = journaled ? LedgerJournal(besideDatabase: path) : nil
        databasePath = path
        var migrator = DatabaseMigrator()
        for (name, migration) in migrations {
            migrator.registerMigration(name, migrate: migration)
        }
        self.migrator = migrator
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            fchmod(descriptor, 0o600)
            close(descriptor)
        }
        for file in [path, path + "-wal", path + "-shm"] { SecureFile.restrict(file, to: 0o600) }
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.foreignKeysEnabled = true
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // Every commit synced to the write-ahead log before it returns (GRDB's WAL default,
            // NORMAL, syncs only at checkpoints: a power cut could forget acknowledged licenses).
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
            try migrator.migrate(pool)
        } catch {
            throw CALError.storage("cannot open \(path): \(CALError.reason(describing: error))")
        }
    }

    /// Runs `body` in an immediate write transaction and returns once that transaction is on
    /// stable storage; any error `body` throws rolls back everything it wrote. Writers that
    /// arrive together share one transaction and one fsync (``GroupCommit``), each in its own
    /// savepoint, so one writer's refusal never undoes another's change.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        var result: T?
        do {
            try groupCommit.run({ db in result = try body(db) }, commit: commit)
        } catch {
            throw Self.storageError(error)
        }
        guard let result else { throw CALError.storage("the transaction produced no result") }
        return result
    }

    /// How this database's writes have committed since it was opened.
    var commitStatistics: CommitStatistics { groupCommit.statistics }

    /// Commits one batch of writers: one transaction, the journal appended (and synced) before
    /// the commit, so a change the journal cannot hold does not happen; SQLite syncs the commit.
    private func commit(_ batch: [GroupCommit.Writer]) {
        GroupCommit.commit(batch) { runBatch in
            try pool.writeWithoutTransaction { db in
                let recorder = journal.map { _ in LedgerJournal.ChangeRecorder() }
                if let recorder { db.add(transactionObserver: recorder, extent: .observerLifetime) }
                defer { if let recorder { db.remove(transactionObserver: recorder) } }
                try db.inTransaction(.immediate) {
                    try runBatch(db)
                    if let journal, let recorder { try journal.append(recorder, from: db) }
                    return .commit
                }
            }
        }
    }

    /// A database failure as a CALKit error (CALKit's own errors pass through).
    private static func storageError(_ error: any Error) -> any Error {
        switch error {
        case let error as CALError: error
        case let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT:
            CALError.storage("a uniqueness rule was violated: \(error.message ?? "\(error)")")
        case let error as DatabaseError: CALError.storage(error.message ?? "\(error)")
        default: error
        }
    }

    /// Increments a persisted counter (in the `counters` table) inside the caller's transaction
    /// and returns its new value; the first value is 1.
    static func next(counter name: String, in db: Database) throws -> UInt64 {
        let value = (try Int64.fetchOne(try db.cachedStatement(sql: "SELECT value FROM counters WHERE name = ?"), arguments: [name]) ?? 0) + 1
        try db.cachedStatement(sql: "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value")
            .execute(arguments: [name, value])
        return UInt64(value)
    }

    /// Sets a value in the `settings` table inside the caller's transaction.
    static func set(setting name: String, to value: String, in db: Database) throws {
        try db.execute(
            sql: "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            arguments: [name, value]
        )
    }

    /// Writes a consistent copy of the whole database to the new file `path` (mode 0600) with
    /// SQLite's online backup: writers elsewhere are not stopped, and the copy is one snapshot.
    /// The copy is checked (`PRAGMA integrity_check`, and its audit chain) before it is put in
    /// place; what it holds is returned.
    func backup(to path: String, now: Date) throws -> StoreBackup {
        var entries: [AuditEntry] = []
        try SecureFile.produce(path) { temporary in
            do {
                let copy = try DatabaseQueue(path: temporary)
                try pool.backup(to: copy)
                let verdict = try copy.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
                entries = try copy.read(AuditLog.entries)
                try copy.close()
                guard verdict == "ok" else { throw CALError.storage("the backup copy does not pass SQLite's integrity check: \(verdict ?? "")") }
            } catch let error as CALError {
                throw error
            } catch {
                throw CALError.storage("cannot back up the store: \(CALError.reason(describing: error))")
            }
            if let broken = AuditEntry.firstBreak(in: entries) { throw CALError.auditChainBroken(sequence: broken.sequence, reason: broken.reason) }
        }
        return StoreBackup(path: path, takenAt: now, entries: entries.count, head: entries.last?.hash ?? AuditEntry.genesisHash)
    }

    /// A value from the `settings` table.
    func setting(_ name: String) throws -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM settings WHERE name = ?", arguments: [name]) }
    }

    /// Sets a value in the `settings` table, in its own transaction.
    func setSetting(_ name: String, _ value: String) throws {
        try write { db in try Self.set(setting: name, to: value, in: db) }
    }

    /// Takes the next CRL number and the revoked rows of `table` not yet expired at `now`, in one
    /// transaction, and hands them to `sign`; nothing is consumed if it throws. Entries stay until
    /// the revoked certificate has expired, never less. With `scope`, only rows whose column holds
    /// the value count (one CRL issuer's certificates). `numbered` runs in the same transaction
    /// once the number is taken (to record a delta CRL's base).
    func publishRevocations<Result>(
        table: String,
        serialColumn: String,
        scope: (column: String, value: String)? = nil,
        now: Date,
        numbered: (Database, UInt64) throws -> Void = { _, _ in },
        sign: (RevokedRows) throws -> Result
    ) throws -> Result {
        try write { db in
            let number = try Self.next(counter: "crl-number", in: db)
            try numbered(db, number)
            var arguments: StatementArguments = [now.timeIntervalSince1970]
            if let scope { arguments += [scope.value] }
            let filter = Self.revocationFilter(table: table, scopeColumn: scope?.column)
            return try sign(
                RevokedRows(
                    number: number, deltaBase: nil, db: db,
                    select: Self.revocationQuery(table: table, serialColumn: serialColumn, scopeColumn: scope?.column),
                    count: "SELECT COUNT(*) FROM \(table) WHERE " + filter, arguments: arguments
                )
            )
        }
    }

    /// The SELECT of a CRL's entries: revoked, not yet expired (`?`), of one scope (`?`) when
    /// `scopeColumn` is given, in CRL order. The expiry is a filter, never an index range
    /// (`+not_after`), so that an index in CRL order serves the scope without a sort.
    package static func revocationQuery(table: String, serialColumn: String, scopeColumn: String?) -> String {
        """
        SELECT \(serialColumn) AS serial, revoked_at, revocation_reason FROM \(table)
        WHERE \(revocationFilter(table: table, scopeColumn: scopeColumn)) ORDER BY revoked_at, \(serialColumn)
        """
    }

    private static func revocationFilter(table: String, scopeColumn: String?) -> String {
        "revoked_at IS NOT NULL AND +not_after > ?" + (scopeColumn.map { " AND \($0) = ?" } ?? "")
    }

    /// How SQLite would run `sql` (EXPLAIN QUERY PLAN, one detail per step), for tests that an
    /// index serves a query.
    package func queryPlan(_ sql: String, arguments: StatementArguments) throws -> [String] {
        try read { db in try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String? ?? "" } }
    }

    /// Runs `body` on a consistent snapshot for reading.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch let error as CALError {
            throw error
        } catch {
            throw CALError.storage("\(error)")
        }
    }
}
