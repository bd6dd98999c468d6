#!/usr/bin/env bash
# Measures what an operator sees on first start: time from exec to the first 200 on /healthz
# with an empty SQLite database (migrations and admin creation included), RSS after start,
# and the release binary's size. Usage: bench/startup.sh [path/to/lichhop] (default: release build).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/lichhop}
[ -x "$bin" ] || cargo build --release --locked
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
runs=${RUNS:-5}
total=0
for i in $(seq 1 "$runs"); do
  dir=$(mktemp -d)
  start=$(date +%s%N)
  LICHHOP_DATA_DIR="$dir" LICHHOP_ADMIN_PASSWORD=startup-benchmark ROCKET_PORT=$port ROCKET_LOG_LEVEL=off \
    "$bin" serve >/dev/null 2>&1 &
  pid=$!
  until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 0.002; done
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  echo "run $i: first 200 on /healthz after ${ms} ms; RSS ${rss} KiB"
  total=$((total + ms))
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
done
echo "mean time to first 200: $((total / runs)) ms over $runs runs"
echo "binary: $(du -h "$bin" | cut -f1) ($(stat -c %s "$bin") bytes)"
