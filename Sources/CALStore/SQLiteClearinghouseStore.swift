import CALCore
import Foundation
import GRDB

/// The clearinghouse's store in an embedded SQLite database.
public final class SQLiteClearinghouseStore: ClearinghouseStore {
    package let database: StoreDatabase

    /// Opens (creating if needed) the store at `path`.
    public init(path: String) throws {
        database = try StoreDatabase(
            path: path,
            journaled: true,
            migrations: [
                ("clearinghouse-v1", Self.createSchema), ("clearinghouse-v2-revocation", Self.addRevocation),
                ("clearinghouse-v3-transfers", Self.addTransfers),
                ("clearinghouse-v4-audit", AuditLog.createTable),
                ("clearinghouse-v5-reactivation", Self.addReactivation),
                ("clearinghouse-v6-roots", Self.addRoots),
                ("clearinghouse-v7-activation-codes", Self.addActivationCodes),
                ("clearinghouse-v8-audit-time", AuditLog.indexTime),
                ("clearinghouse-v9-pack-reissues", Self.addPackReissues),
                ("clearinghouse-v10-web-method", Self.addWebMethod),
            ]
        )
    }

    @Sendable private static func createSchema(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE activations (
                    server_id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    certificate_serial TEXT NOT NULL UNIQUE,
                    activated_at DOUBLE NOT NULL,
                    not_after DOUBLE NOT NULL,
                    certificate BLOB NOT NULL
                );
                CREATE TABLE sold_packs (
                    pack_id TEXT PRIMARY KEY NOT NULL,
                    server_id TEXT NOT NULL REFERENCES activations(server_id),
                    license_type TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    product TEXT NOT NULL,
                    product_version TEXT NOT NULL,
                    agreement_number TEXT NOT NULL,
                    issued_at DOUBLE NOT NULL
                );
                """
        )
    }

    @Sendable private static func addRevocation(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE activations ADD COLUMN revoked_at DOUBLE;
                ALTER TABLE activations ADD COLUMN revocation_reason INTEGER;
                CREATE TABLE counters (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);
                """
        )
    }

    @Sendable private static func addTransfers(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE transfers (
                    server_id TEXT NOT NULL,
                    key_pack_id TEXT NOT NULL,
                    seat INTEGER NOT NULL,
                    old_serial TEXT NOT NULL,
                    grant_id TEXT NOT NULL UNIQUE,
                    granted_at DOUBLE NOT NULL,
                    PRIMARY KEY (server_id, key_pack_id, seat)
                );
                """
        )
    }

    /// Every certificate ever issued lives in `server_certificates` (with its revocation);
    /// `activations` keeps one row per server pointing at its current certificate.
    @Sendable private static func addReactivation(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE server_certificates (
                    certificate_serial TEXT PRIMARY KEY NOT NULL,
                    server_id TEXT NOT NULL,
                    name TEXT NOT NULL,
                    activated_at DOUBLE NOT NULL,
                    not_after DOUBLE NOT NULL,
                    certificate BLOB NOT NULL,
                    revoked_at DOUBLE,
                    revocation_reason INTEGER
                );
                CREATE INDEX server_certificates_by_server ON server_certificates(server_id);
                INSERT INTO server_certificates
                SELECT certificate_serial, server_id, name, activated_at, not_after, certificate, revoked_at, revocation_reason
                FROM activations;
                """
        )
    }

    @Sendable private static func addRoots(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE roots (
                    key_id TEXT PRIMARY KEY NOT NULL,
                    certificate BLOB NOT NULL,
                    file_prefix TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('active', 'retired')),
                    activated_at DOUBLE NOT NULL,
                    retired_at DOUBLE
                );
                CREATE UNIQUE INDEX one_active_root ON roots(status) WHERE status = 'active';
                ALTER TABLE server_certificates ADD COLUMN root_key_id TEXT;
                """
        )
    }

    public func revocationStamp() throws -> String {
        try database.read { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT COUNT(*) AS revoked, MAX(revoked_at) AS latest FROM server_certificates WHERE revoked_at IS NOT NULL"
            )
            let roots = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM roots") ?? 0
            return "\(try row?.value("revoked") as Int? ?? 0)/\(try row?.value("latest") as Double? ?? 0)/\(roots)"
        }
    }

    public func roots() throws -> [RootRecord] {
        try database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT r.*, COUNT(c.certificate_serial) AS issued, MAX(c.not_after) AS last_expiry
                    FROM roots r LEFT JOIN server_certificates c ON c.root_key_id = r.key_id
                    GROUP BY r.key_id ORDER BY r.activated_at, r.rowid
                    """
            ).map { row in
                RootRecord(
                    keyID: try row.value("key_id"),
                    certificate: Array(try row.value("certificate") as Data),
                    filePrefix: try row.value("file_prefix"),
                    status: RootRecord.Status(rawValue: try row.value("status")) ?? .retired,
                    activatedAt: Date(timeIntervalSince1970: try row.value("activated_at")),
                    retiredAt: (try row.value("retired_at") as Double?).map(Date.init(timeIntervalSince1970:)),
                    serverCertificates: try row.value("issued"),
                    lastServerCertificateExpires: (try row.value("last_expiry") as Double?).map(Date.init(timeIntervalSince1970:))
                )
            }
        }
    }

    public func activateRoot(_ root: RootRecord, previousPrefix: String?, now: Date) throws {
        try database.write { db in
            let first = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM roots") == 0
            let previous = try String.fetchOne(db, sql: "SELECT key_id FROM roots WHERE status = 'active' AND key_id != ?", arguments: [root.keyID])
            if let previous {
                try db.execute(
                    sql: "UPDATE roots SET status = 'retired', retired_at = ?, file_prefix = ? WHERE key_id = ?",
                    arguments: [now.timeIntervalSince1970, previousPrefix ?? "", previous]
                )
            }
            try db.execute(
                sql: """
                    INSERT INTO roots (key_id, certificate, file_prefix, status, activated_at) VALUES (?, ?, ?, 'active', ?)
                    ON CONFLICT(key_id) DO NOTHING
                    """,
                arguments: [root.keyID, Data(root.certificate), root.filePrefix, now.timeIntervalSince1970]
            )
            if first {
                try db.execute(sql: "UPDATE server_certificates SET root_key_id = ? WHERE root_key_id IS NULL", arguments: [root.keyID])
            }
            try AuditLog.append(
                db, at: now, event: previous == nil ? "root-registered" : "root-rotated", subject: root.keyID,
                detail: previous.map { "replacing root \($0)" } ?? ""
            )
        }
    }

    public func activate(
        serverID: String,
        at now: Date,
        revokingPrevious reason: Int?,
        redeeming codeHash: String?,
        mint: (_ current: ActivationRecord?) throws -> ActivationRecord
    ) throws -> ActivationRecord {
        try database.write { db in
            if let codeHash { try Self.redeemActivationCode(db, codeHash: codeHash, serverID: serverID, at: now) }
            let current = try Self.activation(db, serverID: serverID)
            let record = try mint(current)
            try db.execute(
                sql: """
                    INSERT INTO server_certificates (certificate_serial, server_id, name, activated_at, not_after, certificate, root_key_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.certificateSerial, record.serverID, record.name, record.activatedAt.timeIntervalSince1970,
                    record.notAfter.timeIntervalSince1970, Data(record.certificate), record.rootKeyID,
                ]
            )
            try db.execute(
                sql: """
                    INSERT INTO activations (server_id, name, certificate_serial, activated_at, not_after, certificate)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(server_id) DO UPDATE SET name = excluded.name, certificate_serial = excluded.certificate_serial,
                        activated_at = excluded.activated_at, not_after = excluded.not_after, certificate = excluded.certificate
                    """,
                arguments: [
                    record.serverID, record.name, record.certificateSerial, record.activatedAt.timeIntervalSince1970,
                    record.notAfter.timeIntervalSince1970, Data(record.certificate),
                ]
            )
            let detail = "\(record.name), certificate \(record.certificateSerial) until \(AuditEntry.timestamp(record.notAfter))"
            if let current {
                try AuditLog.append(
                    db, at: now, event: "server-reactivated", subject: record.serverID,
                    detail: detail + ", replacing \(current.certificateSerial)"
                )
                if let reason {
                    _ = try Self.revoke(db, certificateSerial: current.certificateSerial, reason: reason, at: now, now: now)
                }
            } else {
                try AuditLog.append(db, at: now, event: "server-activated", subject: record.serverID, detail: detail)
            }
            return record
        }
    }

    public func serverCertificates() throws -> [ActivationRecord] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM server_certificates ORDER BY activated_at, rowid").map(Self.activation(row:))
        }
    }

    public func activation(serverID: String) throws -> ActivationRecord? {
        try database.read { db in try Self.activation(db, serverID: serverID) }
    }

    public func activations() throws -> [ActivationRecord] {
        try database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT c.* FROM activations a JOIN server_certificates c ON c.certificate_serial = a.certificate_serial
                    ORDER BY a.rowid
                    """
            ).map(Self.activation(row:))
        }
    }

    private static func activation(_ db: Database, serverID: String) throws -> ActivationRecord? {
        try Row.fetchOne(
            db,
            sql: """
                SELECT c.* FROM activations a JOIN server_certificates c ON c.certificate_serial = a.certificate_serial
                WHERE a.server_id = ?
                """,
            arguments: [serverID]
        ).map(activation(row:))
    }

    private static func activation(row: Row) throws -> ActivationRecord {
        ActivationRecord(
            serverID: try row.value("server_id"),
            name: try row.value("name"),
            certificateSerial: try row.value("certificate_serial"),
            activatedAt: Date(timeIntervalSince1970: try row.value("activated_at")),
            notAfter: Date(timeIntervalSince1970: try row.value("not_after")),
            certificate: Array(try row.value("certificate") as Data),
            revokedAt: (try row.value("revoked_at") as Double?).map(Date.init(timeIntervalSince1970:)),
            revocationReason: try row.value("revocation_reason"),
            rootKeyID: try row.value("root_key_id")
        )
    }

    public func soldPacks() throws -> [SoldPack] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM sold_packs ORDER BY issued_at, rowid").map(Self.soldPack(row:))
        }
    }

    static func soldPack(row: Row) throws -> SoldPack {
        SoldPack(
            packID: try row.value("pack_id"),
            serverID: try row.value("server_id"),
            licenseType: try row.value("license_type"),
            count: try row.value("count"),
            product: try row.value("product"),
            productVersion: try row.value("product_version"),
            agreementNumber: try row.value("agreement_number"),
            issuedAt: Date(timeIntervalSince1970: try row.value("issued_at"))
        )
    }

    public func revokeServer(certificateSerial: String, reason: Int, at revokedAt: Date, now: Date) throws -> ActivationRecord {
        try database.write { db in try Self.revoke(db, certificateSerial: certificateSerial, reason: reason, at: revokedAt, now: now) }
    }

    /// Revokes a server certificate inside the caller's transaction, as of `revokedAt`, recorded at `now`.
    private static func revoke(_ db: Database, certificateSerial: String, reason: Int, at revokedAt: Date, now: Date) throws -> ActivationRecord {
        guard let row = try Row.fetchOne(
            db,
            sql: "SELECT * FROM server_certificates WHERE certificate_serial = ?",
            arguments: [certificateSerial]
        ) else {
            throw CALError.unknownSerial(certificateSerial)
        }
        guard (try row.value("revoked_at") as Double?) == nil else { throw CALError.alreadyRevoked(certificateSerial) }
        try db.execute(
            sql: "UPDATE server_certificates SET revoked_at = ?, revocation_reason = ? WHERE certificate_serial = ?",
            arguments: [revokedAt.timeIntervalSince1970, reason, certificateSerial]
        )
        var record = try activation(row: row)
        record.revokedAt = revokedAt
        record.revocationReason = reason
        try AuditLog.append(
            db, at: now, event: "server-revoked", subject: certificateSerial, detail: "\(record.serverID), reason \(reason)"
        )
        return record
    }

    public func publishRevocations<Result>(
        rootKeyID: String,
        now: Date,
        sign: (RevokedRows) throws -> Result
    ) throws -> Result {
        try database.publishRevocations(
            table: "server_certificates", serialColumn: "certificate_serial", scope: ("root_key_id", rootKeyID), now: now, sign: sign
        )
    }
}
