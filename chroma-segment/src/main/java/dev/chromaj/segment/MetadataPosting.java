package dev.chromaj.segment;

import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One posting list of the metadata index: the records whose metadata {@code key} has {@code value}, as a scalar or
 * as an element of an array value (arrays are indexed per element, as Chroma does).
 *
 * @param kind which typed index holds it
 * @param key the metadata key (the blockfile prefix)
 * @param value a {@code String}, {@code Long}, {@code Double} or {@code Boolean} (the blockfile key)
 */
record MetadataPosting(Kind kind, String key, Object value) {

    /** The typed inverted indexes, one blockfile each. */
    enum Kind {
        STRING,
        INT,
        FLOAT,
        BOOL
    }

    /** The postings a record with {@code metadata} (possibly null) belongs to. */
    static Set<MetadataPosting> of(Map<String, Object> metadata) {
        if (metadata == null || metadata.isEmpty()) {
            return Set.of();
        }
        Set<MetadataPosting> postings = new HashSet<>();
        for (Map.Entry<String, Object> e : metadata.entrySet()) {
            Object v = e.getValue();
            if (v instanceof List<?> list) {
                for (Object element : list) {
                    postings.add(scalar(e.getKey(), element));
                }
            } else if (v != null) {
                postings.add(scalar(e.getKey(), v));
            }
        }
        return Collections.unmodifiableSet(postings);
    }

    private static MetadataPosting scalar(String key, Object v) {
        if (v instanceof String) {
            return new MetadataPosting(Kind.STRING, key, v);
        }
        if (v instanceof Boolean) {
            return new MetadataPosting(Kind.BOOL, key, v);
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return new MetadataPosting(Kind.INT, key, ((Number) v).longValue());
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return new MetadataPosting(Kind.FLOAT, key, d + 0.0); // -0.0 and 0.0 are one key
        }
        throw new IllegalArgumentException(
                "metadata value of key '" + key + "' must be a string, integer, float or boolean, got "
                        + v.getClass().getName());
    }
}
