#!/usr/bin/env bash
# Storage numbers of S3 mode (requests and bytes per compaction and per cold query, sequential round trips, bytes
# stored vs raw): runs S3CostReportMain against an in-process S3Proxy behind a latency-injecting loopback proxy.
# usage: scripts/s3-numbers.sh [records (default 100000)] [dimension (default 128)] [latency ms (default 100)]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
[[ "${SKIP_INSTALL:-0}" == 1 ]] || mvn -B -ntp -q -pl chroma-core -am -DskipTests install >/dev/null
mvn -B -ntp -q -pl chroma-core test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$ROOT/chroma-core/target/crash-soak.classpath" >/dev/null
mvn -B -ntp -q -pl chroma-core dependency:copy -Dartifact=com.fasterxml.jackson.core:jackson-annotations:2.22 \
    -DoutputDirectory="$ROOT/chroma-core/target/crash-soak-lib" >/dev/null
CP="chroma-core/target/crash-soak-lib/jackson-annotations-2.22.jar:chroma-core/target/test-classes"
CP="$CP:chroma-core/target/classes:$(cat chroma-core/target/crash-soak.classpath)"
exec java --add-opens=java.base/java.nio=org.apache.arrow.memory.core,ALL-UNNAMED -Xmx8g \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" dev.chromaj.S3CostReportMain "$@"
