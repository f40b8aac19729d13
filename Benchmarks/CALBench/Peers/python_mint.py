"""Python cryptography minting CALKit's client-license profile in memory, for `make bench`.

Prints `python_mint_per_s=N`: certificates built and signed (P-256, ECDSA-SHA256) per second,
each with a new serial, the profile's extensions and a license extension of CALKit's size.
"""
import datetime
import sys
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID, ObjectIdentifier

seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
issuer_key = ec.generate_private_key(ec.SECP256R1())
client_key = ec.generate_private_key(ec.SECP256R1()).public_key()
now = datetime.datetime.now(datetime.timezone.utc)
issuer_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Bench Server"),
                         x509.NameAttribute(NameOID.SERIAL_NUMBER, "AGFAFQARWCAYFD9J69WX9G7AEH9TG7EYPWJ")])
issuer_ski = x509.SubjectKeyIdentifier.from_public_key(issuer_key.public_key())
license_value = bytes(120)  # the license extension's DER is about this long
purpose = ObjectIdentifier("1.3.6.1.4.1.32473.2002.2")
license_oid = ObjectIdentifier("1.3.6.1.4.1.32473.2002.1")

count = 0
start = time.perf_counter()
while time.perf_counter() - start < seconds:
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "BENCH-1")]))
        .issuer_name(issuer_name)
        .public_key(client_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=60))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([purpose]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(client_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(issuer_ski), critical=False)
        .add_extension(x509.UnrecognizedExtension(license_oid, license_value), critical=False)
    )
    builder.sign(issuer_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
    count += 1
print(f"python_mint_per_s={count / (time.perf_counter() - start):.0f}")
