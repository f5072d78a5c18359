#!/usr/bin/env bash
# How long `retrace serve` takes until /healthz answers on an existing data
# directory (issue 17: ready in <= 5 s with 1M persons indexed), started
# twice: the first start may build the matching index from the database and
# writes its snapshot; the second restores it.
#   bench/serve-restart.sh target/release/retrace DATA_DIR [PORT]
# DATA_DIR holds retrace.db and secret.key (for a bench_tracing database, the
# key file holds 64 times "07"... see BENCHMARKS.md). Work on a copy: the
# server recomputes candidate lists in the background.
set -u
bin=${1:?usage: bench/serve-restart.sh RETRACE_BINARY DATA_DIR [PORT]}
dir=${2:?usage: bench/serve-restart.sh RETRACE_BINARY DATA_DIR [PORT]}
port=${3:-18098}
start_once() {
  local log=$1
  local start end
  start=$(date +%s%N)
  "$bin" serve --data-dir "$dir" --database-url "sqlite://$dir/retrace.db" \
    --listen "127.0.0.1:$port" >"$log" 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "the server stopped:" >&2
      cat "$log" >&2
      exit 1
    fi
    sleep 0.05
  done
  end=$(date +%s%N)
  awk -v ns=$((end - start)) -v load="$(cut -d' ' -f1 /proc/loadavg)" \
    -v rss="$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")" \
    'BEGIN { printf "ready after %.2f s, RSS %.0f MB (load average %s)\n", ns / 1e9, rss / 1024, load }'
  sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E "matching index|ready in" | cut -c1-240
}
stop() {
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null
}
echo "== first start"
start_once "$dir/first.log"
# The first snapshot is written at once after a build from the database.
for _ in $(seq 1 600); do
  grep -q "snapshot written" "$dir/first.log" && break
  sleep 1
done
stop
echo "== second start"
start_once "$dir/second.log"
stop
