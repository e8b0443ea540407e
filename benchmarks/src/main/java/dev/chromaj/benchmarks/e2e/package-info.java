/**
 * End-to-end benchmark programs through the public API on generated data: adds, reads (get by id, filtered get,
 * query) with and without a log tail, compaction throughput, and the same reads on S3 (S3Proxy) against a local
 * folder, with interleaved rounds and medians.
 *
 * <p>Entry points: {@link dev.chromaj.benchmarks.e2e.AddBenchmark}, {@link dev.chromaj.benchmarks.e2e.ReadBenchmark},
 * {@link dev.chromaj.benchmarks.e2e.CompactionBenchmark} and {@link dev.chromaj.benchmarks.e2e.S3QueryBenchmark};
 * each class comment lists its arguments.
 */
package dev.chromaj.benchmarks.e2e;
