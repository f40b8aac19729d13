import CALCore
import Foundation
import PostgresNIO

/// Activation codes, key pack codes, sales and reissues.
extension PostgresClearinghouseStore {
    public func recordActivationCode(_ code: ActivationCodeRecord) throws {
        try ledger.change { transaction in
            try transaction.execute(
                "INSERT INTO activation_codes (code_hash, agreement_number, issued_at, expires_at) VALUES ($1, $2, $3, $4)",
                .text(code.codeHash), .text(code.agreementNumber), .time(code.issuedAt), .time(code.expiresAt)
            )
            try PostgresAuditLog.append(
                transaction, at: code.issuedAt, event: "activation-code-issued", subject: String(code.codeHash.prefix(16)),
                detail: "agreement \(code.agreementNumber), until \(AuditEntry.timestamp(code.expiresAt))"
            )
        }
    }

    /// Spends the code with `codeHash` for `serverID` inside the caller's transaction; throws
    /// ``CALError/activationCodeInvalid`` for an unknown, used or expired code.
    static func redeemActivationCode(_ transaction: PostgresTransaction, codeHash: String, serverID: String, at now: Date) throws {
        guard let row = try transaction.row("SELECT used_at, expires_at FROM activation_codes WHERE code_hash = $1 FOR UPDATE", .text(codeHash)),
            try row.optionalTime("used_at") == nil, try row.time("expires_at") > now
        else { throw CALError.activationCodeInvalid }
        try transaction.execute("UPDATE activation_codes SET used_at = $1, server_id = $2 WHERE code_hash = $3", .time(now), .text(serverID), .text(codeHash))
        try PostgresAuditLog.append(transaction, at: now, event: "activation-code-used", subject: String(codeHash.prefix(16)), detail: "by license server \(serverID)")
    }

    public func recordPackCode(_ code: PackCodeRecord) throws {
        try ledger.change { transaction in
            try transaction.execute(
                """
                INSERT INTO pack_codes (code_hash, agreement_number, license_type, product, product_version, count, issued_at, expires_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """,
                .text(code.codeHash), .text(code.agreementNumber), .text(code.licenseType), .text(code.product), .text(code.productVersion),
                .integer(code.count), .time(code.issuedAt), .time(code.expiresAt)
            )
            try PostgresAuditLog.append(
                transaction, at: code.issuedAt, event: "pack-code-issued", subject: String(code.codeHash.prefix(16)),
                detail:
                    "\(code.count) \(code.licenseType) \(code.product) \(code.productVersion), agreement \(code.agreementNumber), until \(AuditEntry.timestamp(code.expiresAt))"
            )
        }
    }

    public func packCode(hash: String) throws -> PackCodeRecord? {
        try ledger.read { try $0.row("SELECT * FROM pack_codes WHERE code_hash = $1", .text(hash)).map(Self.packCode(row:)) }
    }

    public func recordSale(_ pack: SoldPack, signed: [UInt8], redeeming codeHash: String?, check: (PackCodeRecord) throws -> Void) throws {
        try ledger.change { transaction in
            if let codeHash {
                guard let code = try transaction.row("SELECT * FROM pack_codes WHERE code_hash = $1 FOR UPDATE", .text(codeHash)).map(Self.packCode(row:)),
                    code.usedAt == nil, code.expiresAt > pack.issuedAt
                else { throw CALError.packCodeInvalid }
                try check(code)
                try transaction.execute(
                    "UPDATE pack_codes SET used_at = $1, pack_id = $2 WHERE code_hash = $3", .time(pack.issuedAt), .text(pack.packID), .text(codeHash)
                )
                try PostgresAuditLog.append(
                    transaction, at: pack.issuedAt, event: "pack-code-used", subject: String(codeHash.prefix(16)), detail: "for key pack \(pack.packID)"
                )
            }
            try transaction.execute(
                """
                INSERT INTO sold_packs (pack_id, server_id, license_type, count, product, product_version, agreement_number, issued_at, signed)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                """,
                .text(pack.packID), .text(pack.serverID), .text(pack.licenseType), .integer(pack.count), .text(pack.product), .text(pack.productVersion),
                .text(pack.agreementNumber), .time(pack.issuedAt), .bytes(signed)
            )
            try PostgresAuditLog.append(
                transaction, at: pack.issuedAt, event: "pack-sold", subject: pack.packID,
                detail: "\(pack.count) \(pack.licenseType) \(pack.product) \(pack.productVersion) to \(pack.serverID), agreement \(pack.agreementNumber)"
            )
        }
    }

    public func signedPack(packID: String) throws -> [UInt8]? {
        try ledger.read { transaction in
            try transaction.row("SELECT signed FROM sold_packs WHERE pack_id = $1", .text(packID)).flatMap { try $0.optional("signed", as: Data.self) }.map(Array.init)
        }
    }

    public func soldPacks() throws -> [SoldPack] {
        try ledger.read { try $0.rows("SELECT * FROM sold_packs ORDER BY issued_at, id").map(Self.soldPack(row:)) }
    }

    public func reissuePack<Result>(packID: String, limit: Int, now: Date, sign: (_ sale: SoldPack, _ reissues: Int) throws -> Result) throws -> Result {
        try ledger.change { transaction in
            guard let sale = try transaction.row("SELECT * FROM sold_packs WHERE pack_id = $1", .text(packID)).map(Self.soldPack(row:)) else {
                throw CALError(.unknownSerial, "the clearinghouse sold no key pack \(packID)")
            }
            let earlier = try transaction.value(Int.self, "SELECT COUNT(*) FROM pack_reissues WHERE pack_id = $1", .text(packID)) ?? 0
            guard earlier < limit else {
                throw CALError(
                    .packReissueLimitReached, "key pack \(packID) was reissued \(earlier) times already, the most this clearinghouse allows; nothing was issued"
                )
            }
            let result = try sign(sale, earlier + 1)
            try transaction.execute("INSERT INTO pack_reissues (pack_id, reissued_at) VALUES ($1, $2)", .text(packID), .time(now))
            try PostgresAuditLog.append(
                transaction, at: now, event: "pack-reissued", subject: packID,
                detail: "reissue \(earlier + 1) of \(limit): \(sale.count) \(sale.licenseType) \(sale.product) to \(sale.serverID)"
            )
            return result
        }
    }

    static func soldPack(row: PostgresRandomAccessRow) throws -> SoldPack {
        SoldPack(
            packID: try row.value("pack_id"), serverID: try row.value("server_id"), licenseType: try row.value("license_type"), count: try row.value("count"),
            product: try row.value("product"), productVersion: try row.value("product_version"), agreementNumber: try row.value("agreement_number"),
            issuedAt: try row.time("issued_at")
        )
    }

    static func packCode(row: PostgresRandomAccessRow) throws -> PackCodeRecord {
        PackCodeRecord(
            codeHash: try row.value("code_hash"), agreementNumber: try row.value("agreement_number"), licenseType: try row.value("license_type"),
            product: try row.value("product"), productVersion: try row.value("product_version"), count: try row.value("count"),
            issuedAt: try row.time("issued_at"), expiresAt: try row.time("expires_at"), usedAt: try row.optionalTime("used_at"), packID: try row.optional("pack_id")
        )
    }
}
