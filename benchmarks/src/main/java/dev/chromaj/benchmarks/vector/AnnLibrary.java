package dev.chromaj.benchmarks.vector;

/** One ANN implementation under benchmark, built over base ordinals 0..n-1. Not thread-safe for search. */
interface AnnLibrary {

    /** Name in the result tables. */
    String name();

    /** Builds the index over {@code base} with {@code threads} threads. */
    void build(VectorDataset data, int m, int efConstruction, int threads) throws Exception;

    /** Prepares per-query objects outside the timed loop (library-specific query types). */
    default void prepareQueries(float[][] queries) {}

    /** Sets the beam for the following searches, outside the timed loop (a collection's {@code modify}). */
    default void prepareEf(int ef) {}

    /** The {@code k} nearest ordinals to query {@code q} (index into the prepared queries) with beam {@code ef}. */
    int[] search(int q, float[] query, int k, int ef) throws Exception;

    /** The library's own estimate of its graph and vector bytes, or -1 when it has none. */
    long reportedBytes();

    /** Whether the index references the caller's float[] vectors instead of copying them. */
    boolean sharesInputVectors();

    /** Drops the index. */
    void close() throws Exception;
}
