#!/usr/bin/env bash
# Regenerates the sample PKI in certs/ with calkit itself (`make certs`).
# Usage: scripts/make-certs.sh CALKIT_BINARY OUTPUT_DIR
set -euo pipefail
calkit=$1
out=$(mkdir -p "$2" && cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
q() { "$calkit" "$@" >/dev/null; }

q clearinghouse init --home ch --name "CALKit Sample Clearinghouse"
q server init --home ls --name "CALKit Sample License Server"
q clearinghouse activate --home ch --request ls/activation-request.pem --out chain.pem
q server install-certificate --home ls chain.pem
q clearinghouse issue-pack --home ch --server-certificate ls/server-chain.pem --type per-device --count 10 \
    --product "Sample Desktop" --product-version 1.0 --agreement SAMPLE-1 --out per-device.keypack
q clearinghouse issue-pack --home ch --server-certificate ls/server-chain.pem --type per-user --count 10 \
    --product "Sample Desktop" --product-version 1.0 --agreement SAMPLE-2 --out per-user.keypack
q server install-pack --home ls per-device.keypack
q server install-pack --home ls per-user.keypack
q client init --home client --device-id SAMPLE-DEVICE-1
q client request --home client --out per-device.csr
q client request --home client --user sample.user@example.com --out per-user.csr
q server issue --home ls --request per-device.csr --type per-device --out per-device-cal.pem
q server issue --home ls --request per-user.csr --type per-user --out per-user-cal.pem
q server issue --home ls --request per-device.csr --type per-device --temporary --out temporary-cal.pem

cp ch/root.pem "$out/root.pem"
cp ls/server-chain.pem "$out/server-chain.pem"
cp ls/activation-request.pem "$out/activation-request.pem"
cp per-device.keypack per-user.keypack per-device.csr per-user.csr "$out/"
cp per-device-cal.pem per-user-cal.pem temporary-cal.pem "$out/"
install -m 0600 client/client-key.pem "$out/client-key.pem"
echo "sample PKI written to $out"
