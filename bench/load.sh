#!/usr/bin/env bash
# Load test (issue 19, item 5): caseworkers and the public against one
# retrace server (SQLite or PostgreSQL) or two servers on one PostgreSQL
# database, with wrk (Debian package `wrk`, installed when missing).
#
#   bench/load.sh [--backend sqlite|postgres] [--servers 1|2]
#                 [--users "50 200 1000"] [--duration 30s]
#                 [--soak MINUTES] [--soak-users 20] [--soak-delay 50]
#                 [--port-base 18080] [--out FILE]
#
# What it does, in a throw-away directory ($LOAD_DIR, default
# /tmp/retrace-load-$$, removed at the end unless LOAD_KEEP=1):
#  1. takes $RETRACE_BIN, or builds target/release/retrace;
#  2. creates a fresh database (SQLite file, or a new database on the
#     throw-away PostgreSQL cluster of scripts/test-postgres) and loads the
#     demo data with `retrace demo`;
#  3. starts one server (port 18081), or two (18081, 18082; --port-base
#     moves them) sharing the
#     database, the secret key and the data directory;
#  4. signs caseworkers in with curl (4 sessions per organisation that has
#     tracing requests), reads the ids their pages link to, and the gallery's
#     references, and writes them as a Lua data file for wrk;
#  5. for each number of users, runs the caseworker scenario then the public
#     scenario (bench/load/*.lua) for --duration with that many
#     connections. Two servers: two wrk processes, one per server, each with
#     half the connections, run together; requests/s are added, p50/p99 are
#     the worse of the two;
#  6. --soak: the two scenarios together at --soak-users connections (half
#     each, per server) for that many minutes, each connection pausing
#     --soak-delay ms before each request (a constant, moderate load), the
#     servers' VmRSS sampled every minute into $LOAD_DIR/soak-rss.csv
#     (copied next to --out).
#
# Settings the load test gives the server (no default is changed):
#  - trusted_proxies = ["127.0.0.1"]: wrk sends each request with an
#    X-Forwarded-For client address (a random one per public request, one
#    per caseworker session), so per-client limits (gallery pages 120 per
#    minute, reports 5 per hour, sign-ins 30 per 5 minutes) apply to each
#    simulated visitor as they would behind a real proxy, instead of all
#    the load counting as one client and being answered 429.
# Everything else is the default: SQLite pool, PostgreSQL pool of 10
# connections per server, session lifetimes, the account lockout.
#
# An error is a socket error (connect, read, write, timeout after 30 s) or
# an answer of 400 or more; each run prints its answers by status, and the
# servers' logs are searched for errors at the end.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
backend=sqlite
servers=1
users="50 200 1000"
duration=30s
soak=0
soak_users=20
soak_delay=50
port_base=18080
out=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --backend) backend="$2"; shift 2 ;;
        --servers) servers="$2"; shift 2 ;;
        --users) users="$2"; shift 2 ;;
        --duration) duration="$2"; shift 2 ;;
        --soak) soak="$2"; shift 2 ;;
        --soak-users) soak_users="$2"; shift 2 ;;
        --soak-delay) soak_delay="$2"; shift 2 ;;
        --port-base) port_base="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        *) echo "load.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
if [[ "$backend" != sqlite && "$backend" != postgres ]]; then
    echo "load.sh: --backend is sqlite or postgres" >&2
    exit 2
fi
if [[ "$servers" == 2 && "$backend" != postgres ]]; then
    echo "load.sh: two servers need --backend postgres (a SQLite database has one server)" >&2
    exit 2
fi

log() { echo "load: $*" >&2; }

if ! command -v wrk >/dev/null; then
    log "installing wrk (Debian)"
    apt-get install -y -qq wrk >&2 || { apt-get update -qq >&2 && apt-get install -y -qq wrk >&2; }
fi
# 1,000 connections on each side of loopback, plus the database's.
ulimit -n 20000

bin="${RETRACE_BIN:-}"
if [[ -z "$bin" ]]; then
    (cd "$root" && cargo build --release --bin retrace >&2)
    bin="$root/target/release/retrace"
fi

work="${LOAD_DIR:-/tmp/retrace-load-$$}"
rm -rf "$work"
mkdir -p "$work/data"
pids=()
pg_db=""
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    if [[ -n "$pg_db" ]]; then
        psql -q "$RETRACE_TEST_POSTGRES_URL" -c "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true
    fi
    if [[ "${LOAD_KEEP:-0}" != 1 ]]; then
        rm -rf "$work"
    fi
}
trap cleanup EXIT

if [[ "$backend" == postgres ]]; then
    eval "$("$root/scripts/test-postgres")"
    pg_db="retrace_load_$$"
    psql -q "$RETRACE_TEST_POSTGRES_URL" -c "CREATE DATABASE $pg_db" >/dev/null
    database_url="${RETRACE_TEST_POSTGRES_URL%/*}/$pg_db"
else
    database_url="sqlite://$work/data/retrace.db"
fi

config() {
    cat >"$work/server-$1.toml" <<EOF
database_url = "$database_url"
data_dir = "$work/data"
listen = "127.0.0.1:$((port_base + $1))"
trusted_proxies = ["127.0.0.1"]
EOF
    echo "$work/server-$1.toml"
}

log "loading the demo data ($backend)"
"$bin" --config "$(config 1)" demo >"$work/demo.log" 2>&1

for n in $(seq 1 "$servers"); do
    "$bin" --config "$(config "$n")" serve >"$work/server-$n.log" 2>&1 &
    pids+=("$!")
done
for n in $(seq 1 "$servers"); do
    for _ in $(seq 1 120); do
        curl -fs "http://127.0.0.1:$((port_base + n))/healthz" >/dev/null && break
        sleep 0.5
    done
    curl -fs "http://127.0.0.1:$((port_base + n))/healthz" >/dev/null || {
        log "server $n did not start; its log:"
        tail -n 30 "$work/server-$n.log" >&2
        exit 1
    }
done
base="http://127.0.0.1:$((port_base + 1))"
log "servers up: ${pids[*]}"

# --- preparing sessions and ids ------------------------------------------

# The first match of a sed expression in a page, or nothing.
first() { sed -n "s|.*$1.*|\\1|p" | head -n 1; }
# Every distinct match of a grep -o pattern, as the part after the prefix.
ids() { grep -oE "$1/[0-9a-zA-Z_-]+\"" | sed -E "s|$1/||; s|\"||" | grep -vE '^(new|export|edit)$' | sort -u; }
lua_list() { printf '"%s",' "$@"; }

password="Demo-Tracing-2026"
# The demo organisations with caseworkers and tracing requests.
orgs="redcross-be redcross-fr icrc-lb iom-it reception-be safepassage-gr"
data="$work/data.lua"
echo "sessions = {}" >"$data"
client=0
sessions=0
for org in $orgs; do
    email="caseworker@$org.example"
    jar="$work/jar-$org-0"
    client=$((client + 1))
    xff="10.255.0.$client"
    token="$(curl -fs -c "$jar" -H "X-Forwarded-For: $xff" "$base/sign-in" | first 'name="csrf_token" value="\([^"]*\)"')"
    status="$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" -H "X-Forwarded-For: $xff" \
        --data-urlencode "email=$email" --data-urlencode "password=$password" \
        --data-urlencode "csrf_token=$token" "$base/sign-in")"
    if [[ "$status" != 303 ]]; then
        log "$email: sign-in answered $status, skipped"
        continue
    fi
    list="$(curl -fs -b "$jar" -H "X-Forwarded-For: $xff" "$base/requests")"
    mapfile -t requests < <(ids '/requests' <<<"$list" | head -n 40)
    if [[ ${#requests[@]} -eq 0 ]]; then
        log "$org: no tracing requests, no caseworker sessions"
        continue
    fi
    # Names to search for: the first word of the listed names.
    mapfile -t names < <(grep -oE '<bdi>[^<]+</bdi>' <<<"$list" | sed -E 's|</?bdi>||g' \
        | awk '{print $1}' | sort -u | head -n 20)
    persons=()
    user=""
    for id in "${requests[@]:0:20}"; do
        page="$(curl -fs -b "$jar" -H "X-Forwarded-For: $xff" "$base/requests/$id")"
        mapfile -t found < <(ids '/persons' <<<"$page")
        persons+=("${found[@]}")
        if [[ -z "$user" ]]; then
            user="$(grep -oE '<option value="[^"]+"' <<<"$page" | sed -E 's|<option value="||; s|"||' | head -n 1)"
        fi
    done
    candidates=()
    for id in "${persons[@]}"; do
        page="$(curl -fs -b "$jar" -H "X-Forwarded-For: $xff" "$base/persons/$id")"
        mapfile -t found < <(ids '/candidates' <<<"$page")
        candidates+=("${found[@]}")
    done
    if [[ ${#candidates[@]} -eq 0 || -z "$user" ]]; then
        log "$org: no candidates among its first requests, no caseworker sessions"
        continue
    fi
    # Four sessions of this caseworker (the first is the one above).
    for n in 0 1 2 3; do
        jar="$work/jar-$org-$n"
        if [[ $n -gt 0 ]]; then
            client=$((client + 1))
            xff="10.255.0.$client"
            token="$(curl -fs -c "$jar" -H "X-Forwarded-For: $xff" "$base/sign-in" | first 'name="csrf_token" value="\([^"]*\)"')"
            curl -fs -o /dev/null -b "$jar" -c "$jar" -H "X-Forwarded-For: $xff" \
                --data-urlencode "email=$email" --data-urlencode "password=$password" \
                --data-urlencode "csrf_token=$token" "$base/sign-in"
        fi
        csrf="$(curl -fs -b "$jar" -H "X-Forwarded-For: $xff" "$base/requests" | first 'name="csrf_token" value="\([^"]*\)"')"
        cookie="$(awk -F '\t' '(!/^#/ || /^#HttpOnly_/) && NF >= 7 && $7 != "" {printf "%s%s=%s", sep, $6, $7; sep="; "}' "$jar")"
        cat >>"$data" <<EOF
table.insert(sessions, { cookie = "$cookie", csrf = "$csrf", client = "$xff", user = "$user",
  requests = { $(lua_list "${requests[@]}") }, persons = { $(lua_list "${persons[@]}") },
  candidates = { $(lua_list "${candidates[@]}") }, names = { $(lua_list "${names[@]}") } })
EOF
        sessions=$((sessions + 1))
    done
    log "$org: 4 sessions, ${#requests[@]} requests, ${#persons[@]} persons, ${#candidates[@]} candidates"
done
if [[ $sessions -eq 0 ]]; then
    log "no caseworker session could be prepared"
    exit 1
fi

gallery="$(curl -fs -H "X-Forwarded-For: 10.254.0.1" "$base/gallery")"
mapfile -t regions < <(sed -n '/name="region"/,/<\/select>/p' <<<"$gallery" | grep -oE '<option value="[a-z_]+"' \
    | sed -E 's|<option value="||; s|"||' | sort -u)
mapfile -t pages < <(grep -oE 'page=[0-9]+' <<<"$gallery" | sed 's|page=||' | sort -u)
[[ ${#pages[@]} -gt 0 ]] || pages=(1)
echo "entries = {}" >>"$data"
entries=0
page_no=1
while :; do
    listing="$(curl -fs -H "X-Forwarded-For: 10.254.1.$page_no" "$base/gallery?page=$page_no")" || break
    mapfile -t refs < <(grep -oE 'href="/gallery/[A-Za-z0-9-]+"' <<<"$listing" | sed -E 's|href="/gallery/||; s|"||' | sort -u)
    [[ ${#refs[@]} -gt 0 ]] || break
    before=$entries
    for ref in "${refs[@]}"; do
        grep -q "\"$ref\"" "$data" && continue
        photo="$(curl -fs -H "X-Forwarded-For: 10.254.2.1" "$base/gallery/$ref" | first 'src="/gallery/photos/\([^".]*\)\.jpg"')"
        [[ -n "$photo" ]] || continue
        echo "table.insert(entries, { reference = \"$ref\", photo = \"$photo\" })" >>"$data"
        entries=$((entries + 1))
    done
    [[ $entries -gt $before && $page_no -lt 20 ]] || break
    page_no=$((page_no + 1))
done
echo "regions = { $(lua_list "${regions[@]}") }" >>"$data"
echo "pages = { $(lua_list "${pages[@]}") }" >>"$data"
if [[ $entries -eq 0 ]]; then
    log "the gallery has no published entry"
    exit 1
fi
log "prepared $sessions caseworker sessions, $entries gallery entries, ${#regions[@]} regions"

# --- running ----------------------------------------------------------------

export LOAD_LUA_DIR="$root/bench/load"
results="$work/results.txt"
: >"$results"

# run SCENARIO USERS DURATION: wrk against each server with its share of
# the connections; prints one table row.
run() {
    local scenario="$1" count="$2" length="$3"
    local per=$(( (count + servers - 1) / servers ))
    local threads=2
    [[ $per -ge $threads ]] || threads=$per
    local n
    for n in $(seq 1 "$servers"); do
        wrk -t "$threads" -c "$per" -d "$length" --timeout 30s --latency \
            -s "$root/bench/load/$scenario.lua" "http://127.0.0.1:$((port_base + n))" -- "$data" \
            >"$work/wrk-$scenario-$count-$n.txt" 2>&1 &
    done
    wait_wrk
    local requests=0 seconds=0 p50=0 p99=0 errors=0 statuses=""
    for n in $(seq 1 "$servers"); do
        local file="$work/wrk-$scenario-$count-$n.txt"
        local line
        line="$(grep '^RESULT' "$file" || true)"
        if [[ -z "$line" ]]; then
            log "wrk failed:"
            cat "$file" >&2
            exit 1
        fi
        local r d a b s k
        r="$(sed -E 's/.* requests=([0-9]+).*/\1/' <<<"$line")"
        d="$(sed -E 's/.* duration_us=([0-9]+).*/\1/' <<<"$line")"
        a="$(sed -E 's/.* p50_us=([0-9]+).*/\1/' <<<"$line")"
        b="$(sed -E 's/.* p99_us=([0-9]+).*/\1/' <<<"$line")"
        s="$(sed -E 's/.* status_errors=([0-9]+).*/\1/' <<<"$line")"
        k="$(sed -E 's/.* socket_errors=([0-9]+).*/\1/' <<<"$line")"
        requests=$((requests + r))
        seconds="$(awk -v a="$seconds" -v b="$d" 'BEGIN { print (a > b / 1e6) ? a : b / 1e6 }')"
        [[ $a -gt $p50 ]] && p50=$a
        [[ $b -gt $p99 ]] && p99=$b
        errors=$((errors + s + k))
        statuses+="$(grep '^STATUS' "$file" | awk '{printf "%s%s:%s", sep, $2, $3; sep=" "}') "
    done
    printf '| %s | %s | %s | %d | %.0f | %.1f | %.1f | %d | %s|\n' \
        "$backend" "$servers" "$scenario" "$count" \
        "$(awk -v r="$requests" -v s="$seconds" 'BEGIN { print r / s }')" \
        "$(awk -v v="$p50" 'BEGIN { print v / 1000 }')" \
        "$(awk -v v="$p99" 'BEGIN { print v / 1000 }')" \
        "$errors" "$statuses" | tee -a "$results"
}

wait_wrk() {
    local pid
    for pid in $(jobs -p); do
        case " ${pids[*]} " in *" $pid "*) continue ;; esac
        wait "$pid" || true
    done
}

echo "| backend | servers | scenario | users | requests/s | p50 ms | p99 ms | errors | answers (status:count) |"
echo "|---|---|---|---|---|---|---|---|---|"
for count in $users; do
    run caseworker "$count" "$duration"
    run public "$count" "$duration"
done

if [[ "$soak" -gt 0 ]]; then
    csv="$work/soak-rss.csv"
    echo "minute,utc,$(seq -s, -f 'server%g_vmrss_kib' 1 "$servers")" >"$csv"
    half=$(( (soak_users + 1) / 2 ))
    log "soak: $soak minutes at $soak_users connections ($half caseworkers, $half public), $soak_delay ms pauses"
    export LOAD_DELAY_MS="$soak_delay"
    for n in $(seq 1 "$servers"); do
        wrk -t 1 -c "$half" -d "${soak}m" --timeout 30s --latency -s "$root/bench/load/caseworker.lua" \
            "http://127.0.0.1:$((port_base + n))" -- "$data" >"$work/soak-caseworker-$n.txt" 2>&1 &
        wrk -t 1 -c "$half" -d "${soak}m" --timeout 30s --latency -s "$root/bench/load/public.lua" \
            "http://127.0.0.1:$((port_base + n))" -- "$data" >"$work/soak-public-$n.txt" 2>&1 &
    done
    for minute in $(seq 0 "$soak"); do
        row="$minute,$(date -u +%H:%M:%S)"
        for pid in "${pids[@]}"; do
            row+=",$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")"
        done
        echo "$row" >>"$csv"
        if [[ $minute -lt $soak ]]; then
            sleep 60
        fi
    done
    wait_wrk
    for file in "$work"/soak-*.txt; do
        echo "$(basename "$file"): $(grep '^RESULT' "$file")"
    done
    if [[ -n "$out" ]]; then
        cp "$csv" "$(dirname "$out")/soak-rss-$backend-$servers.csv"
    fi
    unset LOAD_DELAY_MS
    awk -F, 'NR > 1 { for (i = 3; i <= NF; i++) { if (NR == 2) first[i] = $i; last[i] = $i; if ($i > max[i]) max[i] = $i } }
        END { for (i = 3; i <= NF; i++) printf "soak VmRSS of server %d (KiB): first %d, last %d, max %d\n", i - 2, first[i], last[i], max[i] }' "$csv"
fi

log "server errors logged:"
grep -hiE 'error|panic|timed out' "$work"/server-*.log | sort | uniq -c | sort -rn | head -n 20 >&2 || log "none"
if [[ -n "$out" ]]; then
    cat "$results" >>"$out"
fi
