package dev.chromaj;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a collection is created: its metadata, distance space, HNSW parameters and sparse keys. Immutable. The space
 * and the index parameters cannot change after creation.
 */
public final class CollectionOptions {

    private static final CollectionOptions DEFAULTS = builder().build();

    private final Map<String, Object> metadata;
    private final Space space;
    private final HnswParams hnsw;
    private final Map<String, SparseIndex> sparseIndexes;

    private CollectionOptions(Builder b) {
        this.metadata = b.metadata;
        this.space = b.space;
        this.hnsw = b.hnsw;
        this.sparseIndexes = Collections.unmodifiableMap(new LinkedHashMap<>(b.sparseIndexes));
    }

    /**
     * No metadata, {@link Space#L2}, default HNSW parameters, no sparse keys.
     *
     * @return the default options
     */
    public static CollectionOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding these options.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.metadata = metadata;
        b.space = space;
        b.hnsw = hnsw;
        b.sparseIndexes.putAll(sparseIndexes);
        return b;
    }

    /**
     * The collection's metadata; empty when none was set.
     *
     * @return an unmodifiable normalized map
     */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /**
     * The distance space of the dense embeddings.
     *
     * @return the space, {@link Space#L2} by default
     */
    public Space space() {
        return space;
    }

    /**
     * The HNSW parameters.
     *
     * @return the parameters, {@link HnswParams#defaults()} by default
     */
    public HnswParams hnsw() {
        return hnsw;
    }

    /**
     * The sparse keys and how their vectors are produced.
     *
     * @return an unmodifiable map in declaration order
     */
    public Map<String, SparseIndex> sparseIndexes() {
        return sparseIndexes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CollectionOptions other
                && metadata.equals(other.metadata)
                && space == other.space
                && hnsw.equals(other.hnsw)
                && sparseIndexes.equals(other.sparseIndexes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(metadata, space, hnsw, sparseIndexes);
    }

    @Override
    public String toString() {
        return "CollectionOptions{metadata=" + metadata + ", space=" + space + ", hnsw=" + hnsw + ", sparseIndexes="
                + sparseIndexes + '}';
    }

    /** Builds {@link CollectionOptions}; not thread-safe. */
    public static final class Builder {
        private Map<String, Object> metadata = Map.of();
        private Space space = Space.L2;
        private HnswParams hnsw = HnswParams.defaults();
        private final Map<String, SparseIndex> sparseIndexes = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Sets the collection metadata (validated and copied now); {@code null} clears it.
         *
         * @param metadata keys as for record metadata; values {@code String}, numbers, {@code Boolean} or non-empty
         *     lists of one of those
         * @return this builder
         * @throws InvalidArgumentException naming the offending key
         */
        public Builder metadata(Map<String, ?> metadata) {
            this.metadata =
                    metadata == null ? Map.of() : MetadataValues.normalize(metadata, MetadataValues.NullValues.REJECT);
            return this;
        }

        /**
         * Sets the distance space.
         *
         * @param space the space, not null
         * @return this builder
         * @throws InvalidArgumentException if the space is null
         */
        public Builder space(Space space) {
            if (space == null) {
                throw new InvalidArgumentException("Expected space to be one of l2, cosine, ip, got null");
            }
            this.space = space;
            return this;
        }

        /**
         * Sets the HNSW parameters.
         *
         * @param hnsw the parameters, not null
         * @return this builder
         * @throws InvalidArgumentException if the parameters are null
         */
        public Builder hnsw(HnswParams hnsw) {
            if (hnsw == null) {
                throw new InvalidArgumentException("Expected hnsw parameters, got null");
            }
            this.hnsw = hnsw;
            return this;
        }

        /**
         * Declares a sparse key.
         *
         * @param name the key: non-empty, not starting with {@code #} or {@code $}
         * @param index how its vectors are produced
         * @return this builder
         * @throws InvalidArgumentException if the name is invalid, the index null, or the key declared twice
         */
        public Builder sparseIndex(String name, SparseIndex index) {
            if (name == null || name.isEmpty()) {
                throw new InvalidArgumentException(
                        "Expected sparse index name to be a non-empty string, got " + (name == null ? "null" : "''"));
            }
            WellFormedText.check("sparse index name", name);
            if (name.startsWith("#") || name.startsWith("$")) {
                throw new InvalidArgumentException("Sparse index name cannot start with '#' or '$': " + name);
            }
            if (index == null) {
                throw new InvalidArgumentException("Expected a sparse index for '" + name + "', got null");
            }
            if (sparseIndexes.containsKey(name)) {
                throw new InvalidArgumentException("Sparse index '" + name + "' is declared twice");
            }
            sparseIndexes.put(name, index);
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public CollectionOptions build() {
            return new CollectionOptions(this);
        }
    }
}
