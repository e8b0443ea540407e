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
    INT8
}
