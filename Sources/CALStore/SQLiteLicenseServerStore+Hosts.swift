import CALCore
import Foundation
import GRDB

/// Enrolled session hosts: who may ask this license server for licenses.
extension SQLiteLicenseServerStore {
    @Sendable static func addHosts(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE hosts (
                    host_id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    secret_hash TEXT NOT NULL,
                    enrolled_at DOUBLE NOT NULL,
                    removed_at DOUBLE
                );
                CREATE UNIQUE INDEX hosts_enrolled_name ON hosts(name) WHERE removed_at IS NULL;
                """
        )
    }

    public func enroll(_ host: EnrolledHost, now: Date) throws {
        try database.write { db in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM hosts WHERE name = ? AND removed_at IS NULL", arguments: [host.name]) == 0 else {
                throw CALError.invalidArgument("a host named \(host.name) is enrolled already; remove it first to enroll it again")
            }
            try db.execute(
                sql: "INSERT INTO hosts (host_id, name, secret_hash, enrolled_at) VALUES (?, ?, ?, ?)",
                arguments: [host.hostID, host.name, host.secretHash, host.enrolledAt.timeIntervalSince1970]
            )
            try AuditLog.append(db, at: now, event: "host-enrolled", subject: host.hostID, detail: host.name)
        }
    }

    public func removeHost(named name: String, now: Date) throws -> EnrolledHost {
        try database.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM hosts WHERE name = ? AND removed_at IS NULL", arguments: [name]) else {
                throw CALError.invalidArgument("no enrolled host is named \(name)")
            }
            var host = try Self.host(row: row)
            host.removedAt = now
            try db.execute(sql: "UPDATE hosts SET removed_at = ? WHERE host_id = ?", arguments: [now.timeIntervalSince1970, host.hostID])
            try AuditLog.append(db, at: now, event: "host-removed", subject: host.hostID, detail: host.name)
            return host
        }
    }

    public func host(id: String) throws -> EnrolledHost? {
        try database.read { db in
            try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM hosts WHERE host_id = ?"), arguments: [id]).map(Self.host(row:))
        }
    }

    public func hosts() throws -> [EnrolledHost] {
        try database.read { db in try Row.fetchAll(db, sql: "SELECT * FROM hosts ORDER BY enrolled_at, rowid").map(Self.host(row:)) }
    }

    static func host(row: Row) throws -> EnrolledHost {
        EnrolledHost(
            hostID: try row.value("host_id"), name: try row.value("name"), secretHash: try row.value("secret_hash"),
            enrolledAt: Date(timeIntervalSince1970: try row.value("enrolled_at")),
            removedAt: (try row.value("removed_at") as Double?).map(Date.init(timeIntervalSince1970:))
        )
    }
}
