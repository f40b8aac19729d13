#!/usr/bin/env bash
# Runs libFuzzer on every CALKit fuzz target for a given time each, seeded from certs/.
# Usage: scripts/fuzz.sh FUZZER SECONDS CORPUS_DIR
# An input that crashes, hangs or trips AddressSanitizer is kept in Tests/FuzzRegressions/TARGET/
# (make test replays those); the script exits 1 if any target found one.
set -uo pipefail
fuzzer=$1
seconds=$2
corpus=$3
root=$(cd "$(dirname "$0")/.." && pwd)
seeds=$corpus/seeds
mkdir -p "$seeds"
# Seeds: every file in certs/, and the DER of each PEM block in it.
python3 - "$root/certs" "$seeds" <<'PY'
import base64, hashlib, json, os, sys
source, target = sys.argv[1], sys.argv[2]
def keep(data):
    open(os.path.join(target, hashlib.sha1(data).hexdigest()), "wb").write(data)
for name in sorted(os.listdir(source)):
    if name.endswith(".md"):
        continue
    data = open(os.path.join(source, name), "rb").read()
    keep(data)
    text = data.decode("utf-8", "replace")
    blocks = text.split("-----BEGIN ")[1:]
    for block in blocks:
        body = block.split("-----", 1)[1].split("-----END")[0]
        try:
            keep(base64.b64decode("".join(body.split())))
        except Exception:
            pass
    if name.endswith(".csr"):
        keep(json.dumps({"csr": text, "mode": "per-device", "product": "Desk"}).encode())
PY
found=0
for target in $(CALKIT_FUZZ_TARGET=list "$fuzzer"); do
    mkdir -p "$corpus/$target" "$root/Tests/FuzzRegressions/$target"
    echo "== $target: $seconds s"
    CALKIT_FUZZ_TARGET=$target "$fuzzer" "$corpus/$target" "$seeds" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$root/Tests/FuzzRegressions/$target/" 2>&1 | grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)" || true
    if ls "$root/Tests/FuzzRegressions/$target"/{crash,timeout,oom,leak}-* >/dev/null 2>&1; then
        echo "!! $target: inputs kept in Tests/FuzzRegressions/$target/"
        found=1
    fi
done
exit $found
