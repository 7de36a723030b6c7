#!/usr/bin/env bash
# Many instances on one PostgreSQL: one command, bench/instances.sh [--no-build]. Up to 4 instances
# on one fresh database (keymint_bench_instances), on this machine:
#   a. idle cost: with 1, 2 and 4 instances running and no traffic, for INSTANCES_IDLE s: PostgreSQL
#      transactions/s of the database (pg_stat_database), what they touch (pg_stat_user_tables), the
#      CPU of the database's backends (/proc of each backend pid), the connections held, by
#      application_name; the per-instance cost is the slope over N;
#   b. the barrier: with the same N, INSTANCES_CHANGES sequential disable/enable calls of one key
#      through the admin API (each returns once every live instance confirmed it): p50/p99, calls/s
#      and PostgreSQL transactions per call;
#   c. admin writes under token load, 4 instances: token traffic alone (one wrk -t1 per instance at
#      concurrency INSTANCES_CONCURRENCY each), INSTANCES_CREATES key creations alone (bench/AdminWrites.java,
#      INSTANCES_ADMIN_THREADS threads, round-robin over the instances), both at once, and the
#      INSTANCES_CHANGES disable/enable calls under the same token load.
# Writes bench/INSTANCES-RESULTS.md. Everything started is stopped and the database dropped on exit;
# traffic goes only to 127.0.0.1.
#
# Environment (all optional): INSTANCES_IDLE (seconds per N, default 60), INSTANCES_CHANGES (200),
# INSTANCES_CREATES (1000), INSTANCES_ADMIN_THREADS (4), INSTANCES_LOAD (seconds of token traffic
# per window, default 30), INSTANCES_WARMUP (default 20), INSTANCES_CONCURRENCY (per instance, default 8),
# INSTANCES_POOL_SIZE (KEYMINT_DB_POOL_SIZE of each instance, default the server's 16), BENCH_PORT (first
# instance's port, default 18300; instance i listens on BENCH_PORT+i, its management port on
# BENCH_PORT+50+i), BENCH_JAVA_OPTS (default -Xmx160m -XX:+UseSerialGC ...: four JVMs share the machine),
# BENCH_PG, BENCH_JAR, BENCH_KEEP=1. Needs what bench/run.sh needs (PostgreSQL on 127.0.0.1:5432 as
# postgres, wrk, jq) and a JDK for the single-file client.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$BENCH_DIR")
IDLE=${INSTANCES_IDLE:-60}
CHANGES=${INSTANCES_CHANGES:-200}
CREATES=${INSTANCES_CREATES:-1000}
ADMIN_THREADS=${INSTANCES_ADMIN_THREADS:-4}
LOAD=${INSTANCES_LOAD:-30}
WARMUP=${INSTANCES_WARMUP:-20}
CONC=${INSTANCES_CONCURRENCY:-8}
POOL_SIZE=${INSTANCES_POOL_SIZE:-16}
PORT=${BENCH_PORT:-18300}
JAVA_OPTS=${BENCH_JAVA_OPTS:-"-Xmx160m -XX:+UseSerialGC -Xss512k -XX:ReservedCodeCacheSize=64m"}
PG_OPTS=${BENCH_PG:-"-h 127.0.0.1 -p 5432 -U postgres"}
DB=keymint_bench_instances
# One issuer for all, as behind a load balancer: a token from one instance is good at every other.
ISSUER="http://127.0.0.1:$PORT"
JAR=${BENCH_JAR:-"$REPO/auth-server/target/auth-server.jar"}
WORK=$(mktemp -d /tmp/keymint-instances.XXXXXX)
CLK_TCK=$(getconf CLK_TCK)
SERVER_PID=""
PIDS=()
RUN_START=$(date +%s)

log() { printf '[instances %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
# Several servers, not one: stop them all, then lib.sh's cleanup drops the database and $WORK.
cleanup_instances() {
    local rc=$?
    stop_instances
    (exit $rc)
    cleanup
}
trap cleanup_instances EXIT
trap 'exit 130' INT TERM

need wrk jq psql:postgresql-client
if [[ "${1:-}" != "--no-build" ]]; then
    log "building (./mvnw -B -q package -DskipTests)"
    (cd "$REPO" && ./mvnw -B -q package -DskipTests) >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
fi

url() { echo "http://127.0.0.1:$((PORT + $1))"; }
sql() { psql $PG_OPTS -d "$DB" -qAtX -v ON_ERROR_STOP=1 -c "$1"; }

# start_instance I: instance I on PORT+I, management on PORT+50+I; returns once it gives a token.
start_instance() {
    local i=$1
    # shellcheck disable=SC2086
    PORT=$((PORT + i)) KEYMINT_DB_POOL_SIZE=$POOL_SIZE KEYMINT_ISSUER="$ISSUER" java $JAVA_OPTS -jar "$JAR" --server.address=127.0.0.1 \
        --management.server.port=$((PORT + 50 + i)) >"$WORK/instance-$i.log" 2>&1 &
    PIDS[i]=$!
    SERVER_PID=${PIDS[i]}
    wait_for_token "$(url "$i")/oauth/token" "$WORK/instance-$i.log" 120 -u "$BENCH_CLIENT_ID:$BENCH_API_KEY"
    SERVER_PID=""
}

stop_instances() {
    local pid
    for pid in "${PIDS[@]}"; do SERVER_PID=$pid stop_server; done
    PIDS=()
}

# bases N: the first N instances' base URLs, comma-separated (bench/AdminWrites.java's first argument).
bases() { local i out=""; for ((i = 0; i < $1; i++)); do out+="${out:+,}$(url "$i")"; done; echo "$out"; }
admin() { java "$BENCH_DIR/AdminWrites.java" "$(bases "$1")" "$BENCH_CLIENT_ID" "$BENCH_API_KEY" "${@:2}"; }

# database_xacts: committed + rolled back transactions of $DB so far (read from another database,
# so that the reading is not counted).
database_xacts() {
    psql $PG_OPTS -d postgres -qAtXc "select xact_commit + xact_rollback from pg_stat_database where datname = '$DB'"
}
# backend_ticks: CPU ticks of every backend of $DB (connections held, so their pids live through a window).
backend_ticks() {
    local sum=0 pid
    for pid in $(psql $PG_OPTS -d postgres -qAtXc "select pid from pg_stat_activity where datname = '$DB' and pid <> pg_backend_pid()"); do
        sum=$((sum + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
    echo "$sum"
}
jvm_ticks() { local sum=0 pid; for pid in "${PIDS[@]}"; do sum=$((sum + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done; echo "$sum"; }
# table_stats: per table of $DB, scans and row writes so far, as a JSON object.
table_stats() {
    sql "select coalesce(json_object_agg(relname, json_build_object('scans', coalesce(seq_scan, 0) + coalesce(idx_scan, 0),
                 'writes', n_tup_ins + n_tup_upd + n_tup_del)), '{}') from pg_stat_user_tables"
}
connections() {
    psql $PG_OPTS -d postgres -qAtXc "select json_agg(json_build_object('name', name, 'count', n) order by n desc) from (
        select coalesce(nullif(application_name, ''), '(unnamed)') as name, count(*) as n from pg_stat_activity
         where datname = '$DB' and pid <> pg_backend_pid() group by 1) c"
}
live_instances() { sql "select count(*) from key_cache_instances where lease_until > now()"; }

# idle N: the first N instances run, no traffic; one JSON line in $WORK/idle.jsonl.
idle() {
    local n=$1 x0 x1 b0 b1 j0 j1 t0 t1 s0 s1 started
    for _ in $(seq 1 100); do [[ $(live_instances) == "$n" ]] && break; sleep 0.2; done
    sleep 10 # the instances' start-up work (status lists built, first flushes) ends
    log "$n instance(s): idle for $IDLE s"
    s0=$(table_stats); x0=$(database_xacts); b0=$(backend_ticks); j0=$(jvm_ticks); t0=$(date +%s%N)
    sleep "$IDLE"
    x1=$(database_xacts); b1=$(backend_ticks); j1=$(jvm_ticks); t1=$(date +%s%N); s1=$(table_stats)
    jq -nc --argjson n "$n" --argjson secs "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print (b - a) / 1e9}')" \
        --argjson xacts "$((x1 - x0))" --argjson backend "$((b1 - b0))" --argjson jvm "$((j1 - j0))" --argjson tck "$CLK_TCK" \
        --argjson s0 "$s0" --argjson s1 "$s1" --argjson connections "$(connections)" '
        {n: $n, secs: $secs, xacts_per_s: ($xacts / $secs), backend_ms_per_s: ($backend / $tck * 1000 / $secs),
         jvm_ms_per_s: ($jvm / $tck * 1000 / $secs), connections: $connections,
         tables: ($s1 | to_entries | map({table: .key, scans_per_s: ((.value.scans - ($s0[.key].scans // 0)) / $secs),
                  writes_per_s: ((.value.writes - ($s0[.key].writes // 0)) / $secs)})
                  | map(select(.scans_per_s > 0 or .writes_per_s > 0)) | sort_by(-.scans_per_s - .writes_per_s))}' \
        | tee -a "$WORK/idle.jsonl" >&2
}

# barrier N: sequential disable/enable calls with the first N instances running, after 20 of warm-up;
# one JSON line in $WORK/barrier.jsonl. Transactions per call: the database's during the calls, less
# what the idle instances do meanwhile (the last idle row's rate).
barrier() {
    local n=$1 x0 x1 t0 t1
    log "$n instance(s): $CHANGES disable/enable calls (idle)"
    admin "$n" toggle 20 1 >/dev/null
    x0=$(database_xacts); t0=$(date +%s%N)
    admin "$n" toggle "$CHANGES" 1 >"$WORK/barrier.json"
    x1=$(database_xacts); t1=$(date +%s%N)
    jq -c --argjson n "$n" --argjson xacts "$((x1 - x0))" --argjson live "$(live_instances)" \
        --argjson idle "$(tail -1 "$WORK/idle.jsonl" | jq .xacts_per_s)" --argjson secs "$(((t1 - t0) / 1000000))e-3" \
        '. + {n: $n, during: "idle", live: $live, xacts_per_call: (($xacts - $idle * $secs) / .calls)}' "$WORK/barrier.json" \
        | tee -a "$WORK/barrier.jsonl" >&2
}

# tokens SECONDS NAME: one wrk -t1 per running instance, in parallel; their JSON in $WORK/tokens-NAME-I.json.
tokens() {
    local secs=$1 name=$2 i pids=()
    for ((i = 0; i < ${#PIDS[@]}; i++)); do
        BENCH_OUT="$WORK/tokens-$name-$i.json" timeout $((secs + 30)) \
            wrk -t1 -c"$CONC" -d"${secs}s" --timeout 10s -s "$BENCH_DIR/token.lua" "$(url "$i")/oauth/token" >/dev/null &
        pids+=($!)
    done
    for i in "${pids[@]}"; do wait "$i"; done
}
# token_row NAME: the 4 wrk results as one JSON object: tokens/s summed, errors, worst p99.
token_row() {
    jq -sc '{tps: (map((.statuses["200"] // 0) / (.duration_us / 1e6)) | add),
             errors: (map((.requests - (.statuses["200"] // 0)) + (.socket_errors | to_entries | map(.value) | add)) | add),
             p50_ms: (map(.p50_us) | max / 1000), p99_ms: (map(.p99_us) | max / 1000)}' "$WORK/tokens-$1"-*.json
}

# issued: tokens issued so far by every running instance (keymint_tokens_issued_total on their management ports).
issued() {
    local i sum=0
    for ((i = 0; i < ${#PIDS[@]}; i++)); do
        sum=$((sum + $(curl -s "http://127.0.0.1:$((PORT + 50 + i))/actuator/prometheus" \
            | awk '$1 == "keymint_tokens_issued_total" {printf "%d", $2}')))
    done
    echo "$sum"
}

# under_load NAME MODE COUNT THREADS: token traffic on every instance while bench/AdminWrites.java runs;
# the admin calls start 5 s into the traffic window. The tokens issued while they ran, per second, go
# into the admin call's JSON line as tps_during.
under_load() {
    local name=$1 traffic i0 i1 t0 t1
    tokens "$LOAD" "$name" & traffic=$!
    sleep 5
    i0=$(issued); t0=$(date +%s%N)
    admin "${#PIDS[@]}" "${@:2}" >"$WORK/admin-$name.out"
    i1=$(issued); t1=$(date +%s%N)
    jq -c --argjson tps "$(awk -v n="$((i1 - i0))" -v a="$t0" -v b="$t1" 'BEGIN{print n / ((b - a) / 1e9)}')" \
        '. + {tps_during: $tps}' "$WORK/admin-$name.out" >"$WORK/admin-$name.json"
    wait "$traffic"
}

log "fresh database $DB, bootstrap"
fresh_db
export KEYMINT_MASTER_KEY=${KEYMINT_MASTER_KEY:-$(head -c 32 /dev/urandom | base64)}
bootstrap_key "$WORK/bootstrap.json"
log "PostgreSQL: $(psql $PG_OPTS -d postgres -qAtXc "select count(*) from pg_stat_activity") connections before the run (max_connections $(psql $PG_OPTS -d postgres -qAtXc 'show max_connections'))"

: >"$WORK/idle.jsonl"; : >"$WORK/barrier.jsonl"
for n in 1 2 4; do
    while ((${#PIDS[@]} < n)); do log "starting instance ${#PIDS[@]}"; start_instance "${#PIDS[@]}"; done
    idle "$n"
    barrier "$n"
done

log "4 instances: warming up ${WARMUP} s of token traffic"
tokens "$WARMUP" warmup
log "token traffic alone, $LOAD s"
tokens "$LOAD" alone
admin 4 create 50 "$ADMIN_THREADS" >/dev/null # warm-up of the create path
log "$CREATES key creations alone"
admin 4 create "$CREATES" "$ADMIN_THREADS" >"$WORK/admin-creates-alone.json"
log "$CREATES key creations under token traffic"
under_load creates create "$CREATES" "$ADMIN_THREADS"
log "$CHANGES disable/enable calls under token traffic"
under_load changes toggle "$CHANGES" 1
jq -c '. + {n: 4, during: "under token load", live: 4, xacts_per_call: null}' "$WORK/admin-changes.json" >>"$WORK/barrier.jsonl"

TOKENS_ALONE=$(token_row alone)
TOKENS_CREATES=$(token_row creates)
TOKENS_CHANGES=$(token_row changes)
{
    echo "# Keymint: many instances on one PostgreSQL"
    echo
    echo "Generated by \`bench/instances.sh\` — regenerated on every run, do not edit by hand. What the figures mean and the arithmetic: [docs/many-instances.md](../docs/many-instances.md)."
    echo
    echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?'); whole run $(($(date +%s) - RUN_START)) s"
    echo "- Machine: $(nproc) CPUs ($(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)); PostgreSQL $(psql $PG_OPTS -qXAtc 'show server_version') (max_connections $(psql $PG_OPTS -qXAtc 'show max_connections')), every instance, wrk and the admin client on it: **the instances share $(nproc) cores**, so tokens/s here say nothing about one instance's speed; the point is PostgreSQL's cost and the barrier"
    echo "- $(java -version 2>&1 | head -1); each instance \`$JAVA_OPTS\`, KEYMINT_DB_POOL_SIZE=$POOL_SIZE, default periods (heartbeat 500 ms, lease 2 s, limit sync 500 ms, usage and last-used flushes 5 s, signing-key removal check 500 ms, status expiry check 1 s); load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    echo "## Idle cost per instance (no traffic, ${IDLE} s per row)"
    echo
    echo "| instances | PostgreSQL transactions/s | per instance | backend CPU ms/s | instances' JVM CPU ms/s | connections to the database | by application_name |"
    echo "|---:|---:|---:|---:|---:|---:|---|"
    jq -r 'def f(x; d): x * pow(10; d) | round / pow(10; d) | tostring;
        "| \(.n) | \(f(.xacts_per_s; 1)) | \(f(.xacts_per_s / .n; 1)) | \(f(.backend_ms_per_s; 1)) | \(f(.jvm_ms_per_s; 0)) | \(.connections | map(.count) | add) | \(.connections | map("\(.name) \(.count)") | join(", ")) |"' \
        "$WORK/idle.jsonl"
    echo
    jq -rs 'def f(x; d): x * pow(10; d) | round / pow(10; d) | tostring;
        (.[0]) as $a | (.[-1]) as $b | ($b.n - $a.n) as $dn
        | "Slope from \($a.n) to \($b.n) instances, per extra instance: \(f(($b.xacts_per_s - $a.xacts_per_s) / $dn; 1)) transactions/s, \(f(($b.backend_ms_per_s - $a.backend_ms_per_s) / $dn; 2)) ms/s of backend CPU (\(f(($b.backend_ms_per_s - $a.backend_ms_per_s) / $dn / 10; 3)) % of one core), \(f((($b.connections | map(.count) | add) - ($a.connections | map(.count) | add)) / $dn; 1)) connections."' \
        "$WORK/idle.jsonl"
    echo
    echo "What the idle transactions touch, with 4 instances (scans and row writes per second, pg_stat_user_tables):"
    echo
    echo "| table | scans/s | rows written/s |"
    echo "|---|---:|---:|"
    jq -r 'select(.n == 4) | .tables[] | "| \(.table) | \(.scans_per_s * 10 | round / 10) | \(.writes_per_s * 10 | round / 10) |"' "$WORK/idle.jsonl"
    echo
    echo "## The barrier: admin changes vs instances"
    echo
    echo "$CHANGES calls, one at a time, alternately disabling and enabling one key through the admin API, round-robin over the instances; each returns once every instance with a live lease confirmed the change."
    echo
    echo "| instances | while | calls/s | p50 ms | p99 ms | max ms | non-2xx | PostgreSQL transactions per call |"
    echo "|---:|---|---:|---:|---:|---:|---:|---:|"
    jq -r 'def f(x; d): if x == null then "–" else x * pow(10; d) | round / pow(10; d) | tostring end;
        "| \(.n) | \(.during) | \(f(.per_s; 1)) | \(f(.p50_ms; 1)) | \(f(.p99_ms; 1)) | \(f(.max_ms; 1)) | \(.non_2xx) | \(f(.xacts_per_call; 1)) |"' \
        "$WORK/barrier.jsonl"
    echo
    echo "## Admin writes under token load (4 instances)"
    echo
    echo "Token traffic: one \`wrk -t1 -c$CONC\` per instance (concurrency $((CONC * 4)) in all), ${LOAD} s per window after ${WARMUP} s of warm-up; tokens/s summed over the 4, p50/p99 the worst instance's. Key creations: $CREATES from $ADMIN_THREADS threads, round-robin over the instances, starting 5 s into the window."
    echo
    echo "| window | tokens/s (window) | tokens/s while the admin calls ran | token errors | token p50 ms | token p99 ms | admin calls | admin calls/s | admin p50 ms | admin p99 ms | admin max ms | admin non-2xx | admin calls took s |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    row() {
        jq -rn --argjson t "${2:-null}" --argjson a "${3:-null}" --arg name "$1" '
            def f(x; d): if x == null then "–" else x * pow(10; d) | round / pow(10; d) | tostring end;
            "| \($name) | \(f($t.tps; 0)) | \(f($a.tps_during; 0)) | \($t.errors // "–") | \(f($t.p50_ms; 1)) | \(f($t.p99_ms; 1)) | \($a.calls // "–") | \(f($a.per_s; 1)) | \(f($a.p50_ms; 1)) | \(f($a.p99_ms; 1)) | \(f($a.max_ms; 1)) | \($a.non_2xx // "–") | \(f($a.seconds; 1)) |"'
    }
    row "tokens alone" "$TOKENS_ALONE"
    row "key creations alone" "" "$(cat "$WORK/admin-creates-alone.json")"
    row "tokens + key creations" "$TOKENS_CREATES" "$(cat "$WORK/admin-creates.json")"
    row "tokens + disable/enable (barrier)" "$TOKENS_CHANGES" "$(cat "$WORK/admin-changes.json")"
    echo
    echo "Tokens/s while the admin calls ran (keymint_tokens_issued_total of the 4 instances) ÷ tokens/s alone: $(jq -rn --argjson a "$TOKENS_ALONE" \
        --slurpfile b "$WORK/admin-creates.json" --slurpfile c "$WORK/admin-changes.json" \
        '"\($b[0].tps_during / $a.tps * 100 | round / 100) with key creations, \($c[0].tps_during / $a.tps * 100 | round / 100) with disable/enable"'). Token p50/p99 are over the whole window, admin calls or not."
} >"$BENCH_DIR/INSTANCES-RESULTS.md"
log "wrote bench/INSTANCES-RESULTS.md"
cat "$BENCH_DIR/INSTANCES-RESULTS.md"
