#!/usr/bin/env bash
# "Same data, big heap" at 1 M x 256: QuantizedScaleBenchmark with our float, int8 and int4 paths (public
# API, local folder), Lucene 9.12 int8 HNSW and jvector 4.0.2 PQ + float re-rank at degree 16 and 32, all in one JVM
# per JDK on the same generated data and queries, then interleaved query passes; prints each JDK's result table
# (docs/vector-benchmarks.md, "Same data, big heap").
#
# Run time, measured at 1 M x 256 on JDK 25 (2 vCPUs, 2026-12-07, docs/vector-benchmarks.md "Same data, big heap,
# at 1 M x 256"): 41-44 min, of which the builds took 39 min (float 4.1-4.7 min, int8 3.5-3.9, int4 2.7-3.7, Lucene
# 9.9-10.3 on one thread, jvector degree 16 8.0-8.5 and degree 32 9.1-9.2 on two) and the 5 query passes about 5 min.
# JDK 17 (2026-12-07, quiet machine): 53 min, builds 51 min (float 6.0, int8 4.5, int4 4.8, Lucene 14.2, jvector
# degree 16 9.9 and degree 32 11.4) and the query passes 2 min: about 1.6 h for both JDKs.
# Memory: the JVM holds our float index (about 1.2 GB at 1 M x 256), the int8 and int4 indexes, three 1.5 GiB block
# caches pinned to decoded blocks (compressedShare=0: the int8 / int4 re-rank reads every candidate's float vector
# through the cache, so a big-heap comparison gives the cache room for the 1 GiB of embeddings, as jvector holds its
# floats on the heap; with 256 MiB most re-rank reads missed and decoded a block), Lucene's graph, jvector's floats
# (1 GiB) and two graphs at once: -Xmx18g leaves room for the builds. Disk: about 5 GB under WORK (deleted at the
# end).
#
# usage: benchmarks/big-heap-1m.sh [n (default 1000000)] [dim (default 256)] [more key=value arguments of
#        QuantizedScaleBenchmark, e.g. ef=40,100 pqSubspaces=128; a later key wins]
# env:   JAVA17 (default java on the PATH), JAVA25 (default /usr/lib/jvm/temurin-25-jdk-amd64/bin/java; set it
#        empty to skip JDK 25), JAVA_OPTS (default -Xmx12g -XX:+UseG1GC), WORK (scratch folder, default
#        benchmarks/target/big-heap-work), OUT (logs, default benchmarks/target/big-heap-logs)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000000}"
DIM="${2:-256}"
shift $(( $# > 2 ? 2 : $# ))
JAVA17="${JAVA17:-java}"
JAVA25="${JAVA25-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
JVM_ARGS="${JAVA_OPTS:--Xmx18g -XX:+UseG1GC}"
WORK="${WORK:-benchmarks/target/big-heap-work}"
OUT="${OUT:-benchmarks/target/big-heap-logs}"
mkdir -p "$WORK" "$OUT"

mvn -B -ntp -q -pl benchmarks -am -DskipTests package dependency:build-classpath \
    -Dmdep.outputFile="$OUT/classpath.txt"
CP="benchmarks/target/classes:$(cat "$OUT/classpath.txt")"
ARGS=(n="$N" dim="$DIM" paths=float,int8,int4,lucene-int8,jvector-pq16,jvector-pq32 passes=5 minQueries=1000
    queries=200 ef=20,40,100,200 compactEvery=50000 cacheBytes=1610612736 compressedShare=0 indexBytes=4294967296 blockBytes=65536
    work="$WORK" "$@")

run() { # run <label> <java> [extra JVM flags...]
    local label="$1" java="$2"
    shift 2
    local log="$OUT/big-heap-$N-$DIM-$label.log"
    echo "== $label: $("$java" -version 2>&1 | head -1); $(date -u); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "   log: $log"
    # shellcheck disable=SC2086 # JVM_ARGS is a list of flags
    "$java" "$@" $JVM_ARGS --add-opens=java.base/java.nio=org.apache.arrow.memory.core,ALL-UNNAMED -cp "$CP" \
        dev.chromaj.benchmarks.vector.QuantizedScaleBenchmark "${ARGS[@]}" > "$log" 2>&1
    echo "== $label done $(date -u); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    # the report: build lines, cold starts, then the table (the ClientStats dumps after it are left in the log)
    sed -n '/ results:$/,$p' "$log" | grep -v ' stats after queries: '
}

run jdk17 "$JAVA17"
if [ -n "$JAVA25" ]; then
    run jdk25 "$JAVA25" --add-modules jdk.incubator.vector -Dorg.apache.lucene.vectorization.upperJavaFeatureVersion=25
fi
