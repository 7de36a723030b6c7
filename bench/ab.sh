#!/usr/bin/env bash
# A/B comparison of two server builds or settings, interleaved so that the machine's drift hits
# both alike: what a change buys, as a ratio. Two servers on one fresh database; each round drives
# A, then B, with wrk at one concurrency; prints one line per run and the totals.
#
#   bench/ab.sh JAR_A "JVM_OPTS_A" JAR_B "JVM_OPTS_B" [ROUNDS=4] [SECONDS=12] [CONCURRENCY=32]
#   e.g. bench/ab.sh /tmp/before.jar "" auth-server/target/auth-server.jar "" 4 12
#        bench/ab.sh auth-server/target/auth-server.jar "" auth-server/target/auth-server.jar "-Dkeymint.tokens.concurrency.limit=8"
#
# Copy a jar aside before rebuilding (never rebuild a jar under a running server). Needs what
# bench/run.sh needs (PostgreSQL on 127.0.0.1:5432 as postgres, wrk, jq). Environment: AB_WARMUP
# (seconds per server, default 25), AB_ALGORITHM (default RS256), AB_AUTH (basic|post, default basic),
# AB_PORT (A's port, default 18091; B's is the next; the database is named after it, so two runs on
# different ports do not meet), AB_KEYS (seed that many more keys with bench/scale-keys.py and spread
# the traffic over AB_SPREAD of them, default 100,000, with Zipf popularity as bench/scale.sh does).
# AB_JAVA_A / AB_JAVA_B: a JDK home per side (default: the java on PATH), to compare JDKs.
# Management ports are random: two servers cannot share the default 9090.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
JAR_A=$1 OPTS_A=$2 JAR_B=$3 OPTS_B=$4 ROUNDS=${5:-4} SECS=${6:-12} CONC=${7:-32}
BASE_OPTS="-Xmx128m -XX:+UseSerialGC -Xss512k -XX:ReservedCodeCacheSize=64m"
PORT_A=${AB_PORT:-18091}
PORT_B=$((PORT_A + 1))
DB=keymint_bench_ab_$PORT_A
PG_OPTS="-h 127.0.0.1 -p 5432 -U postgres"
JAR=$JAR_A   # bootstraps the shared database
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
WORK=$(mktemp -d)
PIDS=()
# Two servers, not one: this cleanup replaces lib.sh's.
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    drop_db
    rm -rf "$WORK"
}
trap cleanup EXIT

fresh_db
export KEYMINT_SIGNING_ALGORITHM=${AB_ALGORITHM:-RS256}
bootstrap_key "$WORK/bootstrap.json"
if [[ -n "${AB_KEYS:-}" ]]; then
    organization=$(psql $PG_OPTS -d $DB -qAtXc "select id from organizations where slug = 'acme'")
    python3 "$BENCH_DIR/scale-keys.py" "$AB_KEYS" "${AB_SPREAD:-100000}" "$organization" "$WORK/keys.tsv" "$WORK/authorizations.txt"
    psql $PG_OPTS -d $DB -qX -v ON_ERROR_STOP=1 -c "\\copy api_keys (id, organization_id, name, secret_hash, scopes) from '$WORK/keys.tsv'" \
        -c "vacuum analyze api_keys" >/dev/null
    export BENCH_KEYS_FILE="$WORK/authorizations.txt"
fi

url() { echo "http://127.0.0.1:$1/oauth/token"; }
# shellcheck disable=SC2086
PORT=$PORT_A "${AB_JAVA_A:+$AB_JAVA_A/bin/}java" $BASE_OPTS $OPTS_A -jar "$JAR_A" --server.address=127.0.0.1 --management.server.port=0 >"$WORK/a.log" 2>&1 & PIDS+=($!)
# shellcheck disable=SC2086
PORT=$PORT_B "${AB_JAVA_B:+$AB_JAVA_B/bin/}java" $BASE_OPTS $OPTS_B -jar "$JAR_B" --server.address=127.0.0.1 --management.server.port=0 >"$WORK/b.log" 2>&1 & PIDS+=($!)
for port in $PORT_A $PORT_B; do
    code=000
    for _ in $(seq 1 600); do
        code=$(curl -s -o /dev/null -w '%{http_code}' -m 2 -u "$BENCH_CLIENT_ID:$BENCH_API_KEY" \
            -d grant_type=client_credentials "$(url $port)" || true)
        [[ "$code" == 200 ]] && break
        sleep 0.1
    done
    [[ "$code" == 200 ]] || { echo "server on $port gave no token within 60 s" >&2; tail -30 "$WORK"/*.log >&2; exit 1; }
    BENCH_AUTH=basic BENCH_OUT=/dev/null wrk -t1 -c"$CONC" -d"${AB_WARMUP:-25}s" -s "$BENCH_DIR/token.lua" "$(url $port)" >/dev/null
done

CLK_TCK=$(getconf CLK_TCK)
: >"$WORK/runs.jsonl"
for round in $(seq 1 "$ROUNDS"); do
    for side in A B; do
        if [[ $side == A ]]; then port=$PORT_A pid=${PIDS[0]}; else port=$PORT_B pid=${PIDS[1]}; fi
        c0=$(proc_ticks "$pid"); read -r m0 t0 < <(machine_ticks)
        BENCH_AUTH=${AB_AUTH:-basic} BENCH_OUT="$WORK/$side$round.json" timeout $((SECS + 30)) \
            wrk -t1 -c"$CONC" -d"${SECS}s" --timeout 10s -s "$BENCH_DIR/token.lua" "$(url $port)" >/dev/null
        c1=$(proc_ticks "$pid"); read -r m1 t1 < <(machine_ticks)
        jq -c --arg side "$side" --argjson round "$round" --argjson cpu "$(((c1 - c0)))" --argjson tck "$CLK_TCK" \
            --argjson busy "$(((m1 - m0) * 100 / (t1 - t0)))" '
            (.statuses["200"] // 0) as $ok
            | {side: $side, round: $round, ok: $ok, tps: ($ok / (.duration_us / 1e6)),
               non200: ((.requests - $ok) + (.socket_errors | to_entries | map(.value) | add)),
               p50_ms: (.p50_us / 1000), p99_ms: (.p99_us / 1000), machine_busy_pct: $busy,
               cpu_ms_per_token: (if $ok > 0 then $cpu / $tck * 1000 / $ok else null end)}' \
            "$WORK/$side$round.json" | tee -a "$WORK/runs.jsonl" \
            | jq -r '"round \(.round) \(.side): \(.tps | floor) tokens/s, p50 \(.p50_ms) ms, p99 \(.p99_ms) ms, server CPU \(.cpu_ms_per_token * 1000 | round / 1000) ms/token, machine busy \(.machine_busy_pct) %, non-200 \(.non200)"'
    done
done
jq -s -r '
    (map(select(.side == "A"))) as $a | (map(select(.side == "B"))) as $b
    | ($a | map(.ok) | add) as $oka | ($b | map(.ok) | add) as $okb
    | "B / A tokens: \($okb / $oka * 1000 | round / 1000) (summed over \($a | length) rounds); mean server CPU per token B / A: \((($b | map(.cpu_ms_per_token) | add) / ($a | map(.cpu_ms_per_token) | add)) * 1000 | round / 1000); mean machine busy A \($a | map(.machine_busy_pct) | add / length | round) %, B \($b | map(.machine_busy_pct) | add / length | round) %"' \
    "$WORK/runs.jsonl"
