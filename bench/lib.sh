# Shell helpers shared by the benchmark scripts; sourced, not run. The scripts set HOST
# (the loopback address they serve on) before calling free_port.

log() { printf '==> %s\n' "$*" >&2; }

die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# Stops process `pid`: TERM, up to 5 s to go, then KILL.
stop_pid() {
    local pid="$1"
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

now_ms() { date +%s%3N; }

# A loopback port that nothing listens on now.
free_port() {
    local port
    for _ in $(seq 200); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/$HOST/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    die "no free port found"
}

# Waits until `url` answers 2xx, while process `pid` is alive.
wait_ready() {
    local url="$1" pid="$2" logfile="$3"
    for _ in $(seq 300); do
        if ! kill -0 "$pid" 2>/dev/null; then
            cat "$logfile" >&2 || true
            die "the process serving $url exited"
        fi
        if curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    die "$url did not answer within 30 s"
}

# Converts a wrk duration (`812.00us`, `1.23ms`, `2.00s`, `1.00m`) to milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
        else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.3f", v * 60000 }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
        else { printf "nan" }
    }'
}

# "ok" when `a op b` holds (op: <, <= or >=), "MISS" otherwise.
verdict() {
    awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN {
        ok = (op == "<") ? (a < b) : (op == "<=") ? (a <= b) : (a >= b)
        print ok ? "ok" : "MISS"
    }'
}

# Installs wrk from Debian's packages when it is missing.
ensure_wrk() {
    if ! command -v wrk >/dev/null 2>&1; then
        log "installing wrk (Debian package)"
        local sudo=()
        [[ "$(id -u)" -ne 0 ]] && sudo=(sudo)
        export DEBIAN_FRONTEND=noninteractive
        "${sudo[@]}" apt-get install -y wrk >/dev/null ||
            { "${sudo[@]}" apt-get update >/dev/null && "${sudo[@]}" apt-get install -y wrk >/dev/null; }
    fi
    command -v wrk >/dev/null 2>&1 || die "wrk is not installed"
}
