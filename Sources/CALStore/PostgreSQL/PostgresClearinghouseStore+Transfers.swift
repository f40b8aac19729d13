import CALCore
import Foundation
import PostgresNIO

/// The transfer ledger and transfer applications, and the audit log's agreement with the rows.
extension PostgresClearinghouseStore {
    public func recordTransfer(_ record: TransferRecord, approving applicationID: String?, sign: () throws -> TransferGrant) throws -> TransferGrant {
        try ledger.change { transaction in
            guard
                try !transaction.exists(
                    "SELECT 1 FROM transfers WHERE server_id = $1 AND key_pack_id = $2 AND seat = $3", .text(record.serverID), .text(record.keyPackID),
                    .integer(record.seat)
                )
            else { throw CALError.seatAlreadyTransferred(keyPackID: record.keyPackID, seat: record.seat) }
            try transaction.execute(
                "INSERT INTO transfers (server_id, key_pack_id, seat, old_serial, grant_id, granted_at) VALUES ($1, $2, $3, $4, $5, $6)",
                .text(record.serverID), .text(record.keyPackID), .integer(record.seat), .text(record.oldSerial), .text(record.grantID), .time(record.grantedAt)
            )
            try PostgresAuditLog.append(
                transaction, at: record.grantedAt, event: "transfer-authorized", subject: record.grantID,
                detail: "\(record.oldSerial) on \(record.serverID), pack \(record.keyPackID) seat \(record.seat)"
            )
            let grant = try sign()
            if let applicationID {
                let approved = try transaction.execute(
                    "UPDATE transfer_applications SET status = 'approved', decided_at = $1, grant_bytes = $2 WHERE id = $3 AND status = 'pending'",
                    .time(record.grantedAt), .bytes(grant.signedBytes), .text(applicationID)
                )
                guard approved == 1 else { throw CALError.invalidArgument("the transfer application \(applicationID) is not waiting for a decision") }
            }
            return grant
        }
    }

    public func transfers() throws -> [TransferRecord] {
        try ledger.read { transaction in
            try transaction.rows("SELECT * FROM transfers ORDER BY granted_at, id").map { row in
                TransferRecord(
                    serverID: try row.value("server_id"), keyPackID: try row.value("key_pack_id"), seat: try row.value("seat"),
                    oldSerial: try row.value("old_serial"), grantID: try row.value("grant_id"), grantedAt: try row.time("granted_at")
                )
            }
        }
    }

    public func submitTransferApplication(_ application: TransferApplication) throws -> TransferApplication {
        try ledger.change { transaction in
            if let existing = try transaction.row("SELECT * FROM transfer_applications WHERE old_serial = $1", .text(application.oldSerial)) {
                return try Self.transferApplication(row: existing)
            }
            try transaction.execute(
                """
                INSERT INTO transfer_applications (id, old_serial, server_id, key_pack_id, seat, license, submitted_at, status)
                VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending')
                """,
                .text(application.id), .text(application.oldSerial), .text(application.serverID), .text(application.keyPackID), .integer(application.seat),
                .bytes(application.license), .time(application.submittedAt)
            )
            try PostgresAuditLog.append(
                transaction, at: application.submittedAt, event: "transfer-applied", subject: application.id,
                detail: "\(application.oldSerial) on \(application.serverID), pack \(application.keyPackID) seat \(application.seat)"
            )
            return application
        }
    }

    public func transferApplication(id: String) throws -> TransferApplication? {
        try ledger.read { try $0.row("SELECT * FROM transfer_applications WHERE id = $1", .text(id)).map(Self.transferApplication(row:)) }
    }

    public func transferApplications() throws -> [TransferApplication] {
        try ledger.read { try $0.rows("SELECT * FROM transfer_applications ORDER BY submitted_at, position").map(Self.transferApplication(row:)) }
    }

    public func refuseTransferApplication(id: String, reason: String, at now: Date) throws -> TransferApplication {
        try ledger.change { transaction in
            let refused = try transaction.execute(
                "UPDATE transfer_applications SET status = 'refused', decided_at = $1, refusal = $2 WHERE id = $3 AND status = 'pending'",
                .time(now), .text(reason), .text(id)
            )
            if refused == 1 { try PostgresAuditLog.append(transaction, at: now, event: "transfer-refused", subject: id, detail: reason) }
            guard let row = try transaction.row("SELECT * FROM transfer_applications WHERE id = $1", .text(id)) else {
                throw CALError(.notFound, "no transfer application \(id)")
            }
            return try Self.transferApplication(row: row)
        }
    }

    static func transferApplication(row: PostgresRandomAccessRow) throws -> TransferApplication {
        TransferApplication(
            id: try row.value("id"), oldSerial: try row.value("old_serial"), serverID: try row.value("server_id"), keyPackID: try row.value("key_pack_id"),
            seat: try row.value("seat"), license: try row.bytes("license"), submittedAt: try row.time("submitted_at"),
            status: try row.enumeration("status") ?? .pending, decidedAt: try row.optionalTime("decided_at"),
            grant: try row.optional("grant_bytes", as: Data.self).map(Array.init), refusal: try row.optional("refusal")
        )
    }

    public func auditLog() throws -> [AuditEntry] { try ledger.read(PostgresAuditLog.entries) }

    public func auditSnapshot() throws -> AuditSnapshot {
        try ledger.read { transaction in
            let entries = try PostgresAuditLog.entries(transaction)
            let certificates = try transaction.rows("SELECT certificate_serial, server_id, revoked_at IS NOT NULL AS revoked FROM server_certificates").map { row in
                AuditConsistency.ServerCertificate(serial: try row.value("certificate_serial"), serverID: try row.value("server_id"), revoked: try row.value("revoked"))
            }
            return AuditSnapshot(
                entries: entries,
                findings: AuditConsistency.clearinghouse(
                    entries, certificates: certificates, packs: try transaction.values(String.self, "SELECT pack_id FROM sold_packs"),
                    transfers: try transaction.values(String.self, "SELECT grant_id FROM transfers"),
                    reissues: try transaction.values(String.self, "SELECT pack_id FROM pack_reissues"),
                    applications: try transaction.values(String.self, "SELECT id FROM transfer_applications"),
                    spentCodes: try transaction.values(String.self, "SELECT code_hash FROM pack_codes WHERE used_at IS NOT NULL")
                )
            )
        }
    }
}
