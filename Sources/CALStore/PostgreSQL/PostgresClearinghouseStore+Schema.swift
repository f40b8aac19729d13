import Foundation

/// The clearinghouse's PostgreSQL schema: the SQLite schema after its last migration, in
/// PostgreSQL's types, with an `id` column where SQLite orders by rowid.
extension PostgresClearinghouseStore {
    static let migrations: [(name: String, statements: [String])] = [
        ("clearinghouse-v1", tables + PostgresAuditLog.schema)
    ]

    private static let tables = [
        """
        CREATE TABLE server_certificates (
            id BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
            certificate_serial TEXT PRIMARY KEY,
            server_id TEXT NOT NULL,
            name TEXT NOT NULL,
            activated_at DOUBLE PRECISION NOT NULL,
            not_after DOUBLE PRECISION NOT NULL,
            certificate BYTEA NOT NULL,
            revoked_at DOUBLE PRECISION,
            revocation_reason INTEGER,
            root_key_id TEXT
        )
        """,
        "CREATE INDEX server_certificates_by_server ON server_certificates (server_id)",
        """
        CREATE TABLE activations (
            id BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
            server_id TEXT PRIMARY KEY,
            certificate_serial TEXT NOT NULL REFERENCES server_certificates (certificate_serial)
        )
        """,
        """
        CREATE TABLE sold_packs (
            id BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
            pack_id TEXT PRIMARY KEY,
            server_id TEXT NOT NULL REFERENCES activations (server_id),
            license_type TEXT NOT NULL,
            count INTEGER NOT NULL,
            product TEXT NOT NULL,
            product_version TEXT NOT NULL,
            agreement_number TEXT NOT NULL,
            issued_at DOUBLE PRECISION NOT NULL,
            signed BYTEA
        )
        """,
        "CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
        """
        CREATE TABLE transfers (
            id BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
            server_id TEXT NOT NULL,
            key_pack_id TEXT NOT NULL,
            seat INTEGER NOT NULL,
            old_serial TEXT NOT NULL,
            grant_id TEXT NOT NULL UNIQUE,
            granted_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (server_id, key_pack_id, seat)
        )
        """,
        """
        CREATE TABLE roots (
            id BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
            key_id TEXT PRIMARY KEY,
            certificate BYTEA NOT NULL,
            file_prefix TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('active', 'retired')),
            activated_at DOUBLE PRECISION NOT NULL,
            retired_at DOUBLE PRECISION
        )
        """,
        "CREATE UNIQUE INDEX one_active_root ON roots (status) WHERE status = 'active'",
        """
        CREATE TABLE activation_codes (
            code_hash TEXT PRIMARY KEY,
            agreement_number TEXT NOT NULL,
            issued_at DOUBLE PRECISION NOT NULL,
            expires_at DOUBLE PRECISION NOT NULL,
            used_at DOUBLE PRECISION,
            server_id TEXT
        )
        """,
        "CREATE TABLE pack_reissues (pack_id TEXT NOT NULL REFERENCES sold_packs (pack_id), reissued_at DOUBLE PRECISION NOT NULL)",
        "CREATE INDEX pack_reissues_by_pack ON pack_reissues (pack_id)",
        """
        CREATE TABLE pack_codes (
            code_hash TEXT PRIMARY KEY,
            agreement_number TEXT NOT NULL,
            license_type TEXT NOT NULL,
            product TEXT NOT NULL,
            product_version TEXT NOT NULL,
            count INTEGER NOT NULL,
            issued_at DOUBLE PRECISION NOT NULL,
            expires_at DOUBLE PRECISION NOT NULL,
            used_at DOUBLE PRECISION,
            pack_id TEXT
        )
        """,
        """
        CREATE TABLE transfer_applications (
            id TEXT PRIMARY KEY,
            old_serial TEXT NOT NULL UNIQUE,
            server_id TEXT NOT NULL,
            key_pack_id TEXT NOT NULL,
            seat INTEGER NOT NULL,
            license BYTEA NOT NULL,
            submitted_at DOUBLE PRECISION NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),
            decided_at DOUBLE PRECISION,
            grant_bytes BYTEA,
            refusal TEXT,
            position BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE
        )
        """,
    ]
}
