#!/usr/bin/env bash
# Crash soak of the engine: a writer JVM is killed with SIGKILL at random moments (during writes, compactions and
# garbage collection), restarted, and every acknowledged write is checked after each restart. Runs in local mode and
# in S3 mode; for S3, an S3Proxy endpoint runs in a separate JVM on 127.0.0.1 so it survives the writer's kill.
#
# usage: scripts/crash-soak.sh [seconds-per-mode (default 300)] [modes (default "local s3")] [master seed]
# Not part of the test suite. Exits non-zero on the first failed verification. The program is CrashSoakMain in the
# chroma-soak module. Maven builds it and gives its class path; the JVMs are started here, not through exec:exec,
# because the soak must SIGKILL exactly the writer JVM (killing a Maven process would orphan its java child).
# Every writer and verifier gets a seed derived from the master seed (printed first; pass it back to replay the same
# operation choices; the kill moments still vary).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_MODE="${1:-300}"
MODES="${2:-local s3}"
MASTER_SEED="${3:-$(( (RANDOM << 30) ^ (RANDOM << 15) ^ RANDOM ))}"
echo "crash soak: master seed $MASTER_SEED"

CLASSPATH_FILE="$(pwd)/chroma-soak/target/soak.classpath"
# This checkout's own modules (the reactor's jars), never SNAPSHOT jars of the shared local repository.
mvn -B -ntp -q -pl chroma-soak -am -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile="$CLASSPATH_FILE" -Dmdep.includeScope=runtime >/dev/null
CP="chroma-soak/target/classes:$(cat "$CLASSPATH_FILE")"
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
        SEED=$((MASTER_SEED + CYCLES))
        rm -f "$WORK/writer.ready"
        "${JAVA[@]}" writer "$WORK/data" "$WORK/journal" "$SEED" "${PROPS[@]}" >>"$WORK/writer.log" 2>&1 &
        WRITER=$!
        # Kill a random while after the writer is open (and writing, compacting, collecting).
        for _ in $(seq 1 240); do [[ -f "$WORK/writer.ready" ]] && break; sleep 0.5; done
        sleep "$(( RANDOM % 8 + 1 )).$(( RANDOM % 10 ))"
        kill -9 "$WRITER" 2>/dev/null || true
        wait "$WRITER" 2>/dev/null || true
        CYCLES=$((CYCLES + 1))
        if ! OUT="$("${JAVA[@]}" verify "$WORK/data" "$WORK/journal" "$SEED" "${PROPS[@]}" 2>>"$WORK/verify.log")"; then
            echo "[$MODE] cycle $CYCLES (seed $SEED): verification FAILED (work folder $WORK)"
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
