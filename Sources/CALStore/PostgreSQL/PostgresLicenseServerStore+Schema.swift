import Foundation

/// The license server's PostgreSQL schema: the SQLite schema as it stands after its last
/// migration, in PostgreSQL's types, with an `id` column where SQLite orders by rowid.
extension PostgresLicenseServerStore {
    static let migrations: [(name: String, statements: [String])] = [
        ("license-server-v1", tables + revocationLog + PostgresAuditLog.schema)
    ]

    private static let tables = [
        """
        CREATE TABLE packs (
            id BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
            pack_id TEXT PRIMARY KEY,
            license_type TEXT NOT NULL,
            product TEXT NOT NULL,
            product_version TEXT NOT NULL,
            count INTEGER NOT NULL CHECK (count > 0),
            agreement_number TEXT NOT NULL,
            installed_at DOUBLE PRECISION NOT NULL,
            signed_bytes BYTEA NOT NULL
        )
        """,
        """
        CREATE TABLE licenses (
            id BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
            serial TEXT PRIMARY KEY,
            license_type TEXT NOT NULL,
            status TEXT NOT NULL,
            product TEXT NOT NULL,
            product_version TEXT NOT NULL,
            subject_name TEXT NOT NULL,
            pack_id TEXT REFERENCES packs (pack_id),
            seat INTEGER,
            not_before DOUBLE PRECISION NOT NULL,
            not_after DOUBLE PRECISION NOT NULL,
            certificate BYTEA NOT NULL,
            revoked_at DOUBLE PRECISION,
            revocation_reason INTEGER,
            revoked_for_transfer BOOLEAN NOT NULL DEFAULT FALSE,
            superseded_by TEXT,
            issuer_key_id TEXT
        )
        """,
        "CREATE INDEX licenses_by_pack ON licenses (pack_id, not_after)",
        "CREATE INDEX licenses_by_subject ON licenses (subject_name, license_type, product)",
        "CREATE INDEX licenses_by_issuer ON licenses (issuer_key_id, not_after)",
        """
        CREATE INDEX licenses_revoked_by_issuer ON licenses (issuer_key_id, revoked_at, serial) INCLUDE (not_after, revocation_reason)
        WHERE revoked_at IS NOT NULL
        """,
        """
        CREATE INDEX licenses_revocation_quota ON licenses (product, product_version, not_after)
        WHERE revoked_at IS NOT NULL AND NOT revoked_for_transfer AND license_type = 'per-device' AND status = 'permanent'
        """,
        // One row per per-device seat; free when its holder's license has expired (or it never
        // had one: not_after 0). Issuers lock the seat they take (FOR UPDATE SKIP LOCKED).
        """
        CREATE TABLE seats (
            pack_id TEXT NOT NULL REFERENCES packs (pack_id),
            seat INTEGER NOT NULL,
            holder_serial TEXT,
            not_after DOUBLE PRECISION NOT NULL DEFAULT 0,
            PRIMARY KEY (pack_id, seat)
        )
        """,
        "CREATE INDEX seats_by_expiry ON seats (pack_id, not_after, seat)",
        "CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
        "CREATE TABLE used_grants (grant_id TEXT PRIMARY KEY, used_at DOUBLE PRECISION NOT NULL, new_serial TEXT NOT NULL)",
        """
        CREATE TABLE seat_reclaims (
            pack_id TEXT NOT NULL, seat INTEGER NOT NULL, serial TEXT NOT NULL,
            expired_at DOUBLE PRECISION NOT NULL, reclaimed_at DOUBLE PRECISION NOT NULL
        )
        """,
        """
        CREATE TABLE issuers (
            id BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
            key_id TEXT PRIMARY KEY,
            certificate_serial TEXT NOT NULL,
            certificate BYTEA NOT NULL,
            key_file TEXT NOT NULL,
            chain_file TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('active', 'retired', 'compromised')),
            activated_at DOUBLE PRECISION NOT NULL,
            retired_at DOUBLE PRECISION
        )
        """,
        "CREATE UNIQUE INDEX one_active_issuer ON issuers (status) WHERE status = 'active'",
        "CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """
        CREATE TABLE hosts (
            id BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
            host_id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            secret_hash TEXT NOT NULL,
            enrolled_at DOUBLE PRECISION NOT NULL,
            removed_at DOUBLE PRECISION
        )
        """,
        "CREATE UNIQUE INDEX hosts_enrolled_name ON hosts (name) WHERE removed_at IS NULL",
    ]

    /// Every revocation in the order it happened, filled by a trigger whichever statement
    /// revokes; delta CRLs read from their base on. A revoking transaction holds the audit
    /// chain's head from its start, so sequence numbers are taken in commit order.
    private static let revocationLog = [
        "CREATE TABLE revocation_log (sequence BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, serial TEXT NOT NULL)",
        """
        CREATE FUNCTION log_revocation() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO revocation_log (serial) VALUES (NEW.serial);
            RETURN NEW;
        END $$
        """,
        """
        CREATE TRIGGER licenses_revocation_logged AFTER UPDATE OF revoked_at ON licenses
        FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL) EXECUTE FUNCTION log_revocation()
        """,
    ]
}
