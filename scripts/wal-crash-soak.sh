#!/usr/bin/env bash
# Long SIGKILL soak of the write-ahead log: runs WalCrashTest with many more kill/recover cycles than the suite
# (which runs 20). Each cycle starts a child JVM that appends batches, kills it with SIGKILL at a random moment and
# checks that every acknowledged entry is back, in order, with its payload.
# Usage: scripts/wal-crash-soak.sh [cycles (default 500)] [master seed, hex, as printed by a previous run]
set -euo pipefail
cd "$(dirname "$0")/.."
cycles="${1:-500}"
args=(-Dwal.crash.cycles="$cycles")
if [[ $# -ge 2 ]]; then
    args+=(-Dtests.seed="$2")
fi
mvn -B -ntp -pl chroma-wal -am test -Dtest=WalCrashTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dsurefire.timeout=0 "${args[@]}"
grep -h "WalCrashTest:" chroma-wal/target/surefire-reports/*-output.txt
