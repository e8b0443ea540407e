package dev.chromaj.segment;

import dev.chromaj.index.vector.HnswIndex;
import java.util.List;

/** Benchmarks only: the indexes a cache holds. */
public final class SegmentBenchmarkAccess {

    private SegmentBenchmarkAccess() {}

    /** The indexes in memory in {@code cache}, least recently used first. */
    public static List<HnswIndex> loaded(HnswIndexCache cache) {
        return cache.loaded();
    }
}
