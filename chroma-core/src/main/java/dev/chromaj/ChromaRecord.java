package dev.chromaj;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One record to write: an id plus any of embedding, document, metadata, URI and sparse vectors. Immutable; arrays
 * and collections are copied in and out.
 *
 * <p>A field left unset is {@code null} (for sparse vectors: an absent key). In {@code update} and {@code upsert}
 * an unset field means "unchanged"; metadata merges key by key and an entry whose value is {@code null} deletes that
 * key, so {@link #metadata()} may contain {@code null} values. Values are checked when the record is written, not
 * when it is built.
 */
public final class ChromaRecord {

    private final String id;
    private final float[] embedding;
    private final String document;
    private final Map<String, Object> metadata;
    private final String uri;
    private final Map<String, SparseVector> sparse;

    private ChromaRecord(Builder b) {
        this.id = b.id;
        this.embedding = b.embedding == null ? null : b.embedding.clone();
        this.document = b.document;
        this.metadata = b.metadata == null ? null : copyMetadata(b.metadata);
        this.uri = b.uri;
        this.sparse = Collections.unmodifiableMap(new LinkedHashMap<>(b.sparse));
    }

    /** Copies a metadata map keeping null values (they mean "delete this key") and copying list values. */
    static Map<String, Object> copyMetadata(Map<String, ?> source) {
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : source.entrySet()) {
            Object value = e.getValue();
            if (value instanceof List<?> list) {
                value = Collections.unmodifiableList(new ArrayList<>(list));
            }
            copy.put(e.getKey(), value);
        }
        return Collections.unmodifiableMap(copy);
    }

    /**
     * Starts a record.
     *
     * @param id the record's id, a non-empty string unique within the collection
     * @return a builder
     * @throws InvalidArgumentException if the id is null or empty
     */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /**
     * A builder holding this record's fields.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(id);
        b.embedding = embedding;
        b.document = document;
        b.metadata = metadata;
        b.uri = uri;
        b.sparse.putAll(sparse);
        return b;
    }

    /**
     * The record's id.
     *
     * @return the id
     */
    public String id() {
        return id;
    }

    /**
     * The dense embedding, or {@code null} when unset.
     *
     * @return a copy of the embedding
     */
    public float[] embedding() {
        return embedding == null ? null : embedding.clone();
    }

    /** The embedding without copying; callers inside the library must not modify it. */
    float[] embeddingView() {
        return embedding;
    }

    /**
     * The document, or {@code null} when unset.
     *
     * @return the document
     */
    public String document() {
        return document;
    }

    /**
     * The metadata, or {@code null} when unset. Unmodifiable; values may be {@code null} (delete the key on update).
     *
     * @return the metadata
     */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /**
     * The URI, or {@code null} when unset.
     *
     * @return the URI
     */
    public String uri() {
        return uri;
    }

    /**
     * Sparse vectors by sparse key; empty when none is set.
     *
     * @return an unmodifiable map in insertion order
     */
    public Map<String, SparseVector> sparse() {
        return sparse;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChromaRecord r
                && id.equals(r.id)
                && Arrays.equals(embedding, r.embedding)
                && Objects.equals(document, r.document)
                && Objects.equals(metadata, r.metadata)
                && Objects.equals(uri, r.uri)
                && sparse.equals(r.sparse);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, Arrays.hashCode(embedding), document, metadata, uri, sparse);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ChromaRecord{id=").append(id);
        if (embedding != null) {
            sb.append(", embedding=float[").append(embedding.length).append(']');
        }
        if (document != null) {
            sb.append(", document=").append(document.length() > 40 ? document.substring(0, 40) + "..." : document);
        }
        if (metadata != null) {
            sb.append(", metadata=").append(metadata);
        }
        if (uri != null) {
            sb.append(", uri=").append(uri);
        }
        if (!sparse.isEmpty()) {
            sb.append(", sparse=").append(sparse.keySet());
        }
        return sb.append('}').toString();
    }

    /** Builds a {@link ChromaRecord}; not thread-safe. */
    public static final class Builder {
        private final String id;
        private float[] embedding;
        private String document;
        private Map<String, ?> metadata;
        private String uri;
        private final Map<String, SparseVector> sparse = new LinkedHashMap<>();

        private Builder(String id) {
            if (id == null || id.isEmpty()) {
                throw new InvalidArgumentException(
                        "Expected ID to be a non-empty string, got " + (id == null ? "null" : "''"));
            }
            this.id = id;
        }

        /**
         * Sets the dense embedding (copied when the record is built); {@code null} unsets it.
         *
         * @param embedding the embedding
         * @return this builder
         */
        public Builder embedding(float[] embedding) {
            this.embedding = embedding;
            return this;
        }

        /**
         * Sets the document; {@code null} unsets it.
         *
         * @param document the document
         * @return this builder
         */
        public Builder document(String document) {
            this.document = document;
            return this;
        }

        /**
         * Sets the metadata (copied when the record is built); {@code null} unsets it. Values may be {@code null}:
         * in update and upsert such an entry deletes the key.
         *
         * @param metadata the metadata
         * @return this builder
         */
        public Builder metadata(Map<String, ?> metadata) {
            this.metadata = metadata;
            return this;
        }

        /**
         * Sets the URI; {@code null} unsets it.
         *
         * @param uri the URI
         * @return this builder
         */
        public Builder uri(String uri) {
            this.uri = uri;
            return this;
        }

        /**
         * Sets the sparse vector of a sparse key declared with {@link SparseIndex#provided()}.
         *
         * @param key the sparse key
         * @param vector the vector, not null
         * @return this builder
         * @throws InvalidArgumentException if the key is empty or the vector null
         */
        public Builder sparse(String key, SparseVector vector) {
            if (key == null || key.isEmpty()) {
                throw new InvalidArgumentException(
                        "Expected sparse key to be a non-empty string, got " + (key == null ? "null" : "''"));
            }
            if (vector == null) {
                throw new InvalidArgumentException("Expected a sparse vector for key '" + key + "', got null");
            }
            sparse.put(key, vector);
            return this;
        }

        /**
         * Sets all sparse vectors, replacing those set before.
         *
         * @param vectors sparse vectors by key
         * @return this builder
         * @throws InvalidArgumentException if the map is null, a key is empty or a vector null
         */
        public Builder sparse(Map<String, SparseVector> vectors) {
            Errors.requireArgument(vectors, "sparse vectors");
            sparse.clear();
            vectors.forEach(this::sparse);
            return this;
        }

        /**
         * Builds the record.
         *
         * @return the record
         */
        public ChromaRecord build() {
            return new ChromaRecord(this);
        }
    }
}
