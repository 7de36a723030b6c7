#!/usr/bin/env bash
# Launch → first token (issue 16: ≤ 10 s whatever the key count): one command, bench/startup.sh [--no-build].
# Five ways to launch the same build, each at every key count of STARTUP_KEYS (default "1 1000000"):
#   jdk17-jar    java -jar auth-server.jar, the single jar, on JDK 17, BENCH_JAVA_OPTS (bench/scale.sh's
#                flags): the way the ratios are taken against;
#   jdk17-app    the README's launch: the jar unpacked as the build unpacks it into auth-server/target/app
#                (bench/lib.sh, unpack_jar), java -jar app/auth-server.jar, on JDK 17, BENCH_JAVA_OPTS;
#   jdk25-app    the same on JDK 25;
#   jdk17-cds    jdk17-app with a CDS archive (docs/operations.md, "Start-up": the JDK 17 option), made by
#                auth-server/src/docker/prepare-image.sh on JDK 17;
#   jdk25-image  the Docker image's layout and command: the jar extracted and the AOT cache made by the
#                image's own script (prepare-image.sh) on JDK 25, launched with the image's ENTRYPOINT,
#                read from auth-server/Dockerfile (its own JVM options only, no BENCH_JAVA_OPTS).
# Two more ways, for what a change buys (not in the default STARTUP_WAYS):
#   jdk25-jar    the single jar on JDK 25, BENCH_JAVA_OPTS;
#   jdk17-jar+   jdk17-jar with STARTUP_EXTRA_OPTS besides (a JVM option or system property, A/B).
# One database per key count (keymint_bench_startup_<port>_<keys>, dropped on exit), seeded as bench/scale.sh seeds (keys by COPY, 1 % as many revoked).
# STARTUP_ROUNDS rounds (default 3); each round launches every way at every count once, in an order
# that rotates from round to round, so the machine's drift hits them alike. Every launch is like the
# image's: no arguments, configuration from the environment; the time runs from the launch to the first
# 200 from POST /oauth/token (one seeded key, asked every 50 ms), then the server is stopped.
# Per launch: that time, Spring's "Started … in" and "process running for" (so the part before Spring:
# JVM, jar launcher), VmRSS at the first token, the status lists' rebuild (the one step that grows with
# the keys), and how busy the rest of the machine was. Writes bench/STARTUP-RESULTS.md: medians per way
# and count, ratios to jdk17-jar within each round, and the target line per way.
#
# Every timed round holds the bench lock (BENCH_LOCK, default /tmp/keymint-bench.lock; flock), as do
# the build, the seeding, the unpacking and the training runs; it is released in between, so other benchmarks on the
# machine can take turns. Takes about 25 s of seeding per million keys, 50 s for the two training runs
# and, per round, 10 launches of 5–14 s: 370 s in all with the defaults on the 2-core machine, moderately
# busy (plus the build and any wait for the lock).
#
# Environment (all optional): STARTUP_KEYS, STARTUP_ROUNDS, STARTUP_WAYS (default the five above),
# STARTUP_EXTRA_OPTS, STARTUP_JDK17 and STARTUP_JDK25 (JDK homes; defaults /usr/lib/jvm/java-17-openjdk-amd64 and
# /usr/lib/jvm/temurin-25-jdk-amd64), BENCH_JAVA_OPTS, BENCH_PORT (default 18095; the management port is
# the next one), BENCH_PG, BENCH_JAR (with --no-build: another build's jar), BENCH_LOCK, BENCH_KEEP=1
# (keep the temporary folder: server logs, the prepared layouts, rows.jsonl).
# Needs PostgreSQL on 127.0.0.1:5432 as postgres (trust), jq, python3, flock.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$BENCH_DIR")
COUNTS=${STARTUP_KEYS:-"1 1000000"}
ROUNDS=${STARTUP_ROUNDS:-3}
WAYS=${STARTUP_WAYS:-"jdk17-jar jdk17-app jdk25-app jdk17-cds jdk25-image"}
JDK17=${STARTUP_JDK17:-/usr/lib/jvm/java-17-openjdk-amd64}
JDK25=${STARTUP_JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
EXTRA_OPTS=${STARTUP_EXTRA_OPTS:-}
JAVA_OPTS=${BENCH_JAVA_OPTS:-"-Xmx192m -XX:+UseSerialGC -Xss512k -XX:ReservedCodeCacheSize=64m -XX:TrimNativeHeapInterval=5000"}
PORT=${BENCH_PORT:-18095}
MANAGEMENT_PORT=$((PORT + 1))
# Named after the port, as bench/ab.sh does, so that two runs on other ports can share the machine.
DB_PREFIX=keymint_bench_startup_$PORT
PG_OPTS=${BENCH_PG:-"-h 127.0.0.1 -p 5432 -U postgres"}
JAR=${BENCH_JAR:-"$REPO/auth-server/target/auth-server.jar"}
LOCK=${BENCH_LOCK:-/tmp/keymint-bench.lock}
URL="http://127.0.0.1:$PORT/oauth/token"
WORK=$(mktemp -d /tmp/keymint-startup.XXXXXX)
CLK_TCK=$(getconf CLK_TCK)
SERVER_PID=""
DB=""
DBS=""
RUN_START=$(date +%s)

log() { printf '[startup %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"
trap cleanup EXIT
trap 'exit 130' INT TERM

need jq psql:postgresql-client python3 flock:util-linux
for home in "$JDK17" "$JDK25"; do [[ -x "$home/bin/java" ]] || { echo "no JDK at $home" >&2; exit 1; }; done
exec {LOCK_FD}>>"$LOCK"
# locked COMMAND...: COMMAND while holding the bench lock. A failure ends the script (set -e), and with
# it the lock.
locked() {
    flock "$LOCK_FD"
    "$@"
    flock -u "$LOCK_FD"
}

if [[ "${1:-}" != "--no-build" ]]; then
    log "building (./mvnw -B -q package -DskipTests)"
    locked bash -c "cd '$REPO' && ./mvnw -B -q package -DskipTests >'$WORK/build.log' 2>&1 || { cat '$WORK/build.log' >&2; exit 1; }"
fi

# The servers' environment, as the image gives it (auth-server/Dockerfile's ENV) but on this machine's
# ports and addresses; no drain on stop (it only slows the next launch down).
export PORT MANAGEMENT_SERVER_PORT=$MANAGEMENT_PORT SERVER_ADDRESS=127.0.0.1 MANAGEMENT_SERVER_ADDRESS=127.0.0.1 \
    KEYMINT_DATA_DIR="$WORK/data" KEYMINT_SHUTDOWN_DRAIN=0s
export KEYMINT_MASTER_KEY=${KEYMINT_MASTER_KEY:-$(head -c 32 /dev/urandom | base64)}

# prepare_count KEYS: a database with KEYS keys, bootstrapped and seeded; the key to ask with in $WORK/first-KEYS.
prepare_count() {
    local keys=$1
    DB=${DB_PREFIX}_$keys
    DBS="$DBS $DB"
    fresh_db
    bootstrap_key "$WORK/bootstrap-$keys.json"
    seed_keys "$keys" 1 1 0
    head -1 "$WORK/authorizations.txt" >"$WORK/first-$keys"
    log "$keys keys: seeded in $SEED_MS ms"
}

# prepare_layout NAME JDK_HOME: the image's preparation (extracted jar, archive) in $WORK/NAME, by the
# image's own script, its training run against the first count's database.
prepare_layout() {
    local name=$1 home=$2
    log "$name: extracting and training (auth-server/src/docker/prepare-image.sh, $home)"
    DB=${DB_PREFIX}_${COUNTS%% *} fresh_db_env
    JAVA_HOME=$home "$REPO/auth-server/src/docker/prepare-image.sh" "$JAR" "$WORK/$name" >"$WORK/prepare-$name.log" 2>&1
    [[ -s "$WORK/$name/jvm.options" ]] || { cat "$WORK/prepare-$name.log" >&2; echo "$name: no archive made" >&2; exit 1; }
    log "$name: $(cat "$WORK/$name/jvm.options") ($(du -m "$(sed 's/^[^=]*=//' "$WORK/$name/jvm.options")" | cut -f1) MB)"
}
fresh_db_env() { export SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:5432/$DB" SPRING_DATASOURCE_USERNAME=postgres; }

# The image's command (its ENTRYPOINT, exec form) with /app where prepare_layout put the layout.
read_entrypoint() {
    local arg
    IMAGE_COMMAND=()
    while IFS= read -r arg; do IMAGE_COMMAND+=("${arg//\/app\//$WORK/jdk25-image/}"); done < <(
        sed -n 's/^ENTRYPOINT //p' "$REPO/auth-server/Dockerfile" | jq -r '.[1:][]')
    [[ ${#IMAGE_COMMAND[@]} -gt 0 ]] || { echo "no ENTRYPOINT in auth-server/Dockerfile" >&2; exit 1; }
}

# command_of WAY: the launch command of one way, in COMMAND.
command_of() {
    # shellcheck disable=SC2206
    local opts=($JAVA_OPTS) extra=($EXTRA_OPTS)
    case $1 in
        jdk17-jar) COMMAND=("$JDK17/bin/java" "${opts[@]}" -jar "$JAR") ;;
        jdk17-jar+) COMMAND=("$JDK17/bin/java" "${opts[@]}" "${extra[@]}" -jar "$JAR") ;;
        jdk17-cds) COMMAND=("$JDK17/bin/java" "${opts[@]}" "@$WORK/jdk17-cds/jvm.options" -jar "$WORK/jdk17-cds/auth-server.jar") ;;
        jdk17-app) COMMAND=("$JDK17/bin/java" "${opts[@]}" -jar "$APP_JAR") ;;
        jdk25-app) COMMAND=("$JDK25/bin/java" "${opts[@]}" -jar "$APP_JAR") ;;
        jdk25-jar) COMMAND=("$JDK25/bin/java" "${opts[@]}" -jar "$JAR") ;;
        jdk25-image) COMMAND=("$JDK25/bin/java" "${IMAGE_COMMAND[@]}") ;;
        *) echo "unknown way $1 (STARTUP_WAYS)" >&2; exit 1 ;;
    esac
}

# launch ROUND WAY KEYS: one timed launch to the first token -> one JSON line in $WORK/rows.jsonl.
launch() {
    local round=$1 way=$2 keys=$3 log="$WORK/server-$2-$3-$1.log" m0 m1 p0 p1 s1 started row
    command_of "$way"
    DB=${DB_PREFIX}_$keys fresh_db_env
    m0=$(machine_ticks); p0=$(postgres_ticks)
    first_token "$log" "$(cat "$WORK/first-$keys")" "${COMMAND[@]}"
    m1=$(machine_ticks); p1=$(postgres_ticks); s1=$(proc_ticks "$SERVER_PID")
    # Tomcat answers before Spring logs "Started … in": wait for the line (at most 10 s).
    for _ in $(seq 1 200); do
        started=$(grep -o -m1 'Started KeymintApplication in [0-9.]* seconds (process running for [0-9.]*)' "$log" || true)
        [[ -n "$started" ]] && break
        sleep 0.05
    done
    [[ "$way" != *-jar ]] && grep -i -m1 -E '\[(error|warning)\]\[(aot|cds)' "$log" >&2 && { echo "$way: the archive was refused" >&2; exit 1; }
    row=$(jq -nc --argjson round "$round" --arg way "$way" --argjson keys "$keys" --argjson ms "$FIRST_TOKEN_MS" \
        --argjson rss "$FIRST_RSS_KB" --arg started "$started" --arg m0 "$m0" --arg m1 "$m1" \
        --argjson st "$s1" --argjson pt "$((p1 - p0))" --argjson tck "$CLK_TCK" \
        --argjson ncpu "$(nproc)" \
        --argjson rebuild "$(grep -o -m1 'Status lists rebuilt from the database: .* in [0-9]* ms' "$log" \
            | grep -o '[0-9]* ms$' | cut -d' ' -f1 | grep . || echo null)" '
        ($started | [scan("[0-9.]+")] | map(tonumber)) as $s
        | ($m0 | split(" ") | map(tonumber)) as $a | ($m1 | split(" ") | map(tonumber)) as $b
        | {round: $round, way: $way, keys: $keys, first_token_s: ($ms / 1000), started_s: $s[0], running_s: $s[1],
           rss_mb: ($rss / 1024), rebuild_ms: $rebuild,
           foreign_pct: (100 * (($b[0] - $a[0]) - $st - $pt) / $tck / ($ms / 1000 * $ncpu))}')
    echo "$row" >>"$WORK/rows.jsonl"
    log "round $round, $way, $keys keys: $(jq -r '"first token \(.first_token_s) s, Spring started in \(.started_s) s, RSS \(.rss_mb | floor) MB"' <<<"$row")"
    stop_server
}

for keys in $COUNTS; do locked prepare_count "$keys"; done
APP_JAR=$WORK/app/auth-server.jar
[[ " $WAYS " != *"-app "* ]] || locked unpack_jar "$JAR" "$WORK/app" >/dev/null
[[ " $WAYS " != *" jdk17-cds "* ]] || locked prepare_layout jdk17-cds "$JDK17"
[[ " $WAYS " != *" jdk25-image "* ]] || { locked prepare_layout jdk25-image "$JDK25"; read_entrypoint; }

read -r -a ways <<<"$WAYS"
read -r -a counts <<<"$COUNTS"
runs=()
for way in "${ways[@]}"; do for keys in "${counts[@]}"; do runs+=("$way $keys"); done; done
: >"$WORK/rows.jsonl"
for round in $(seq 1 "$ROUNDS"); do
    log "round $round of $ROUNDS: ${#runs[@]} launches (waiting for the bench lock)"
    flock "$LOCK_FD"
    for i in $(seq 0 $((${#runs[@]} - 1))); do
        # shellcheck disable=SC2086
        launch "$round" ${runs[$(((i + round - 1) % ${#runs[@]}))]}
    done
    flock -u "$LOCK_FD"
done

JQ_DEFS='def f(n; d): if n == null then "–" else (n * pow(10; d) | round / pow(10; d) | tostring) end;
    def median: sort | if length == 0 then null elif length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;'
{
    echo "# Keymint launch → first token"
    echo
    echo "Generated by \`bench/startup.sh\` — regenerated on every run, do not edit by hand."
    echo
    echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?'); whole run $(($(date +%s) - RUN_START)) s"
    echo "- Machine: $(nproc) CPUs ($(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)); PostgreSQL $(psql $PG_OPTS -qXAtc 'show server_version') on it"
    echo "- JDK 17: $("$JDK17/bin/java" -version 2>&1 | head -1); JDK 25: $("$JDK25/bin/java" -version 2>&1 | head -1)"
    echo "- \`*-jar\`: the single jar, auth-server.jar; \`*-app\`: the README's launch, the jar unpacked (\`java -jar app/auth-server.jar\`); jdk17-cds: the same with its archive. All three with \`$JAVA_OPTS\`; jdk25-image: the image's ENTRYPOINT (auth-server/Dockerfile), \`${IMAGE_COMMAND[*]:-–}\`"
    echo "- Per key count a database seeded as bench/scale.sh seeds (keys by COPY, 1 % as many revoked); $ROUNDS round(s), each launching every way at every count once, in an order rotating per round; no arguments, configuration from the environment, as the image runs"
    echo
    echo "## Target: launch → first token ≤ 10 s"
    echo
    echo "| way | worst key count's median | |"
    echo "|---|---:|---|"
    jq -s -r "$JQ_DEFS"'
        group_by(.way) | sort_by(.[0].way) | .[]
        | (group_by(.keys) | map(map(.first_token_s) | median) | max) as $worst
        | "| \(.[0].way) | \(f($worst; 2)) s | \(if $worst <= 10 then "PASS" else "FAIL" end) |"' "$WORK/rows.jsonl"
    echo
    echo "## Medians"
    echo
    echo "| way | keys | launch → first token s (each round) | ÷ jdk17-jar, same round (median) | Spring's \"Started … in\" s | process running for s | before Spring s | RSS at first token MB | status lists rebuilt ms | foreign CPU % |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    jq -s -r "$JQ_DEFS"'
        (map(select(.way == "jdk17-jar")) | map({key: "\(.round) \(.keys)", value: .first_token_s}) | from_entries) as $base
        | group_by([.way, .keys]) | sort_by(.[0].keys, .[0].way) | .[]
        | "| \(.[0].way) | \(.[0].keys) | \(f(map(.first_token_s) | median; 2)) (\(sort_by(.round) | map(f(.first_token_s; 1)) | join(", "))) | \(f(map(select($base["\(.round) \(.keys)"]) | .first_token_s / $base["\(.round) \(.keys)"]) | median; 2)) | \(f(map(.started_s) | median; 2)) | \(f(map(.running_s) | median; 2)) | \(f(map(select(.running_s) | .running_s - .started_s) | median; 2)) | \(f(map(.rss_mb) | median; 0)) | \(f(map(.rebuild_ms // empty) | median; 0)) | \(f(map(.foreign_pct) | median; 0)) |"' \
        "$WORK/rows.jsonl"
    echo
    echo "launch → first token: from starting the JVM to the first 200 from POST /oauth/token (asked every 50 ms with a seeded key, read from PostgreSQL: the key cache starts empty). Spring's \"Started … in\": from SpringApplication.run to the context refreshed; process running for: the JVM's uptime then; before Spring: the difference (JVM start, the jar launcher, logging)."
    echo "status lists rebuilt: the server's log line, on a thread of its own beside the start. foreign CPU %: the machine's busy time during the launch less the server's and PostgreSQL's, of all cores (the poll's own curl, once the port is open, counts here); the machine is shared: compare ways within a round (the ÷ column), not seconds across runs."
} >"$BENCH_DIR/STARTUP-RESULTS.md"
log "wrote bench/STARTUP-RESULTS.md"
cat "$BENCH_DIR/STARTUP-RESULTS.md"
