#!/usr/bin/env bash
# The image's start-up preparation: the jar extracted to DIR, and an archive of the classes a launch
# loads, made by a training run, with DIR/jvm.options naming it for the launcher.
#
#   prepare-image.sh [--user USER] JAR DIR      (DIR: new or empty)
#
# auth-server/Dockerfile runs it as root with --user keymint (JAR /tmp/auth-server.jar, DIR /app);
# bench/startup.sh runs it on the host to measure the image's layout. One home for both, so that what is
# measured is what the image does. Launch the result as the image does:
#   java -XX:MaxRAMPercentage=75 @DIR/jvm.options -jar DIR/auth-server.jar
#
# Why (docs/operations.md, "Start-up"): most of a launch is loading and linking some 12,000 classes. An
# AOT cache (JDK 25: JEP 483/514) made by a training run holds them loaded and linked for every launch
# of the same JVM with the same jar; a JVM that knows no AOT cache (JDK 17) gets a CDS archive instead,
# which holds them loaded only. Either needs the jar extracted: the archive takes classes from plain
# jars on the class path, not from jars nested in the Boot jar. DIR/auth-server.jar stays the command to
# run. JAVA_HOME, when set, names the JVM (the archive is that JVM's); else java on the PATH.
#
# The training run starts the application context and exits before the web server starts
# (-Dspring.context.exit=onRefresh). Its database is the one the environment configures
# (SPRING_DATASOURCE_URL and friends, as for the server); with none, as in the image, Keymint gives it
# the embedded PostgreSQL, which refuses root: hence --user, the user the run switches to (setpriv).
# It runs in a scratch directory (its data directory and java.io.tmpdir), removed at the end with
# everything it left: keys, database, the embedded PostgreSQL's binaries, Tomcat's work directory.
# Where it cannot run (the embedded PostgreSQL ships no binaries for that CPU, e.g. arm64) the result
# starts without an archive: DIR/jvm.options is then empty, and the script says so and exits 0 (the
# image is still good); callers that need the archive check that file.
set -euo pipefail

user=""
if [[ "${1:-}" == --user ]]; then
    user=$2
    shift 2
fi
if (($# != 2)); then
    echo "usage: $0 [--user USER] JAR DIR" >&2
    exit 2
fi
jar=$1
java=${JAVA_HOME:+$JAVA_HOME/bin/}java

"$java" -Djarmode=tools -jar "$jar" extract --destination "$2"
dir=$(cd "$2" && pwd)
if "$java" -XX:+PrintFlagsFinal -version 2>/dev/null | grep -qw AOTCacheOutput; then
    archive=auth-server.aot record=-XX:AOTCacheOutput use=-XX:AOTCache
else
    archive=auth-server.jsa record=-XX:ArchiveClassesAtExit use=-XX:SharedArchiveFile
fi

training=$(mktemp -d)
mkdir "$training/tmp"
as_user=()
if [[ -n "$user" ]]; then
    chown -R "$user:$user" "$training"
    as_user=(setpriv --reuid="$user" --regid="$user" --init-groups)
fi
# The training heap is fixed, not a share of the build machine's memory: past 32 GB the JVM drops
# compressed pointers, and an archive made so is refused by every launch that has them.
if "${as_user[@]}" env KEYMINT_DATA_DIR="$training/data" \
        "$java" -Xmx512m "$record=$training/$archive" -Djava.io.tmpdir="$training/tmp" \
        -Dspring.context.exit=onRefresh -jar "$dir/auth-server.jar" >"$training/log" 2>&1; then
    mv "$training/$archive" "$dir/$archive"
    chown "$(id -u):$(id -g)" "$dir/$archive"
    chmod 644 "$dir/$archive"
    echo "$use=$dir/$archive" >"$dir/jvm.options"
else
    tail -n 20 "$training/log"
    echo "training run failed: $dir/auth-server.jar starts without an archive"
    : >"$dir/jvm.options"
fi
# The context exits without stopping the embedded PostgreSQL: it is stopped here before its files go.
pidfile="$training/data/postgres/postmaster.pid"
if [[ -f "$pidfile" ]]; then
    pid=$(head -n 1 "$pidfile")
    kill -QUIT "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
fi
rm -rf "$training"
