package dev.chromaj.blockstore;

import dev.chromaj.annotations.Internal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One record of a collection as the record segment stores it.
 *
 * <p>{@code embedding}, {@code document}, {@code metadata} and {@code uri} may be null. Metadata values are
 * {@code String}, {@code Long}, {@code Double}, {@code Boolean}, or a non-empty {@code List} whose elements are all
 * of one of those types; keys are non-null. The constructor checks this and throws {@link IllegalArgumentException}
 * naming the key and the rule. The record does not copy its array or map: treat them as read-only. Equality compares
 * the embedding by content.
 */
@Internal
public record DataRecord(String id, float[] embedding, String document, Map<String, Object> metadata, String uri) {

    public DataRecord {
        if (id == null) {
            throw new IllegalArgumentException("DataRecord.id must not be null");
        }
        if (metadata != null) {
            for (Map.Entry<String, Object> e : metadata.entrySet()) {
                checkMetadataValue(e.getKey(), e.getValue());
            }
        }
    }

    static void checkMetadataValue(String key, Object value) {
        if (key == null) {
            throw new IllegalArgumentException("DataRecord.metadata keys must not be null");
        }
        if (value == null) {
            throw new IllegalArgumentException("DataRecord.metadata['" + key + "'] must not be null");
        }
        if (value instanceof String || value instanceof Long || value instanceof Double || value instanceof Boolean) {
            return;
        }
        if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                throw new IllegalArgumentException("DataRecord.metadata['" + key + "'] must not be an empty list");
            }
            Object first = list.get(0);
            if (!(first instanceof String
                    || first instanceof Long
                    || first instanceof Double
                    || first instanceof Boolean)) {
                throw new IllegalArgumentException("DataRecord.metadata['" + key + "'] list elements must be String, "
                        + "Long, Double or Boolean, got "
                        + (first == null ? "null" : first.getClass().getName()));
            }
            for (Object o : list) {
                if (o == null || o.getClass() != first.getClass()) {
                    throw new IllegalArgumentException("DataRecord.metadata['" + key + "'] list elements must all be "
                            + first.getClass().getSimpleName() + ", got "
                            + (o == null ? "null" : o.getClass().getName()));
                }
            }
            return;
        }
        throw new IllegalArgumentException("DataRecord.metadata['" + key + "'] must be String, Long, Double, Boolean "
                + "or a list of one of them, got " + value.getClass().getName());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataRecord r
                && id.equals(r.id)
                && Arrays.equals(embedding, r.embedding)
                && Objects.equals(document, r.document)
                && Objects.equals(metadata, r.metadata)
                && Objects.equals(uri, r.uri);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, Arrays.hashCode(embedding), document, metadata, uri);
    }

    @Override
    public String toString() {
        String doc = document == null || document.length() <= 40 ? document : document.substring(0, 40) + "…";
        return "DataRecord[id=" + id + ", embedding=" + (embedding == null ? "null" : "float[" + embedding.length + "]")
                + ", document=" + doc + ", metadata=" + metadata + ", uri=" + uri + "]";
    }
}
