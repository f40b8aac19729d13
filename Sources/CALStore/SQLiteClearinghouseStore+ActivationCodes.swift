import CALCore
import Foundation
import GRDB

/// One-time activation codes: issued by the operator, spent by the first activation that shows one.
extension SQLiteClearinghouseStore {
    @Sendable static func addActivationCodes(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE activation_codes (
                    code_hash TEXT PRIMARY KEY NOT NULL,
                    agreement_number TEXT NOT NULL,
                    issued_at DOUBLE NOT NULL,
                    expires_at DOUBLE NOT NULL,
                    used_at DOUBLE,
                    server_id TEXT
                );
                """
        )
    }

    public func recordActivationCode(_ code: ActivationCodeRecord) throws {
        try database.write { db in
            try db.execute(
                sql: "INSERT INTO activation_codes (code_hash, agreement_number, issued_at, expires_at) VALUES (?, ?, ?, ?)",
                arguments: [code.codeHash, code.agreementNumber, code.issuedAt.timeIntervalSince1970, code.expiresAt.timeIntervalSince1970]
            )
            try AuditLog.append(
                db, at: code.issuedAt, event: "activation-code-issued", subject: String(code.codeHash.prefix(16)),
                detail: "agreement \(code.agreementNumber), until \(AuditEntry.timestamp(code.expiresAt))"
            )
        }
    }

    /// Spends the code with `codeHash` for `serverID` inside the caller's transaction; throws
    /// ``CALError/activationCodeInvalid`` for an unknown, used or expired code.
    static func redeemActivationCode(_ db: Database, codeHash: String, serverID: String, at now: Date) throws {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM activation_codes WHERE code_hash = ?", arguments: [codeHash]) else {
            throw CALError.activationCodeInvalid
        }
        let used: Double? = try row.value("used_at")
        let expires: Double = try row.value("expires_at")
        guard used == nil, expires > now.timeIntervalSince1970 else { throw CALError.activationCodeInvalid }
        try db.execute(
            sql: "UPDATE activation_codes SET used_at = ?, server_id = ? WHERE code_hash = ?",
            arguments: [now.timeIntervalSince1970, serverID, codeHash]
        )
        try AuditLog.append(db, at: now, event: "activation-code-used", subject: String(codeHash.prefix(16)), detail: "by license server \(serverID)")
    }
}
