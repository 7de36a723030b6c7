# Shared helpers of the bench scripts; source it after setting PG_OPTS, DB, JAR, WORK and SERVER_PID="".
# One home for how a bench run gets a database, a key and a server, so the scripts measure alike.
# shellcheck shell=bash disable=SC2086

# ---------------------------------------------------------------- CPU and memory readings from /proc
# stat_fields FILE N...: the sum of those fields of a /proc/.../stat file (12, 13: utime, stime; 14, 15:
# the same of the children waited for), counted after "(comm)", whose thread names ("C2 CompilerThre",
# "VM Thread") may hold spaces; nothing for a process that has gone.
stat_fields() {
    local file=$1; shift
    sed 's/.*) //' "$file" 2>/dev/null | awk -v fields="$*" '{n = split(fields, f, " "); s = 0; for (i = 1; i <= n; i++) s += $f[i]; print s}' || true
}
stat_ticks() { stat_fields "$1" 12 13; }         # utime + stime from a stat file
proc_ticks() { stat_ticks "/proc/$1/stat"; }   # utime + stime of a process
# postgres_ticks: all postgres processes, those that have exited included: the postmaster has waited
# for them, so their time is in its cutime + cstime (without it a backend or autovacuum worker that
# ends within a window takes its ticks away, and PostgreSQL's CPU for the window can come out negative).
postgres_ticks() {
    local sum=0 p t postmaster
    for p in $(pgrep -x postgres || true); do
        t=$(stat_ticks "/proc/$p/stat"); sum=$((sum + ${t:-0}))
    done
    postmaster=$(pgrep -xo postgres || true)
    if [[ -n "$postmaster" ]]; then
        t=$(stat_fields "/proc/$postmaster/stat" 14 15); sum=$((sum + ${t:-0}))
    fi
    echo "$sum"
}
# machine_ticks: "busy total" of all CPUs (busy counts steal: a core the host took is not ours).
machine_ticks() { awk '/^cpu /{busy=$2+$3+$4+$7+$8+$9; print busy, busy+$5+$6}' /proc/stat; }
status_kb() { awk -v k="$2:" '$1==k{print $2}' "/proc/$1/status"; }   # status_kb PID VmRSS

# stop_server: TERM the server in $SERVER_PID, KILL it after 20 s, and forget it.
stop_server() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}

# fresh_db: (re)create $DB and point the bootstrap CLI and the server at it.
fresh_db() {
    psql $PG_OPTS -qXc "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
    psql $PG_OPTS -qXc "CREATE DATABASE $DB" >/dev/null
    export SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:5432/$DB" SPRING_DATASOURCE_USERNAME=postgres
}

drop_db() {
    psql $PG_OPTS -qXc "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
}

# seed_keys KEYS SPREAD REVOKED_PERCENT POOL: into $DB (bootstrapped: organization acme), by COPY
# (bench/scale-keys.py: seconds, not a million admin calls), KEYS keys of acme, the Authorization
# values of SPREAD of them in $WORK/authorizations.txt (most popular first); besides them, as a
# deployment has, REVOKED_PERCENT % as many revoked keys scattered among them (their entries make the
# status lists what they are at that size) and POOL active ones outside the traffic, named
# churn00000000000 and up. Sets ORGANIZATION (acme's id) and SEED_MS.
seed_keys() {
    local keys=$1 spread=$2 revoked_percent=$3 pool=$4 t0
    t0=$(date +%s%N)
    ORGANIZATION=$(psql $PG_OPTS -d "$DB" -qAtXc "select id from organizations where slug = 'acme'")
    python3 "$BENCH_DIR/scale-keys.py" "$keys" "$spread" "$revoked_percent" "$ORGANIZATION" "$WORK/keys.tsv" \
        "$WORK/authorizations.txt"
    psql $PG_OPTS -d "$DB" -qX -v ON_ERROR_STOP=1 >/dev/null <<SQL
\copy api_keys (id, organization_id, name, secret_hash, scopes, status, revoked_at) from '$WORK/keys.tsv'
insert into api_keys (id, organization_id, name, secret_hash, scopes)
select 'churn' || lpad(g::text, 11, '0'), $ORGANIZATION, 'churn', sha256(('churn' || g)::bytea), array['read:x/**']
  from generate_series(0, $((pool - 1))) g;
vacuum analyze api_keys;
SQL
    rm -f "$WORK/keys.tsv"
    SEED_MS=$((($(date +%s%N) - t0) / 1000000))
}

# bootstrap_key JSON: organization acme with a *:* key (CLI output in JSON, its log next to it);
# exports BENCH_CLIENT_ID and BENCH_API_KEY, which bench/token.lua reads.
bootstrap_key() {
    local json=$1 log=${1%.json}.log
    java -jar "$JAR" bootstrap --org acme --scope '*:*' --json >"$json" 2>"$log" || { cat "$log" >&2; exit 1; }
    export BENCH_CLIENT_ID BENCH_API_KEY
    BENCH_CLIENT_ID=$(jq -r .client_id "$json")
    BENCH_API_KEY=$(jq -r .api_key "$json")
}

# wait_for_token URL LOG SECONDS CURL_AUTH...: poll URL every 50 ms until the server in $SERVER_PID
# gives a token; if it dies or the time runs out, show the tail of its LOG and exit. The poll must not
# slow down the launch it times: on 2 cores a curl, date and sleep every 50 ms took about 0.4 of a core
# (processes started, libraries loaded). So until the port takes connections the poll is a connect from
# bash itself, and the pause a read that times out on a pipe nobody writes to: no process at all.
wait_for_token() {
    local url=$1 log=$2 seconds=$3 code=000 deadline address pause
    shift 3
    address=${url#*://}
    address=${address%%/*}
    exec {pause}<> <(:)
    deadline=$((SECONDS + seconds))
    while ((SECONDS < deadline)); do
        kill -0 "$SERVER_PID" 2>/dev/null || { tail -50 "$log" >&2; exit 1; }
        if { : <>"/dev/tcp/${address%:*}/${address##*:}"; } 2>/dev/null; then
            code=$(curl -s -o /dev/null -w '%{http_code}' -m 2 "$@" -d grant_type=client_credentials "$url" || true)
            if [[ "$code" == 200 ]]; then
                exec {pause}>&-
                return 0
            fi
        fi
        read -r -t 0.05 -u "$pause" || true
    done
    echo "no token within $seconds s" >&2
    tail -50 "$log" >&2
    exit 1
}

# unpack_jar JAR DIR: JAR unpacked into DIR as the build unpacks its own into auth-server/target/app
# (Spring Boot's jarmode tools; auth-server/pom.xml), so DIR/auth-server.jar launches as the README's
# command does, whichever build JAR is. Prints DIR/auth-server.jar.
unpack_jar() {
    java -Djarmode=tools -jar "$1" extract --force --destination "$2" >/dev/null
    echo "$2/auth-server.jar"
}

# first_token LOG AUTHORIZATION COMMAND...: launch COMMAND as the server ($SERVER_PID, output in LOG)
# and time it to its first token from $URL, asked with this Authorization header (at most 180 s):
# FIRST_TOKEN_MS (launch → first 200) and FIRST_RSS_KB (VmRSS then).
first_token() {
    local log=$1 authorization=$2 t0
    shift 2
    t0=$(date +%s%N)
    "$@" >"$log" 2>&1 &
    SERVER_PID=$!
    wait_for_token "$URL" "$log" 180 -H "Authorization: $authorization"
    FIRST_TOKEN_MS=$((($(date +%s%N) - t0) / 1000000))
    FIRST_RSS_KB=$(status_kb "$SERVER_PID" VmRSS)
}

# cleanup, the scripts' EXIT trap: stop the server, drop $DB and every database in $DBS, remove $WORK
# (BENCH_KEEP=1 keeps it), and leave with the script's own exit status.
cleanup() {
    local rc=$? db
    stop_server
    for db in ${DB:-} ${DBS:-}; do DB=$db drop_db; done
    if [[ -z "${BENCH_KEEP:-}" ]]; then rm -rf "$WORK"; else echo "kept $WORK" >&2; fi
    exit $rc
}

# need TOOL[:PACKAGE]...: apt-get install the packages of the tools not on PATH (apt-get update only
# when the first try fails), logging to $WORK/apt.log. The caller defines log.
need() {
    local missing=() tool
    for tool in "$@"; do command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}"); done
    ((${#missing[@]})) || return 0
    log "installing ${missing[*]}"
    if ! apt-get install -y "${missing[@]}" >"$WORK/apt.log" 2>&1; then
        apt-get update >>"$WORK/apt.log" 2>&1
        apt-get install -y "${missing[@]}" >>"$WORK/apt.log" 2>&1 || { cat "$WORK/apt.log" >&2; exit 1; }
    fi
}

# single_server_setup [--no-build]: the opening of a one-server script (import.sh, ingest.sh): traps,
# the build unless --no-build, a fresh $DB, $PORT and a master key for the server, the bootstrap key
# in $WORK/bootstrap.json.
single_server_setup() {
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    if [[ "${1:-}" != "--no-build" ]]; then
        (cd "$REPO" && ./mvnw -B -q package -DskipTests)
    fi
    fresh_db
    export PORT
    export KEYMINT_MASTER_KEY=${KEYMINT_MASTER_KEY:-$(head -c 32 /dev/urandom | base64)}
    bootstrap_key "$WORK/bootstrap.json"
}
