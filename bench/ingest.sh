#!/usr/bin/env bash
# Usage-report ingest benchmark: bench/ingest.sh [--no-build]
#
# Starts Keymint on a fresh database (the machine's PostgreSQL on 127.0.0.1:5432), bootstraps an
# organization with a *:* key, and runs bench/IngestBench.java: 100 keys, 8 threads posting reports
# of all 100 keys each to POST /admin/v1/usage-reports for 20 s (after 5 s of warm-up). Prints one
# JSON line. Everything started is stopped and the database dropped on exit.
#
# Environment: BENCH_INGEST_KEYS (100), BENCH_INGEST_THREADS (8), BENCH_INGEST_SECONDS (20),
# BENCH_PORT (18090), BENCH_JAVA_OPTS, BENCH_PG ("-h 127.0.0.1 -p 5432 -U postgres").
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$BENCH_DIR")
KEYS=${BENCH_INGEST_KEYS:-100}
THREADS=${BENCH_INGEST_THREADS:-8}
SECONDS_RUN=${BENCH_INGEST_SECONDS:-20}
PORT=${BENCH_PORT:-18090}
JAVA_OPTS=${BENCH_JAVA_OPTS:-"-Xmx256m -XX:+UseSerialGC"}
PG_OPTS=${BENCH_PG:-"-h 127.0.0.1 -p 5432 -U postgres"}
DB=keymint_bench_ingest
JAR="$REPO/auth-server/target/auth-server.jar"
WORK=$(mktemp -d)
SERVER_PID=""
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"

single_server_setup "$@"
# shellcheck disable=SC2086
java $JAVA_OPTS -jar "$JAR" --server.address=127.0.0.1 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
wait_for_token "http://127.0.0.1:$PORT/oauth/token" "$WORK/server.log" 60 -u "$BENCH_CLIENT_ID:$BENCH_API_KEY"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run" >&2
java "$BENCH_DIR/IngestBench.java" "http://127.0.0.1:$PORT" "$BENCH_CLIENT_ID" "$BENCH_API_KEY" "$KEYS" "$THREADS" "$SECONDS_RUN"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
