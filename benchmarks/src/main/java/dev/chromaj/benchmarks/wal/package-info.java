/**
 * Append latency and throughput of the write-ahead log with fsync and group commit, for one and eight writers.
 *
 * <p>Entry point: {@link dev.chromaj.benchmarks.wal.WalAppendBenchmark}.
 */
package dev.chromaj.benchmarks.wal;
