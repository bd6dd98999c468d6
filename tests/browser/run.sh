#!/usr/bin/env bash
# Browser leg: a real server with the demo data on a free loopback port, driven in Debian's
# headless Chromium. Installs Chromium and the node modules when missing.
# Usage: tests/browser/run.sh [path/to/lichhop]  (default: target/debug/lichhop)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-target/debug/lichhop}
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ ! -d tests/browser/node_modules/playwright-core ] || [ ! -d tests/browser/node_modules/axe-core ]; then
  (cd tests/browser && npm ci --no-audit --no-fund --silent)
fi
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export LICHHOP_ADMIN_PASSWORD=browser-admin-password
LICHHOP_DATA_DIR="$dir" ROCKET_PORT=$port ROCKET_LOG_LEVEL=critical "$bin" serve --demo >"$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
LICHHOP_URL="http://127.0.0.1:$port" ARTIFACTS="${ARTIFACTS:-artifacts/screenshots}" node tests/browser/run.mjs
