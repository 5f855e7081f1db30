#!/usr/bin/env bash
# Load benchmark of the client endpoints, beside a fixed-JSON axum server as the ceiling
# of this machine. See bench/README.md.
#
#   bench/run.sh                                  # SQLite, in a fresh temporary file
#   DATABASE_URL=postgres://u@127.0.0.1/postgres bench/run.sh
#                                                 # PostgreSQL: a fresh database is created
#                                                 # on that server and dropped afterwards
#
# Settings (environment): BENCH_CLIENTS (10000), BENCH_CONNECTIONS (32), BENCH_DURATION
# (10s), BENCH_THREADS (wrk threads, 2), BENCH_WARMUP (2s). All traffic goes to 127.0.0.1.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLIENTS="${BENCH_CLIENTS:-10000}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
DURATION="${BENCH_DURATION:-10s}"
THREADS="${BENCH_THREADS:-2}"
WARMUP="${BENCH_WARMUP:-2s}"
PASSWORD="demo123"
HOST="127.0.0.1"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

[[ "$CLIENTS" =~ ^[0-9]+$ && "$CLIENTS" -ge 1 ]] || { echo "BENCH_CLIENTS must be >= 1" >&2; exit 1; }
# The synthetic client in the middle: 70005000 for 10,000 clients.
DOCUMENT="$(printf '7%07d' $(((CLIENTS + 1) / 2)))"

# Targets.
TARGET_DEMO_S=60
TARGET_RATIO_PCT=10
TARGET_P99_MS=10
TARGET_RSS_MB=64

# --- cleanup -------------------------------------------------------------------------

TMP="$(mktemp -d -t leasy-bench.XXXXXX)"
PIDS=()
PG_ADMIN_URL=""
PG_DB=""
WRK_PID=""

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    [[ -n "$WRK_PID" ]] && stop_pid "$WRK_PID"
    for pid in "${PIDS[@]}"; do
        stop_pid "$pid"
    done
    if [[ -n "$PG_DB" ]]; then
        psql "$PG_ADMIN_URL" -qX -v ON_ERROR_STOP=1 \
            -c "drop database if exists \"$PG_DB\" with (force)" >/dev/null 2>&1 ||
            printf 'warning: could not drop the database %s\n' "$PG_DB" >&2
    fi
    rm -rf "$TMP"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- helpers -------------------------------------------------------------------------

# How busy the machine's CPUs are over the next 2 s, in percent.
busy_pct() {
    local a b
    a="$(head -1 /proc/stat)"
    sleep 2
    b="$(head -1 /proc/stat)"
    awk -v a="$a" -v b="$b" 'BEGIN {
        split(a, x); split(b, y)
        for (i = 2; i <= 9; i++) { total += y[i] - x[i] }
        idle = (y[5] - x[5]) + (y[6] - x[6])
        printf "%.0f", (total > 0 ? 100 * (total - idle) / total : 0)
    }'
}

# Runs wrk in the background and waits for it, so that a signal stops the script (and wrk)
# at once rather than when wrk is done.
run_wrk() {
    wrk "$@" &
    WRK_PID=$!
    wait "$WRK_PID"
    WRK_PID=""
}

# CPU time (user + system) that process `pid` has used, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# Runs wrk against `url` (with an optional header), served by process `pid`, and sets
# RPS, P50, P99 (ms) and CPU_US (server CPU time per request, in microseconds: unlike
# req/s, it barely moves when other work shares the machine).
# The raw output is kept in $TMP/wrk-<name>.txt.
drive() {
    local name="$1" pid="$2" url="$3" header="${4:-}"
    local args=(-t"$THREADS" -c"$CONNECTIONS" --latency)
    [[ -n "$header" ]] && args+=(-H "$header")
    log "$name: warm-up $WARMUP, then $CONNECTIONS connections for $DURATION"
    run_wrk "${args[@]}" -d"$WARMUP" "$url" >/dev/null
    local out="$TMP/wrk-$name.txt"
    local ticks_before
    ticks_before="$(cpu_ticks "$pid")"
    run_wrk "${args[@]}" -d"$DURATION" "$url" >"$out"
    local ticks=$(($(cpu_ticks "$pid") - ticks_before))
    cat "$out" >&2
    if grep -q 'Non-2xx or 3xx responses' "$out"; then
        die "$name: some answers were not 2xx: the figures would be meaningless"
    fi
    if grep -q 'Socket errors' "$out"; then
        log "warning: $name had socket errors (see above)"
    fi
    RPS="$(awk '/^Requests\/sec:/ { print $2 }' "$out")"
    P50="$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")"
    P99="$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")"
    [[ -n "$RPS" ]] || die "$name: could not read wrk's output"
    local requests
    requests="$(awk '/ requests in / { print $1 }' "$out")"
    CPU_US="$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" -v n="$requests" \
        'BEGIN { printf "%.0f", (n > 0 ? t / hz * 1e6 / n : 0) }')"
}

# --- build and tools -----------------------------------------------------------------

log "building the release binary and the fixed_json example"
(cd "$ROOT" && cargo build --release --bin leasy --example fixed_json)
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
LEASY="$TARGET_DIR/release/leasy"
FIXED_JSON="$TARGET_DIR/release/examples/fixed_json"
[[ -x "$LEASY" && -x "$FIXED_JSON" ]] || die "binaries not found under $TARGET_DIR/release"

ensure_wrk
command -v curl >/dev/null 2>&1 || die "curl is needed"

# --- database ------------------------------------------------------------------------

BACKEND="sqlite"
DB_URL="$TMP/bench.db"
if [[ "${DATABASE_URL:-}" =~ ^postgres(ql)?:// ]]; then
    command -v psql >/dev/null 2>&1 || die "psql is needed to create the benchmark database"
    BACKEND="postgres"
    PG_ADMIN_URL="$DATABASE_URL"
    PG_DB="leasy_bench_$$_$RANDOM"
    # Same server and credentials, another database name.
    url="${DATABASE_URL%%\?*}"
    query=""
    [[ "$DATABASE_URL" == *\?* ]] && query="?${DATABASE_URL#*\?}"
    scheme="${url%%://*}"
    rest="${url#*://}"
    DB_URL="$scheme://${rest%%/*}/$PG_DB$query"
    log "creating the PostgreSQL database $PG_DB"
    psql "$PG_ADMIN_URL" -qX -v ON_ERROR_STOP=1 -c "create database \"$PG_DB\"" >/dev/null
fi
export LEASY_LOG=warn
export LEASY_FILES_DIR="$TMP/files"
unset LEASY_PUBLIC_URL LEASY_TRUSTED_PROXIES

# --- demo data -----------------------------------------------------------------------

log "loading the demo and $CLIENTS synthetic clients ($BACKEND)"
started="$(now_ms)"
(cd "$TMP" && "$LEASY" demo --database-url "$DB_URL" --clients "$CLIENTS")
DEMO_S="$(awk -v ms="$(($(now_ms) - started))" 'BEGIN { printf "%.1f", ms / 1000 }')"
log "demo --clients $CLIENTS took $DEMO_S s"

# --- the real server -----------------------------------------------------------------

BUSY_BEFORE="$(busy_pct)"
if [[ "$(verdict "$BUSY_BEFORE" '<' 10)" != ok ]]; then
    log "warning: the CPUs are $BUSY_BEFORE % busy with other work: req/s and latency will suffer"
fi

PORT="$(free_port)"
BASE="http://$HOST:$PORT"
(cd "$TMP" && exec "$LEASY" serve --database-url "$DB_URL" --bind "$HOST:$PORT") \
    >"$TMP/serve.log" 2>&1 &
SERVER_PID=$!
PIDS+=("$SERVER_PID")
wait_ready "$BASE/healthz" "$SERVER_PID" "$TMP/serve.log"
log "leasy serve is up at $BASE (pid $SERVER_PID)"

login="$(curl -fsS --max-time 10 -X POST "$BASE/api/v1/clients/auth/" \
    -H 'content-type: application/json' \
    -d "{\"document\": \"$DOCUMENT\", \"password\": \"$PASSWORD\"}")" ||
    die "login as $DOCUMENT failed"
TOKEN="$(printf '%s' "$login" | sed -n 's/.*"token" *: *"\([^"]*\)".*/\1/p')"
[[ -n "$TOKEN" ]] || die "no token in the login answer: $login"
AUTH="Authentication: $TOKEN"

profile_bytes="$(curl -fsS --max-time 10 -H "$AUTH" "$BASE/api/v1/clients/profile/" | wc -c)"
cards_bytes="$(curl -fsS --max-time 10 -H "$AUTH" "$BASE/api/v1/clients/cards/" | wc -c)"

drive profile "$SERVER_PID" "$BASE/api/v1/clients/profile/" "$AUTH"
PROFILE_RPS="$RPS" PROFILE_P50="$P50" PROFILE_P99="$P99" PROFILE_CPU="$CPU_US"
drive cards "$SERVER_PID" "$BASE/api/v1/clients/cards/" "$AUTH"
CARDS_RPS="$RPS" CARDS_P50="$P50" CARDS_P99="$P99" CARDS_CPU="$CPU_US"

HWM_KB="$(awk '/^VmHWM:/ { print $2 }' "/proc/$SERVER_PID/status")"
RSS_MB="$(awk -v kb="$HWM_KB" 'BEGIN { printf "%.1f", kb / 1024 }')"
stop_pid "$SERVER_PID"

# --- the ceiling ---------------------------------------------------------------------

"$FIXED_JSON" "$HOST:0" >"$TMP/fixed.log" 2>&1 &
FIXED_PID=$!
PIDS+=("$FIXED_PID")
for _ in $(seq 100); do
    grep -q '^listening on' "$TMP/fixed.log" && break
    kill -0 "$FIXED_PID" 2>/dev/null || { cat "$TMP/fixed.log" >&2; die "fixed_json exited"; }
    sleep 0.1
done
FIXED_ADDR="$(sed -n 's/^listening on //p' "$TMP/fixed.log")"
[[ -n "$FIXED_ADDR" ]] || die "fixed_json did not start"
FIXED_URL="http://$FIXED_ADDR/api/v1/clients/profile/"
wait_ready "$FIXED_URL" "$FIXED_PID" "$TMP/fixed.log"
fixed_bytes="$(curl -fsS --max-time 10 "$FIXED_URL" | wc -c)"

drive fixed-json "$FIXED_PID" "$FIXED_URL" "$AUTH"
FIXED_RPS="$RPS" FIXED_P50="$P50" FIXED_P99="$P99" FIXED_CPU="$CPU_US"
stop_pid "$FIXED_PID"

# --- report --------------------------------------------------------------------------

RATIO="$(awk -v a="$PROFILE_RPS" -v b="$FIXED_RPS" 'BEGIN { printf "%.1f", 100 * a / b }')"

report() {
    printf '\nleasy benchmark: %s, %s synthetic clients, %s cores, wrk -t%s -c%s -d%s\n' \
        "$BACKEND" "$CLIENTS" "$(nproc)" "$THREADS" "$CONNECTIONS" "$DURATION"
    printf '%s, commit %s; before the runs the CPUs were %s %% busy with other work\n\n' \
        "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
        "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')" "$BUSY_BEFORE"
    printf '%-12s %10s %9s %9s %8s %14s  %s\n' \
        endpoint 'req/s' 'p50 ms' 'p99 ms' bytes 'server cpu/req' 'p99 < 10 ms'
    printf '%-12s %10.0f %9.2f %9.2f %8s %11s us  %s\n' \
        profile "$PROFILE_RPS" "$PROFILE_P50" "$PROFILE_P99" "$profile_bytes" "$PROFILE_CPU" \
        "$(verdict "$PROFILE_P99" '<' "$TARGET_P99_MS")"
    printf '%-12s %10.0f %9.2f %9.2f %8s %11s us  %s\n' \
        cards "$CARDS_RPS" "$CARDS_P50" "$CARDS_P99" "$cards_bytes" "$CARDS_CPU" \
        "$(verdict "$CARDS_P99" '<' "$TARGET_P99_MS")"
    printf '%-12s %10.0f %9.2f %9.2f %8s %11s us\n' \
        fixed-json "$FIXED_RPS" "$FIXED_P50" "$FIXED_P99" "$fixed_bytes" "$FIXED_CPU"
    printf '\n%-34s %10s   %-10s %s\n' figure measured target ''
    printf '%-34s %10s   %-10s %s\n' "profile req/s / fixed-json req/s" "$RATIO %" \
        ">= $TARGET_RATIO_PCT %" "$(verdict "$RATIO" '>=' "$TARGET_RATIO_PCT")"
    printf '%-34s %10s   %-10s %s\n' "server peak RSS (VmHWM)" "$RSS_MB MB" \
        "< $TARGET_RSS_MB MB" "$(verdict "$RSS_MB" '<' "$TARGET_RSS_MB")"
    printf '%-34s %10s   %-10s %s\n' "demo --clients $CLIENTS" "$DEMO_S s" \
        "< $TARGET_DEMO_S s" "$(verdict "$DEMO_S" '<' "$TARGET_DEMO_S")"
}

mkdir -p "$ROOT/bench/out"
OUT="$ROOT/bench/out/$(date -u +%Y%m%dT%H%M%SZ)-$BACKEND.txt"
{
    report
    for name in profile cards fixed-json; do
        printf '\n--- wrk, %s\n' "$name"
        cat "$TMP/wrk-$name.txt"
    done
} >"$OUT"
report
printf '\n(saved to %s)\n' "${OUT#"$ROOT"/}"
