#!/usr/bin/env bash
# How long `retrace serve --demo` takes on an empty directory until /healthz
# answers (the README's first command after the build; target: 10 s).
#   bench/demo-start.sh target/release/retrace [PORT]
set -u
bin=${1:?usage: bench/demo-start.sh RETRACE_BINARY [PORT]}
port=${2:-18097}
dir=$(mktemp -d /tmp/demo-start.XXXX)
trap 'rm -rf "$dir"' EXIT
. "$(dirname "$0")/ready.sh"
serve_until_ready "$dir/log" --demo --data-dir "$dir" --database-url "sqlite://$dir/retrace.db"
sed 's/\x1b\[[0-9;]*m//g' "$dir/log" | grep -E "^Demo |ready in"
kill "$pid"
wait "$pid" 2>/dev/null
