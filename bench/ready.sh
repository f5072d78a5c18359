# Sourced by the start benchmarks. `serve_until_ready LOG ARGS...` starts
# `$bin serve ARGS...` (output in LOG), waits until /healthz on `$port`
# answers and prints how long that took; the server's pid is left in `$pid`.
serve_until_ready() {
  local log=$1
  shift
  local start end
  start=$(date +%s%N)
  "$bin" serve "$@" --listen "127.0.0.1:$port" >"$log" 2>&1 &
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
}
