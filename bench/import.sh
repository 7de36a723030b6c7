#!/usr/bin/env bash
# Key import benchmark: bench/import.sh [--no-build]
#
# Starts Keymint on a fresh database (the machine's PostgreSQL on 127.0.0.1:5432), bootstraps an
# organization with a *:* key, writes an NDJSON file of BENCH_IMPORT_KEYS (100,000) keys to import
# (each the SHA-256 of a made-up secret) and times one POST /admin/v1/keys/import of it with curl.
# The token path of the bootstrap (native) key is measured with wrk at concurrency 8 before the
# import, while it runs, and after it (with the imported rows in the table), so that an import
# shows whether it slows native keys down. Prints the figures. Everything started is stopped and
# the database dropped on exit. Traffic goes only to 127.0.0.1.
#
# Environment: BENCH_IMPORT_KEYS (100000), BENCH_PORT (18091), BENCH_JAVA_OPTS,
# BENCH_PG ("-h 127.0.0.1 -p 5432 -U postgres").
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$BENCH_DIR")
KEYS=${BENCH_IMPORT_KEYS:-100000}
PORT=${BENCH_PORT:-18091}
JAVA_OPTS=${BENCH_JAVA_OPTS:-"-Xmx1g"}
PG_OPTS=${BENCH_PG:-"-h 127.0.0.1 -p 5432 -U postgres"}
DB=keymint_bench_import
JAR="$REPO/auth-server/target/auth-server.jar"
WORK=$(mktemp -d)
SERVER_PID=""
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"

export MANAGEMENT_SERVER_PORT=$((PORT + 1))
single_server_setup "$@"
# shellcheck disable=SC2086
java $JAVA_OPTS -jar "$JAR" --server.address=127.0.0.1 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
wait_for_token "http://127.0.0.1:$PORT/oauth/token" "$WORK/server.log" 60 -u "$BENCH_CLIENT_ID:$BENCH_API_KEY"
TOKEN=$(curl -s -u "$BENCH_CLIENT_ID:$BENCH_API_KEY" -d grant_type=client_credentials \
    "http://127.0.0.1:$PORT/oauth/token" | jq -r .access_token)

python3 - "$KEYS" >"$WORK/keys.ndjson" <<'PY'
import hashlib, json, sys
for i in range(int(sys.argv[1])):
    secret = f"sk_live_bench_{i:08d}_made_up_secret"
    print(json.dumps({"client_id": f"bench-{i}", "key_sha256": hashlib.sha256(secret.encode()).hexdigest(),
                      "prefix": "sk_live_", "scopes": ["read:orders/**"], "rate_limit_per_minute": 600}))
PY

cpu_seconds() {   # user + system CPU of the server so far (clock ticks of /proc/<pid>/stat)
    awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$SERVER_PID/stat"
}

tokens_per_second() {   # $1 seconds of wrk at concurrency 8 on the native key's token path
    wrk -t1 -c8 -d"$1"s -s "$BENCH_DIR/token.lua" \
        "http://127.0.0.1:$PORT/oauth/token" 2>/dev/null | awk '/Requests\/sec/ {print $2}'
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine stretches every figure)"
tokens_per_second 5 >/dev/null   # warm-up
echo "native key, tokens/s before the import: $(tokens_per_second 10)"
tokens_per_second 10 >"$WORK/during.txt" &
WRK_PID=$!
sleep 1
CPU_BEFORE=$(cpu_seconds)
curl -s -o "$WORK/report.json" -w 'import: HTTP %{http_code}, %{size_upload} bytes in %{time_total} s\n' \
    -X POST "http://127.0.0.1:$PORT/admin/v1/keys/import" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/x-ndjson' --data-binary @"$WORK/keys.ndjson"
CPU_AFTER=$(cpu_seconds)
jq -c '{imported, refused}' "$WORK/report.json"
wait "$WRK_PID"
echo "server CPU during the import (tokens served alongside included): $(echo "$CPU_AFTER - $CPU_BEFORE" | bc) s"
echo "native key, tokens/s during the import (10 s window): $(cat "$WORK/during.txt")"
echo "native key, tokens/s after the import: $(tokens_per_second 10)"
code=$(curl -s -o /dev/null -w '%{http_code}' -u "bench-42:sk_live_bench_00000042_made_up_secret" \
    -d grant_type=client_credentials "http://127.0.0.1:$PORT/oauth/token")
echo "an imported key at /oauth/token: HTTP $code"
