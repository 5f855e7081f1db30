#!/usr/bin/env bash
# Benchmark of the billing run at scale, and of a client's invoice list beside it. See
# bench/README.md.
#
#   bench/billing.sh                                  # SQLite, in fresh temporary files
#   DATABASE_URL=postgres://u@127.0.0.1/postgres bench/billing.sh
#                                                     # PostgreSQL: fresh databases are
#                                                     # created on that server and dropped
#
# Settings (environment): BENCH_CONTRACTS (10000), BENCH_SMALL_CONTRACTS (100),
# BENCH_CONNECTIONS (4), BENCH_DURATION (5s). All traffic goes to 127.0.0.1.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CONTRACTS="${BENCH_CONTRACTS:-10000}"
SMALL="${BENCH_SMALL_CONTRACTS:-100}"
CONNECTIONS="${BENCH_CONNECTIONS:-4}"
DURATION="${BENCH_DURATION:-5s}"
PASSWORD="demo123"
HOST="127.0.0.1"
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

[[ "$CONTRACTS" =~ ^[0-9]+$ && "$CONTRACTS" -ge 100 ]] || { echo "BENCH_CONTRACTS must be >= 100" >&2; exit 1; }
[[ "$SMALL" =~ ^[0-9]+$ && "$SMALL" -ge 50 && "$SMALL" -le "$CONTRACTS" ]] ||
    { echo "BENCH_SMALL_CONTRACTS must be 50 to BENCH_CONTRACTS" >&2; exit 1; }
# The client whose invoices are listed: number 50 in the small database, and in the big one
# the number nearest the middle with invoices of the same shape (n and n + 2100 match).
SAMPLE_SMALL=50
SAMPLE_BIG=$((50 + (CONTRACTS / 2 - 50) / 2100 * 2100))

# Targets.
TARGET_FIRST_S=60    # first run, SQLite, 2 cores
TARGET_SECOND_S=5    # second run, nothing to do
TARGET_LIST_RATIO=1.5 # list p50, big database / small one

# --- cleanup -------------------------------------------------------------------------

TMP="$(mktemp -d -t leasy-billing-bench.XXXXXX)"
PIDS=()
PG_ADMIN_URL=""
PG_DBS=()
WRK_PID=""

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    [[ -n "$WRK_PID" ]] && stop_pid "$WRK_PID"
    for pid in "${PIDS[@]}"; do
        stop_pid "$pid"
    done
    for db in "${PG_DBS[@]}"; do
        psql "$PG_ADMIN_URL" -qX -v ON_ERROR_STOP=1 \
            -c "drop database if exists \"$db\" with (force)" >/dev/null 2>&1 ||
            printf 'warning: could not drop the database %s\n' "$db" >&2
    done
    rm -rf "$TMP"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- helpers -------------------------------------------------------------------------

seconds_since() { awk -v ms="$(($(now_ms) - $1))" 'BEGIN { printf "%.1f", ms / 1000 }'; }

# Sets DB_URL to a fresh database for `name`: a file in $TMP, or a new database on the
# PostgreSQL server (dropped on exit).
new_database() {
    local name="$1"
    if [[ "$BACKEND" == postgres ]]; then
        local db="leasy_billing_${name}_$$_$RANDOM"
        psql "$PG_ADMIN_URL" -qX -v ON_ERROR_STOP=1 -c "create database \"$db\"" >/dev/null
        PG_DBS+=("$db")
        local url="${PG_ADMIN_URL%%\?*}" query=""
        [[ "$PG_ADMIN_URL" == *\?* ]] && query="?${PG_ADMIN_URL#*\?}"
        local scheme="${url%%://*}" rest="${url#*://}"
        DB_URL="$scheme://${rest%%/*}/$db$query"
    else
        DB_URL="$TMP/$name.db"
    fi
}

# Seeds `url` with `count` contracts and sets SAMPLE_DOCUMENT and SAMPLE_HASH to client
# number `sample` and its contract, and SEEDED_INVOICES. On PostgreSQL the database is
# analyzed afterwards, as autovacuum would have done by the time of a daily run.
seed() {
    local url="$1" count="$2" sample="$3"
    "$SEED" "$url" "$count" "$sample" >"$TMP/seed.out" || die "seeding failed"
    cat "$TMP/seed.out" >&2
    if [[ "$BACKEND" == postgres ]]; then
        psql "$url" -qX -v ON_ERROR_STOP=1 -c "vacuum analyze" >/dev/null
    fi
    SAMPLE_DOCUMENT="$(awk '$1 == "sample" { print $2 }' "$TMP/seed.out")"
    SAMPLE_HASH="$(awk '$1 == "sample" { print $3 }' "$TMP/seed.out")"
    SEEDED_INVOICES="$(awk '/invoices in the database/ { print $3 }' "$TMP/seed.out")"
    [[ -n "$SAMPLE_HASH" ]] || die "the seeding named no sample contract"
}

# Runs `leasy billing run --date $DAY` on `url` under /usr/bin/time -v; sets RUN_S (wall
# seconds), RUN_MB (peak RSS) and RUN_LINE (its summary).
billing_run() {
    local url="$1" name="$2"
    (cd "$TMP" && /usr/bin/time -v -o "$TMP/time-$name.txt" \
        "$LEASY" billing run --database-url "$url" --date "$DAY") >"$TMP/run-$name.txt" ||
        die "billing run ($name) failed"
    RUN_LINE="$(cat "$TMP/run-$name.txt")"
    RUN_S="$(awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, p, ":"); s = 0
        for (i = 1; i <= n; i++) s = s * 60 + p[i]
        printf "%.2f", s }' "$TMP/time-$name.txt")"
    RUN_MB="$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' \
        "$TMP/time-$name.txt")"
    log "$name: $RUN_LINE ($RUN_S s wall, $RUN_MB MB peak)"
}

# Serves `url`, logs in as `document` and drives the invoice list of `hash` with wrk; sets
# LIST_RPS, LIST_P50, LIST_P99 (ms) and LIST_BYTES.
drive_list() {
    local url="$1" document="$2" hash="$3" name="$4"
    local port base pid
    port="$(free_port)"
    base="http://$HOST:$port"
    (cd "$TMP" && LEASY_BILLING_SCHEDULE=off exec "$LEASY" serve --database-url "$url" \
        --bind "$HOST:$port") >"$TMP/serve-$name.log" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    wait_ready "$base/healthz" "$pid" "$TMP/serve-$name.log"
    local login token
    login="$(curl -fsS --max-time 10 -X POST "$base/api/v1/clients/auth/" \
        -H 'content-type: application/json' \
        -d "{\"document\": \"$document\", \"password\": \"$PASSWORD\"}")" ||
        die "login as $document failed"
    token="$(printf '%s' "$login" | sed -n 's/.*"token" *: *"\([^"]*\)".*/\1/p')"
    [[ -n "$token" ]] || die "no token in the login answer: $login"
    local list="$base/api/v1/contracts/$hash/invoices/pendings/"
    LIST_BYTES="$(curl -fsS --max-time 10 -H "Authentication: $token" "$list" | wc -c)"
    local args=(-t1 -c"$CONNECTIONS" --latency -H "Authentication: $token")
    wrk "${args[@]}" -d2s "$list" >/dev/null &
    WRK_PID=$!
    wait "$WRK_PID"
    wrk "${args[@]}" -d"$DURATION" "$list" >"$TMP/wrk-$name.txt" &
    WRK_PID=$!
    wait "$WRK_PID"
    WRK_PID=""
    stop_pid "$pid"
    grep -q 'Non-2xx or 3xx responses' "$TMP/wrk-$name.txt" &&
        die "$name: some answers were not 2xx"
    LIST_RPS="$(awk '/^Requests\/sec:/ { print $2 }' "$TMP/wrk-$name.txt")"
    LIST_P50="$(to_ms "$(awk '$1 == "50%" { print $2 }' "$TMP/wrk-$name.txt")")"
    LIST_P99="$(to_ms "$(awk '$1 == "99%" { print $2 }' "$TMP/wrk-$name.txt")")"
    log "$name list: $LIST_RPS req/s, p50 $LIST_P50 ms, p99 $LIST_P99 ms, $LIST_BYTES bytes"
}

# --- build and tools -----------------------------------------------------------------

log "building the release binary and the billing_seed example"
(cd "$ROOT" && cargo build --release --bin leasy --example billing_seed)
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
LEASY="$TARGET_DIR/release/leasy"
SEED="$TARGET_DIR/release/examples/billing_seed"
[[ -x "$LEASY" && -x "$SEED" ]] || die "binaries not found under $TARGET_DIR/release"

ensure_wrk
command -v curl >/dev/null 2>&1 || die "curl is needed"
[[ -x /usr/bin/time ]] || die "/usr/bin/time (GNU time) is needed for the peak memory"

BACKEND="sqlite"
if [[ "${DATABASE_URL:-}" =~ ^postgres(ql)?:// ]]; then
    command -v psql >/dev/null 2>&1 || die "psql is needed to create the benchmark databases"
    BACKEND="postgres"
    PG_ADMIN_URL="$DATABASE_URL"
fi
export LEASY_LOG=warn
export LEASY_FILES_DIR="$TMP/files"
unset LEASY_PENALTY_AMOUNT LEASY_PENALTY_GRACE_DAYS LEASY_BILLING_TIME

# Today in Lima (UTC-5 all year).
DAY="$(date -u -d '-5 hours' +%F)"

# --- the big database ----------------------------------------------------------------

new_database big
BIG_URL="$DB_URL"
log "seeding $CONTRACTS contracts ($BACKEND)"
started="$(now_ms)"
seed "$BIG_URL" "$CONTRACTS" "$SAMPLE_BIG"
SEED_S="$(seconds_since "$started")"
BIG_DOCUMENT="$SAMPLE_DOCUMENT" BIG_HASH="$SAMPLE_HASH" INVOICES_BEFORE="$SEEDED_INVOICES"

billing_run "$BIG_URL" first
FIRST_S="$RUN_S" FIRST_MB="$RUN_MB" FIRST_LINE="$RUN_LINE"
billing_run "$BIG_URL" second
SECOND_S="$RUN_S" SECOND_MB="$RUN_MB" SECOND_LINE="$RUN_LINE"

# --- the small database --------------------------------------------------------------

new_database small
SMALL_URL="$DB_URL"
log "seeding $SMALL contracts ($BACKEND)"
seed "$SMALL_URL" "$SMALL" "$SAMPLE_SMALL"
SMALL_DOCUMENT="$SAMPLE_DOCUMENT" SMALL_HASH="$SAMPLE_HASH"
billing_run "$SMALL_URL" small

# --- the invoice list ----------------------------------------------------------------

drive_list "$SMALL_URL" "$SMALL_DOCUMENT" "$SMALL_HASH" small
SMALL_RPS="$LIST_RPS" SMALL_P50="$LIST_P50" SMALL_P99="$LIST_P99" SMALL_BYTES="$LIST_BYTES"
drive_list "$BIG_URL" "$BIG_DOCUMENT" "$BIG_HASH" big
BIG_RPS="$LIST_RPS" BIG_P50="$LIST_P50" BIG_P99="$LIST_P99" BIG_BYTES="$LIST_BYTES"
LIST_RATIO="$(awk -v a="$BIG_P50" -v b="$SMALL_P50" 'BEGIN { printf "%.2f", a / b }')"

# --- report --------------------------------------------------------------------------

report() {
    printf '\nleasy billing benchmark: %s, %s contracts of 130 weeks, %s cores\n' \
        "$BACKEND" "$CONTRACTS" "$(nproc)"
    printf '%s, commit %s, run date %s\n\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
        "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')" "$DAY"
    printf 'seeded %s invoices in %s s\n' "$INVOICES_BEFORE" "$SEED_S"
    printf 'first run:  %s\n' "$FIRST_LINE"
    printf 'second run: %s\n\n' "$SECOND_LINE"
    printf '%-26s %10s %12s   %-8s %s\n' figure 'wall s' 'peak RSS MB' target ''
    local first_target="(none)" first_verdict=""
    if [[ "$BACKEND" == sqlite ]]; then
        first_target="<= $TARGET_FIRST_S s"
        first_verdict="$(verdict "$FIRST_S" '<=' "$TARGET_FIRST_S")"
    fi
    printf '%-26s %10s %12s   %-8s %s\n' "billing run, first" "$FIRST_S" "$FIRST_MB" \
        "$first_target" "$first_verdict"
    printf '%-26s %10s %12s   %-8s %s\n' "billing run, second" "$SECOND_S" "$SECOND_MB" \
        "<= $TARGET_SECOND_S s" "$(verdict "$SECOND_S" '<=' "$TARGET_SECOND_S")"
    # The same invoices in both; the larger ids of the big database take a few more bytes.
    printf '\ninvoice list (pendings of one contract, same invoices), wrk -t1 -c%s -d%s\n' \
        "$CONNECTIONS" "$DURATION"
    printf '%-26s %10s %9s %9s %8s\n' database 'req/s' 'p50 ms' 'p99 ms' bytes
    printf '%-26s %10.0f %9.2f %9.2f %8s\n' "$SMALL contracts" "$SMALL_RPS" "$SMALL_P50" \
        "$SMALL_P99" "$SMALL_BYTES"
    printf '%-26s %10.0f %9.2f %9.2f %8s\n' "$CONTRACTS contracts" "$BIG_RPS" "$BIG_P50" \
        "$BIG_P99" "$BIG_BYTES"
    printf '%-26s %10s   %-8s %s\n' "p50 big / small" "$LIST_RATIO" "<= $TARGET_LIST_RATIO" \
        "$(verdict "$LIST_RATIO" '<=' "$TARGET_LIST_RATIO")"
}

mkdir -p "$ROOT/bench/out"
OUT="$ROOT/bench/out/$(date -u +%Y%m%dT%H%M%SZ)-billing-$BACKEND.txt"
report >"$OUT"
report
printf '\n(saved to %s)\n' "${OUT#"$ROOT"/}"
