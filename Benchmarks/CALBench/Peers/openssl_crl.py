"""`openssl ca -gencrl` over N revoked certificates, for `make bench`'s CRL rows.

Makes a P-256 CA and an index of N revoked serials in a temporary folder, then times one
`openssl ca -gencrl` (the index is read, the CRL built and signed and written as PEM).
Prints `openssl_crl_s=S openssl_crl_peak_rss_mb=M entries=N`.
"""
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time

count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
with tempfile.TemporaryDirectory(prefix="calbench-openssl-crl-") as folder:
    def path(name):
        return os.path.join(folder, name)

    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", path("ca.key"), "-out", path("ca.pem"), "-subj", "/CN=Bench CA", "-days", "365"],
                   check=True, capture_output=True)
    with open(path("index.txt"), "w") as index:
        for number in range(count):
            serial = "4" + secrets.token_hex(16)[1:].upper()
            index.write(f"R\t301231235959Z\t261130120000Z,keyCompromise\t{serial}\tunknown\t/CN=device-{number}\n")
    with open(path("crlnumber"), "w") as crlnumber:
        crlnumber.write("01\n")
    with open(path("openssl.cnf"), "w") as config:
        config.write(f"""[ca]
default_ca = bench
[bench]
dir = {folder}
database = $dir/index.txt
crlnumber = $dir/crlnumber
certificate = $dir/ca.pem
private_key = $dir/ca.key
default_md = sha256
default_crl_days = 1
unique_subject = no
""")
    start = time.perf_counter()
    subprocess.run(["openssl", "ca", "-gencrl", "-config", path("openssl.cnf"), "-out", path("crl.pem")],
                   check=True, capture_output=True)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"openssl_crl_s={elapsed:.3f} openssl_crl_peak_rss_mb={peak:.0f} entries={count}")
