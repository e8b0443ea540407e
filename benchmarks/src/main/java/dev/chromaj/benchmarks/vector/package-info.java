/**
 * Approximate nearest-neighbour benchmarks: recall against QPS, build time and memory of chromaj's HNSW next to
 * Lucene, hnswlib-java and jvector, filtered search, and the same through collections (cold open, compaction).
 *
 * <p>Entry points: {@link dev.chromaj.benchmarks.vector.AnnBenchmark},
 * {@link dev.chromaj.benchmarks.vector.FilteredSearchBenchmark},
 * {@link dev.chromaj.benchmarks.vector.CollectionAnnBenchmark} and
 * {@link dev.chromaj.benchmarks.vector.CollectionFilteredBenchmark}.
 */
package dev.chromaj.benchmarks.vector;
