package dev.chromaj;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a collection is created: its metadata, distance space, HNSW parameters, sparse keys and embedding function.
 * Immutable. The space, the index parameters and the embedding function cannot change after creation.
 *
 * <p><b>Chroma's legacy metadata keys.</b> As in Chroma, the metadata keys {@code hnsw:space}, {@code hnsw:M},
 * {@code hnsw:construction_ef} and {@code hnsw:search_ef} set the space and the HNSW parameters when the options do
 * not state them otherwise, and {@code hnsw:num_threads} the threads that build the index at compaction;
 * {@code hnsw:resize_factor}, {@code hnsw:sync_threshold} and {@code hnsw:batch_size} are checked with Chroma's rules
 * and have no effect (they tune Chroma's in-memory index, which chromaj replaces with compaction). The keys stay in
 * the metadata, as in Chroma. A key that contradicts an explicitly stated space or parameter, an unknown
 * {@code hnsw:} key or a value of the wrong type is rejected.
 */
public final class CollectionOptions {

    private static final CollectionOptions DEFAULTS = builder().build();

    private final Map<String, Object> metadata;
    private final Space space;
    private final HnswParams hnsw;
    private final Map<String, SparseIndex> sparseIndexes;
    private final EmbeddingFunction embeddingFunction;
    /** Which parts the caller stated explicitly (getOrCreate warns only about those); not part of equality. */
    private final boolean metadataStated;

    private final boolean spaceStated;
    private final boolean hnswStated;
    /** False for options read back from storage: their space and parameters are authoritative as stored. */
    private final boolean legacyMetadataApplies;

    private CollectionOptions(Builder b, Space space, HnswParams hnsw) {
        this.metadata = b.metadata;
        this.space = space;
        this.hnsw = hnsw;
        this.sparseIndexes = Collections.unmodifiableMap(new LinkedHashMap<>(b.sparseIndexes));
        this.embeddingFunction = b.embeddingFunction;
        this.metadataStated = b.metadataStated;
        this.spaceStated = b.spaceStated;
        this.hnswStated = b.hnswStated;
        this.legacyMetadataApplies = b.legacyMetadataApplies;
    }

    /**
     * No metadata, {@link Space#L2}, default HNSW parameters, no sparse keys, no stated embedding function.
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
        b.embeddingFunction = embeddingFunction;
        b.metadataStated = metadataStated;
        b.spaceStated = spaceStated;
        b.hnswStated = hnswStated;
        b.legacyMetadataApplies = legacyMetadataApplies;
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

    /**
     * The embedding function. Of options a caller builds: the stated function, or {@code null} when none was stated
     * (the collection then uses Chroma's default function when {@code chroma-embeddings} is on the class path). Of a
     * collection's {@link ChromaCollection#options()}: the function the collection embeds with, found by its
     * recorded name (its {@link EmbeddingFunction#name()} and {@link EmbeddingFunction#config()} are the recorded
     * ones even when no provider of that name is on the class path; embedding then fails with a message naming the
     * module to add), or {@code null} for a collection that recorded none.
     *
     * @return the function, {@link EmbeddingFunction#none()}, or {@code null}
     */
    public EmbeddingFunction embeddingFunction() {
        return embeddingFunction;
    }

    /** These options with another embedding function (or none), without the checks of the public builder. */
    CollectionOptions withEmbeddingFunction(EmbeddingFunction function) {
        Builder b = toBuilder();
        b.embeddingFunction = function;
        return new CollectionOptions(b, space, hnsw);
    }

    boolean metadataStated() {
        return metadataStated;
    }

    boolean spaceStated() {
        return spaceStated;
    }

    boolean hnswStated() {
        return hnswStated;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CollectionOptions other
                && metadata.equals(other.metadata)
                && space == other.space
                && hnsw.equals(other.hnsw)
                && sparseIndexes.equals(other.sparseIndexes)
                && EmbeddingFunctionIdentity.sameIdentity(embeddingFunction, other.embeddingFunction);
    }

    @Override
    public int hashCode() {
        return Objects.hash(metadata, space, hnsw, sparseIndexes, EmbeddingFunctionIdentity.nameOf(embeddingFunction));
    }

    @Override
    public String toString() {
        return "CollectionOptions{metadata=" + metadata + ", space=" + space + ", hnsw=" + hnsw + ", sparseIndexes="
                + sparseIndexes + ", embeddingFunction=" + EmbeddingFunctionIdentity.nameOf(embeddingFunction) + '}';
    }

    /** Builds {@link CollectionOptions}; not thread-safe. */
    public static final class Builder {
        private Map<String, Object> metadata = Map.of();
        private Space space = Space.L2;
        private HnswParams hnsw = HnswParams.defaults();
        private final Map<String, SparseIndex> sparseIndexes = new LinkedHashMap<>();
        private EmbeddingFunction embeddingFunction;
        private boolean metadataStated;
        private boolean spaceStated;
        private boolean hnswStated;
        private boolean legacyMetadataApplies = true;

        private Builder() {}

        /**
         * Sets the collection metadata (validated and copied now); {@code null} clears it. Chroma's {@code hnsw:}
         * keys are read when the options are built (see the class description).
         *
         * @param metadata keys as for record metadata; values {@code String}, numbers, {@code Boolean} or non-empty
         *     lists of one of those
         * @return this builder
         * @throws InvalidArgumentException naming the offending key
         */
        public Builder metadata(Map<String, ?> metadata) {
            this.metadata =
                    metadata == null ? Map.of() : MetadataValues.normalize(metadata, MetadataValues.NullValues.REJECT);
            this.metadataStated = metadata != null;
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
            this.spaceStated = true;
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
            this.hnswStated = true;
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
         * Sets the function that embeds documents written without an embedding and the texts of
         * {@link QueryRequest.Builder#queryTexts(String...)} and {@link Rank#knn(String)}. Its name and configuration
         * are recorded with the collection, so that a client that reopens it finds the function again through an
         * {@link EmbeddingFunctionProvider} of that name; the instance given here is used by this client and stays
         * the caller's to close. Without this call, a new collection uses Chroma's default function (provider
         * {@value EmbeddingFunction#DEFAULT_NAME}) when {@code chroma-embeddings} is on the class path, and records
         * that it does. {@link EmbeddingFunction#none()} makes a collection that never embeds: documents written
         * without an embedding are stored without one (BM25 and full-text collections).
         *
         * @param embeddingFunction the function, not null
         * @return this builder
         * @throws InvalidArgumentException if it is null, its name is empty or {@value EmbeddingFunction#NONE_NAME}
         *     (reserved for {@link EmbeddingFunction#none()}), or its configuration holds values that are not
         *     strings, numbers, booleans, nulls, lists or maps of them
         */
        public Builder embeddingFunction(EmbeddingFunction embeddingFunction) {
            if (embeddingFunction == null) {
                throw new InvalidArgumentException("Expected an embedding function, got null; use "
                        + "EmbeddingFunction.none() for a collection that stores documents without embeddings");
            }
            EmbeddingFunctionIdentity.check(embeddingFunction);
            this.embeddingFunction = embeddingFunction;
            return this;
        }

        /** Options read back from storage: their space and parameters stand as stored, whatever the metadata says. */
        Builder stored() {
            this.legacyMetadataApplies = false;
            return this;
        }

        /**
         * Builds the options, applying Chroma's {@code hnsw:} metadata keys.
         *
         * @return the options
         * @throws InvalidArgumentException if an {@code hnsw:} key is unknown, of the wrong type or out of range, or
         *     contradicts an explicitly stated space or HNSW parameter
         */
        public CollectionOptions build() {
            if (!legacyMetadataApplies) {
                return new CollectionOptions(this, space, hnsw);
            }
            LegacyHnswMetadata legacy = LegacyHnswMetadata.read(metadata);
            return new CollectionOptions(this, legacy.space(space, spaceStated), legacy.hnsw(hnsw, hnswStated));
        }
    }
}
