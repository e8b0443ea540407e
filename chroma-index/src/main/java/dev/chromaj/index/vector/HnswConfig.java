package dev.chromaj.index.vector;

import dev.chromaj.annotations.Internal;

/**
 * HNSW build and search parameters, with Chroma's defaults (M 16, efConstruction 100, efSearch 100).
 *
 * @param m              links per node on the upper layers; layer 0 keeps up to {@code 2 * m}
 * @param efConstruction candidate list size while inserting
 * @param efSearch       default candidate list size while searching (a search may pass its own)
 * @param seed           seed of the level generator, so builds are reproducible
 */
@Internal
public record HnswConfig(int m, int efConstruction, int efSearch, long seed) {

    /** Chroma's default M. */
    public static final int DEFAULT_M = 16;
    /** Chroma's default efConstruction. */
    public static final int DEFAULT_EF_CONSTRUCTION = 100;
    /** Chroma's default efSearch. */
    public static final int DEFAULT_EF_SEARCH = 100;

    /** Validates the parameters. */
    public HnswConfig {
        if (m < 2 || m > 512) {
            throw new IllegalArgumentException("m must be between 2 and 512, got " + m);
        }
        if (efConstruction < 1) {
            throw new IllegalArgumentException("efConstruction must be at least 1, got " + efConstruction);
        }
        if (efSearch < 1) {
            throw new IllegalArgumentException("efSearch must be at least 1, got " + efSearch);
        }
    }

    /** Chroma's defaults with a fixed seed. */
    public static HnswConfig defaults() {
        return new HnswConfig(DEFAULT_M, DEFAULT_EF_CONSTRUCTION, DEFAULT_EF_SEARCH, 42L);
    }

    /** A copy with another default efSearch (Chroma lets a collection change it with {@code modify}). */
    public HnswConfig withEfSearch(int newEfSearch) {
        return new HnswConfig(m, efConstruction, newEfSearch, seed);
    }
}
