#!/usr/bin/env bash
# Token endpoint at scale: one command, bench/scale.sh [--no-build]. For each key count in SCALE_KEYS
# (default "1 10000 100000 1000000"): a database of its own seeded with that many keys by COPY
# (bench/scale-keys.py, seconds, not a million admin calls) and SCALE_STATUS_REVOKED_PERCENT (default
# 1) % as many revoked ones scattered among them, so the status list is what it is at that size; its server launched
# alone, as the README launches it (the jar unpacked), and timed to its first token. Then every count's server up at once, each primed and warmed up,
# and token traffic spread over SCALE_SPREAD (default 100,000) of the keys, or all when fewer, with
# Zipf-like popularity (P(rank k) ~ 1/k^SCALE_ZIPF_S, default 1), at concurrency SCALE_CONCURRENCY
# (default 32), to each server in turn, SCALE_ROUNDS rounds (default 6, the order rotating: rounds says why).
# Per key count (medians over the rounds): tokens/s and their ratio to the first count's in the same
# round and to the sign-only ceiling (measured before the first and after the last count, as
# bench/run.sh does), errors, p50/p99, server and PostgreSQL CPU per token, the key cache's hit ratio
# over the measured window, RSS, launch → first token, and the status lists' rebuild at start. Then, at
# the largest count, SCALE_SIDE_SETTLE seconds (default 120) of the token traffic with every side load
# below at once, so that the rows after it measure a server that has compiled all these paths
# (settle_side_loads says why), and on the same server the same token traffic again next to each side
# load in turn, to show what it takes from the token path:
#   - status lists: verifiers fetching every list (bench/status.lua, one connection, SCALE_STATUS_RATE
#     GETs/s, default 20, half with If-None-Match) while an admin (bench/changes.lua) disables or enables one key
#     SCALE_STATUS_CHANGES times a second (default 1), so the list is re-signed after each change;
#   - usage ingest: bench/IngestBench.java posting reports of SCALE_INGEST_KEYS keys (default 100) at
#     SCALE_INGEST_RATE reports/s (default 10) from 2 threads.
# Each side load is measured in SCALE_SIDE_PAIRS pairs (default 6) of SCALE_SIDE_WINDOW s windows
# (default 10), one with the load running and one with its clients paused, alternating (side_windows
# says why): tokens/s (and server CPU per token) running ÷ paused, p50/p99, and the side load's own rate
# in the windows (from the server's request metrics). SCALE_SIDE_LOADS=0 leaves them out. Writes bench/SCALE-RESULTS.md with a targets table. Everything started is stopped
# and the database dropped on exit; traffic goes only to 127.0.0.1.
#
# Environment (all optional): SCALE_KEYS, SCALE_SPREAD, SCALE_ZIPF_S, SCALE_CONCURRENCY,
# SCALE_DURATION (measured seconds per key-count row, default 15), SCALE_WARMUP (default 30, side load running),
# SCALE_ROUNDS,
# SCALE_SIDE_LOADS, SCALE_SIDE_SETTLE, SCALE_SIDE_PAIRS, SCALE_SIDE_WINDOW, SCALE_STATUS_RATE, SCALE_STATUS_CHANGES, SCALE_STATUS_REVOKED_PERCENT,
# SCALE_INGEST_RATE, SCALE_INGEST_KEYS,
# SCALE_ALGORITHM (default RS256), BENCH_PORT (default 18085: the first count's server; the management
# port is the next one, and each further count's server two further),
# BENCH_JAVA_OPTS (default as bench/run.sh but -Xmx192m: with 100,000 keys in use the live heap is
# about 87 MB (key cache rows ~390 bytes each, the key-use detail the edit warnings read ~190 bytes per
# key and hour); Serial GC then takes ~1 % of the 100k-in-use row, and RSS stays under 400 MB, of which
# ~200 MB is not heap; -XX:TrimNativeHeapInterval=5000 hands the native memory glibc holds freed back to
# the system every 5 s, which RSS otherwise counts), BENCH_MALLOC_ARENA_MAX (default 2: glibc's malloc arenas for the server, fewer
# than its default of 8 per core hold less freed native memory), BENCH_PG, BENCH_JAR (with --no-build: another build's jar), BENCH_KEEP=1
# (keep the temporary folder).
# Needs what bench/run.sh needs (PostgreSQL on 127.0.0.1:5432 as postgres, wrk, jq) and python3.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$BENCH_DIR")
COUNTS=${SCALE_KEYS:-"1 10000 100000 1000000"}
SPREAD=${SCALE_SPREAD:-100000}
ZIPF=${SCALE_ZIPF_S:-1}
CONC=${SCALE_CONCURRENCY:-32}
DURATION=${SCALE_DURATION:-15}
WARMUP=${SCALE_WARMUP:-30}
ALG=${SCALE_ALGORITHM:-RS256}
SIDE_LOADS=${SCALE_SIDE_LOADS:-1}
STATUS_RATE=${SCALE_STATUS_RATE:-20}
STATUS_CHANGES=${SCALE_STATUS_CHANGES:-1}
REVOKED_PERCENT=${SCALE_STATUS_REVOKED_PERCENT:-1}
INGEST_RATE=${SCALE_INGEST_RATE:-10}
INGEST_KEYS=${SCALE_INGEST_KEYS:-100}
SIDE_SETTLE=${SCALE_SIDE_SETTLE:-120}
SIDE_PAIRS=${SCALE_SIDE_PAIRS:-6}
SIDE_WINDOW=${SCALE_SIDE_WINDOW:-10}
SIDE_GAP=2
ROUNDS=${SCALE_ROUNDS:-6}
REWARM=5
# Keys the admin disables and enables in turn during the status-list row: none of them is in the token traffic.
CHANGE_POOL=20
FIRST_PORT=${BENCH_PORT:-18085}
JAVA_OPTS=${BENCH_JAVA_OPTS:-"-Xmx192m -XX:+UseSerialGC -Xss512k -XX:ReservedCodeCacheSize=64m -XX:TrimNativeHeapInterval=5000"}
MALLOC_ARENAS=${BENCH_MALLOC_ARENA_MAX:-2}
PG_OPTS=${BENCH_PG:-"-h 127.0.0.1 -p 5432 -U postgres"}
NIMBUS_VERSION=10.9.1
NIMBUS_JAR="$HOME/.m2/repository/com/nimbusds/nimbus-jose-jwt/$NIMBUS_VERSION/nimbus-jose-jwt-$NIMBUS_VERSION.jar"
# bench/SignOnly.java signs with the server's own classes (SigningAlgorithm, Ed25519Signer), left by the build.
SIGN_CLASSPATH="$NIMBUS_JAR:$REPO/auth-server/target/classes"
DB=keymint_bench_scale
JAR=${BENCH_JAR:-"$REPO/auth-server/target/auth-server.jar"}
WORK=$(mktemp -d /tmp/keymint-scale.XXXXXX)
CLK_TCK=$(getconf CLK_TCK)
SERVER_PID=""
SIDE_PIDS=()
# Per key count: its database and server (all up at once for the rounds), found by use_count.
declare -A PIDS=() CLIENT_IDS=() API_KEYS=() SEEDS=() FIRSTS=() FIRST_RSS=()
DBS=""
for keys in $COUNTS; do DBS+=" ${DB}_$keys"; done
RUN_START=$(date +%s)

log() { printf '[scale %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
trap 'stop_side_load; stop_servers; cleanup' EXIT
trap 'exit 130' INT TERM

need wrk jq psql:postgresql-client python3
if [[ "${1:-}" != "--no-build" ]]; then
    log "building (./mvnw -B -q package -DskipTests)"
    (cd "$REPO" && ./mvnw -B -q package -DskipTests) >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
fi
[[ -f "$NIMBUS_JAR" ]] || "$REPO/mvnw" -B -q dependency:get -Dartifact="com.nimbusds:nimbus-jose-jwt:$NIMBUS_VERSION" -Dtransitive=false
[[ -d "$REPO/auth-server/target/classes/dev/keymint/server/signing" ]] \
    || { echo "missing auth-server/target/classes (the sign-only ceiling signs with them): run without --no-build" >&2; exit 1; }
# Every server is launched as the README launches it: the jar unpacked (bench/lib.sh, unpack_jar).
APP_JAR=$(unpack_jar "$JAR" "$WORK/app")

# side_ticks: CPU ticks of the side load's clients and their children (each wrk under its timeout).
side_ticks() {
    local sum=0 p t
    for p in "${SIDE_PIDS[@]}" $(for p in "${SIDE_PIDS[@]}"; do pgrep -P "$p" || true; done); do
        t=$(stat_fields "/proc/$p/stat" 12 13 14 15); sum=$((sum + ${t:-0}))
    done
    echo "$sum"
}
# metrics FILE: the server's metrics now; fails the run when they cannot be read (a snapshot missing
# would turn the window's counts into the server's totals since launch).
metrics() {
    curl -sf --retry 3 --retry-all-errors -o "$1" "http://127.0.0.1:$MANAGEMENT_PORT/actuator/prometheus" \
        && grep -q '^keymint_keys_cache_hits_total ' "$1" || { log "could not read the metrics on port $MANAGEMENT_PORT"; return 1; }
}
# metric FILE NAME: the value of one series in a metrics snapshot (0 when absent).
metric() { awk -v m="$2" '$1==m{v=$2} END{print v + 0}' "$1"; }
# requests FILE URI [STATUS]: requests the server has answered for this URI template (and status).
requests() {
    awk -v uri="uri=\"$2\"" -v status="status=\"${3:-}" '
        /^http_server_requests_seconds_count[{]/ && index($0, uri) && index($0, status) {n += $NF} END {print n + 0}' "$1"
}
# request_seconds FILE URI: the time the server has spent answering this URI template, in seconds.
request_seconds() {
    awk -v uri="uri=\"$2\"" '/^http_server_requests_seconds_sum[{]/ && index($0, uri) {s += $NF} END {print s + 0}' "$1"
}
# signed: how often the server has re-signed a status list (its debug line, enabled at launch).
signed() { grep -c 'Status list [0-9]* signed' "$SERVER_LOG" || true; }

# sign_only: the in-process ceiling (bench/SignOnly.java with the server's signer, one thread per core), as bench/run.sh measures it.
sign_only() {
    log "sign-only ceiling $ALG ($1)"
    # shellcheck disable=SC2086
    java $JAVA_OPTS -cp "$SIGN_CLASSPATH" "$BENCH_DIR/SignOnly.java" "$ALG" 8 10 "$(nproc)" >>"$WORK/signonly.jsonl"
}

# tokens SECONDS OUT [WRK-ARGS...]: the token traffic (Zipf over the keys in use) for SECONDS, wrk's JSON in OUT.
tokens() {
    local seconds=$1 out=$2
    shift 2
    BENCH_KEYS_FILE="$AUTHS" BENCH_ZIPF_S=$ZIPF BENCH_OUT="$out" timeout $((seconds + 30)) \
        wrk -t1 -c"$CONC" -d"${seconds}s" "$@" -s "$BENCH_DIR/token.lua" "$URL" >/dev/null
}

# prime_keys KEYS: one request for every key of the traffic, in 10 s passes of wrk, before the warm-up.
# A server that has run for a while has seen its callers' keys; one just started has not, and with Zipf
# popularity over 100,000 keys the tail's first requests (each a key read from PostgreSQL) would still
# dominate a 30 s window (hit ratio ~0.8 after 45,000 requests). The rows measure the server that has
# run for a while; what a key's first request costs is the miss path, and start-up is its own column.
prime_keys() {
    local total offset=0 done_now
    total=$(wc -l <"$AUTHS")
    ((total > 1)) || return 0
    while ((offset < total)); do
        BENCH_KEYS_ORDER=sequential BENCH_KEYS_OFFSET=$offset tokens 10 "$WORK/prime.json"
        done_now=$(jq '.requests' "$WORK/prime.json")
        ((done_now > 0)) || { log "priming made no progress"; return 1; }
        offset=$((offset + done_now))
    done
    log "$1 keys: primed the key cache with $total keys ($offset requests)"
}

# use_count KEYS: point the helpers (PORT, URL, SERVER_PID, the database, the traffic's key file
# $AUTHS, the bootstrap key) at this count's database and server.
use_count() {
    local keys=$1 i=0 c
    for c in $COUNTS; do [[ "$c" == "$keys" ]] && break; i=$((i + 1)); done
    PORT=$((FIRST_PORT + 2 * i)); MANAGEMENT_PORT=$((PORT + 1))
    BASE="http://127.0.0.1:$PORT"; URL="$BASE/oauth/token"
    COUNT_DIR="$WORK/$keys"; AUTHS="$COUNT_DIR/authorizations.txt"; SERVER_LOG="$COUNT_DIR/server.log"
    SERVER_PID=${PIDS[$keys]:-}
    export SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:5432/${DB}_$keys" SPRING_DATASOURCE_USERNAME=postgres
    export KEYMINT_SIGNING_ALGORITHM=$ALG PORT BENCH_CLIENT_ID=${CLIENT_IDS[$keys]:-} BENCH_API_KEY=${API_KEYS[$keys]:-}
    SEED_MS=${SEEDS[$keys]:-0}; FIRST_TOKEN_MS=${FIRSTS[$keys]:-0}; FIRST_RSS_KB=${FIRST_RSS[$keys]:-0}
}

# launch LOG: this count's server (use_count), timed to its first token.
launch() {
    # shellcheck disable=SC2086
    first_token "$1" "$(head -1 "$AUTHS")" env MALLOC_ARENA_MAX="$MALLOC_ARENAS" java $JAVA_OPTS -jar "$APP_JAR" \
        --server.address=127.0.0.1 --management.server.port="$MANAGEMENT_PORT" \
        --logging.level.dev.keymint.server.status.StatusListTokens=DEBUG
}

# seed_and_time KEYS: a fresh database seeded with KEYS keys; its server launched alone on the machine
# (no other count's server up yet) and timed to its first token, then stopped. The launch log keeps
# the status lists' rebuild at start.
seed_and_time() {
    local keys=$1
    use_count "$keys"
    mkdir -p "$COUNT_DIR"
    DB=${DB}_$keys fresh_db
    DB=${DB}_$keys bootstrap_key "$COUNT_DIR/bootstrap.json"
    CLIENT_IDS[$keys]=$BENCH_CLIENT_ID; API_KEYS[$keys]=$BENCH_API_KEY
    log "$keys keys: seeding"
    DB=${DB}_$keys seed_keys "$keys" "$SPREAD" "$REVOKED_PERCENT" "$CHANGE_POOL"
    mv "$WORK/authorizations.txt" "$AUTHS"
    SEEDS[$keys]=$SEED_MS
    log "$keys keys: launching the server alone ($JAVA_OPTS)"
    launch "$COUNT_DIR/launch.log"
    FIRSTS[$keys]=$FIRST_TOKEN_MS; FIRST_RSS[$keys]=$FIRST_RSS_KB
    log "$keys keys: first token ${FIRST_TOKEN_MS} ms after launch"
    stop_server
}

# start_count KEYS: this count's server launched again, to stay up for the rounds: primed and warmed up.
start_count() {
    local keys=$1
    use_count "$keys"
    launch "$SERVER_LOG"
    PIDS[$keys]=$SERVER_PID
    prime_keys "$keys"
    log "$keys keys: warming up ${WARMUP} s"
    tokens "$WARMUP" "$COUNT_DIR/warmup.json"
}

# stop_servers: every count's server; keeps $?.
stop_servers() {
    local rc=$? keys
    for keys in $COUNTS; do use_count "$keys"; stop_server; PIDS[$keys]=""; done
    return $rc
}

# rounds: ROUNDS rounds of the key-count rows. Every count's server stays up, so in each round every
# count is measured within minutes of the others, in an order that rotates from round to round (two
# counts: A B, B A, A B), and each count is judged against the first count of the same round: rows
# measured one count after the other, minutes apart, differed by as much as a quarter on this machine
# with no change to the code (2026-12-02: 0.70–0.73 sequentially where the same two servers side by
# side, alternating 20 s windows, gave 0.94–1.12). Each turn starts with REWARM s of traffic, not measured: caches the other servers
# used in between. Six rounds of 15 s rather than three of 30 s (until 2026-12-02 20:40 UTC): the
# median of more, closer rounds; three rounds of one run gave the million keys 0.80, 0.83 and 0.97.
rounds() {
    local counts=($COUNTS) n round i keys
    n=${#counts[@]}
    for round in $(seq 1 "$ROUNDS"); do
        for i in $(seq 0 $((n - 1))); do
            keys=${counts[$(((i + round - 1) % n))]}
            use_count "$keys"
            tokens "$REWARM" "$COUNT_DIR/rewarm.json"
            ROUND=$round measure "$keys" plain
        done
    done
}

# side_rows KEYS: on this count's server, after the side loads settle, one plain row, then each side
# load in windows that alternate with the same load paused (side_windows).
side_rows() {
    local keys=$1
    use_count "$keys"
    settle_side_loads "$keys"
    measure "$keys" "plain, settled"
    status_list_windows "$keys"
    ingest_windows "$keys"
}

# measure KEYS LOAD: DURATION s of token traffic -> one JSON line in $WORK/rows.jsonl, with what the
# server answered the side load (status lists, admin key changes, usage reports) in the same window.
measure() {
    local keys=$1 load=$2 row=$1-$2-${ROUND:-}${PAIR:-} s0 p0 m0 g0 w0 c0 n0 s1 p1 m1 g1 w1 c1 n1
    metrics "$WORK/metrics-0"; g0=$(signed); w0=$(date +%s%N)
    s0=$(proc_ticks "$SERVER_PID"); p0=$(postgres_ticks); m0=$(machine_ticks); c0=$(side_ticks); n0=$(neighbour_ticks)
    local TIMEFORMAT='%U %S'
    { time tokens "$DURATION" "$WORK/wrk-$row.json" --timeout 10s ; } 2>"$WORK/wrk-$row.time"
    s1=$(proc_ticks "$SERVER_PID"); p1=$(postgres_ticks); m1=$(machine_ticks); c1=$(side_ticks); n1=$(neighbour_ticks)
    w1=$(date +%s%N); metrics "$WORK/metrics-1"; g1=$(signed)
    local name file counters=()
    for name in hits:keymint_keys_cache_hits_total misses:keymint_keys_cache_misses_total \
        lapses:keymint_keys_cache_lapses_total interruptions:keymint_keys_cache_interruptions_total \
        unanswered:keymint_keys_cache_unanswered_total; do
        counters+=(--argjson "${name%%:*}" "$(awk -v a="$(metric "$WORK/metrics-0" "${name#*:}")" \
            -v b="$(metric "$WORK/metrics-1" "${name#*:}")" 'BEGIN{print b - a}')")
    done
    for name in "lists:/oauth/status/{listId}:" "lists_full:/oauth/status/{listId}:200" \
        "lists_304:/oauth/status/{listId}:304" "disables:/admin/v1/keys/{id}/disable:200" \
        "enables:/admin/v1/keys/{id}/enable:200" "disables_all:/admin/v1/keys/{id}/disable:" \
        "enables_all:/admin/v1/keys/{id}/enable:" "reports:/admin/v1/usage-reports:200" \
        "reports_all:/admin/v1/usage-reports:"; do
        file=${name#*:}
        counters+=(--argjson "${name%%:*}" "$(($(requests "$WORK/metrics-1" "${file%:*}" "${file##*:}") \
            - $(requests "$WORK/metrics-0" "${file%:*}" "${file##*:}")))")
    done
    counters+=(--argjson change_s "$(awk -v a="$(request_seconds "$WORK/metrics-0" "/admin/v1/keys/{id}/disable")" \
        -v b="$(request_seconds "$WORK/metrics-1" "/admin/v1/keys/{id}/disable")" \
        -v c="$(request_seconds "$WORK/metrics-0" "/admin/v1/keys/{id}/enable")" \
        -v d="$(request_seconds "$WORK/metrics-1" "/admin/v1/keys/{id}/enable")" 'BEGIN{print b - a + d - c}')")
    counters+=(--argjson report_s "$(awk -v a="$(request_seconds "$WORK/metrics-0" "/admin/v1/usage-reports")" \
        -v b="$(request_seconds "$WORK/metrics-1" "/admin/v1/usage-reports")" 'BEGIN{print b - a}')")
    jq -c --argjson keys "$keys" --arg load "$load" --argjson spread "$(wc -l <"$AUTHS")" \
        --argjson seed "$SEED_MS" --argjson first "$FIRST_TOKEN_MS" --argjson first_rss "$FIRST_RSS_KB" \
        --argjson rebuild "$(grep -o -m1 'Status lists rebuilt from the database: .* in [0-9]* ms' "$COUNT_DIR/launch.log" \
            | grep -o '[0-9]* ms$' | cut -d' ' -f1 | grep . || echo null)" \
        --argjson st "$((s1 - s0))" --argjson pt "$((p1 - p0))" --argjson tck "$CLK_TCK" --arg m0 "$m0" --arg m1 "$m1" \
        --arg wrk "$(tail -1 "$WORK/wrk-$row.time")" --argjson ncpu "$(nproc)" --argjson signed "$((g1 - g0))" \
        --argjson window "$(((w1 - w0) / 1000000))" --argjson ct "$((c1 - c0))" --argjson nt "$((n1 - n0))" \
        --argjson round "${ROUND:-null}" --arg segment "${SEGMENT:-}" --argjson pair "${PAIR:-null}" \
        "${counters[@]}" \
        --argjson rss "$(status_kb "$SERVER_PID" VmRSS)" --argjson hwm "$(status_kb "$SERVER_PID" VmHWM)" '
        (.statuses["200"] // 0) as $ok | (.duration_us / 1e6) as $secs
        | ($m0 | split(" ") | map(tonumber)) as $a | ($m1 | split(" ") | map(tonumber)) as $b
        | ($wrk | split(" ") | map(tonumber) | add) as $wrk_s | ($window / 1000) as $side_secs
        | {keys: $keys, load: $load, round: $round, segment: (if $segment == "" then null else $segment end),
           pair: $pair, spread: $spread, seed_s: ($seed / 1000), first_token_s: ($first / 1000),
           first_rss_mb: ($first_rss / 1024), rebuild_ms: $rebuild, ok: $ok, tps: ($ok / $secs),
           errors: ((.requests - $ok) + (.socket_errors | to_entries | map(.value) | add)),
           p50_ms: (.p50_us / 1000), p99_ms: (.p99_us / 1000),
           server_ms: (if $ok > 0 then $st / $tck * 1000 / $ok else null end),
           pg_ms: (if $ok > 0 then $pt / $tck * 1000 / $ok else null end),
           hit_ratio: (if ($hits + $misses) > 0 then $hits / ($hits + $misses) else null end), lapses: $lapses,
           interruptions: $interruptions, unanswered: $unanswered,
           foreign_pct: (100 * (($b[0] - $a[0] - $ct - $nt) / $tck - $st / $tck - $pt / $tck - $wrk_s) / ($secs * $ncpu)),
           neighbour_pct: (100 * $nt / $tck / ($secs * $ncpu)),
           side_client_pct: (100 * $ct / $tck / ($secs * $ncpu)),
           rss_mb: ($rss / 1024), hwm_mb: ($hwm / 1024),
           lists_per_s: ($lists / $side_secs), lists_full_per_s: ($lists_full / $side_secs),
           lists_304_per_s: ($lists_304 / $side_secs), lists_failed: ($lists - $lists_full - $lists_304),
           changes_per_s: (($disables + $enables) / $side_secs), signed_per_s: ($signed / $side_secs),
           changes_failed: ($disables_all + $enables_all - $disables - $enables),
           change_mean_ms: (if ($disables_all + $enables_all) > 0 then 1000 * $change_s / ($disables_all + $enables_all) else null end),
           reports_per_s: ($reports / $side_secs), reports_failed: ($reports_all - $reports),
           report_mean_ms: (if $reports_all > 0 then 1000 * $report_s / $reports_all else null end)}' \
        "$WORK/wrk-$row.json" | tee -a "$WORK/rows.jsonl" >&2
}

# neighbour_ticks: CPU ticks of the other counts' servers, idle while this one is measured.
neighbour_ticks() {
    local sum=0 pid
    for pid in "${PIDS[@]}"; do
        [[ -n "$pid" && "$pid" != "$SERVER_PID" ]] && sum=$((sum + $(proc_ticks "$pid")))
    done
    echo "$sum"
}

# side_clients: the side load's client processes (each wrk under its timeout, the reporter's JVM).
side_clients() {
    local pid children
    for pid in "${SIDE_PIDS[@]}"; do
        children=$(pgrep -P "$pid" || true)
        echo "${children:-$pid}"
    done
}

# side_load STOP|CONT: pause or resume the side load's clients. Paused, a client keeps its connections
# and its place; resumed, it goes on at its rate (neither wrk's delay nor the reporter catches up on
# the time it was paused), so windows with and without the load can alternate within seconds.
side_load() {
    local pid
    for pid in $(side_clients); do kill -"$1" "$pid" 2>/dev/null || true; done
}

# stop_side_load: end the side load's clients (each also stops on its own when its time is up); keeps $?.
stop_side_load() {
    local rc=$? pid
    side_load CONT # a paused process would hold the signal until resumed
    for pid in "${SIDE_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    SIDE_PIDS=()
    return $rc
}

# wait_for_side_load URI: until the server has answered the side load's first requests (at most 120 s).
wait_for_side_load() {
    for _ in $(seq 1 1200); do
        metrics "$WORK/metrics-0"
        (($(requests "$WORK/metrics-0" "$1") > 0)) && return 0
        sleep 0.1
    done
    echo "the side load never reached $1" >&2
    exit 1
}

# start_status_load SECONDS: verifiers fetching every list and an admin changing keys, for SECONDS, in the background.
start_status_load() {
    local seconds=$1 lists token
    lists=$(curl -s "$BASE/oauth/status" | jq '.status_lists | length')
    token=$(curl -s -u "$BENCH_CLIENT_ID:$BENCH_API_KEY" -d grant_type=client_credentials "$URL" | jq -r .access_token)
    log "status lists: $lists list(s) fetched at $STATUS_RATE/s, $STATUS_CHANGES key change(s)/s"
    BENCH_STATUS_LISTS=$lists BENCH_STATUS_DELAY_MS=$(awk -v r="$STATUS_RATE" 'BEGIN{print int(1000 / r)}') \
        timeout $((seconds + 30)) wrk -t1 -c1 -d"${seconds}s" -s "$BENCH_DIR/status.lua" "$BASE" >/dev/null &
    SIDE_PIDS+=($!)
    BENCH_ADMIN_TOKEN=$token BENCH_CHANGE_POOL=$CHANGE_POOL \
        BENCH_CHANGE_DELAY_MS=$(awk -v r="$STATUS_CHANGES" 'BEGIN{print int(1000 / r)}') \
        timeout $((seconds + 30)) wrk -t1 -c1 -d"${seconds}s" -s "$BENCH_DIR/changes.lua" "$BASE" >/dev/null &
    SIDE_PIDS+=($!)
}

# start_ingest_load SECONDS OUT [STOP]: resource servers reporting usage at a steady rate for SECONDS
# (after the reporter's own 5 s warm-up), or until the file STOP exists, in the background; the
# reporter's JSON (its totals check) in OUT.
start_ingest_load() {
    log "usage ingest: $INGEST_RATE reports/s of $INGEST_KEYS keys each"
    # The reporter stands in for resource servers on other machines, yet shares these two cores, so it
    # runs light: C1 only (a steady few posts a second need no C2 code) and a small serial heap. Its
    # share of the CPU is in the row (side clients' CPU).
    java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx64m "$BENCH_DIR/IngestBench.java" "$BASE" "$BENCH_CLIENT_ID" "$BENCH_API_KEY" "$INGEST_KEYS" 2 \
        "$1" "$INGEST_RATE" ${3:+"$3"} >"$2" 2>"${2%.json}.log" &
    SIDE_PIDS+=($!)
}

# settle_side_loads KEYS: the token traffic with every side load at once for SIDE_SETTLE s, before the
# rows that compare them. A request path the server has not run yet costs several times its steady
# price while the JIT compiles it (measured: a status-list GET at 20/s took ~5 ms of server CPU in its
# first minute, 1–3 ms from the fourth), and compiling it can make the token path's code be
# recompiled too; a deployment serves lists, admin calls and reports all day, so every row after this
# one measures a server that has run them all.
settle_side_loads() {
    local keys=$1
    ((SIDE_SETTLE > 0)) || return 0
    log "$keys keys: token traffic with every side load for ${SIDE_SETTLE} s before the rows"
    start_status_load "$SIDE_SETTLE"
    start_ingest_load "$SIDE_SETTLE" "$WORK/settle-ingest.json"
    tokens "$SIDE_SETTLE" "$WORK/settle.json"
    stop_side_load
}

# side_windows KEYS LOAD URI: with LOAD's clients started (SIDE_PIDS), once the server has answered
# them at URI and the token traffic has warmed up next to them, SIDE_PAIRS pairs of windows of
# SIDE_WINDOW s: one with the side load running, one with it paused (side_load), in the order
# running/paused, paused/running, … Each window comes after SIDE_GAP s of traffic not measured, for
# what the state before left behind (the usage and last-used flushes run every 5 s) to pass. Leaves
# the side load running. Why windows and not rows: this machine's speed drifts by a fifth within
# minutes, and one 30 s side row judged against the plain rows before and after it came out anywhere
# from 0.71 to 1.17 for the same code (bench/README.md); 10 s windows a few seconds apart, in an order
# that cancels a steady drift, see the same machine.
side_windows() {
    local keys=$1 load=$2 uri=$3 pair state
    wait_for_side_load "$uri"
    log "$keys keys, $load: warming up ${WARMUP} s, then $SIDE_PAIRS pairs of ${SIDE_WINDOW} s windows, running and paused"
    tokens "$WARMUP" "$WORK/warmup.json"
    for pair in $(seq 1 "$SIDE_PAIRS"); do
        for state in $(if ((pair % 2)); then echo on paused; else echo paused on; fi); do
            if [[ "$state" == on ]]; then side_load CONT; else side_load STOP; fi
            tokens "$SIDE_GAP" "$WORK/gap.json"
            SEGMENT=$load PAIR=$pair DURATION=$SIDE_WINDOW measure "$keys" "$load$([[ "$state" == on ]] || echo ", paused")"
        done
    done
    side_load CONT
}

# side_seconds: how long a side load's clients are started for, more than its windows take (they are
# stopped when the windows are done).
side_seconds() { echo $((WARMUP + SIDE_PAIRS * 2 * (SIDE_GAP + SIDE_WINDOW + 10) + 60)); }

# status_list_windows KEYS: the token traffic next to verifiers fetching the lists and an admin changing keys.
status_list_windows() {
    start_status_load "$(side_seconds)"
    side_windows "$1" "status lists" "/oauth/status/{listId}"
    stop_side_load
}

# ingest_windows KEYS: the token traffic next to resource servers reporting usage at a steady rate;
# the reporter's JSON (its totals check) in $WORK/ingest.json.
ingest_windows() {
    rm -f "$WORK/ingest.stop"
    start_ingest_load "$(side_seconds)" "$WORK/ingest.json" "$WORK/ingest.stop"
    side_windows "$1" "usage ingest" "/admin/v1/usage-reports"
    log "$1 keys, usage ingest: waiting for the reporter's totals check"
    touch "$WORK/ingest.stop"
    wait "${SIDE_PIDS[@]}" || true
    SIDE_PIDS=()
}

: >"$WORK/rows.jsonl"; : >"$WORK/signonly.jsonl"
sign_only before
for keys in $COUNTS; do seed_and_time "$keys"; done
for keys in $COUNTS; do start_count "$keys"; done
rounds
if [[ "$SIDE_LOADS" == 1 ]]; then side_rows "${COUNTS##* }"; fi
stop_servers
sign_only after

CEILING=$(jq -s 'map(.tokens_per_s) | add / length' "$WORK/signonly.jsonl")
# The reporter's own view of its answers (null without side loads).
INGEST=$(jq -s -c '.[0]' "$WORK/ingest.json" 2>/dev/null || echo null)
# f(n; d): n rounded to d decimals, "–" when unknown. median: of a list of numbers. mean: of a list.
# rounds / side: the key-count rows (each with its round) and the side-load rows at the largest count.
# ratio(rows; r): r's tokens/s ÷ the first count's in the same round.
# windows(load): a side load's windows, running and paused; on: a window with it running.
# side_ratio(rows; load; g): the mean of g over load's running windows ÷ over its paused ones.
# pair_ratios(rows; load): tokens/s running ÷ paused, pair by pair.
JQ_DEFS='def f(n; d): if n == null then "–" else (n * pow(10; d) | round / pow(10; d) | tostring) end;
    def pass(ok): if ok then "PASS" else "FAIL" end;
    def median: sort | if length == 0 then null elif length % 2 == 1 then .[length / 2 | floor]
        else (.[length / 2 - 1] + .[length / 2]) / 2 end;
    def mean: if length == 0 then null else add / length end;
    def windows(load): map(select(.segment == load));
    def on: .load == .segment;
    def side_ratio(rows; load; g): (rows | windows(load) | map(select(on) | g) | mean)
        / (rows | windows(load) | map(select(on | not) | g) | mean);
    def pair_ratios(rows; load): rows | windows(load) | group_by(.pair)
        | map((map(select(on))[0].tps) / (map(select(on | not))[0].tps));
    def rounds: map(select(.round != null));
    def counted(n; one; many): if n > 0 then "\(n) \(if n > 1 then many else one end)" else empty end;
    def lapses(rows): [counted(rows | map(.lapses // 0) | add; "lease lapse"; "lease lapses"),
            counted(rows | map(.interruptions // 0) | add; "interruption"; "interruptions"),
            counted(rows | map(.unanswered // 0) | add; "lookup while not answering"; "lookups while not answering")]
        | if length > 0 then " (\(join(", ")))" else "" end;
    def side: map(select(.round == null));
    def ratio(rows; r): r as $r | rows as $rows
        | $r.tps / ($rows[] | select(.round == $r.round and .keys == $rows[0].keys)).tps;'
FIRST_COUNT=${COUNTS%% *}
LAST_COUNT=${COUNTS##* }
{
    echo "# Keymint token endpoint at scale"
    echo
    echo "Generated by \`bench/scale.sh\` — regenerated on every run, do not edit by hand."
    echo
    echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?'); whole run $(($(date +%s) - RUN_START)) s"
    echo "- Machine: $(nproc) CPUs ($(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)); wrk (1 thread), PostgreSQL $(psql $PG_OPTS -qXAtc 'show server_version') and the servers on it"
    echo "- $(java -version 2>&1 | head -1); server JVM flags \`$JAVA_OPTS\` (MALLOC_ARENA_MAX=$MALLOC_ARENAS), launched as the README does: the jar unpacked, \`java -jar app/auth-server.jar\`; $ALG, client_secret_basic, concurrency $CONC"
    echo "- Per key count: its own database, keys seeded by COPY, and $REVOKED_PERCENT % as many revoked scattered among them; traffic over $SPREAD of them (all when fewer) spread evenly over the table, popularity P(rank k) ~ 1/k^$ZIPF; its server launched alone and timed to its first token, then launched again to stay up: every key of the traffic requested once (priming the key cache, as a server that has run a while has seen its callers), ${WARMUP} s warm-up"
    echo "- Key-count rows: $ROUNDS rounds; in each, every count's server (all up at once, the others idle) gets ${REWARM} s of traffic then ${DURATION} s measured, in an order that rotates each round"
    echo "- Sign-only ceiling ($ALG, bench/SignOnly.java, $(nproc) threads): $(jq -s -r 'map(.tokens_per_s | floor | tostring) | join(" before, ") + " after"' "$WORK/signonly.jsonl") tokens/s"
    echo
    echo "## Targets"
    echo
    echo "| target | measured | |"
    echo "|---|---:|---|"
    jq -s -r --argjson last "$LAST_COUNT" "$JQ_DEFS"'
        . as $all | rounds as $rows | side as $side_rows
        | [$rows[] | select(.keys == $last) | ratio($rows; .)] as $ratios | ($ratios | median) as $eff
        | def side_target(load; what): if ($side_rows | windows(load) | length) > 0 then
            (side_ratio($side_rows; load; .tps)) as $r | pair_ratios($side_rows; load) as $pairs
            | "| \(what): tokens/s ≥ 0.95 of the same server with them paused (\($pairs | length) pairs of windows, alternating; pair by pair \(f($pairs | min; 2))–\(f($pairs | max; 2))) | \(f($r; 2)) | \(pass($r >= 0.95)) |"
            else empty end;
        "| efficiency at \($last) keys ≥ 0.90 of the \($rows[0].keys)-key figure (same ceiling: the tokens/s ratio, same round; median of \($ratios | length) rounds, range \(f($ratios | min; 2))–\(f($ratios | max; 2))) | \(f($eff; 2)) | \(pass($eff >= 0.9)) |",
          "| launch → first token ≤ 10 s (worst key count, each server launched alone) | \(f($rows | map(.first_token_s) | max; 2)) s | \(pass(($rows | map(.first_token_s) | max) <= 10)) |",
          "| RSS ≤ 400 MB (peak VmHWM over every row) | \(f($all | map(.hwm_mb) | max; 0)) MB | \(pass(($all | map(.hwm_mb) | max) <= 400)) |",
          side_target("status lists"; "status lists served and re-signed"),
          side_target("usage ingest"; "usage ingest"),
          "| zero errors in every row | \($all | map(.errors) | add) | \(pass(($all | map(.errors) | add) == 0)) |",
          "| (validity) key-count rows on a quiet machine: foreign CPU ≤ 10 % | \(f($rows | map(.foreign_pct) | max; 0)) % | \(if ($rows | map(.foreign_pct) | max) <= 10 then "OK" else "NOISY" end) |"' \
        "$WORK/rows.jsonl"
    echo
    echo "No visible dent: 0.95 is the bar this script sets for the issue's words; on the 2-core machine two plain runs differ by a few per cent."
    echo
    echo "## Key counts"
    echo
    echo "Medians over the rounds (RSS and foreign CPU: the highest; hit ratio: the lowest)."
    echo
    echo "| keys | keys in use | tokens/s | ÷ first count, same round | efficiency | errors | p50 ms | p99 ms | server CPU ms/token | PostgreSQL CPU ms/token | key cache hit ratio | RSS / peak MB | launch → first token s | status lists rebuilt at start ms | seeding s | idle servers' CPU % | foreign CPU % |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    jq -s -r --argjson ceiling "$CEILING" "$JQ_DEFS"'
        rounds as $rows | $rows | group_by(.keys)[] | . as $g | $g[0] as $c
        | "| \($c.keys) | \($c.spread) | \(f($g | map(.tps) | median; 0)) | \(f([$g[] | ratio($rows; .)] | median; 2)) | \(f(($g | map(.tps) | median) / $ceiling; 2)) | \($g | map(.errors) | add) | \(f($g | map(.p50_ms) | median; 1)) | \(f($g | map(.p99_ms) | median; 1)) | \(f($g | map(.server_ms) | median; 3)) | \(f($g | map(.pg_ms) | median; 3)) | \(f($g | map(.hit_ratio) | min; 4))\(lapses($g)) | \(f($g | map(.rss_mb) | max; 0)) / \(f($g | map(.hwm_mb) | max; 0)) | \(f($c.first_token_s; 2)) | \(f($c.rebuild_ms; 0)) | \(f($c.seed_s; 1)) | \(f($g | map(.neighbour_pct) | max; 0)) | \(f($g | map(.foreign_pct) | max; 0)) |"' \
        "$WORK/rows.jsonl"
    echo
    echo "Tokens/s per round, in the order measured:"
    echo
    jq -s -r "$JQ_DEFS"'
        rounds as $rows | $rows | group_by(.round)[]
        | "- round \(.[0].round): " + (map("\(.keys) keys \(f(.tps; 0))" + (if .keys == $rows[0].keys then "" else " (\(f(ratio($rows; .); 2)))" end)) | join(", "))' \
        "$WORK/rows.jsonl"
    echo
    echo "÷ first count, same round: tokens/s against the first key count's in the same round. efficiency: tokens/s ÷ the mean sign-only ceiling."
    echo "key cache hit ratio: keymint_keys_cache_hits ÷ (hits + misses) over the measured window; a lease lapse (keymint_keys_cache_lapses: the listener confirmed after its lease had run out) and an interruption (keymint_keys_cache_interruptions: the listener's connection failed) forget every key held, which are then read again; lookups while not answering (keymint_keys_cache_unanswered) read PostgreSQL while the listener was not confirmed. status lists rebuilt at start: the server's own log line (every non-VALID entry read and packed)."
    echo "CPU: utime+stime from /proc over the measured window; PostgreSQL = all postgres processes. idle servers' CPU %: the other counts' servers, up and idle meanwhile (share of all cores). foreign CPU %: other work on the machine (not the servers, PostgreSQL or wrk); above 10 % the row was measured under contention."
    if jq -e -s 'any(.load == "status lists")' "$WORK/rows.jsonl" >/dev/null; then
        echo
        echo "## Side loads at $(jq -s -r 'map(select(.load == "status lists"))[0].keys' "$WORK/rows.jsonl") keys, same server"
        echo
        echo "| load | windows | tokens/s | ÷ paused | errors | p50 ms | p99 ms | server CPU ms/token | ÷ paused | PostgreSQL CPU ms/token | key cache hit ratio | RSS / peak MB | side clients' CPU % | foreign CPU % | what the server answered the side load |"
        echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
        jq -s -r --argjson ingest "$INGEST" "$JQ_DEFS"'
            side as $rows
            | ([$rows[] | select(.segment == null)] + ($rows | map(select(.segment != null)) | group_by(.segment)
                | map(group_by(on) | reverse[]))) []
            | (if type == "array" then . else [.] end) as $g | $g[0] as $c
            | (if $c.segment == null or ($c | on | not) then "–" else f(side_ratio($rows; $c.segment; .tps); 2) end) as $tps_ratio
            | (if $c.segment == null or ($c | on | not) then "–" else f(side_ratio($rows; $c.segment; .server_ms); 2) end) as $cpu_ratio
            | (if $c.segment == "status lists" then
                 "\(f($g | map(.lists_per_s) | mean; 1)) lists/s served (\(f($g | map(.lists_full_per_s) | mean; 1)) 200, \(f($g | map(.lists_304_per_s) | mean; 1)) 304, \($g | map(.lists_failed) | add) other); \(f($g | map(.changes_per_s) | mean; 2)) key changes/s, \(f($g | map(.signed_per_s) | mean; 2)) lists re-signed/s"
                 + (if ($c | on) then "; admin change \(f($g | map(.change_mean_ms) | mean; 0)) ms on average as the server timed it (the barrier included), \($g | map(.changes_failed) | add) not 200" else "" end)
               elif $c.segment == "usage ingest" then
                 "\(f($g | map(.reports_per_s) | mean; 1)) reports/s booked (\($g | map(.reports_failed) | add) not 200)"
                 + (if ($c | on) then ", \($ingest.keys_per_report // "?") keys each, in \(f($g | map(.report_mean_ms) | mean; 0)) ms on average as the server timed it; the reporter totals: allowed sent \($ingest.allowed_sent // "?") = booked \($ingest.allowed_booked // "?")" else "" end)
               else "–" end) as $side
            | "| \($c.load) | \($g | length) | \(f($g | map(.tps) | mean; 0)) | \($tps_ratio) | \($g | map(.errors) | add) | \(f($g | map(.p50_ms) | median; 1)) | \(f($g | map(.p99_ms) | median; 1)) | \(f($g | map(.server_ms) | mean; 3)) | \($cpu_ratio) | \(f($g | map(.pg_ms) | mean; 3)) | \(f($g | map(.hit_ratio) | min; 4))\(lapses($g)) | \(f($g | map(.rss_mb) | max; 0)) / \(f($g | map(.hwm_mb) | max; 0)) | \(f($g | map(.side_client_pct) | mean; 0)) | \(f($g | map(.foreign_pct) | max; 0)) | \($side) |"' \
            "$WORK/rows.jsonl"
        echo
        echo "Tokens/s pair by pair, in the order measured (running, paused: their ratio):"
        echo
        jq -s -r "$JQ_DEFS"'
            side | map(select(.segment != null)) | group_by(.segment)[] | . as $w
            | "- \($w[0].segment): " + ($w | group_by(.pair) | map("\(map(if on then "**\(f(.tps; 0))**" else f(.tps; 0) end) | join(" → ")) (\(f((map(select(on))[0].tps) / (map(select(on | not))[0].tps); 2)))") | join(", "))' \
            "$WORK/rows.jsonl"
        echo
        echo "status lists: bench/status.lua fetches every list with gzip at about $STATUS_RATE/s, half of the requests with If-None-Match; bench/changes.lua has the admin API disable or enable one of $CHANGE_POOL keys outside the traffic about $STATUS_CHANGES time(s) a second, each change making the next fetch re-sign its list."
        echo "usage ingest: bench/IngestBench.java, 2 threads posting up to $INGEST_RATE reports/s of $INGEST_KEYS keys each to POST /admin/v1/usage-reports."
        echo "Windows: for each side load, its clients started, ${WARMUP} s of the token traffic next to them, then $SIDE_PAIRS pairs of ${SIDE_WINDOW} s windows, one with the side load running and one with its clients paused (SIGSTOP; resumed with SIGCONT, they go on at their rate), in the order running/paused, paused/running, …, each after ${SIDE_GAP} s of traffic not measured. tokens/s and CPU: means over the windows (p50/p99: medians). ÷ paused: the running windows' mean ÷ the paused windows' (tokens/s, and server CPU per token). Before these rows, after the rounds: ${SIDE_SETTLE} s of the token traffic with both side loads at once, so they measure a server that has compiled all these paths; peak RSS (VmHWM) includes that settling, all loads at once."
        echo "Side-load rates are what the server answered in the measured windows (its http_server_requests metrics; re-signs from its debug log); the paused windows show that the clients were paused. Server and PostgreSQL CPU per token include the side load's work. side clients' CPU %: the side load's own clients (the wrks and the IngestBench JVM), on the same cores as the server, so part of any dent; foreign CPU leaves them out."
    fi
} >"$BENCH_DIR/SCALE-RESULTS.md"
log "wrote bench/SCALE-RESULTS.md"
cat "$BENCH_DIR/SCALE-RESULTS.md"
