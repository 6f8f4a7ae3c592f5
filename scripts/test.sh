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

step "Build the page (dist/)"
scripts/build-web.sh

step "End-to-end tests in headless Chromium"
node --test tests/e2e/
