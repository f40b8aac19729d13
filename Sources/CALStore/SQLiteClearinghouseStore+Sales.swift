import CALCore
import Foundation
import GRDB

/// Key pack sales: the packs sold with their signed bytes (so that the web pages can hand a
/// pack out again), and the one-time codes a customer buys a pack with on those pages.
extension SQLiteClearinghouseStore {
    /// Migration v10: pack codes, the signed bytes of sold packs, and transfer applications.
    @Sendable static func addWebMethod(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE pack_codes (
                    code_hash TEXT PRIMARY KEY NOT NULL,
                    agreement_number TEXT NOT NULL,
                    license_type TEXT NOT NULL,
                    product TEXT NOT NULL,
                    product_version TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    issued_at DOUBLE NOT NULL,
                    expires_at DOUBLE NOT NULL,
                    used_at DOUBLE,
                    pack_id TEXT
                );
                ALTER TABLE sold_packs ADD COLUMN signed BLOB;
                CREATE TABLE transfer_applications (
                    id TEXT PRIMARY KEY NOT NULL,
                    old_serial TEXT NOT NULL UNIQUE,
                    server_id TEXT NOT NULL,
                    key_pack_id TEXT NOT NULL,
                    seat INTEGER NOT NULL,
                    license BLOB NOT NULL,
                    submitted_at DOUBLE NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),
                    decided_at DOUBLE,
                    grant_bytes BLOB,
                    refusal TEXT
                );
                """
        )
    }

    public func recordPackCode(_ code: PackCodeRecord) throws {
        try database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO pack_codes (code_hash, agreement_number, license_type, product, product_version, count, issued_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    code.codeHash, code.agreementNumber, code.licenseType, code.product, code.productVersion, code.count,
                    code.issuedAt.timeIntervalSince1970, code.expiresAt.timeIntervalSince1970,
                ]
            )
            try AuditLog.append(
                db, at: code.issuedAt, event: "pack-code-issued", subject: String(code.codeHash.prefix(16)),
                detail: "\(code.count) \(code.licenseType) \(code.product) \(code.productVersion), agreement \(code.agreementNumber), until \(AuditEntry.timestamp(code.expiresAt))"
            )
        }
    }

    public func packCode(hash: String) throws -> PackCodeRecord? {
        try database.read { db in try Row.fetchOne(db, sql: "SELECT * FROM pack_codes WHERE code_hash = ?", arguments: [hash]).map(Self.packCode(row:)) }
    }

    public func recordSale(_ pack: SoldPack, signed: [UInt8], redeeming codeHash: String?, check: (PackCodeRecord) throws -> Void) throws {
        try database.write { db in
            if let codeHash {
                guard let code = try Row.fetchOne(db, sql: "SELECT * FROM pack_codes WHERE code_hash = ?", arguments: [codeHash]).map(Self.packCode(row:)),
                    code.usedAt == nil, code.expiresAt > pack.issuedAt
                else { throw CALError.packCodeInvalid }
                try check(code)
                try db.execute(
                    sql: "UPDATE pack_codes SET used_at = ?, pack_id = ? WHERE code_hash = ?",
                    arguments: [pack.issuedAt.timeIntervalSince1970, pack.packID, codeHash]
                )
                try AuditLog.append(db, at: pack.issuedAt, event: "pack-code-used", subject: String(codeHash.prefix(16)), detail: "for key pack \(pack.packID)")
            }
            try db.execute(
                sql: """
                    INSERT INTO sold_packs (pack_id, server_id, license_type, count, product, product_version,
                                            agreement_number, issued_at, signed)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    pack.packID, pack.serverID, pack.licenseType, pack.count, pack.product, pack.productVersion,
                    pack.agreementNumber, pack.issuedAt.timeIntervalSince1970, Data(signed),
                ]
            )
            try AuditLog.append(
                db, at: pack.issuedAt, event: "pack-sold", subject: pack.packID,
                detail: "\(pack.count) \(pack.licenseType) \(pack.product) \(pack.productVersion) to \(pack.serverID), agreement \(pack.agreementNumber)"
            )
        }
    }

    public func signedPack(packID: String) throws -> [UInt8]? {
        try database.read { db in
            try (Data.fetchOne(db, sql: "SELECT signed FROM sold_packs WHERE pack_id = ?", arguments: [packID])).map(Array.init)
        }
    }

    static func packCode(row: Row) throws -> PackCodeRecord {
        PackCodeRecord(
            codeHash: try row.value("code_hash"), agreementNumber: try row.value("agreement_number"), licenseType: try row.value("license_type"),
            product: try row.value("product"), productVersion: try row.value("product_version"), count: try row.value("count"),
            issuedAt: Date(timeIntervalSince1970: try row.value("issued_at")), expiresAt: Date(timeIntervalSince1970: try row.value("expires_at")),
            usedAt: (try row.value("used_at") as Double?).map(Date.init(timeIntervalSince1970:)), packID: try row.value("pack_id")
        )
    }
}
