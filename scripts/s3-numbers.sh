#!/usr/bin/env bash
# Storage numbers of S3 mode (requests and bytes per compaction and per cold query, sequential round trips, bytes
# stored vs raw): runs S3CostReportMain against an in-process S3Proxy behind a latency-injecting loopback proxy.
# usage: scripts/s3-numbers.sh [records (default 100000)] [dimension (default 128)] [latency ms (default 100)]
#        [compactions (default 10; 1 = add everything, then one compact())] [efConstruction (default 100)]
# env:   JAVA_OPTS (default -Xmx8g); S3PROXY_DIR: keep S3Proxy's objects in files there instead of the heap
#        (needed for about 1 M vectors and more)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
mvn -B -ntp -q -pl chroma-core -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$ROOT/chroma-core/target/crash-soak.classpath" >/dev/null
mvn -B -ntp -q -pl chroma-core dependency:copy -Dartifact=com.fasterxml.jackson.core:jackson-annotations:2.22 \
    -DoutputDirectory="$ROOT/chroma-core/target/crash-soak-lib" >/dev/null
CP="chroma-core/target/crash-soak-lib/jackson-annotations-2.22.jar:chroma-core/target/test-classes"
# This worktree's own modules, not their jars in the shared local repository (which other builds overwrite).
DEPS="$(sed -E "s#[^:]*/dev/chromaj/([a-z-]+)/[^/]+/[a-z-]+-[^/]*-tests\.jar#$ROOT/\1/target/test-classes#g; \
    s#[^:]*/dev/chromaj/([a-z-]+)/[^/]+/[a-z-]+-[^/:]*\.jar#$ROOT/\1/target/classes#g" \
    chroma-core/target/crash-soak.classpath)"
CP="$CP:chroma-core/target/classes:$DEPS"
PROXY_DIR=()
if [ -n "${S3PROXY_DIR:-}" ]; then
    mkdir -p "$S3PROXY_DIR"
    PROXY_DIR=("-Dchromaj.test.s3proxy.dir=$S3PROXY_DIR")
fi
# shellcheck disable=SC2086
exec java --add-opens=java.base/java.nio=org.apache.arrow.memory.core,ALL-UNNAMED ${JAVA_OPTS:--Xmx8g} \
    "${PROXY_DIR[@]}" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" dev.chromaj.S3CostReportMain "$@"
