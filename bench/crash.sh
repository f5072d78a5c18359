#!/usr/bin/env bash
# Crash safety at length: the harness of crates/retrace-cli/tests/it/crash.rs
# (a server; three clients of one organisation sending acknowledged
# requests, registrations, consents and gallery publications, one client of
# another organisation registering, sharing and releasing its persons to
# the first; SIGKILL at a random moment, restart, every acknowledged write
# checked, nothing half-written visible, the audit chain verified, the
# candidates checked) for many kill cycles on SQLite and on PostgreSQL, in
# a release build.
# Usage: bench/crash.sh [cycles] [seed] [backend...]
#   (default 1000 cycles, seed 19, sqlite then postgres)
# PostgreSQL: the throw-away cluster of scripts/test-postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
cycles="${1:-1000}"
seed="${2:-19}"
shift $(($# < 2 ? $# : 2))
backends=("$@")
[ "$#" -gt 0 ] || backends=(sqlite postgres)
eval "$(scripts/test-postgres)"
export RETRACE_REQUIRE_POSTGRES=1 RETRACE_CRASH_CYCLES="$cycles" RETRACE_CRASH_SEED="$seed"
export RETRACE_CRASH_PROGRESS="${RETRACE_CRASH_PROGRESS:-50}"
cargo test --release --locked -p retrace-cli --test it --no-run
# The whole output of each backend's run, beside the summary printed here.
logs="${RETRACE_CRASH_LOGS:-target/crash}"
mkdir -p "$logs"
failed=0
for backend in "${backends[@]}"; do
  started=$(date +%s)
  if ! cargo test --release --locked -p retrace-cli --test it \
    "crash::killed_servers_keep_every_acknowledged_write_on_$backend" -- --nocapture \
    >"$logs/$backend.log" 2>&1; then
    failed=1
  fi
  grep -E -A4 "crash cycles|test result|panicked" "$logs/$backend.log" || true
  echo "$backend: $cycles cycles in $(($(date +%s) - started)) s (log: $logs/$backend.log)"
done
exit "$failed"
