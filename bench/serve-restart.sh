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
. "$(dirname "$0")/ready.sh"
start_once() {
  serve_until_ready "$1" --data-dir "$dir" --database-url "sqlite://$dir/retrace.db"
  sed 's/\x1b\[[0-9;]*m//g' "$1" | grep -E "matching index|ready in" | cut -c1-240
}
stop() {
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null
}
echo "== first start"
start_once "$dir/first.log"
# After a build from the database the first snapshot is written at once.
if grep -q "built from the database" "$dir/first.log"; then
  for _ in $(seq 1 600); do
    grep -q "snapshot written" "$dir/first.log" && break
    sleep 1
  done
fi
stop
echo "== second start"
start_once "$dir/second.log"
stop
