#!/usr/bin/env bash
# Fuzzing with cargo-fuzz (libFuzzer + AddressSanitizer). Needs a nightly
# toolchain (or RUSTC_BOOTSTRAP=1 on stable) and `cargo install cargo-fuzz --locked`.
#
#   scripts/fuzz.sh smoke            # each target for RUNS inputs (default 2000)
#   scripts/fuzz.sh run TARGET SECS  # one campaign, e.g. run scan_bytes 3600
#   scripts/fuzz.sh seed             # (re)seed fuzz/corpus/scan_bytes from tests/fixtures
#
# Targets: scan_bytes, parse_json, parse_xml. Corpora are kept in fuzz/corpus/
# and crashes in fuzz/artifacts/ (both git-ignored); every crash found must
# become a regression case in tests/bad_input.rs. Campaigns run niced on one
# core; record CPU-hours and findings in docs/robustness.md.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS=(scan_bytes parse_json parse_xml)
if cargo +nightly --version >/dev/null 2>&1; then
  FUZZ=(cargo +nightly fuzz)
else
  export RUSTC_BOOTSTRAP=1
  FUZZ=(cargo fuzz)
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: cargo-fuzz is not installed (cargo install cargo-fuzz --locked): skipped" >&2
  exit 0
fi

seed() {
  local dir=fuzz/corpus/scan_bytes i=0 f
  mkdir -p "$dir" fuzz/corpus/parse_json fuzz/corpus/parse_xml
  # The first byte picks the file name (see FILE_NAMES in fuzz/src/lib.rs):
  # 0 = workflow.json, 6 = Orders.flow-meta.xml.
  while IFS= read -r f; do
    i=$((i + 1))
    case "$f" in
      *.xml) { printf '\x06'; cat "$f"; } > "$dir/seed-$i" ;;
      *) { printf '\x00'; cat "$f"; } > "$dir/seed-$i" ;;
    esac
  done < <(find tests/fixtures -type f \( -name '*.json' -o -name '*.xml' \) | sort)
}

case "${1:-smoke}" in
  seed) seed ;;
  smoke)
    seed
    for t in "${TARGETS[@]}"; do
      "${FUZZ[@]}" run -O "$t" "fuzz/corpus/$t" -- \
        -runs="${RUNS:-2000}" -max_len=65536 -len_control=0 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="fuzz/artifacts/" 2>&1 | tail -n 3
    done
    ;;
  run)
    t=${2:?target}; secs=${3:?seconds}
    [ -d "fuzz/corpus/$t" ] || seed
    mkdir -p "fuzz/artifacts/$t"
    nice -n 19 "${FUZZ[@]}" run -O "$t" "fuzz/corpus/$t" -- \
      -max_total_time="$secs" -max_len=65536 -len_control=0 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="fuzz/artifacts/$t/" -print_final_stats=1
    ;;
  *) sed -n '2,13p' "$0"; exit 2 ;;
esac
