#!/usr/bin/env bash
# Trace the Face: throughput and latency of the public gallery page with
# 10,000 published entries, on loopback, with the per-client limit raised.
# Needs Debian's wrk. Usage: bench/gallery.sh [entries] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
entries="${1:-10000}"
seconds="${2:-20}"
port="${RETRACE_BENCH_PORT:-18181}"
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)" >&2; exit 1; }

cargo build --release --locked --bin retrace >&2
dir="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
export RETRACE_DATA_DIR="$dir" RETRACE_DATABASE_URL="sqlite://$dir/retrace.db"
export RETRACE_LISTEN="127.0.0.1:$port"

started=$(date +%s)
RETRACE_DEMO_GALLERY_ENTRIES="$entries" ./target/release/retrace demo >/dev/null
echo "loaded $entries entries in $(($(date +%s) - started)) s" >&2

# The limit is per client and wrk is one client: raise it for the run only.
RETRACE_GALLERY_REQUESTS_PER_CLIENT=1000000000 taskset -c 0,1 \
  ./target/release/retrace serve >"$dir/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done

page="http://127.0.0.1:$port/gallery?page=7"
bytes=$(curl -fsS "$page" | wc -c)
max_thumb=0
for src in $(curl -fsS "$page" | grep -o 'src="/gallery/photos/[^"]*"' | cut -d'"' -f2); do
  size=$(curl -fsS "http://127.0.0.1:$port$src" | wc -c)
  [ "$size" -gt "$max_thumb" ] && max_thumb=$size
done
filtered=$(curl -fsS "http://127.0.0.1:$port/gallery?relationship=brother&region=east_africa" | wc -c)
echo "gallery page: $bytes bytes (filtered: $filtered bytes); largest of its 24 thumbnails: $max_thumb bytes"

wrk -t2 -c32 -d"${seconds}s" --latency "$page"
wrk -t2 -c32 -d"${seconds}s" --latency "http://127.0.0.1:$port/gallery?relationship=brother&region=east_africa&page=2"
