#!/usr/bin/env bash
# Builds the page into dist/, a self-contained static folder any static host
# can serve: cargo (wasm32) → wasm-bindgen --target web → wasm-opt -Oz → copy
# index.html and the www/ assets. Fast when nothing changed: each step is
# skipped if its output is newer than its inputs.
set -euo pipefail
cd "$(dirname "$0")/.."

out=dist
profile=wasm-release
wasm_in=target/wasm32-unknown-unknown/$profile/lcscan_www.wasm
stamp=target/wasm32-unknown-unknown/$profile/.lcscan-www-bindgen

say() { printf '  - %s\n' "$*"; }

say "cargo build -p lcscan-www (wasm32, profile $profile)"
cargo build -p lcscan-www --lib --target wasm32-unknown-unknown --profile "$profile" --quiet

mkdir -p "$out"
if [[ ! -f "$out/lcscan_www_bg.wasm" || ! -f "$stamp" || "$wasm_in" -nt "$stamp" ]]; then
    say "wasm-bindgen --target web"
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    wasm-bindgen --target web --no-typescript --out-dir "$tmp" "$wasm_in"
    # Debian's binaryen (108 on bookworm) is too old for what current Rust and
    # wasm-bindgen emit (externref tables): it mis-types the table and the page
    # fails to start. Use binaryen >= 116: from the system if new enough, else
    # from npm (installed with the e2e tools), else ship the module unoptimised.
    optimised=0
    candidates=()
    if wasm-opt --version 2>/dev/null | awk '{exit !($3 >= 116)}'; then candidates+=(wasm-opt); fi
    if ((${#candidates[@]} == 0)) && [[ ! -x tests/e2e/node_modules/.bin/wasm-opt ]] && command -v npm >/dev/null; then
        say "npm: installing the e2e/build tools (binaryen, playwright-core)"
        (cd tests/e2e && npm ci --no-audit --no-fund --silent) || true
    fi
    [[ -x tests/e2e/node_modules/.bin/wasm-opt ]] && candidates+=(tests/e2e/node_modules/.bin/wasm-opt)
    for opt in "${candidates[@]}"; do
        if "$opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
            --enable-reference-types --enable-mutable-globals --enable-multivalue \
            -o "$tmp/lcscan_www_bg.opt.wasm" "$tmp/lcscan_www_bg.wasm" 2>"$tmp/opt.log"; then
            say "wasm-opt -Oz ($opt, $("$opt" --version | head -1))"
            mv "$tmp/lcscan_www_bg.opt.wasm" "$tmp/lcscan_www_bg.wasm"
            optimised=1
            break
        fi
        say "$opt could not read the module ($(tail -1 "$tmp/opt.log"))"
    done
    ((optimised)) || say "shipping the module without wasm-opt"
    cp "$tmp/lcscan_www.js" "$tmp/lcscan_www_bg.wasm" "$out/"
    touch "$stamp"
fi

# Static assets: the entry page, its script and style, the worker, samples,
# the example headers file for static hosts, the module API for portals
# (lcscan.js over the same wasm, with its TypeScript declarations), the two
# embedding examples and the example policies (dist/policies/). No
# policy.json is shipped: a portal puts its own beside index.html.
cp -u index.html "$out/index.html"
for f in www/boot.js www/worker.js www/style.css www/_headers \
    www/lcscan.js www/lcscan.d.ts www/embed-example.html www/embed-example.js www/iframe-example.html; do
    [[ -f "$f" ]] && cp -u "$f" "$out/"
done
if [[ -d www/samples ]]; then
    mkdir -p "$out/samples"
    cp -u www/samples/* "$out/samples/"
fi
mkdir -p "$out/policies"
for f in rules/policies/*.toml rules/policies/*.json www/policies/*.json www/policies/*.toml; do
    [[ -f "$f" ]] && cp -u "$f" "$out/policies/"
done

raw=$(wc -c <"$out/lcscan_www_bg.wasm")
gz=$(gzip -9 -c "$out/lcscan_www_bg.wasm" | wc -c)
js_gz=$(cat "$out/lcscan_www.js" "$out/boot.js" "$out/worker.js" "$out/lcscan.js" 2>/dev/null | gzip -9 -c | wc -c)
printf '  - dist/lcscan_www_bg.wasm: %s KB raw, %s KB gzip; JS %s KB gzip\n' \
    $((raw / 1024)) $((gz / 1024)) $((js_gz / 1024))
say "page built in $out/ (serve it with scripts/serve.sh)"
