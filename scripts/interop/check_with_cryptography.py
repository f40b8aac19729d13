#!/usr/bin/env python3
"""Independent check of CALKit artefacts with Python's `cryptography`.

Usage: check_with_cryptography.py ITEM...
  cert:FILE[:ISSUER_FILE]  load the first certificate of FILE; with ISSUER_FILE, verify its
                           signature with the issuer's public key (first certificate there)
  csr:FILE                 load a CSR and check its self-signature
  key:FILE                 load an unencrypted private key
  enckey:FILE:PASS_FILE    load an encrypted private key with the passphrase on PASS_FILE's
                           first line; prints the SHA-256 of its SubjectPublicKeyInfo
  pack:FILE:ROOT_FILE      parse a key pack's CMS SignedData (DER) and verify that its signing
                           certificate was issued by the root
Prints one line per item and exits 1 if any item fails.
"""
import hashlib
import sys

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs7

LICENSE_EXTENSION = x509.ObjectIdentifier("1.3.6.1.4.1.32473.2002.1")
LICENSE_PURPOSE = x509.ObjectIdentifier("1.3.6.1.4.1.32473.2002.2")


def first_certificate(path):
    with open(path, "rb") as handle:
        return x509.load_pem_x509_certificates(handle.read())[0]


def check(item):
    kind, _, rest = item.partition(":")
    if kind == "cert":
        path, _, issuer_path = rest.partition(":")
        certificate = first_certificate(path)
        notes = [certificate.subject.rfc4514_string()]
        try:
            certificate.extensions.get_extension_for_oid(LICENSE_EXTENSION)
            usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
            if LICENSE_PURPOSE not in list(usage):
                raise ValueError("license without id-kp-clientLicense")
            notes.append("license")
        except x509.ExtensionNotFound:
            pass
        if issuer_path:
            certificate.verify_directly_issued_by(first_certificate(issuer_path))
            notes.append("signature ok")
        return "cert " + path + ": " + ", ".join(notes)
    if kind == "csr":
        with open(rest, "rb") as handle:
            request = x509.load_pem_x509_csr(handle.read())
        if not request.is_signature_valid:
            raise ValueError("CSR signature does not verify")
        return "csr " + rest + ": " + request.subject.rfc4514_string() + ", signature ok"
    if kind == "key":
        with open(rest, "rb") as handle:
            key = serialization.load_pem_private_key(handle.read(), password=None)
        return "key " + rest + ": " + type(key).__name__
    if kind == "enckey":
        path, _, pass_path = rest.partition(":")
        with open(pass_path, "rb") as handle:
            passphrase = handle.read().splitlines()[0]
        with open(path, "rb") as handle:
            key = serialization.load_pem_private_key(handle.read(), password=passphrase)
        spki = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        return "enckey " + path + ": " + type(key).__name__ + ", spki-sha256=" + hashlib.sha256(spki).hexdigest()
    if kind == "pack":
        path, _, root_path = rest.partition(":")
        with open(path, "rb") as handle:
            certificates = pkcs7.load_der_pkcs7_certificates(handle.read())
        if len(certificates) != 1:
            raise ValueError("expected the signing certificate alone, found %d" % len(certificates))
        certificates[0].verify_directly_issued_by(first_certificate(root_path))
        return "pack " + path + ": signed by " + certificates[0].subject.rfc4514_string() + ", issued by the root"
    raise ValueError("unknown item kind " + kind)


def main(items):
    failures = 0
    for item in items:
        try:
            print("ok   " + check(item))
        except Exception as error:  # report every failure, then exit non-zero
            failures += 1
            print("FAIL " + item + ": " + repr(error))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
