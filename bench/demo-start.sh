#!/usr/bin/env bash
# How long `retrace serve --demo` takes on an empty directory until /healthz
# answers (the README's first command after the build; target: 10 s).
#   bench/demo-start.sh target/release/retrace [PORT]
set -u
bin=${1:?usage: bench/demo-start.sh RETRACE_BINARY [PORT]}
port=${2:-18097}
dir=$(mktemp -d /tmp/demo-start.XXXX)
trap 'rm -rf "$dir"' EXIT
start=$(date +%s%N)
"$bin" serve --demo --data-dir "$dir" --database-url "sqlite://$dir/retrace.db" \
  --listen "127.0.0.1:$port" >"$dir/log" 2>&1 &
pid=$!
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "the server stopped:" >&2
    cat "$dir/log" >&2
    exit 1
  fi
  sleep 0.05
done
end=$(date +%s%N)
awk -v ns=$((end - start)) -v load="$(cut -d' ' -f1 /proc/loadavg)" \
  'BEGIN { printf "ready after %.2f s (load average %s)\n", ns / 1e9, load }'
sed 's/\x1b\[[0-9;]*m//g' "$dir/log" | grep -E "^Demo |ready in"
kill "$pid"
wait "$pid" 2>/dev/null
