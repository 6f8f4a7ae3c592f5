#!/usr/bin/env bash
# Benchmarks lcscan against the tools users would pick instead, on the same
# files in one run, and prints files/s, MB/s and lcscan's ratio to each:
#   - Lightning Flow Scanner core (npm @flow-scanner/lightning-flow-scanner-core
#     6.6.0) on Salesforce flows;
#   - detect-secrets 1.5.0 (PyPI) on n8n and Power Automate JSON exports;
#   - plain serde_json / roxmltree parsing of the same bytes: the ceiling;
#   - the page's WebAssembly build under Node (when dist/ has been built).
# gitleaks has no package on the registries reachable here (only prebuilt
# release binaries or an unmaintained PyPI wrapper that downloads one), so it
# is not run.
#
# Peers are installed into target/bench-peers/ (a cache; delete it to reinstall).
# Env: CORPUS (default ../shared/corpus, else the test fixtures), REPEAT,
# DS_EVERY (detect-secrets reads every Nth export only: it is ~100x slower;
# default 4; lcscan's figure for the same subset is measured beside it).
# All times are CPU seconds of one thread (best of REPEAT), so other work on a
# shared machine distorts them less than wall-clock would.
# Figures and their meaning: docs/benchmarks.md, section "Against peers".
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=target/bench-peers
CORPUS=${CORPUS:-../shared/corpus}
mkdir -p "$OUT"
step() { printf '\n==> %s\n' "$*" >&2; }

step "Build lcscan (release CLI and the in-process timing helper)"
cargo build --release --bin lcscan --example bench_peers >&2

step "Install peers into $OUT (cached)"
if [ ! -d "$OUT/lfs/node_modules/@flow-scanner/lightning-flow-scanner-core" ]; then
  npm install --prefix "$OUT/lfs" --no-audit --no-fund \
    @flow-scanner/lightning-flow-scanner-core@6.6.0 >&2
fi
if [ ! -x "$OUT/venv/bin/detect-secrets" ]; then
  python3 -m venv "$OUT/venv"
  "$OUT/venv/bin/pip" install --quiet detect-secrets==1.5.0 >&2
fi

step "File lists"
if [ -d "$CORPUS/salesforce-flow" ]; then
  find "$CORPUS/salesforce-flow" -type f \( -name '*.flow-meta.xml' -o -name '*.flow' \) | sort > "$OUT/flows.txt"
  find "$CORPUS/n8n" "$CORPUS/power-automate" -type f -name '*.json' | sort > "$OUT/exports.txt"
else
  echo "no corpus at $CORPUS: using the test fixtures (figures are not comparable)" >&2
  find tests/fixtures -type f \( -name '*.flow-meta.xml' -o -name '*.flow' \) | sort > "$OUT/flows.txt"
  find tests/fixtures/n8n tests/fixtures/power-automate -type f -name '*.json' | sort > "$OUT/exports.txt"
fi
wc -l "$OUT/flows.txt" "$OUT/exports.txt" >&2

# The release CLI end to end (process start, reading, JSON report), one
# thread, in CPU seconds of the child process.
cli_time() {
  local list=$1
  python3 - "$list" <<'PY'
import json, os, resource, subprocess, sys
files = [f for f in open(sys.argv[1], encoding="utf-8").read().split("\n") if f]
best = float("inf")
for _ in range(int(os.environ.get("REPEAT", "3"))):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(["target/release/lcscan", "scan", "--jobs", "1", "-f", "json",
                    "--fail-on", "never", "-o", "/dev/null", *files],
                   check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    best = min(best, cpu)
print(json.dumps({"seconds": best}))
PY
}

step "Salesforce flows: lcscan, Lightning Flow Scanner"
target/release/examples/bench_peers "$OUT/flows.txt" > "$OUT/lcscan-flows.json"
cli_time "$OUT/flows.txt" > "$OUT/cli-flows.json"
node scripts/bench/lfs.mjs "$OUT/flows.txt" "$OUT/lfs/node_modules" > "$OUT/lfs.json"

step "JSON exports: lcscan, detect-secrets"
target/release/examples/bench_peers "$OUT/exports.txt" > "$OUT/lcscan-exports.json"
cli_time "$OUT/exports.txt" > "$OUT/cli-exports.json"
awk -v n="${DS_EVERY:-4}" 'NR % n == 1 || n == 1' "$OUT/exports.txt" > "$OUT/exports-sample.txt"
target/release/examples/bench_peers "$OUT/exports-sample.txt" > "$OUT/lcscan-exports-sample.json"
"$OUT/venv/bin/python" scripts/bench/detect_secrets_bench.py "$OUT/exports-sample.txt" > "$OUT/detect-secrets.json"

rm -f "$OUT/wasm-flows.json" "$OUT/wasm-exports.json"
if [ -f dist/lcscan_www_bg.wasm ] && [ -f dist/lcscan_www.js ]; then
  step "WebAssembly build (dist/) under Node"
  node scripts/bench/wasm.mjs "$OUT/flows.txt" > "$OUT/wasm-flows.json" || rm -f "$OUT/wasm-flows.json"
  node scripts/bench/wasm.mjs "$OUT/exports.txt" > "$OUT/wasm-exports.json" || rm -f "$OUT/wasm-exports.json"
else
  echo "dist/ not built (scripts/build-web.sh): WebAssembly figures skipped" >&2
fi

step "Results"
python3 scripts/bench/report.py "$OUT"
