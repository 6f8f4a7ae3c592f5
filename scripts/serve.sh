#!/usr/bin/env bash
# Builds the page and serves it on http://127.0.0.1:8080 (PORT=… to change).
# Installs what the build needs first (idempotent, seconds when done already).
set -euo pipefail
cd "$(dirname "$0")/.."

port=${PORT:-8080}
scripts/setup.sh
scripts/build-web.sh
echo
echo "lcscan page: http://127.0.0.1:$port/  (Ctrl-C to stop; files you check never leave the browser)"
exec python3 -m http.server "$port" --bind 127.0.0.1 --directory dist
