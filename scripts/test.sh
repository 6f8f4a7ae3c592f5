#!/usr/bin/env bash
# Runs every check and test lcscan has: formatting, lints, unit/integration/
# corpus tests, the WebAssembly build of the engine, and the page in real
# headless Chromium. Installs what it needs first (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "Set-up (Rust wasm target, wasm-bindgen-cli, binaryen, Chromium + driver, e2e deps)"
scripts/setup.sh --browser

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

step "Engine compiles for wasm32-unknown-unknown"
cargo check -p lcscan --lib --no-default-features --target wasm32-unknown-unknown

step "cargo test (engine, CLI, rules, bad input, real-export corpus, page components)"
cargo test --workspace

# Fuzz smoke: tests/fuzz_smoke.rs (stable, part of `cargo test` above) always
# runs. A real libFuzzer smoke (RUNS inputs per target, no sanitizer) needs a
# nightly toolchain and cargo-fuzz, and its build takes ~7 CPU-minutes cold
# (3-4 after each engine change), so it is opt-in: LCSCAN_FUZZ_SMOKE=1.
step "libFuzzer smoke (opt-in)"
if [ "${LCSCAN_FUZZ_SMOKE:-0}" != 1 ]; then
  echo "skipped: set LCSCAN_FUZZ_SMOKE=1 to run scripts/fuzz.sh smoke (needs nightly + cargo-fuzz)"
elif ! cargo +nightly --version >/dev/null 2>&1 || ! cargo fuzz --version >/dev/null 2>&1; then
  echo "skipped: no nightly toolchain or cargo-fuzz on this machine"
else
  RUNS="${RUNS:-500}" scripts/fuzz.sh smoke
fi

step "Build the page (dist/)"
scripts/build-web.sh

step "End-to-end tests in headless Chromium"
node --test tests/e2e/
