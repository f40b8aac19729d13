import CALCore
import Foundation
import PostgresNIO

/// Enrolled session hosts: who may ask this license server for licenses.
extension PostgresLicenseServerStore {
    public func enroll(_ host: EnrolledHost, now: Date) throws {
        try change { transaction in
            guard try !transaction.exists("SELECT 1 FROM hosts WHERE name = $1 AND removed_at IS NULL", .text(host.name)) else {
                throw CALError.invalidArgument("a host named \(host.name) is enrolled already; remove it first to enroll it again")
            }
            try transaction.execute(
                "INSERT INTO hosts (host_id, name, secret_hash, enrolled_at) VALUES ($1, $2, $3, $4)",
                .text(host.hostID), .text(host.name), .text(host.secretHash), .time(host.enrolledAt)
            )
            try PostgresAuditLog.append(transaction, at: now, event: "host-enrolled", subject: host.hostID, detail: host.name)
        }
    }

    public func removeHost(named name: String, now: Date) throws -> EnrolledHost {
        try change { transaction in
            guard let row = try transaction.row("SELECT * FROM hosts WHERE name = $1 AND removed_at IS NULL FOR UPDATE", .text(name)) else {
                throw CALError.invalidArgument("no enrolled host is named \(name)")
            }
            var host = try Self.host(row: row)
            host.removedAt = now
            try transaction.execute("UPDATE hosts SET removed_at = $1 WHERE host_id = $2", .time(now), .text(host.hostID))
            try PostgresAuditLog.append(transaction, at: now, event: "host-removed", subject: host.hostID, detail: host.name)
            return host
        }
    }

    public func host(id: String) throws -> EnrolledHost? {
        try ledger.query { try $0.row("SELECT * FROM hosts WHERE host_id = $1", .text(id)).map(Self.host(row:)) }
    }

    public func hosts() throws -> [EnrolledHost] {
        try ledger.read { try $0.rows("SELECT * FROM hosts ORDER BY enrolled_at, id").map(Self.host(row:)) }
    }

    static func host(row: PostgresRandomAccessRow) throws -> EnrolledHost {
        EnrolledHost(
            hostID: try row.value("host_id"), name: try row.value("name"), secretHash: try row.value("secret_hash"),
            enrolledAt: try row.time("enrolled_at"), removedAt: try row.optionalTime("removed_at")
        )
    }
}
