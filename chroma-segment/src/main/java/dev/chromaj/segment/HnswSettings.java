package dev.chromaj.segment;

import dev.chromaj.annotations.Internal;
import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.HnswConfig;
import java.util.Objects;

/**
 * How one collection builds and searches its HNSW index: distance space, M and efConstruction (fixed at creation),
 * efSearch (may change at any time: the next query uses it), the threads used to insert at compaction, and the
 * client's {@link HnswIndexCache}.
 *
 * <p>Thread-safe: efSearch is volatile, everything else is final.
 */
@Internal
public final class HnswSettings {

    /** How a collection's graph holds its vectors in memory. */
    public enum Quantization {
        /** Float vectors (the graph of every collection created without quantization). */
        NONE(32),
        /**
         * Int8 codes (see {@link dev.chromaj.index.vector.ScalarQuantizer}), trained at the compaction that creates
         * the graph; the best candidates of a search are re-ranked with the float embeddings.
         */
        INT8(8),
        /**
         * Packed int4 codes (two components per byte), trained like {@link #INT8}; more candidates are re-ranked
         * (see {@code QuantizedReRank}).
         */
        INT4(4);

        private final int bits;

        Quantization(int bits) {
            this.bits = bits;
        }

        /** Bits per component in memory: 32 (floats), 8 or 4. */
        public int bits() {
            return bits;
        }
    }

    /** Seed of the level generator of new graphs, so builds of the same data in one thread are reproducible. */
    static final long SEED = 42L;

    private final HnswIndexCache cache;
    private final DistanceSpace space;
    private final int m;
    private final int efConstruction;
    private final int threads;
    private final Quantization quantization;
    private volatile int efSearch;

    /**
     * Settings of one collection.
     *
     * @param cache          the client's loaded indexes
     * @param space          distance space
     * @param m              M, at least 2
     * @param efConstruction efConstruction, at least 1
     * @param efSearch       efSearch, at least 1
     * @param threads        insertion threads at compaction, at least 1
     * @throws IllegalArgumentException naming the parameter that is out of range
     */
    public HnswSettings(
            HnswIndexCache cache, DistanceSpace space, int m, int efConstruction, int efSearch, int threads) {
        this(cache, space, m, efConstruction, efSearch, threads, Quantization.NONE);
    }

    /**
     * Settings of one collection whose new graphs hold their vectors as {@code quantization} says.
     *
     * @throws IllegalArgumentException naming the parameter that is out of range
     */
    public HnswSettings(
            HnswIndexCache cache,
            DistanceSpace space,
            int m,
            int efConstruction,
            int efSearch,
            int threads,
            Quantization quantization) {
        this.quantization = Objects.requireNonNull(quantization, "quantization");
        this.cache = Objects.requireNonNull(cache, "cache");
        this.space = Objects.requireNonNull(space, "space");
        new HnswConfig(m, efConstruction, efSearch, SEED); // validates
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.m = m;
        this.efConstruction = efConstruction;
        this.efSearch = efSearch;
        this.threads = threads;
    }

    /** Chroma's defaults (M 16, efConstruction 100, efSearch 100) with a private, practically unbounded cache. */
    static HnswSettings defaults(DistanceSpace space) {
        return new HnswSettings(
                new HnswIndexCache(Long.MAX_VALUE),
                space,
                HnswConfig.DEFAULT_M,
                HnswConfig.DEFAULT_EF_CONSTRUCTION,
                HnswConfig.DEFAULT_EF_SEARCH,
                Runtime.getRuntime().availableProcessors());
    }

    /** The client's loaded indexes. */
    public HnswIndexCache cache() {
        return cache;
    }

    /** The distance space. */
    public DistanceSpace space() {
        return space;
    }

    /** M. */
    public int m() {
        return m;
    }

    /** efConstruction. */
    public int efConstruction() {
        return efConstruction;
    }

    /** The current efSearch. */
    public int efSearch() {
        return efSearch;
    }

    /** How new graphs hold their vectors; an existing graph keeps the form it was created with. */
    public Quantization quantization() {
        return quantization;
    }

    /** Insertion threads at compaction. */
    public int threads() {
        return threads;
    }

    /**
     * Changes efSearch for later queries.
     *
     * @throws IllegalArgumentException when {@code value < 1}
     */
    public void efSearch(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("efSearch must be at least 1, got " + value);
        }
        this.efSearch = value;
    }

    /** The build configuration of a new graph. */
    HnswConfig newGraphConfig() {
        return new HnswConfig(m, efConstruction, efSearch, SEED);
    }
}
