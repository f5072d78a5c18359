#!/usr/bin/env bash
# 1M generated records: full linkage (wall time, CPU time, peak RSS, quality) and top-10 query latency with
# ~1M indexed. Run from the workspace root:  bench/run-1m.sh [dir]
# The set is made once: python3 /work/shared/bench/gen.py --entities 470000 --seed 3 --out DIR (997,977 records).
set -euo pipefail
dir=${1:-/tmp/sets/big}
bench=${BENCH:-/work/shared/bench}
[ -f "$dir/records.csv" ] || python3 "$bench/gen.py" --entities 470000 --seed 3 --out "$dir"
# (two commands: `--example` alone would leave the CLI binary stale)
cargo build --release -q -p retrace-cli
cargo build --release -q -p retrace-matching --example bench_index
echo "load before: $(uptime)"
/usr/bin/time -f "linkage: wall %e s, user %U s, sys %S s, peak RSS %M KB" \
  ./target/release/retrace match --input "$dir/records.csv" --output /tmp/pbig.csv --quiet
python3 "$bench/score.py" --truth "$dir/truth.csv" --pairs /tmp/pbig.csv --threshold 0.5 |
  grep -E 'best F1|average precision|^precision='
echo "load after linkage: $(uptime)"
./target/release/examples/bench_index "$dir/records.csv" 2000
echo "load after queries: $(uptime)"
