package dev.chromaj.segment.log;

import dev.chromaj.annotations.Internal;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The fields an add, upsert or update writes. Every field is optional; {@code null} means "unchanged" (for an add:
 * absent).
 *
 * @param embedding the dense embedding, or null
 * @param document the document text, or null (Chroma cannot clear a document, so null only means unchanged)
 * @param metadata metadata changes merged key by key, where a {@code null} value deletes the key; or null.
 *     Values are normalized by {@link MetadataValues#normalize}.
 * @param uri the uri, or null
 * @param sparse sparse vectors by sparse-index key, merged key by key (a {@code null} vector deletes the key); or
 *     null
 */
@Internal
public record RecordChange(
        float[] embedding,
        String document,
        Map<String, Object> metadata,
        String uri,
        Map<String, SparseValues> sparse) {

    /** A change that changes nothing. */
    public static final RecordChange NONE = new RecordChange(null, null, null, null, null);

    /** Normalizes metadata values and copies the maps (which may hold null values). */
    public RecordChange {
        if (metadata != null) {
            metadata = MetadataValues.normalizeChanges(metadata);
        }
        if (sparse != null) {
            Map<String, SparseValues> copy = new LinkedHashMap<>(Math.max(4, sparse.size() * 2));
            for (Map.Entry<String, SparseValues> e : sparse.entrySet()) {
                if (e.getKey() == null || e.getKey().isEmpty()) {
                    throw new IllegalArgumentException("sparse vector key must be a non-empty string");
                }
                copy.put(e.getKey(), e.getValue());
            }
            sparse = Collections.unmodifiableMap(copy);
        }
    }

    /** A change setting only the given fields (convenience for callers that have no sparse vectors). */
    public static RecordChange of(float[] embedding, String document, Map<String, ?> metadata, String uri) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) metadata;
        return new RecordChange(embedding, document, m, uri, null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordChange other
                && Arrays.equals(embedding, other.embedding)
                && Objects.equals(document, other.document)
                && Objects.equals(metadata, other.metadata)
                && Objects.equals(uri, other.uri)
                && Objects.equals(sparse, other.sparse);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(embedding), document, metadata, uri, sparse);
    }

    @Override
    public String toString() {
        return "RecordChange[embedding=" + (embedding == null ? "null" : embedding.length + "-d") + ", document="
                + document + ", metadata=" + metadata + ", uri=" + uri + ", sparse=" + sparse + "]";
    }
}
