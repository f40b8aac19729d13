"""`cfssl gencrl` over N revoked serial numbers, for `make bench`'s CRL rows.

Makes a P-256 CA with openssl in a temporary folder and a list of N serials (decimal, one per
line, as cfssl reads them), then times one `cfssl gencrl` (the list read, the CRL built and
signed, written as base64 DER). Prints `cfssl_crl_s=S cfssl_crl_peak_rss_mb=M entries=N`.
"""
import os
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import time

count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
cfssl = shutil.which("cfssl")
if cfssl is None:
    sys.exit(1)
with tempfile.TemporaryDirectory(prefix="calbench-cfssl-crl-") as folder:
    def path(name):
        return os.path.join(folder, name)

    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", path("ca-key.pem"), "-out", path("ca.pem"), "-subj", "/CN=Bench CA", "-days", "365"],
                   check=True, capture_output=True)
    with open(path("serials.txt"), "w") as serials:
        for _ in range(count):
            serials.write(f"{int.from_bytes(secrets.token_bytes(16), 'big') >> 1}\n")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    with open(path("crl.b64"), "wb") as out:
        # Debian's 2016 build reads a fourth argument as a file name: the default expiry is used.
        subprocess.run([cfssl, "gencrl", path("serials.txt"), path("ca.pem"), path("ca-key.pem")],
                       check=True, stdout=out, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"cfssl_crl_s={elapsed:.3f} cfssl_crl_peak_rss_mb={peak:.0f} entries={count}")
