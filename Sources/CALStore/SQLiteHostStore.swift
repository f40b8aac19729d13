import CALLicensing
import Foundation
import GRDB

/// The session host's store in an embedded SQLite database.
public final class SQLiteHostStore: HostStore {
    private let database: StoreDatabase

    /// Opens (creating if needed) the store at `path`.
    public init(path: String) throws {
        database = try StoreDatabase(
            path: path,
            migrations: [
                ("host-v1", Self.createSchema),
                ("host-v2-decision-time", { db in try db.execute(sql: "CREATE INDEX decisions_at ON decisions (at)") }),
            ]
        )
    }

    @Sendable private static func createSchema(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE settings (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                CREATE TABLE decisions (
                    host TEXT NOT NULL,
                    at DOUBLE NOT NULL,
                    subject TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    serial TEXT
                );
                """
        )
    }

    public func setting(_ name: String) throws -> String? { try database.setting(name) }

    public func setSetting(_ name: String, _ value: String) throws { try database.setSetting(name, value) }

    public func record(_ decision: LogonRecord, settings: [String: String]) throws {
        try database.write { db in
            try ForwardClock.check(decision.at, after: try Self.latestDecisionTime(db))
            for (name, value) in settings { try StoreDatabase.set(setting: name, to: value, in: db) }
            try db.execute(
                sql: "INSERT INTO decisions (host, at, subject, outcome, detail, serial) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    decision.host, decision.at.timeIntervalSince1970, decision.subject, decision.outcome, decision.detail,
                    decision.serial,
                ]
            )
        }
    }

    public func latestDecisionTime() throws -> Date? {
        try database.read { db in try Self.latestDecisionTime(db) }
    }

    private static func latestDecisionTime(_ db: Database) throws -> Date? {
        try Double.fetchOne(db, sql: "SELECT MAX(at) FROM decisions").map(Date.init(timeIntervalSince1970:))
    }

    public func decisionCounts() throws -> [String: Int] {
        try database.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT outcome, detail, COUNT(*) AS n FROM decisions GROUP BY outcome, detail") {
                counts[(try row.value("outcome") as String) + " " + (try row.value("detail") as String)] = try row.value("n")
            }
            return counts
        }
    }

    public func decisions() throws -> [LogonRecord] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM decisions ORDER BY rowid").map { row in
                LogonRecord(
                    host: try row.value("host"), at: Date(timeIntervalSince1970: try row.value("at")), subject: try row.value("subject"), outcome: try row.value("outcome"),
                    detail: try row.value("detail"), serial: try row.value("serial")
                )
            }
        }
    }
}
