/**
 * JMH benchmarks of Arrow blockfiles: point gets on cached blocks, scans, cold reads through storage and writes
 * ({@link dev.chromaj.benchmarks.blockstore.BenchmarkBlockfile} builds their data).
 *
 * <p>Entry point: JMH ({@code org.openjdk.jmh.Main}, the module's default {@code bench.main}) with the regex
 * {@code dev.chromaj.benchmarks.blockstore}; see CONTRIBUTING.md.
 */
package dev.chromaj.benchmarks.blockstore;
