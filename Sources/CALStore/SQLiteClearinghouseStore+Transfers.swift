import CALCore
import Foundation
import GRDB

/// The transfer ledger, and the applications customers make on the web pages for the operator
/// to approve or refuse.
extension SQLiteClearinghouseStore {
    public func recordTransfer(_ record: TransferRecord, approving applicationID: String?, sign: () throws -> TransferGrant) throws -> TransferGrant {
        try database.write { db in
            let exists = try Bool.fetchOne(
                db,
                sql: "SELECT 1 FROM transfers WHERE server_id = ? AND key_pack_id = ? AND seat = ?",
                arguments: [record.serverID, record.keyPackID, record.seat]
            )
            guard exists != true else { throw CALError.seatAlreadyTransferred(keyPackID: record.keyPackID, seat: record.seat) }
            try db.execute(
                sql: """
                    INSERT INTO transfers (server_id, key_pack_id, seat, old_serial, grant_id, granted_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.serverID, record.keyPackID, record.seat, record.oldSerial, record.grantID,
                    record.grantedAt.timeIntervalSince1970,
                ]
            )
            try AuditLog.append(
                db, at: record.grantedAt, event: "transfer-authorized", subject: record.grantID,
                detail: "\(record.oldSerial) on \(record.serverID), pack \(record.keyPackID) seat \(record.seat)"
            )
            let grant = try sign()
            if let applicationID {
                try db.execute(
                    sql: "UPDATE transfer_applications SET status = 'approved', decided_at = ?, grant_bytes = ? WHERE id = ? AND status = 'pending'",
                    arguments: [record.grantedAt.timeIntervalSince1970, Data(grant.signedBytes), applicationID]
                )
                guard db.changesCount == 1 else { throw CALError.invalidArgument("the transfer application \(applicationID) is not waiting for a decision") }
            }
            return grant
        }
    }

    public func transfers() throws -> [TransferRecord] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM transfers ORDER BY granted_at, rowid").map { row in
                TransferRecord(
                    serverID: try row.value("server_id"), keyPackID: try row.value("key_pack_id"), seat: try row.value("seat"), oldSerial: try row.value("old_serial"),
                    grantID: try row.value("grant_id"), grantedAt: Date(timeIntervalSince1970: try row.value("granted_at"))
                )
            }
        }
    }

    public func submitTransferApplication(_ application: TransferApplication) throws -> TransferApplication {
        try database.write { db in
            if let existing = try Row.fetchOne(db, sql: "SELECT * FROM transfer_applications WHERE old_serial = ?", arguments: [application.oldSerial]) {
                return try Self.transferApplication(row: existing)
            }
            try db.execute(
                sql: """
                    INSERT INTO transfer_applications (id, old_serial, server_id, key_pack_id, seat, license, submitted_at, status)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')
                    """,
                arguments: [
                    application.id, application.oldSerial, application.serverID, application.keyPackID, application.seat, Data(application.license),
                    application.submittedAt.timeIntervalSince1970,
                ]
            )
            try AuditLog.append(
                db, at: application.submittedAt, event: "transfer-applied", subject: application.id,
                detail: "\(application.oldSerial) on \(application.serverID), pack \(application.keyPackID) seat \(application.seat)"
            )
            return application
        }
    }

    public func transferApplication(id: String) throws -> TransferApplication? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM transfer_applications WHERE id = ?", arguments: [id]).map(Self.transferApplication(row:))
        }
    }

    public func transferApplications() throws -> [TransferApplication] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM transfer_applications ORDER BY submitted_at, rowid").map(Self.transferApplication(row:))
        }
    }

    public func refuseTransferApplication(id: String, reason: String, at now: Date) throws -> TransferApplication {
        try database.write { db in
            try db.execute(
                sql: "UPDATE transfer_applications SET status = 'refused', decided_at = ?, refusal = ? WHERE id = ? AND status = 'pending'",
                arguments: [now.timeIntervalSince1970, reason, id]
            )
            if db.changesCount == 1 { try AuditLog.append(db, at: now, event: "transfer-refused", subject: id, detail: reason) }
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM transfer_applications WHERE id = ?", arguments: [id]) else {
                throw CALError(.notFound, "no transfer application \(id)")
            }
            return try Self.transferApplication(row: row)
        }
    }

    static func transferApplication(row: Row) throws -> TransferApplication {
        TransferApplication(
            id: try row.value("id"), oldSerial: try row.value("old_serial"), serverID: try row.value("server_id"), keyPackID: try row.value("key_pack_id"),
            seat: try row.value("seat"), license: Array(try row.value("license") as Data), submittedAt: Date(timeIntervalSince1970: try row.value("submitted_at")),
            status: TransferApplication.Status(rawValue: try row.value("status")) ?? .pending,
            decidedAt: (try row.value("decided_at") as Double?).map(Date.init(timeIntervalSince1970:)),
            grant: (try row.value("grant_bytes") as Data?).map(Array.init), refusal: try row.value("refusal")
        )
    }
}
