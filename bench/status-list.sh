#!/usr/bin/env bash
# Token Status List at scale: BENCH_STATUS_KEYS API keys (default 1,000,000) of which
# BENCH_STATUS_REVOKED_PERCENT (default 1) are revoked at random, in a fresh database; then one server:
#   - rebuild: the time to read every non-VALID entry from PostgreSQL and pack the lists (server log);
#   - sign: compress + sign one list after a change (server debug log, 10 changes);
#   - sizes: packed (uncompressed) list, ZLIB-compressed lst, the whole JWS, and the gzip transfer;
#   - serve: sequential GETs over one kept-alive connection (curl), full body, 304, and gzip.
# Writes bench/STATUS-RESULTS.md. Needs PostgreSQL on 127.0.0.1:5432 (user postgres), curl, jq, python3.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$BENCH_DIR/.." && pwd)
KEYS=${BENCH_STATUS_KEYS:-1000000}
PERCENT=${BENCH_STATUS_REVOKED_PERCENT:-1}
REQUESTS=${BENCH_STATUS_REQUESTS:-500}
PORT=${BENCH_PORT:-18091}
PG_OPTS=${BENCH_PG:-"-h 127.0.0.1 -p 5432 -U postgres"}
DB=keymint_bench_status
JAR="$REPO/auth-server/target/auth-server.jar"
WORK=$(mktemp -d /tmp/keymint-status-bench.XXXXXX)
BASE="http://127.0.0.1:$PORT"
SERVER_PID=""

log() { printf '[status-bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
    fi
    psql $PG_OPTS -qXc "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
    [[ -n "${BENCH_KEEP:-}" ]] || rm -rf "$WORK"
}
trap cleanup EXIT

if [[ "${1:-}" != "--no-build" ]]; then
    log "building auth-server"
    (cd "$REPO" && ./mvnw -B -q package -DskipTests)
fi

psql $PG_OPTS -qXc "DROP DATABASE IF EXISTS $DB" >/dev/null
psql $PG_OPTS -qXc "CREATE DATABASE $DB" >/dev/null
export SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:5432/$DB" SPRING_DATASOURCE_USERNAME=postgres PORT
java -jar "$JAR" bootstrap --org acme --scope '*:*' --json >"$WORK/bootstrap.json" 2>"$WORK/bootstrap.log" \
    || { cat "$WORK/bootstrap.log" >&2; exit 1; }

log "inserting $KEYS keys, revoking $PERCENT % at random"
psql $PG_OPTS -d "$DB" -qX >/dev/null <<SQL
insert into api_keys (id, organization_id, name, secret_hash, scopes)
select 'bench' || lpad(g::text, 11, '0'), 1, 'bench', sha256(g::text::bytea), array['read:x/**']
  from generate_series(2, $KEYS) g;
select setseed(0.42);
update api_keys set status = 'revoked', revoked_at = now() where random() < $PERCENT / 100.0;
vacuum analyze api_keys;
SQL

REVOKED=$(psql $PG_OPTS -d "$DB" -qAtXc "select count(*) from api_keys where status = 'revoked'")
TOTAL=$(psql $PG_OPTS -d "$DB" -qAtXc "select count(*) from api_keys")

log "starting the server"
java ${BENCH_JAVA_OPTS:-} -jar "$JAR" --server.address=127.0.0.1 --logging.level.dev.keymint.server.status=DEBUG \
    >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 1200); do
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -50 "$WORK/server.log" >&2; exit 1; }
    [[ "$(curl -s -o /dev/null -w '%{http_code}' -m 2 "$BASE/oauth/status/1" || true)" == 200 ]] && break
    sleep 0.1
done
REBUILD=$(grep -o 'Status lists rebuilt from the database: .*' "$WORK/server.log" | head -1)

log "10 changes, each followed by a GET (the list is re-made once per change)"
for i in $(seq 1 10); do
    psql $PG_OPTS -d "$DB" -qXc "update api_keys set status = 'disabled' where id = 'bench$(printf '%011d' $((i * 7919)))' and status = 'active'" >/dev/null
    sleep 0.5
    curl -s -o /dev/null "$BASE/oauth/status/1"
done
grep -o 'Status list 1 signed: .*' "$WORK/server.log" | tail -10 >"$WORK/sign.txt"

curl -s -D "$WORK/headers.txt" -o "$WORK/list.jwt" "$BASE/oauth/status/1"
ETAG=$(grep -i '^etag:' "$WORK/headers.txt" | cut -d' ' -f2- | tr -d '\r')
GZIP_BYTES=$(curl -s -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download}' "$BASE/oauth/status/1")
read -r PACKED LST JWS <<<"$(python3 - "$WORK/list.jwt" <<'PY'
import base64, json, sys, zlib
jws = open(sys.argv[1]).read()
payload = json.loads(base64.urlsafe_b64decode(jws.split('.')[1] + '=' * (-len(jws.split('.')[1]) % 4)))
lst = payload['status_list']['lst']
raw = base64.urlsafe_b64decode(lst + '=' * (-len(lst) % 4))
print(len(zlib.decompress(raw)), len(raw), len(jws))
PY
)"

serve() {   # serve NAME CURL-ARGS...: REQUESTS sequential GETs on one connection; prints p50 p99 mean in ms
    local name=$1; shift
    local urls=()
    for _ in $(seq 1 "$REQUESTS"); do urls+=(-o /dev/null "$BASE/oauth/status/1"); done
    curl -s "$@" -w '%{http_code} %{time_total}\n' "${urls[@]}" >"$WORK/serve-$name.txt"
    python3 - "$WORK/serve-$name.txt" "$name" <<'PY'
import sys
rows = [line.split() for line in open(sys.argv[1])]
codes = sorted({r[0] for r in rows})
t = sorted(float(r[1]) * 1000 for r in rows[len(rows) // 10:])   # first 10 % are warm-up
print(f"| {sys.argv[2]} | {','.join(codes)} | {t[len(t) // 2]:.2f} | {t[int(len(t) * 0.99)]:.2f} | {sum(t) / len(t):.2f} |")
PY
}
log "serving $REQUESTS requests per case"
SERVE_FULL=$(serve "full body" -H 'Accept: application/statuslist+jwt')
SERVE_GZIP=$(serve "full body, gzip" -H 'Accept-Encoding: gzip')
SERVE_304=$(serve "If-None-Match (304)" -H "If-None-Match: $ETAG")

{
    echo "# Token Status List benchmark"
    echo
    echo "Generated by \`bench/status-list.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC') at $(git -C "$REPO" rev-parse --short HEAD),"
    echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), PostgreSQL and server on one machine."
    echo
    echo "Keys: $TOTAL, revoked at random: $REVOKED. List size: 2^20 entries at 2 bits."
    echo
    echo "- Rebuild from PostgreSQL at start (read every non-VALID entry, pack): \`$REBUILD\`"
    echo "- Packed list (uncompressed): $PACKED bytes; ZLIB \`lst\`: $LST bytes; whole JWS: $JWS bytes; gzip transfer: $GZIP_BYTES bytes"
    echo "- Re-making the list token after a change (compress at the highest level + sign, RS256), last 10 changes:"
    echo
    sed 's/^/    /' "$WORK/sign.txt"
    echo
    echo "Serving list 1 from memory, $REQUESTS sequential GETs on one kept-alive connection (curl; first 10 % dropped):"
    echo
    echo "| case | status | p50 ms | p99 ms | mean ms |"
    echo "|---|---|---|---|---|"
    echo "$SERVE_FULL"
    echo "$SERVE_GZIP"
    echo "$SERVE_304"
} >"$BENCH_DIR/STATUS-RESULTS.md"
cat "$BENCH_DIR/STATUS-RESULTS.md"
