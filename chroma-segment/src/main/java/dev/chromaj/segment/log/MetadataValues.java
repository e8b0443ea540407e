package dev.chromaj.segment.log;

import dev.chromaj.annotations.Internal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Normal form of metadata values, shared by the log records, the materializer and the metadata index: a
 * {@code String}, a {@code Long} (every integer type), a {@code Double} ({@code Float} too), a {@code Boolean}, or
 * a non-empty immutable {@code List} of one of those, all elements of the same type.
 */
@Internal
public final class MetadataValues {

    private MetadataValues() {}

    /**
     * The normal form of {@code value} stored under {@code key}.
     *
     * @throws IllegalArgumentException naming the key when the value has an unsupported type, is an empty or
     *     mixed-type list, or is a NaN or infinite number.
     */
    public static Object normalize(String key, Object value) {
        if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                throw new IllegalArgumentException("metadata value of key '" + key + "' is an empty list");
            }
            List<Object> out = new ArrayList<>(list.size());
            Class<?> type = null;
            for (Object element : list) {
                if (element == null || element instanceof List<?>) {
                    throw new IllegalArgumentException("metadata list of key '" + key
                            + "' must hold strings, integers, floats or booleans, got " + element);
                }
                Object normal = normalizeScalar(key, element);
                if (type == null) {
                    type = normal.getClass();
                } else if (type != normal.getClass()) {
                    throw new IllegalArgumentException("metadata list of key '" + key + "' mixes types "
                            + type.getSimpleName() + " and " + normal.getClass().getSimpleName());
                }
                out.add(normal);
            }
            return Collections.unmodifiableList(out);
        }
        return normalizeScalar(key, value);
    }

    /** Normalizes a scalar (not a list) value. @throws IllegalArgumentException as {@link #normalize}. */
    public static Object normalizeScalar(String key, Object value) {
        Object normal = scalarOrNull(value);
        if (normal == null) {
            throw new IllegalArgumentException("metadata value of key '" + key
                    + "' must be a string, integer, float, boolean or a non-empty list of one of those, got "
                    + (value == null ? "null" : value.getClass().getSimpleName()));
        }
        if (normal instanceof Double d && !Double.isFinite(d)) {
            throw new IllegalArgumentException("metadata value of key '" + key + "' must be finite, got " + d);
        }
        return normal;
    }

    /**
     * The normal form of a scalar, the one conversion rule of the engine (the public API's validation uses it too):
     * {@code String}, {@code Boolean} and {@code Long} unchanged, other integral types to {@code Long}, {@code Float}
     * and {@code Double} to {@code Double} with {@code -0.0} folded into {@code 0.0} (one value for filters and
     * indexes). Does not check finiteness.
     *
     * @param value the value, may be null
     * @return the normal form, or {@code null} when {@code value} is null or not a metadata scalar type
     */
    public static Object scalarOrNull(Object value) {
        if (value instanceof String || value instanceof Boolean || value instanceof Long) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return d == 0.0 ? 0.0 : d;
        }
        return null;
    }

    /**
     * A normalized, immutable copy of a whole metadata map whose values may be null ("delete this key" in
     * changes). Keys keep their iteration order.
     */
    static Map<String, Object> normalizeChanges(Map<String, ?> metadata) {
        Map<String, Object> out = new LinkedHashMap<>(Math.max(4, metadata.size() * 2));
        for (Map.Entry<String, ?> e : metadata.entrySet()) {
            String key = e.getKey();
            if (key == null || key.isEmpty()) {
                throw new IllegalArgumentException("metadata key must be a non-empty string");
            }
            out.put(key, e.getValue() == null ? null : normalize(key, e.getValue()));
        }
        return Collections.unmodifiableMap(out);
    }
}
