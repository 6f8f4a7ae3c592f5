#!/usr/bin/env bash
# Installs what building and testing lcscan needs on a fresh Debian machine.
# Idempotent: every step checks first, so repeated runs take seconds.
#   scripts/setup.sh            toolchain for building the page
#   scripts/setup.sh --browser  also Chromium + chromedriver for the e2e tests
set -euo pipefail
cd "$(dirname "$0")/.."

browser=0
[[ "${1:-}" == "--browser" ]] && browser=1

say() { printf '  - %s\n' "$*"; }

sudo_if_needed() {
    if [[ $(id -u) -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi
}

apt_install() {
    local missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    if ((${#missing[@]})); then
        say "apt: installing ${missing[*]}"
        sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
}

# Rust toolchain pieces.
if ! command -v cargo >/dev/null; then
    echo "cargo not found: install Rust with rustup first" >&2
    exit 2
fi
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    say "rustup: adding wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
fi
rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy

# wasm-bindgen-cli must match the wasm-bindgen crate version in Cargo.lock exactly.
want=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock 2>/dev/null || true)
want=${want:-0.2.130}
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [[ "$have" != "$want" ]]; then
    say "cargo: installing wasm-bindgen-cli $want (have: ${have:-none})"
    # --locked first; the lock file published with 0.2.130 pins a crate that has
    # since been yanked, so fall back to a fresh resolution if cargo refuses it.
    cargo install wasm-bindgen-cli --version "=$want" --locked --quiet ||
        cargo install wasm-bindgen-cli --version "=$want" --quiet
fi

# Binaryen's wasm-opt (shrinks the page's module) and a static file server.
command -v wasm-opt >/dev/null || apt_install binaryen
command -v python3 >/dev/null || apt_install python3

# Node and the npm packages in tests/e2e: binaryen's wasm-opt for the page
# build (Debian's is too old for this module) and playwright-core for the
# browser tests (it drives the system Chromium; nothing else is downloaded).
command -v node >/dev/null || apt_install nodejs
command -v npm >/dev/null || apt_install npm
if [[ -f tests/e2e/package-lock.json ]]; then
    if [[ ! -d tests/e2e/node_modules ]] || [[ tests/e2e/package-lock.json -nt tests/e2e/node_modules ]]; then
        say "npm: installing tests/e2e packages (binaryen, playwright-core)"
        (cd tests/e2e && npm ci --no-audit --no-fund --silent)
        touch tests/e2e/node_modules
    fi
fi

if ((browser)); then
    command -v chromium >/dev/null || apt_install chromium
    command -v chromedriver >/dev/null || apt_install chromium-driver
fi
say "set-up complete"
