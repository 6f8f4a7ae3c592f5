#!/usr/bin/env bash
# Fuzzing with cargo-fuzz (libFuzzer). Needs a nightly toolchain (or
# RUSTC_BOOTSTRAP=1 on stable) and `cargo install cargo-fuzz --locked`.
#
#   scripts/fuzz.sh smoke            # each target for RUNS inputs (default 500)
#   scripts/fuzz.sh run TARGET SECS  # one campaign, e.g. run scan_bytes 3600
#   scripts/fuzz.sh seed             # (re)seed fuzz/corpus/* from tests/fixtures
#
# Targets: scan_bytes, parse_json, parse_xml, scan_targz, scan_project_zip,
# scan_yaml, retool_transit, uipath_xaml. Builds are optimised with debug
# assertions (overflow checks) on and, by default, no sanitizer (SANITIZER=
# address for AddressSanitizer: only unsafe code in dependencies needs it,
# and it makes the build minutes longer). Corpora are kept in fuzz/corpus/ and
# crashes in fuzz/artifacts/ (both git-ignored); every crash found must
# become a regression case in tests/bad_input.rs or tests/fuzz_smoke.rs.
# Campaigns run niced on one core; record CPU-hours and findings in
# docs/robustness.md. The stable-toolchain smoke that always runs in CI is
# tests/fuzz_smoke.rs.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS=(scan_bytes parse_json parse_xml scan_targz scan_project_zip scan_yaml retool_transit uipath_xaml)
SAN=(-s "${SANITIZER:-none}")
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

# A folder's files as one input of the archive targets: `name \0 content`
# per member, joined by MEMBER_SEPARATOR (fuzz/src/lib.rs); first byte 0
# picks the default policy.
members_of() {
  local dir=$1 first=1 f
  printf '\x00'
  while IFS= read -r f; do
    [ "$first" = 1 ] || printf '\xff\xfe\xfd'
    first=0
    printf '%s\0' "${f#"$dir"/}"
    cat "$f"
  done < <(find "$dir" -type f ! -name '*.md' | sort)
}

seed() {
  local dir=fuzz/corpus/scan_bytes i=0 f t
  for t in "${TARGETS[@]}"; do mkdir -p "fuzz/corpus/$t"; done
  # The first byte picks the file name (see FILE_NAMES in fuzz/src/lib.rs):
  # 0 = workflow.json, 6 = Orders.flow-meta.xml.
  while IFS= read -r f; do
    i=$((i + 1))
    case "$f" in
      *.xml) { printf '\x06'; cat "$f"; } > "$dir/seed-$i" ;;
      *) { printf '\x00'; cat "$f"; } > "$dir/seed-$i" ;;
    esac
  done < <(find tests/fixtures -type f \( -name '*.json' -o -name '*.xml' \) | sort)

  # Archives of members: Budibase dumps as tar.gz, project folders as zips.
  members_of tests/fixtures/budibase > fuzz/corpus/scan_targz/seed-budibase
  members_of tests/fixtures/windmill/workspace > fuzz/corpus/scan_targz/seed-windmill
  i=0
  for f in tests/fixtures/uipath/InvoiceBot tests/fixtures/uipath/SafeBot \
    tests/fixtures/windmill/workspace tests/fixtures/retool/apps/OrdersAdmin \
    tests/fixtures/retool/apps/Inventory tests/fixtures/appsmith/git-layout; do
    i=$((i + 1))
    members_of "$f" > "fuzz/corpus/scan_project_zip/seed-$i"
  done

  # YAML: the first byte's low nibble picks the name (YAML_NAMES).
  i=0
  while IFS= read -r f; do
    i=$((i + 1))
    local k=0
    case "$f" in
      */flow.yaml) k=0 ;; *.script.yaml) k=1 ;; */app.yaml) k=2 ;;
      *.resource.yaml) k=3 ;; *.variable.yaml) k=4 ;; *.http_trigger.yaml) k=5 ;;
      *.schedule.yaml) k=6 ;; *.meta.yaml) k=7 ;; */wmill.yaml) k=8 ;;
      *.fx.yaml) k=9 ;; *.pa.yaml) k=10 ;; *) k=11 ;;
    esac
    { printf "\\x$(printf '%02x' "$k")"; cat "$f"; } > "fuzz/corpus/scan_yaml/seed-$i"
  done < <(find tests/fixtures -type f -name '*.yaml' | sort)

  # Retool: the Transit appState strings of the JSON exports.
  i=0
  while IFS= read -r f; do
    if command -v jq >/dev/null 2>&1 && jq -e '.page.data.appState | strings' "$f" >/dev/null 2>&1; then
      i=$((i + 1))
      { printf '\x00'; jq -j '.page.data.appState' "$f"; } > "fuzz/corpus/retool_transit/seed-$i"
    fi
  done < <(grep -rl '"appState"' tests/fixtures --include='*.json' | sort)

  # UiPath: each workflow alone (first byte 0) and as a project's main (4).
  i=0
  while IFS= read -r f; do
    i=$((i + 1))
    { printf '\x00'; cat "$f"; } > "fuzz/corpus/uipath_xaml/seed-$i"
    { printf '\x04'; cat "$f"; } > "fuzz/corpus/uipath_xaml/seed-$i-project"
  done < <(find tests/fixtures -type f -name '*.xaml' | sort)
}

case "${1:-smoke}" in
  seed) seed ;;
  smoke)
    seed
    "${FUZZ[@]}" build -O -a "${SAN[@]}"
    for t in "${TARGETS[@]}"; do
      mkdir -p "fuzz/artifacts/$t"
      log="fuzz/target/smoke-$t.log"
      if ! "${FUZZ[@]}" run -O -a "${SAN[@]}" "$t" "fuzz/corpus/$t" -- \
        -runs="${RUNS:-500}" -max_len=65536 -len_control=0 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="fuzz/artifacts/$t/" >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        echo "fuzz: $t found a failing input (fuzz/artifacts/$t/, log $log)" >&2
        exit 1
      fi
      echo "fuzz: $t: $(grep -E '^Done' "$log" | tail -n 1)"
    done
    ;;
  run)
    t=${2:?target}; secs=${3:?seconds}
    [ -d "fuzz/corpus/$t" ] || seed
    mkdir -p "fuzz/artifacts/$t"
    nice -n 19 "${FUZZ[@]}" run -O -a "${SAN[@]}" "$t" "fuzz/corpus/$t" -- \
      -max_total_time="$secs" -max_len=65536 -len_control=0 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="fuzz/artifacts/$t/" -print_final_stats=1
    ;;
  *) sed -n '2,18p' "$0"; exit 2 ;;
esac
