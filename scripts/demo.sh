#!/usr/bin/env bash
# The main job end to end, on a fresh state folder: what `make run` shows.
# Usage: scripts/demo.sh CALKIT_BINARY STATE_DIR
set -euo pipefail
calkit=$1
state=$2
rm -rf "$state"
mkdir -p "$state"
cd "$state"

step() { if [ -t 1 ]; then printf '\n\033[1m== %s\033[0m\n' "$*"; else printf '\n== %s\n' "$*"; fi; }
show() { printf '$ calkit'; printf ' %q' "$@"; printf '\n'; "$calkit" "$@"; }
# Runs like show, and keeps the telephone groups the command printed in $groups.
show_groups() {
    local out
    out=$(show "$@")
    printf '%s\n' "$out"
    groups=$(printf '%s\n' "$out" | grep -oE '[0-9]+: [0-9A-Z]{6}' | awk '{print $2}' | paste -sd' ')
}

step "1. The vendor creates its clearinghouse (root CA)"
show clearinghouse init --home clearinghouse --name "Contoso Clearinghouse"

step "2. An administrator creates a license server; the clearinghouse activates it (file method)"
show server init --home license-server --name "Headquarters License Server"
show clearinghouse activate --home clearinghouse --request license-server/activation-request.pem --out activation-chain.pem
show server install-certificate --home license-server activation-chain.pem

step "3. The clearinghouse sells key packs bound to that server, and the server installs them"
show clearinghouse issue-pack --home clearinghouse --server-certificate license-server/server-chain.pem \
    --type per-device --count 1 --product "Remote Desktop" --product-version 2026 --agreement 4711-0001 --out per-device.keypack
show clearinghouse issue-pack --home clearinghouse --server-certificate license-server/server-chain.pem \
    --type per-user --count 25 --product "Remote Desktop" --product-version 2026 --agreement 4711-0002 --out per-user.keypack
show server install-pack --home license-server per-device.keypack
show server install-pack --home license-server per-user.keypack

step "3b. A branch office with only a telephone: activation and a key pack, read out in checked groups"
show server init --home branch --name "Branch Office"
echo "(the branch administrator reads these groups to the clearinghouse operator)"
show_groups server activate --home branch --telephone
echo "(the operator types them in; a group that does not check is named by its number; the answer is read back)"
show_groups clearinghouse activate --home clearinghouse --telephone --code "$groups"
cat clearinghouse/root.pem clearinghouse/signer.pem > vendor-certificates.pem
echo "(the branch rebuilds its certificate from the groups and the vendor's certificates that came with the product)"
show server activate --home branch --telephone-response "$groups" --vendor-certificates vendor-certificates.pem
branch_id=$("$calkit" server status --home branch --json | sed -n 's/.*"serverID" : "\([^"]*\)".*/\1/p')
show_groups clearinghouse issue-pack --home clearinghouse --telephone --server-id "$branch_id" \
    --type per-device --count 5 --product "Remote Desktop" --product-version 2026 --agreement 4711-0003
echo "(a larger count than was sold does not verify: the groups carry the clearinghouse's signature over the order)"
if show server install-pack --home branch --telephone-response "$groups" --type per-device --count 50 \
    --product "Remote Desktop" --product-version 2026 --agreement 4711-0003; then
    echo "unexpected: a pack installed with more seats than were sold" >&2
    exit 1
fi
show server install-pack --home branch --telephone-response "$groups" --type per-device --count 5 \
    --product "Remote Desktop" --product-version 2026 --agreement 4711-0003

step "4. Two clients create their keys: a kiosk PC and Alice's laptop"
show client init --home kiosk --device-id KIOSK-0001
show client init --home laptop --device-id LAPTOP-ALICE --key-type ed25519

step "5. The license server mints a per-device CAL for the kiosk and a per-user CAL for Alice"
show client request --home kiosk --out kiosk.csr
show server issue --home license-server --request kiosk.csr --type per-device --out kiosk-cal.pem
show client request --home laptop --user alice@contoso.example --out alice.csr
show server issue --home license-server --request alice.csr --type per-user --out alice-cal.pem

step "6. The clients store their licenses and verify them against the clearinghouse root"
show client install --home kiosk kiosk-cal.pem
show client install --home laptop alice-cal.pem
show client verify --home kiosk --trust clearinghouse/root.pem
show client verify --home laptop --trust clearinghouse/root.pem
show verify kiosk-cal.pem --trust clearinghouse/root.pem --chain license-server/server-chain.pem --device-id KIOSK-0001

step "7. Refusals: the per-device pool is exhausted, and a tampered license is caught"
show client init --home second-pc --device-id PC-0002
show client request --home second-pc --out second-pc.csr
if show server issue --home license-server --request second-pc.csr --type per-device --out second-pc-cal.pem; then
    echo "unexpected: a seat was issued beyond the pack" >&2
    exit 1
fi
[ ! -e second-pc-cal.pem ] && echo "(no license file was written)"
python3 - kiosk-cal.pem tampered-cal.pem <<'PY'
import base64, sys
text = open(sys.argv[1]).read()
blocks = text.split("-----END CERTIFICATE-----")
body = blocks[0].split("-----BEGIN CERTIFICATE-----")[1]
der = bytearray(base64.b64decode("".join(body.split())))
needle = b"Remote Desktop"
at = der.find(needle)
der[at] ^= 0x20  # "Remote" becomes "remote": one flipped bit inside the signed part
pem = base64.encodebytes(bytes(der)).decode()
open(sys.argv[2], "w").write("-----BEGIN CERTIFICATE-----\n" + pem + "-----END CERTIFICATE-----" + "-----END CERTIFICATE-----".join(blocks[1:]))
PY
if show verify tampered-cal.pem --trust clearinghouse/root.pem --chain license-server/server-chain.pem; then
    echo "unexpected: a tampered license verified" >&2
    exit 1
fi

step "8. The kiosk's CAL moves to the second PC: once, through the clearinghouse"
echo "(a complete CRL first; the revocation the transfer makes then goes out as a delta CRL on top of it)"
show server crl --home license-server --out license-server.crl
show clearinghouse authorize-transfer --home clearinghouse --license kiosk-cal.pem --out transfer.grant
show server transfer --home license-server --grant transfer.grant --request second-pc.csr --out second-pc-cal.pem
if show clearinghouse authorize-transfer --home clearinghouse --license second-pc-cal.pem --out second.grant; then
    echo "unexpected: a seat was transferred twice" >&2
    exit 1
fi
show server crl --home license-server --out license-server-delta.crl --delta
show verify second-pc-cal.pem --trust clearinghouse/root.pem --chain license-server/server-chain.pem --crl license-server.crl --crl license-server-delta.crl --device-id PC-0002
if show verify kiosk-cal.pem --trust clearinghouse/root.pem --chain license-server/server-chain.pem --crl license-server.crl --crl license-server-delta.crl; then
    echo "unexpected: the transferred-away CAL still verifies" >&2
    exit 1
fi

step "9. A session host runs the logon flow for a new PC; --now walks it through time"
show clearinghouse issue-pack --home clearinghouse --server-certificate license-server/server-chain.pem \
    --type per-device --count 2 --product "Remote Desktop" --product-version 2026 --agreement 4711-0003 --out more.keypack
show server install-pack --home license-server more.keypack
show host init --home session-host --mode per-device --license-server-home license-server --product "Remote Desktop"
show client init --home office-pc --device-id OFFICE-PC-7
echo "(first logon: a temporary license, and the host's 120-day grace period starts)"
show host logon --home session-host --client-home office-pc
echo "(second logon: a seat is free, so the temporary license becomes a permanent CAL; the grace period ends)"
show host logon --home session-host --client-home office-pc --json
renew_at=$("$calkit" client verify --home office-pc --trust clearinghouse/root.pem --json | python3 -c '
import json, sys, datetime
expiry = max(datetime.datetime.fromisoformat(item["notAfter"].replace("Z", "+00:00"))
             for item in json.load(sys.stdin) if item.get("status") == "permanent")
print((expiry - datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ"))')
echo "(three days before the CAL expires: the logon renews it on the same seat)"
show host logon --home session-host --client-home office-pc --now "$renew_at" --json
show host status --home session-host --now "$renew_at"

step "10. Every key rotates: license server, client, clearinghouse root; keys are encrypted at rest"
export CALKIT_NOW="$renew_at"
echo "(the rest of the story happens on the day of that renewal: CALKIT_NOW=$renew_at; openssl -attime likewise)"
attime=$(date -u -d "$renew_at" +%s)
echo "(the license server re-keys; its current key keeps issuing until the clearinghouse answers)"
show client init --home reception-pc --device-id RECEPTION-PC
show client request --home reception-pc --out reception.csr
show server rotate --home license-server
show server issue --home license-server --request reception.csr --type per-device --product "Remote Desktop" --out reception-cal.pem
show clearinghouse activate --home clearinghouse --request license-server/activation-request.pem --out license-server-rekeyed.pem
show server install-certificate --home license-server license-server-rekeyed.pem
echo "(a CAL signed by the retired key still verifies, with calkit and with openssl)"
show verify reception-cal.pem --trust clearinghouse/root.pem --device-id RECEPTION-PC
openssl verify -attime "$attime" -CAfile clearinghouse/root.pem -untrusted reception-cal.pem reception-cal.pem
show server status --home license-server
echo "(the office PC replaces its key; at its next logon its CAL follows the new key on the same seat)"
show client rotate --home office-pc
show host logon --home session-host --client-home office-pc
echo "(the clearinghouse rolls its root over; cross-certificates link the old and new roots both ways)"
cp clearinghouse/root.pem root-before-rollover.pem
show clearinghouse rotate --home clearinghouse
echo "(trusting only the new root, a CAL under the old root verifies through the cross-certificate)"
openssl verify -attime "$attime" -CAfile clearinghouse/root.pem -untrusted clearinghouse/cross/g1-by-g2.pem -untrusted reception-cal.pem reception-cal.pem
show verify reception-cal.pem --trust clearinghouse/root.pem --chain clearinghouse/cross/g1-by-g2.pem
echo "(the license server's key is encrypted at rest; the passphrase comes from a file or CALKIT_PASSPHRASE, never an argument)"
printf 'demo passphrase\n' > passphrase.txt
chmod 600 passphrase.txt
show key encrypt --in license-server/server-key.pem --passphrase-file passphrase.txt
head -1 license-server/server-key.pem
openssl pkey -in license-server/server-key.pem -passin file:passphrase.txt -noout && echo "openssl opens it with the passphrase"
export CALKIT_PASSPHRASE="demo passphrase"
echo "(every change is in a hash-chained audit log)"
show server audit --home license-server --verify
show clearinghouse audit --home clearinghouse --verify

step "11. The license server's books"
show server status --home license-server
echo
echo "All state is in $state. Inspect any file with: calkit inspect FILE"
