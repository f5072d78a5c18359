#!/usr/bin/env bash
# Crash safety at length: the harness of crates/retrace-cli/tests/it/crash.rs
# (a server, three clients sending acknowledged requests, registrations and
# consents, SIGKILL at a random moment, restart, every acknowledged write
# checked, the audit chain verified, the candidates checked) for many kill
# cycles on SQLite and on PostgreSQL, in a release build.
# Usage: bench/crash.sh [cycles] [seed]   (default 1000 cycles, seed 19)
# PostgreSQL: the throw-away cluster of scripts/test-postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
cycles="${1:-1000}"
seed="${2:-19}"
eval "$(scripts/test-postgres)"
export RETRACE_REQUIRE_POSTGRES=1 RETRACE_CRASH_CYCLES="$cycles" RETRACE_CRASH_SEED="$seed"
for backend in sqlite postgres; do
  started=$(date +%s)
  cargo test --release --locked -p retrace-cli --test it \
    "crash::killed_servers_keep_every_acknowledged_write_on_$backend" -- --nocapture 2>&1 |
    grep -E "crash cycles|test result|panicked|lost"
  echo "$backend: $cycles cycles in $(($(date +%s) - started)) s"
done
