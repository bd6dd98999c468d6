#!/usr/bin/env bash
# Feed benchmark: a person's feed with 2,000 events, our server vs nginx serving the same bytes.
# Installs wrk and nginx-light (Debian) when missing, builds in release and prints build time,
# requests/s (warm GET and 304 revalidation) and the ratios to nginx. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v nginx >/dev/null 2>&1 || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
cargo bench --bench feeds
