import CALLicensing
import Foundation

/// The session host's store in PostgreSQL: its settings, grace period and logon decisions, for
/// a host whose state must outlive its machine. One schema per host.
public final class PostgresHostStore: HostStore, PostgresBackedStore {
    public let ledger: PostgresLedger

    /// The schema a host's tables live in unless the URL names one.
    public static let defaultSchema = "session_host"

    static let migrations: [(name: String, statements: [String])] = [
        (
            "host-v1",
            [
                "CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
                """
                CREATE TABLE decisions (
                    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    host TEXT NOT NULL,
                    at DOUBLE PRECISION NOT NULL,
                    subject TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    serial TEXT
                )
                """,
                "CREATE INDEX decisions_at ON decisions (at)",
            ]
        )
    ]

    /// Connects to (creating, or bringing up to date) the store at `location`.
    public init(location: PostgresLocation) throws {
        ledger = try PostgresLedger(location: location, defaultSchema: Self.defaultSchema, migrations: Self.migrations, poolSize: 2)
    }

    public func setting(_ name: String) throws -> String? {
        try ledger.read { try $0.value(String.self, "SELECT value FROM settings WHERE name = $1", .text(name)) }
    }

    public func setSetting(_ name: String, _ value: String) throws {
        try ledger.write { try $0.set(setting: name, to: value) }
    }

    public func record(_ decision: LogonRecord, settings: [String: String]) throws {
        try ledger.write { transaction in
            // One writer at a time, so each sees the latest decision before it.
            try transaction.execute("LOCK TABLE decisions IN SHARE ROW EXCLUSIVE MODE")
            try ForwardClock.check(decision.at, after: try Self.latestDecisionTime(transaction))
            for (name, value) in settings { try transaction.set(setting: name, to: value) }
            try transaction.execute(
                "INSERT INTO decisions (host, at, subject, outcome, detail, serial) VALUES ($1, $2, $3, $4, $5, $6)",
                .text(decision.host), .time(decision.at), .text(decision.subject), .text(decision.outcome), .text(decision.detail),
                .text(decision.serial)
            )
        }
    }

    public func latestDecisionTime() throws -> Date? {
        try ledger.read(Self.latestDecisionTime)
    }

    private static func latestDecisionTime(_ transaction: PostgresTransaction) throws -> Date? {
        try transaction.value(Double.self, "SELECT MAX(at) FROM decisions").map(Date.init(timeIntervalSince1970:))
    }

    public func decisionCounts() throws -> [String: Int] {
        try ledger.read { transaction in
            var counts: [String: Int] = [:]
            for row in try transaction.rows("SELECT outcome, detail, COUNT(*) AS n FROM decisions GROUP BY outcome, detail") {
                counts[(try row.value("outcome", as: String.self)) + " " + (try row.value("detail", as: String.self))] = try row.value("n")
            }
            return counts
        }
    }

    public func decisions() throws -> [LogonRecord] {
        try ledger.read { transaction in
            try transaction.rows("SELECT * FROM decisions ORDER BY id").map { row in
                LogonRecord(
                    host: try row.value("host"), at: try row.time("at"), subject: try row.value("subject"), outcome: try row.value("outcome"),
                    detail: try row.value("detail"), serial: try row.optional("serial")
                )
            }
        }
    }

}
