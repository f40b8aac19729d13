"""Fills a license server's ledger with N revoked, unexpired licenses of its active issuer,
for `make bench`'s `calkit server crl` row (rows only: no certificates, journal or audit).

Usage: ledger_fill.py LEDGER N
"""
import secrets
import sqlite3
import sys
import time

path, count = sys.argv[1], int(sys.argv[2])
db = sqlite3.connect(path)
(issuer,) = db.execute("SELECT key_id FROM issuers WHERE status = 'active'").fetchone()
now = time.time()
rows = (
    ("4" + secrets.token_hex(16)[1:], "per-device", "temporary", "Bench", "1", f"device-{n}", None, None,
     now - 86_400, now + 90 * 86_400, b"\x30", issuer, now - (n % 86_400), 1)
    for n in range(count)
)
db.executemany(
    "INSERT INTO licenses (serial, license_type, status, product, product_version, subject_name, pack_id, seat, "
    "not_before, not_after, certificate, issuer_key_id, revoked_at, revocation_reason) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    rows,
)
db.commit()
print(f"filled={count}")
