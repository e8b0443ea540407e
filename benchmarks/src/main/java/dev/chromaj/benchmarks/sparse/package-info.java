/**
 * BM25, dense and hybrid retrieval quality on BEIR SciFact (nDCG@10, recall@100) and BM25 query throughput against
 * Lucene, at index level and through collections. Skips cleanly when the dataset folder is absent.
 *
 * <p>Entry points: {@link dev.chromaj.benchmarks.sparse.SciFactEvaluation} and
 * {@link dev.chromaj.benchmarks.sparse.SciFactSearchEvaluation}.
 */
package dev.chromaj.benchmarks.sparse;
