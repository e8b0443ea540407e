package dev.chromaj;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules for metadata keys and values, and their normalized form: {@code String}, {@code Long} (every integral
 * type), {@code Double} (every floating type, finite), {@code Boolean}, or a non-empty unmodifiable {@code List} of
 * one of those types.
 */
final class MetadataValues {

    /** Chroma reserves this key for the document in its SQLite backend. */
    static final String RESERVED_DOCUMENT_KEY = "chroma:document";

    private MetadataValues() {}

    /**
     * Validates a metadata key.
     *
     * @param key the key
     * @throws InvalidArgumentException if it is null, empty, starts with {@code #} or {@code $}, is reserved, or
     *     holds an unpaired surrogate
     */
    static void checkKey(String key) {
        if (key == null) {
            throw new InvalidArgumentException("Expected metadata key to be a str, got null");
        }
        if (key.isEmpty()) {
            throw new InvalidArgumentException("Metadata key cannot be empty");
        }
        WellFormedText.check("metadata key", key);
        if (key.startsWith("#") || key.startsWith("$")) {
            throw new InvalidArgumentException("Metadata key cannot start with '#' or '$': " + key);
        }
        if (key.equals(RESERVED_DOCUMENT_KEY)) {
            throw new InvalidArgumentException(
                    "Expected metadata to not contain the reserved key " + RESERVED_DOCUMENT_KEY);
        }
    }

    /**
     * Validates and normalizes a metadata map.
     *
     * @param metadata the map, not null
     * @param nullValues what to do with {@code null} values: keep them (update/upsert: delete the key), drop them
     *     (add), or reject them (collection metadata)
     * @return an unmodifiable normalized copy in the source's iteration order
     * @throws InvalidArgumentException naming the key and the rule
     */
    static Map<String, Object> normalize(Map<String, ?> metadata, NullValues nullValues) {
        Map<String, Object> out = new LinkedHashMap<>(Math.max(4, metadata.size() * 2));
        for (Map.Entry<String, ?> e : metadata.entrySet()) {
            String key = e.getKey();
            checkKey(key);
            Object value = e.getValue();
            if (value == null) {
                switch (nullValues) {
                    case KEEP -> out.put(key, null);
                    case DROP -> {}
                    case REJECT ->
                        throw new InvalidArgumentException("Expected metadata value for key '" + key
                                + "' to be a str, int, float, bool or list, got null");
                }
                continue;
            }
            out.put(key, normalizeValue(key, value));
        }
        return Collections.unmodifiableMap(out);
    }

    /** What {@link #normalize} does with {@code null} values. */
    enum NullValues {
        KEEP,
        DROP,
        REJECT
    }

    /**
     * Normalizes one non-null metadata value.
     *
     * @param key the key, for messages
     * @param value the value
     * @return the normalized value
     * @throws InvalidArgumentException if the type is unsupported, a float is not finite, or a list is empty,
     *     mixed, nested or holds nulls
     */
    static Object normalizeValue(String key, Object value) {
        if (value instanceof List<?> list) {
            return normalizeList(key, list);
        }
        Object scalar = normalizeScalarOrNull(value);
        if (scalar == null) {
            throw new InvalidArgumentException("Expected metadata value for key '" + key
                    + "' to be a str, int, float, bool or a non-empty list of one of those, got " + describe(value));
        }
        if (scalar instanceof Double d && !Double.isFinite(d)) {
            throw new InvalidArgumentException("Expected metadata value for key '" + key + "' to be finite, got " + d);
        }
        if (scalar instanceof String text) {
            WellFormedText.check("metadata value for key '" + key + "'", text);
        }
        return scalar;
    }

    private static List<Object> normalizeList(String key, List<?> list) {
        if (list.isEmpty()) {
            throw new InvalidArgumentException("Expected metadata list value for key '" + key + "' to be non-empty");
        }
        List<Object> out = new ArrayList<>(list.size());
        Class<?> type = null;
        for (Object element : list) {
            Object scalar = element == null ? null : normalizeScalarOrNull(element);
            if (scalar instanceof String text) {
                WellFormedText.check("metadata list value for key '" + key + "' at position " + out.size(), text);
            }
            if (scalar == null) {
                throw new InvalidArgumentException("Expected metadata list value for key '" + key
                        + "' to contain only str, int, float, or bool, got " + describe(element));
            }
            if (type == null) {
                type = scalar.getClass();
            } else if (type != scalar.getClass()) {
                throw new InvalidArgumentException("Expected metadata list value for key '" + key
                        + "' to contain only str, int, float, or bool of one type, got " + typeName(type) + " and "
                        + typeName(scalar.getClass()));
            }
            if (scalar instanceof Double d && !Double.isFinite(d)) {
                throw new InvalidArgumentException(
                        "Expected metadata list value for key '" + key + "' to hold finite numbers, got " + d);
            }
            out.add(scalar);
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Normalizes a scalar with the engine's one conversion rule ({@link
     * dev.chromaj.segment.log.MetadataValues#scalarOrNull}): integral numbers to {@code Long}, floating numbers to
     * {@code Double}; this class adds Chroma's validation and messages on top.
     *
     * @param value the value
     * @return the normalized scalar, or {@code null} if the type is not a metadata scalar
     */
    static Object normalizeScalarOrNull(Object value) {
        return dev.chromaj.segment.log.MetadataValues.scalarOrNull(value);
    }

    /** A short description of a value for error messages. */
    static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        String text = String.valueOf(value);
        if (text.length() > 60) {
            text = text.substring(0, 60) + "...";
        }
        return text + " (" + value.getClass().getSimpleName() + ")";
    }

    private static String typeName(Class<?> type) {
        if (type == String.class) {
            return "str";
        }
        if (type == Long.class) {
            return "int";
        }
        if (type == Double.class) {
            return "float";
        }
        return "bool";
    }
}
