package dev.chromaj;

/**
 * HNSW graph parameters of a collection's dense index. Defaults are Chroma's: M 16, efConstruction 100,
 * efSearch 100, and float vectors in memory ({@link Quantization#NONE}).
 *
 * @param m maximum number of neighbours per node on upper layers (twice that on layer 0), greater than 0
 * @param efConstruction candidate list size while building, greater than 0
 * @param efSearch candidate list size while searching, greater than 0
 * @param quantization how the index holds vectors in memory, not null; fixed at creation
 */
public record HnswParams(int m, int efConstruction, int efSearch, Quantization quantization) {

    /** Chroma's default M. */
    public static final int DEFAULT_M = 16;
    /** Chroma's default efConstruction. */
    public static final int DEFAULT_EF_CONSTRUCTION = 100;
    /** Chroma's default efSearch. */
    public static final int DEFAULT_EF_SEARCH = 100;
    /** Smallest accepted m. */
    public static final int MIN_M = 2;
    /** Largest accepted m: each node keeps up to 2 * m links in memory. */
    public static final int MAX_M = 512;

    /**
     * Validates the parameters.
     *
     * @throws InvalidArgumentException if a parameter is not positive or m is outside {@link #MIN_M}..{@link #MAX_M}
     */
    public HnswParams {
        if (quantization == null) {
            throw new InvalidArgumentException("Expected HNSW quantization, got null");
        }
        requirePositive("m", m);
        requirePositive("efConstruction", efConstruction);
        requirePositive("efSearch", efSearch);
        if (m < MIN_M || m > MAX_M) {
            // The HNSW index accepts no other m: rejected here rather than when the collection is created.
            throw new InvalidArgumentException(
                    "Expected HNSW m to be between " + MIN_M + " and " + MAX_M + ", got " + m);
        }
    }

    /**
     * Parameters with float vectors in memory ({@link Quantization#NONE}).
     *
     * @param m maximum number of neighbours per node on upper layers, greater than 0
     * @param efConstruction candidate list size while building, greater than 0
     * @param efSearch candidate list size while searching, greater than 0
     * @throws InvalidArgumentException if a parameter is not positive or m is outside {@link #MIN_M}..{@link #MAX_M}
     */
    public HnswParams(int m, int efConstruction, int efSearch) {
        this(m, efConstruction, efSearch, Quantization.NONE);
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new InvalidArgumentException("Expected HNSW " + name + " to be greater than 0, got " + value);
        }
    }

    /**
     * Chroma's defaults (16, 100, 100).
     *
     * @return the default parameters
     */
    public static HnswParams defaults() {
        return new HnswParams(DEFAULT_M, DEFAULT_EF_CONSTRUCTION, DEFAULT_EF_SEARCH);
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder(defaults());
    }

    /**
     * A builder starting from these parameters.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builds {@link HnswParams}; not thread-safe. */
    public static final class Builder {
        private int m;
        private int efConstruction;
        private int efSearch;
        private Quantization quantization;

        private Builder(HnswParams from) {
            this.m = from.m;
            this.efConstruction = from.efConstruction;
            this.efSearch = from.efSearch;
            this.quantization = from.quantization;
        }

        /**
         * Sets M.
         *
         * @param m neighbours per node, greater than 0
         * @return this builder
         */
        public Builder m(int m) {
            this.m = m;
            return this;
        }

        /**
         * Sets efConstruction.
         *
         * @param efConstruction build-time candidate list size, greater than 0
         * @return this builder
         */
        public Builder efConstruction(int efConstruction) {
            this.efConstruction = efConstruction;
            return this;
        }

        /**
         * Sets efSearch.
         *
         * @param efSearch search-time candidate list size, greater than 0
         * @return this builder
         */
        public Builder efSearch(int efSearch) {
            this.efSearch = efSearch;
            return this;
        }

        /**
         * Sets how the index holds vectors in memory (fixed at creation).
         *
         * @param quantization {@link Quantization#NONE} (the default), {@link Quantization#INT8} or
         *                     {@link Quantization#INT4}
         * @return this builder
         */
        public Builder quantization(Quantization quantization) {
            this.quantization = quantization;
            return this;
        }

        /**
         * Builds the parameters.
         *
         * @return the parameters
         * @throws InvalidArgumentException if a parameter is not positive
         */
        public HnswParams build() {
            return new HnswParams(m, efConstruction, efSearch, quantization);
        }
    }
}
