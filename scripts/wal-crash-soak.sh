#!/usr/bin/env bash
# Long SIGKILL soak of the write-ahead log: runs WalCrashTest with many more kill/recover cycles than the suite.
# Usage: scripts/wal-crash-soak.sh [cycles (default 500)] [seed]
set -euo pipefail
cd "$(dirname "$0")/.."
cycles="${1:-500}"
seed_arg=()
if [[ $# -ge 2 ]]; then
    seed_arg=("-Dwal.crash.seed=$2")
fi
mvn -B -ntp -q -pl chroma-wal -am -DskipTests install
mvn -B -ntp -pl chroma-wal test -Dtest=WalCrashTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dwal.crash.cycles="$cycles" "${seed_arg[@]}" -Dsurefire.timeout=0
grep -h "WalCrashTest:" chroma-wal/target/surefire-reports/*-output.txt || true
