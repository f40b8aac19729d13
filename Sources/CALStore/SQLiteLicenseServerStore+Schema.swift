import CALCore
import CALLicensing
import Foundation
import GRDB

/// The license server's SQLite schema: one migration per step, applied in order at open.
extension SQLiteLicenseServerStore {
    @Sendable static func createSchema(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE packs (
                    pack_id TEXT PRIMARY KEY NOT NULL,
                    license_type TEXT NOT NULL,
                    product TEXT NOT NULL,
                    product_version TEXT NOT NULL,
                    count INTEGER NOT NULL CHECK (count > 0),
                    agreement_number TEXT NOT NULL,
                    installed_at DOUBLE NOT NULL,
                    signed_bytes BLOB NOT NULL
                );
                CREATE TABLE licenses (
                    serial TEXT PRIMARY KEY NOT NULL,
                    license_type TEXT NOT NULL,
                    status TEXT NOT NULL,
                    product TEXT NOT NULL,
                    product_version TEXT NOT NULL,
                    subject_name TEXT NOT NULL,
                    pack_id TEXT REFERENCES packs(pack_id),
                    seat INTEGER,
                    not_before DOUBLE NOT NULL,
                    not_after DOUBLE NOT NULL,
                    certificate BLOB NOT NULL
                );
                CREATE INDEX licenses_by_pack ON licenses(pack_id, not_after);
                -- One row per per-device seat. A seat is free when its holder's license has expired
                -- (or it never had one: not_after 0), so finding a free seat is one index probe.
                CREATE TABLE seats (
                    pack_id TEXT NOT NULL REFERENCES packs(pack_id),
                    seat INTEGER NOT NULL,
                    holder_serial TEXT,
                    not_after DOUBLE NOT NULL DEFAULT 0,
                    PRIMARY KEY (pack_id, seat)
                );
                CREATE INDEX seats_by_expiry ON seats(pack_id, not_after, seat);
                """
        )
    }

    @Sendable static func addRevocation(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE licenses ADD COLUMN revoked_at DOUBLE;
                ALTER TABLE licenses ADD COLUMN revocation_reason INTEGER;
                ALTER TABLE licenses ADD COLUMN revoked_for_transfer INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX licenses_revoked ON licenses(not_after) WHERE revoked_at IS NOT NULL;
                CREATE TABLE counters (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);
                """
        )
    }

    @Sendable static func addTransfers(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE used_grants (
                    grant_id TEXT PRIMARY KEY NOT NULL,
                    used_at DOUBLE NOT NULL,
                    new_serial TEXT NOT NULL
                );
                """
        )
    }

    @Sendable static func addRenewal(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE licenses ADD COLUMN superseded_by TEXT;
                CREATE INDEX licenses_by_subject ON licenses(subject_name, license_type, product);
                CREATE TABLE seat_reclaims (
                    pack_id TEXT NOT NULL,
                    seat INTEGER NOT NULL,
                    serial TEXT NOT NULL,
                    expired_at DOUBLE NOT NULL,
                    reclaimed_at DOUBLE NOT NULL
                );
                """
        )
    }

    @Sendable static func addIssuers(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE issuers (
                    key_id TEXT PRIMARY KEY NOT NULL,
                    certificate_serial TEXT NOT NULL,
                    certificate BLOB NOT NULL,
                    key_file TEXT NOT NULL,
                    chain_file TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('active', 'retired', 'compromised')),
                    activated_at DOUBLE NOT NULL,
                    retired_at DOUBLE
                );
                CREATE UNIQUE INDEX one_active_issuer ON issuers(status) WHERE status = 'active';
                ALTER TABLE licenses ADD COLUMN issuer_key_id TEXT;
                CREATE INDEX licenses_by_issuer ON licenses(issuer_key_id, not_after);
                """
        )
    }

    /// The revoked licenses of one issuer in CRL order, with every column a CRL reads: a CRL
    /// reads them from this index alone, as they are listed, without sorting a million rows in a
    /// temporary B-tree first.
    @Sendable static func indexRevokedByIssuer(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE INDEX licenses_revoked_by_issuer ON licenses(issuer_key_id, revoked_at, serial, not_after, revocation_reason)
                WHERE revoked_at IS NOT NULL
                """
        )
    }

    /// The revocation log (every revocation in the order it happened, filled by a trigger
    /// whichever statement revokes) that delta CRLs read from their base on; and the index the
    /// revocation quota counts with, which holds only the revocations the quota limits, so that
    /// revoking one license beside a million revoked ones costs a few index pages.
    @Sendable static func addRevocationLog(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE revocation_log (sequence INTEGER PRIMARY KEY, serial TEXT NOT NULL);
                CREATE TRIGGER licenses_revocation_logged AFTER UPDATE OF revoked_at ON licenses
                WHEN OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL
                BEGIN INSERT INTO revocation_log (serial) VALUES (NEW.serial); END;
                CREATE INDEX licenses_revocation_quota ON licenses(product, product_version, not_after)
                WHERE revoked_at IS NOT NULL AND revoked_for_transfer = 0 AND license_type = 'per-device' AND status = 'permanent';
                """
        )
    }

    @Sendable static func addSettings(_ db: Database) throws {
        try db.execute(sql: "CREATE TABLE settings (name TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)")
    }
}
