package dev.chromaj;

import dev.chromaj.segment.HnswIndexCache;

/** Benchmarks only: the client's vector index cache, to query a collection's loaded graph at index level. */
public final class BenchmarkAccess {

    private BenchmarkAccess() {}

    /** The cache of loaded HNSW indexes of {@code client}. */
    public static HnswIndexCache vectorIndexes(ChromaClient client) {
        return client.engine().vectorIndexes;
    }
}
