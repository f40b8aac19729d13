import CALCore
import Foundation
import PostgresNIO

/// A ledger's PostgreSQL database: its schema brought up to date at open, transactions that
/// retry what PostgreSQL asks to be retried, and every failure reported as `storage`.
///
/// Writes run in READ COMMITTED transactions; a store makes them exact with row locks (see
/// ``PostgresAuditLog`` for the one lock every change takes). A transaction PostgreSQL aborted
/// for a serialization failure or a deadlock, or one whose connection broke before it asked to
/// commit (the server rolls such a transaction back), is run again on a fresh connection, up to
/// a few times. One whose connection broke while committing is not: whether it committed is
/// unknown, and the caller is told so rather than given a second copy. Reads run in a
/// REPEATABLE READ, read-only transaction: one snapshot.
public final class PostgresLedger: Sendable {
    let pool: PostgresConnectionPool
    /// Where the ledger is, its schema named.
    public let location: PostgresLocation

    /// How many times a transaction is tried in all.
    static let attempts = 6

    /// Connects to the ledger at `location` (in `location.schema`, else `defaultSchema`),
    /// creating the schema and applying `migrations` (each a list of statements) that have not
    /// been applied yet, under an advisory lock so that nodes starting together do not race.
    init(
        location: PostgresLocation,
        defaultSchema: String,
        migrations: [(name: String, statements: [String])],
        poolSize: Int = PostgresLedger.defaultPoolSize,
        acquireTimeout: TimeInterval = 5,
        statementTimeout: TimeInterval = 10
    ) throws {
        let schema = location.schema ?? defaultSchema
        guard PostgresLocation.isPlainName(schema) else { throw CALError.invalidArgument("schema \(schema) is not a plain name") }
        self.location = location.with(schema: schema)
        pool = try PostgresConnectionPool(
            location: self.location, schema: schema, size: poolSize, acquireTimeout: acquireTimeout, statementTimeout: statementTimeout
        )
        try write { transaction in
            try transaction.execute("SELECT pg_advisory_xact_lock(hashtext($1))", .text("calkit-migrations:" + schema))
            try transaction.execute("CREATE SCHEMA IF NOT EXISTS \(schema)")
            try transaction.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at DOUBLE PRECISION NOT NULL)")
            try transaction.execute("CREATE TABLE IF NOT EXISTS ledger_owner (only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row), owner TEXT NOT NULL)")
            let applied = Set(try transaction.values(String.self, "SELECT name FROM schema_migrations"))
            for migration in migrations where !applied.contains(migration.name) {
                for statement in migration.statements { try transaction.execute(statement) }
                try transaction.execute(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)", .text(migration.name), .time(Date())
                )
            }
        }
    }

    /// Connections per node, unless `CALKIT_DATABASE_POOL` says otherwise.
    static var defaultPoolSize: Int {
        ProcessInfo.processInfo.environment["CALKIT_DATABASE_POOL"].flatMap(Int.init).map { min(max($0, 1), 256) } ?? 8
    }

    /// Runs `body` in one transaction and commits it; anything `body` throws rolls it back.
    func write<T>(_ body: (PostgresTransaction) throws -> T) throws -> T {
        try transaction(begin: "BEGIN ISOLATION LEVEL READ COMMITTED", body)
    }

    /// Runs a change that must see every change before it: the audit chain's head is locked
    /// first (``PostgresAuditLog/lockHead(_:)``), so changes made this way commit one at a time.
    func change<T>(_ body: (PostgresTransaction) throws -> T) throws -> T {
        try write { transaction in
            try PostgresAuditLog.lockHead(transaction)
            return try body(transaction)
        }
    }

    /// Runs `body` outside an explicit transaction, each statement on its own snapshot: for
    /// reads of one statement, or of several that need not agree (two round trips fewer than
    /// ``read(_:)``). A connection lost before any answer is tried again once on a fresh one.
    func query<T>(_ body: (PostgresTransaction) throws -> T) throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try pool.withConnection { try body(PostgresTransaction(connection: $0, pool: pool)) }
            } catch {
                if attempt < 2 && PostgresConnectionPool.isConnectionFailure(error) { continue }
                throw Self.storageError(error, committing: false)
            }
        }
    }

    /// Runs `body` on one snapshot of the ledger.
    func read<T>(_ body: (PostgresTransaction) throws -> T) throws -> T {
        try transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    /// Checks that the schema at `url` (or `defaultSchema`) belongs to no role's home yet, and
    /// returns the URL with the schema named, as a new home records it.
    static func unclaimed(_ url: String, defaultSchema: String) throws -> String {
        let ledger = try PostgresLedger(location: try PostgresLocation(url: url), defaultSchema: defaultSchema, migrations: [], poolSize: 1)
        defer { ledger.close() }
        if let owner = try ledger.read({ try $0.value(String.self, "SELECT owner FROM ledger_owner") }) {
            throw CALError.invalidArgument(
                "the database's schema \(ledger.location.schema ?? "") holds the ledger of \(owner) already; name another schema in the URL (?schema=NAME)"
            )
        }
        return ledger.location.description
    }

    /// Records `owner` (a role and its id) as the one this ledger belongs to the first time, and
    /// refuses a ledger that belongs to another: a home pointed at another's schema does not open.
    func claim(for owner: String) throws {
        let recorded = try write { transaction in
            try transaction.execute("INSERT INTO ledger_owner (owner) VALUES ($1) ON CONFLICT (only_row) DO NOTHING", .text(owner))
            return try transaction.value(String.self, "SELECT owner FROM ledger_owner") ?? owner
        }
        guard recorded == owner else { throw CALError.invalidArgument("the ledger this home names belongs to \(recorded), not to this home's \(owner)") }
    }

    /// Closes the connections (a node shutting down).
    public func close() { pool.close() }

    private func transaction<T>(begin: String, _ body: (PostgresTransaction) throws -> T) throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            var committing = false
            do {
                return try pool.withConnection { connection in
                    let transaction = PostgresTransaction(connection: connection, pool: pool)
                    try transaction.execute(begin)
                    do {
                        let result = try body(transaction)
                        committing = true
                        let outcome = try pool.run("COMMIT", on: connection)
                        guard outcome.metadata.command == "COMMIT" else { throw CALError.storage("the database rolled the transaction back") }
                        return result
                    } catch {
                        if !connection.isClosed && !committing { _ = try? pool.run("ROLLBACK", on: connection) }
                        throw error
                    }
                }
            } catch {
                let retry = Self.isRetryable(error) || (!committing && PostgresConnectionPool.isConnectionFailure(error))
                if retry && attempt < Self.attempts {
                    // Apart a little, at random, so that transactions which collided do not collide again.
                    usleep(UInt32.random(in: 1_000...(5_000 * UInt32(attempt))))
                    continue
                }
                throw Self.storageError(error, committing: committing)
            }
        }
    }

    /// Whether PostgreSQL aborted the transaction for another to go first.
    static func isRetryable(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, error.code == .server else { return false }
        return ["40001", "40P01"].contains(error.serverInfo?[.sqlState] ?? "")
    }

    /// A database failure as a CALKit error; CALKit's own errors, and what the caller's body
    /// threw, pass through.
    static func storageError(_ error: any Error, committing: Bool) -> any Error {
        guard error is PSQLError || PostgresConnectionPool.isConnectionFailure(error) else { return error }
        let reason = PostgresConnectionPool.describe(error)
        if committing && PostgresConnectionPool.isConnectionFailure(error) {
            return CALError.storage("the database went away while committing, so whether the change was recorded is unknown: \(reason)")
        }
        if let error = error as? PSQLError, error.serverInfo?[.sqlState] == "23505" {
            return CALError.storage("a uniqueness rule was violated: \(reason)")
        }
        return CALError.storage(reason)
    }
}
