#!/usr/bin/env bash
# Side by side: Splink (DuckDB) and `retrace match` on the same input, F1 and wall time from one run.
#   bench/splink/compare.sh records.csv truth.csv
# Installs Splink in a venv under /tmp on first use. Run from the workspace root.
set -euo pipefail
rec=${1:-/work/shared/bench/dev/records.csv}
truth=${2:-/work/shared/bench/dev/truth.csv}
score=${SCORE:-/work/shared/bench/score.py}
venv=${SPLINK_VENV:-/tmp/splinkvenv}
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d)
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --pre 'splink>=5.0.0a0' pandas
fi
cargo build --release -q -p retrace-cli
t0=$(date +%s.%N)
"$venv/bin/python" "$here/splink_link.py" "$rec" "$out/splink.csv" >/dev/null 2>"$out/splink.log" || { cat "$out/splink.log"; exit 1; }
t1=$(date +%s.%N)
"${CARGO_TARGET_DIR:-target}/release/retrace" match --input "$rec" --output "$out/retrace.csv" --min-score 0.01
t2=$(date +%s.%N)
for name in splink retrace; do
  thr=0.5
  echo "== $name  wall $(python3 -c "print(round($( [ $name = splink ] && echo "$t1-$t0" || echo "$t2-$t1"),2))") s"
  python3 "$score" --truth "$truth" --pairs "$out/$name.csv" --threshold "$thr" | grep -E 'best F1|average precision|^precision='
done
