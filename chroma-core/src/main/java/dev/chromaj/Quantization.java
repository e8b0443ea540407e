package dev.chromaj;

/**
 * How a collection's HNSW index holds its vectors in memory, chosen at creation with
 * {@link HnswParams.Builder#quantization(Quantization)} and fixed for the collection's life.
 */
public enum Quantization {
    /** Float vectors in memory: the most precise graph walk, four bytes per component on the heap. */
    NONE,
    /**
     * Int8 scalar quantization: one byte per component in memory (trained from the data at the first compaction that
     * builds the graph), the best candidates of every query re-ranked with the full-precision embeddings read through
     * the block cache, so returned distances are exact. Lets a collection whose float vectors exceed the heap be
     * served.
     */
    INT8,
    /**
     * Int4 scalar quantization: half a byte per component in memory (two components packed per byte, an eighth of
     * the float vector), trained like {@link #INT8}. The codes rank true neighbours lower than int8 codes, so twice
     * as many candidates are re-ranked with the full-precision embeddings: {@code max(k, min(efSearch, 8k))} per
     * query of {@code k} results (INT8: {@code 4k}); returned distances are exact. Halves the code memory of
     * {@link #INT8} for up to twice the embedding reads per query; its kernels are vectorized on JDK 21+ with
     * {@code --add-modules jdk.incubator.vector}.
     */
    INT4
}
