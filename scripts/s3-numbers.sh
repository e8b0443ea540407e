#!/usr/bin/env bash
# Storage numbers of S3 mode (requests and bytes per compaction and per cold query, sequential round trips, bytes
# stored vs raw): runs S3CostReportMain (module chroma-soak) through Maven's exec:exec against an in-process S3Proxy
# behind a latency-injecting loopback proxy.
# usage: scripts/s3-numbers.sh [records (default 100000)] [dimension (default 128)] [latency ms (default 100)]
#        [compactions (default 10; 1 = add everything, then one compact())] [efConstruction (default 100)]
# env:   JAVA_OPTS (default -Xmx8g); S3PROXY_DIR: keep S3Proxy's objects in files there instead of the heap
#        (needed for about 1 M vectors and more)
set -euo pipefail
cd "$(dirname "$0")/.."
JVM_ARGS="${JAVA_OPTS:--Xmx8g}"
if [ -n "${S3PROXY_DIR:-}" ]; then
    mkdir -p "$S3PROXY_DIR"
    JVM_ARGS="$JVM_ARGS -Dchromaj.test.s3proxy.dir=$S3PROXY_DIR"
fi
exec mvn -B -ntp -q -pl chroma-soak -am -DskipTests package exec:exec \
    -Dsoak.main=dev.chromaj.S3CostReportMain -Dsoak.jvmArgs="$JVM_ARGS" -Dsoak.args="$*"
