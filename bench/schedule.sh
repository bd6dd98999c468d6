#!/usr/bin/env bash
# Public weekly schedule under a citizen spike: /lich-cong-tac (this week, published from the
# demo data) from our server vs nginx serving the same bytes, with wrk on loopback: requests/s
# for a plain GET (200) and for a revalidation with If-None-Match (304), and the ratios.
# Installs wrk and nginx-light (Debian) when missing. Usage: bench/schedule.sh [path/to/lichhop]
# (default: the release build). DURATION (seconds, default 10) and CONNECTIONS (default 32).
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v nginx >/dev/null 2>&1 || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
bin=${1:-target/release/lichhop}
[ -x "$bin" ] || cargo build --release --locked --bin lichhop
duration=${DURATION:-10}
connections=${CONNECTIONS:-32}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
app_port=$(free_port)
nginx_port=$(free_port)
work=$(mktemp -d)
app_pid=""
nginx_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

LICHHOP_DATA_DIR="$work/data" LICHHOP_ADMIN_PASSWORD=schedule-benchmark ROCKET_PORT=$app_port \
  ROCKET_LOG_LEVEL=off "$bin" serve --demo >"$work/app.log" 2>&1 &
app_pid=$!
base="http://127.0.0.1:$app_port"
for _ in $(seq 1 600); do curl -fs "$base/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

# The demo's approver publishes this week through the pages, as a person would.
jar="$work/cookies"
csrf_of() { grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'; }
token=$(curl -fs -c "$jar" -b "$jar" "$base/dang-nhap" | csrf_of)
curl -fs -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf=$token" \
  --data-urlencode "username=lanhdaovp" --data-urlencode "password=lichhop-demo-2026" "$base/dang-nhap"
week=$(python3 -c 'import datetime as d; t=(d.datetime.utcnow()+d.timedelta(hours=7)).date(); print(t-d.timedelta(days=t.weekday()))')
token=$(curl -fs -c "$jar" -b "$jar" "$base/lich-cong-tac?tuan=$week&xem-truoc=1" | csrf_of)
curl -fs -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf=$token" --data-urlencode "tuan=$week" \
  "$base/lich-cong-tac/phat-hanh"

path="/lich-cong-tac?tuan=$week"
mkdir -p "$work/www"
curl -fs -D "$work/headers" "$base$path" >"$work/www/page.html"
etag=$(awk 'tolower($1)=="etag:" {print $2}' "$work/headers" | tr -d '\r')
rows=$(grep -c '<tr>' "$work/www/page.html" || true)
echo "page: $(stat -c %s "$work/www/page.html") bytes, $rows rows, ETag $etag"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$base$path")" = 304 ]

# nginx serves the same bytes under the same ETag, so both answer the same revalidation.
cat >"$work/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/www;
    etag off;
    location = /lich-cong-tac {
      add_header ETag '$etag' always;
      if (\$http_if_none_match = '$etag') { return 304; }
      default_type text/html;
      try_files /page.html =404;
    }
  }
}
EOF
nginx -p "$work" -c "$work/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
for _ in $(seq 1 100); do curl -fs -o /dev/null "http://127.0.0.1:$nginx_port$path" && break; sleep 0.05; done

rate() { # url [header]
  local args=(-t2 -c"$connections" -d"${duration}s")
  [ -n "${2:-}" ] && args+=(-H "$2")
  wrk "${args[@]}" "$1" | awk '/Requests\/sec/ {print $2}'
}
ours_200=$(rate "$base$path")
nginx_200=$(rate "http://127.0.0.1:$nginx_port$path")
ours_304=$(rate "$base$path" "If-None-Match: $etag")
nginx_304=$(rate "http://127.0.0.1:$nginx_port$path" "If-None-Match: $etag")
# The machine may be shared: the load says how much the figures can be trusted.
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo "200: lichhop $ours_200 req/s, nginx $nginx_200 req/s, ratio $(python3 -c "print(round($ours_200/$nginx_200, 3))")"
echo "304: lichhop $ours_304 req/s, nginx $nginx_304 req/s, ratio $(python3 -c "print(round($ours_304/$nginx_304, 3))")"
