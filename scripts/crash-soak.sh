#!/usr/bin/env bash
# Crash soak of the engine: a writer JVM is killed with SIGKILL at random moments (during writes, compactions and
# garbage collection), restarted, and every acknowledged write is checked after each restart. Runs in local mode and
# in S3 mode; for S3, an S3Proxy endpoint runs in a separate JVM on 127.0.0.1 so it survives the writer's kill.
#
# usage: scripts/crash-soak.sh [seconds-per-mode (default 300)] [modes (default "local s3")]
# Not part of the test suite. Exits non-zero on the first failed verification.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_MODE="${1:-300}"
MODES="${2:-local s3}"

ROOT="$(pwd)"
mvn -B -ntp -q -pl chroma-core -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$ROOT/chroma-core/target/crash-soak.classpath" >/dev/null
# S3Proxy runs on Jackson 3, which needs jackson-annotations 2.22 ahead of the 2.18 line (see chroma-core/pom.xml).
mvn -B -ntp -q -pl chroma-core dependency:copy -Dartifact=com.fasterxml.jackson.core:jackson-annotations:2.22 \
    -DoutputDirectory="$ROOT/chroma-core/target/crash-soak-lib" >/dev/null
CP="chroma-core/target/crash-soak-lib/jackson-annotations-2.22.jar:chroma-core/target/test-classes"
# This worktree's own modules, not their jars in the shared local repository (which other builds overwrite).
DEPS="$(sed -E "s#[^:]*/dev/chromaj/([a-z-]+)/[^/]+/[a-z-]+-[^/]*-tests\.jar#$ROOT/\1/target/test-classes#g; \
    s#[^:]*/dev/chromaj/([a-z-]+)/[^/]+/[a-z-]+-[^/:]*\.jar#$ROOT/\1/target/classes#g" \
    chroma-core/target/crash-soak.classpath)"
CP="$CP:chroma-core/target/classes:$DEPS"
JAVA=(java --add-opens=java.base/java.nio=org.apache.arrow.memory.core,ALL-UNNAMED -Xmx1g
      -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" dev.chromaj.CrashSoakMain)

S3_PID=""
cleanup() { if [[ -n "$S3_PID" ]]; then kill "$S3_PID" 2>/dev/null || true; fi; }
trap cleanup EXIT

for MODE in $MODES; do
    WORK="$(mktemp -d -t chromaj-crash-soak-XXXX)"
    PROPS=()
    if [[ "$MODE" == s3 ]]; then
        "${JAVA[@]}" s3server "$WORK/s3.properties" >"$WORK/s3server.log" 2>&1 &
        S3_PID=$!
        for _ in $(seq 1 120); do [[ -f "$WORK/s3.properties" ]] && break; sleep 0.5; done
        [[ -f "$WORK/s3.properties" ]] || { echo "S3 endpoint did not start"; cat "$WORK/s3server.log"; exit 1; }
        PROPS=("$WORK/s3.properties")
    fi
    END=$((SECONDS + SECONDS_PER_MODE))
    CYCLES=0
    while (( SECONDS < END )); do
        rm -f "$WORK/writer.ready"
        "${JAVA[@]}" writer "$WORK/data" "$WORK/journal" "${PROPS[@]}" >>"$WORK/writer.log" 2>&1 &
        WRITER=$!
        # Kill a random while after the writer is open (and writing, compacting, collecting).
        for _ in $(seq 1 240); do [[ -f "$WORK/writer.ready" ]] && break; sleep 0.5; done
        sleep "$(( RANDOM % 8 + 1 )).$(( RANDOM % 10 ))"
        kill -9 "$WRITER" 2>/dev/null || true
        wait "$WRITER" 2>/dev/null || true
        CYCLES=$((CYCLES + 1))
        if ! OUT="$("${JAVA[@]}" verify "$WORK/data" "$WORK/journal" "${PROPS[@]}" 2>>"$WORK/verify.log")"; then
            echo "[$MODE] cycle $CYCLES: verification FAILED (work folder $WORK)"
            tail -5 "$WORK/verify.log"
            exit 1
        fi
        echo "[$MODE] cycle $CYCLES: $OUT"
    done
    echo "[$MODE] $CYCLES kill/restart cycles, every one verified; journal $(grep -c '^A' "$WORK/journal") acknowledged operations"
    cleanup
    S3_PID=""
    rm -rf "$WORK" # kept on failure (exit above) for inspection
done
