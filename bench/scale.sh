#!/usr/bin/env bash
# Token endpoint at scale: one command, bench/scale.sh [--no-build]. For each key count in SCALE_KEYS
# (default "1 1000 100000 1000000"): a fresh database seeded with that many keys by COPY
# (bench/scale-keys.py, seconds, not a million admin calls), one server, then token traffic spread
# over SCALE_SPREAD (default 100,000) of the keys, or all when fewer, with Zipf-like popularity
# (P(rank k) ~ 1/k^SCALE_ZIPF_S, default 1), at concurrency SCALE_CONCURRENCY (default 32).
# Per key count: tokens/s and their ratio to the first row's and to the sign-only ceiling (measured
# before the first and after the last count, as bench/run.sh does), errors, p50/p99, server and
# PostgreSQL CPU per token, the key cache's hit ratio over the measured window, RSS, and launch →
# first token. Writes bench/SCALE-RESULTS.md. Everything started is stopped and the database dropped
# on exit; traffic goes only to 127.0.0.1.
#
# Environment (all optional): SCALE_KEYS, SCALE_SPREAD, SCALE_ZIPF_S, SCALE_CONCURRENCY,
# SCALE_DURATION (measured seconds per count, default 30), SCALE_WARMUP (default 30),
# SCALE_ALGORITHM (default RS256), BENCH_PORT (default 18085; the management port is the next one),
# BENCH_JAVA_OPTS (default as bench/run.sh but -Xmx192m: 100,000 keys in use take some 50 MB of
# heap in the key cache), BENCH_PG, BENCH_JAR (with --no-build: another build's jar), BENCH_KEEP=1
# (keep the temporary folder).
# Needs what bench/run.sh needs (PostgreSQL on 127.0.0.1:5432 as postgres, wrk, jq) and python3.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$BENCH_DIR")
COUNTS=${SCALE_KEYS:-"1 1000 100000 1000000"}
SPREAD=${SCALE_SPREAD:-100000}
ZIPF=${SCALE_ZIPF_S:-1}
CONC=${SCALE_CONCURRENCY:-32}
DURATION=${SCALE_DURATION:-30}
WARMUP=${SCALE_WARMUP:-30}
ALG=${SCALE_ALGORITHM:-RS256}
PORT=${BENCH_PORT:-18085}
MANAGEMENT_PORT=$((PORT + 1))
JAVA_OPTS=${BENCH_JAVA_OPTS:-"-Xmx192m -XX:+UseSerialGC -Xss512k -XX:ReservedCodeCacheSize=64m"}
PG_OPTS=${BENCH_PG:-"-h 127.0.0.1 -p 5432 -U postgres"}
NIMBUS_VERSION=10.9.1
NIMBUS_JAR="$HOME/.m2/repository/com/nimbusds/nimbus-jose-jwt/$NIMBUS_VERSION/nimbus-jose-jwt-$NIMBUS_VERSION.jar"
# bench/SignOnly.java signs with the server's own classes (SigningAlgorithm, Ed25519Signer), left by the build.
SIGN_CLASSPATH="$NIMBUS_JAR:$REPO/auth-server/target/classes"
DB=keymint_bench_scale
JAR=${BENCH_JAR:-"$REPO/auth-server/target/auth-server.jar"}
URL="http://127.0.0.1:$PORT/oauth/token"
WORK=$(mktemp -d /tmp/keymint-scale.XXXXXX)
CLK_TCK=$(getconf CLK_TCK)
SERVER_PID=""
RUN_START=$(date +%s)

log() { printf '[scale %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

need wrk jq psql:postgresql-client python3
if [[ "${1:-}" != "--no-build" ]]; then
    log "building (./mvnw -B -q package -DskipTests)"
    (cd "$REPO" && ./mvnw -B -q package -DskipTests) >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
fi
[[ -f "$NIMBUS_JAR" ]] || "$REPO/mvnw" -B -q dependency:get -Dartifact="com.nimbusds:nimbus-jose-jwt:$NIMBUS_VERSION" -Dtransitive=false
[[ -d "$REPO/auth-server/target/classes/dev/keymint/server/signing" ]] \
    || { echo "missing auth-server/target/classes (the sign-only ceiling signs with them): run without --no-build" >&2; exit 1; }

proc_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
postgres_ticks() {
    local sum=0 p
    for p in $(pgrep -x postgres || true); do sum=$((sum + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done
    echo "$sum"
}
machine_ticks() { awk '/^cpu /{busy=$2+$3+$4+$7+$8+$9; print busy, busy+$5+$6}' /proc/stat; }
status_kb() { awk -v k="$2:" '$1==k{print $2}' "/proc/$1/status"; }
metric() { curl -s "http://127.0.0.1:$MANAGEMENT_PORT/actuator/prometheus" | awk -v m="$1" '$1==m{print $2}'; }

# sign_only: the in-process ceiling (bench/SignOnly.java with the server's signer, one thread per core), as bench/run.sh measures it.
sign_only() {
    log "sign-only ceiling $ALG ($1)"
    # shellcheck disable=SC2086
    java $JAVA_OPTS -cp "$SIGN_CLASSPATH" "$BENCH_DIR/SignOnly.java" "$ALG" 8 10 "$(nproc)" >>"$WORK/signonly.jsonl"
}

# run_count KEYS: seed, start, first token, warm up, measure -> one JSON line in $WORK/rows.jsonl
run_count() {
    local keys=$1 t0 t1
    fresh_db
    export KEYMINT_SIGNING_ALGORITHM=$ALG PORT
    bootstrap_key "$WORK/bootstrap.json"
    local organization; organization=$(psql $PG_OPTS -d "$DB" -qAtXc "select id from organizations where slug = 'acme'")
    log "$keys keys: seeding"
    t0=$(date +%s%N)
    python3 "$BENCH_DIR/scale-keys.py" "$keys" "$SPREAD" "$organization" "$WORK/keys.tsv" "$WORK/authorizations.txt"
    psql $PG_OPTS -d "$DB" -qX -v ON_ERROR_STOP=1 >/dev/null <<SQL
\copy api_keys (id, organization_id, name, secret_hash, scopes) from '$WORK/keys.tsv'
vacuum analyze api_keys;
SQL
    t1=$(date +%s%N)
    local seed_ms=$(((t1 - t0) / 1000000)) first; first=$(head -1 "$WORK/authorizations.txt")
    rm -f "$WORK/keys.tsv"

    log "$keys keys: starting the server ($JAVA_OPTS)"
    t0=$(date +%s%N)
    # shellcheck disable=SC2086
    java $JAVA_OPTS -jar "$JAR" --server.address=127.0.0.1 --management.server.port="$MANAGEMENT_PORT" \
        >"$WORK/server-$keys.log" 2>&1 &
    SERVER_PID=$!
    wait_for_token "$URL" "$WORK/server-$keys.log" 180 -H "Authorization: $first"
    t1=$(date +%s%N)
    local first_token_ms=$(((t1 - t0) / 1000000)) first_rss; first_rss=$(status_kb "$SERVER_PID" VmRSS)
    log "$keys keys: first token ${first_token_ms} ms after launch; warming up ${WARMUP} s"
    BENCH_KEYS_FILE="$WORK/authorizations.txt" BENCH_ZIPF_S=$ZIPF BENCH_OUT="$WORK/warmup.json" timeout $((WARMUP + 30)) \
        wrk -t1 -c"$CONC" -d"${WARMUP}s" -s "$BENCH_DIR/token.lua" "$URL" >/dev/null

    local s0 p0 m0 h0 x0 s1 p1 m1 h1 x1
    h0=$(metric keymint_keys_cache_hits_total); x0=$(metric keymint_keys_cache_misses_total)
    s0=$(proc_ticks "$SERVER_PID"); p0=$(postgres_ticks); m0=$(machine_ticks)
    local TIMEFORMAT='%U %S'
    { time BENCH_KEYS_FILE="$WORK/authorizations.txt" BENCH_ZIPF_S=$ZIPF BENCH_OUT="$WORK/wrk-$keys.json" \
        timeout $((DURATION + 30)) wrk -t1 -c"$CONC" -d"${DURATION}s" --timeout 10s -s "$BENCH_DIR/token.lua" "$URL" >/dev/null ; } \
        2>"$WORK/wrk-$keys.time"
    s1=$(proc_ticks "$SERVER_PID"); p1=$(postgres_ticks); m1=$(machine_ticks)
    h1=$(metric keymint_keys_cache_hits_total); x1=$(metric keymint_keys_cache_misses_total)
    jq -c --argjson keys "$keys" --argjson spread "$(wc -l <"$WORK/authorizations.txt")" --argjson seed "$seed_ms" \
        --argjson first "$first_token_ms" --argjson first_rss "$first_rss" \
        --argjson st "$((s1 - s0))" --argjson pt "$((p1 - p0))" --argjson tck "$CLK_TCK" --arg m0 "$m0" --arg m1 "$m1" \
        --arg wrk "$(tail -1 "$WORK/wrk-$keys.time")" --argjson ncpu "$(nproc)" \
        --argjson hits "$(awk -v a="${h0:-0}" -v b="${h1:-0}" 'BEGIN{print b - a}')" \
        --argjson misses "$(awk -v a="${x0:-0}" -v b="${x1:-0}" 'BEGIN{print b - a}')" \
        --argjson rss "$(status_kb "$SERVER_PID" VmRSS)" --argjson hwm "$(status_kb "$SERVER_PID" VmHWM)" '
        (.statuses["200"] // 0) as $ok | (.duration_us / 1e6) as $secs
        | ($m0 | split(" ") | map(tonumber)) as $a | ($m1 | split(" ") | map(tonumber)) as $b
        | ($wrk | split(" ") | map(tonumber) | add) as $wrk_s
        | {keys: $keys, spread: $spread, seed_s: ($seed / 1000), first_token_s: ($first / 1000), first_rss_mb: ($first_rss / 1024),
           ok: $ok, tps: ($ok / $secs),
           errors: ((.requests - $ok) + (.socket_errors | to_entries | map(.value) | add)),
           p50_ms: (.p50_us / 1000), p99_ms: (.p99_us / 1000),
           server_ms: (if $ok > 0 then $st / $tck * 1000 / $ok else null end),
           pg_ms: (if $ok > 0 then $pt / $tck * 1000 / $ok else null end),
           hit_ratio: (if ($hits + $misses) > 0 then $hits / ($hits + $misses) else null end),
           foreign_pct: (100 * (($b[0] - $a[0]) / $tck - $st / $tck - $pt / $tck - $wrk_s) / ($secs * $ncpu)),
           rss_mb: ($rss / 1024), hwm_mb: ($hwm / 1024)}' "$WORK/wrk-$keys.json" | tee -a "$WORK/rows.jsonl" >&2
    stop_server
}

: >"$WORK/rows.jsonl"; : >"$WORK/signonly.jsonl"
sign_only before
for keys in $COUNTS; do run_count "$keys"; done
sign_only after

CEILING=$(jq -s 'map(.tokens_per_s) | add / length' "$WORK/signonly.jsonl")
{
    echo "# Keymint token endpoint at scale"
    echo
    echo "Generated by \`bench/scale.sh\` — regenerated on every run, do not edit by hand."
    echo
    echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?'); whole run $(($(date +%s) - RUN_START)) s"
    echo "- Machine: $(nproc) CPUs ($(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)); wrk (1 thread), PostgreSQL $(psql $PG_OPTS -qXAtc 'show server_version') and the server on it"
    echo "- $(java -version 2>&1 | head -1); server JVM flags \`$JAVA_OPTS\`; $ALG, client_secret_basic, concurrency $CONC"
    echo "- Per key count: fresh database, keys seeded by COPY; traffic over $SPREAD of them (all when fewer) spread evenly over the table, popularity P(rank k) ~ 1/k^$ZIPF; ${WARMUP} s warm-up, ${DURATION} s measured"
    echo "- Sign-only ceiling ($ALG, bench/SignOnly.java, $(nproc) threads): $(jq -s -r 'map(.tokens_per_s | floor | tostring) | join(" before, ") + " after"' "$WORK/signonly.jsonl") tokens/s"
    echo
    echo "| keys | keys in use | tokens/s | ÷ first row | efficiency | errors | p50 ms | p99 ms | server CPU ms/token | PostgreSQL CPU ms/token | key cache hit ratio | RSS / peak MB | launch → first token s | seeding s | foreign CPU % |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    jq -s -r --argjson ceiling "$CEILING" '
        def f(n; d): if n == null then "–" else (n * pow(10; d) | round / pow(10; d) | tostring) end;
        .[0].tps as $base
        | .[] | "| \(.keys) | \(.spread) | \(f(.tps; 0)) | \(f(.tps / $base; 2)) | \(f(.tps / $ceiling; 2)) | \(.errors) | \(f(.p50_ms; 1)) | \(f(.p99_ms; 1)) | \(f(.server_ms; 3)) | \(f(.pg_ms; 3)) | \(f(.hit_ratio; 4)) | \(f(.rss_mb; 0)) / \(f(.hwm_mb; 0)) | \(f(.first_token_s; 2)) | \(f(.seed_s; 1)) | \(f(.foreign_pct; 0)) |"' \
        "$WORK/rows.jsonl"
    echo
    echo "÷ first row: tokens/s against the first key count's (the issue's target: ≥ 0.90 at 1 M keys against 1 key)."
    echo "efficiency: tokens/s ÷ the mean sign-only ceiling. key cache hit ratio: keymint_keys_cache_hits ÷ (hits + misses) over the measured window."
    echo "CPU: utime+stime from /proc over the measured window; PostgreSQL = all postgres processes. foreign CPU %: other work on the machine (not server, PostgreSQL or wrk); above 10 % the row was measured under contention."
    echo "Targets: launch → first token ≤ 10 s whatever the key count; RSS ≤ 400 MB."
} >"$BENCH_DIR/SCALE-RESULTS.md"
log "wrote bench/SCALE-RESULTS.md"
cat "$BENCH_DIR/SCALE-RESULTS.md"
