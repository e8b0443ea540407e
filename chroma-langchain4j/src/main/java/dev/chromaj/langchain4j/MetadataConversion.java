package dev.chromaj.langchain4j;

import dev.chromaj.ChromaException;
import dev.chromaj.InvalidArgumentException;
import dev.langchain4j.data.document.Metadata;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Converts metadata between LangChain4j's {@link Metadata} (String, UUID, Integer, Long, Float, Double values) and
 * chromaj's metadata maps (String, Long, Double, Boolean, lists).
 *
 * <p>Written: a UUID as its string; Integer and Long as Long; Double as is; a Float as the double of its decimal
 * string ({@code 1.1f} becomes {@code 1.1}, not {@code 1.100000023841858}), because LangChain4j compares numbers by
 * their decimal strings, so {@code 1.1f} equals {@code 1.1d} in its filters, and {@link FilterMapper} must find the
 * same records. Read back, {@code Metadata.getFloat} returns the same float (checked at write time; a float whose
 * decimal string would not convert back is stored widened instead). Read: Long and Double as such (LangChain4j's
 * typed getters convert them to the type asked for) and strings as strings ({@code getUUID} parses them).
 */
final class MetadataConversion {

    private MetadataConversion() {}

    /** The double chromaj stores and compares for a float. */
    static double floatValue(float f) {
        double decimal = Double.parseDouble(Float.toString(f));
        // Double rounding (decimal string -> double -> float) could in principle land on a neighbouring float; the
        // stored value must give back exactly the float that was written.
        return (float) decimal == f ? decimal : (double) f;
    }

    /**
     * The chromaj metadata of a segment's metadata.
     *
     * @param metadata LangChain4j metadata
     * @return a new map; empty when the metadata is empty
     * @throws InvalidArgumentException when a value is not finite (Chroma stores finite numbers only)
     */
    static Map<String, Object> toChroma(Metadata metadata) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : metadata.toMap().entrySet()) {
            Object value = e.getValue();
            Object converted;
            if (value instanceof UUID uuid) {
                converted = uuid.toString();
            } else if (value instanceof Integer i) {
                converted = i.longValue();
            } else if (value instanceof Float f) {
                if (!Float.isFinite(f)) {
                    throw nonFinite(e.getKey(), value);
                }
                converted = floatValue(f);
            } else if (value instanceof Double d) {
                if (!Double.isFinite(d)) {
                    throw nonFinite(e.getKey(), value);
                }
                converted = d;
            } else {
                converted = value;
            }
            out.put(e.getKey(), converted);
        }
        return out;
    }

    private static InvalidArgumentException nonFinite(String key, Object value) {
        return new InvalidArgumentException(
                "Metadata key '" + key + "' has the value " + value + "; Chroma metadata numbers must be finite");
    }

    /**
     * The LangChain4j metadata of a stored record.
     *
     * @param id the record's id (for the error message)
     * @param metadata chromaj metadata, or null
     * @return the metadata (empty when there is none)
     * @throws ChromaException when a value has a type LangChain4j metadata cannot hold (a boolean or a list written
     *     by other chromaj code)
     */
    static Metadata toLangChain4j(String id, Map<String, Object> metadata) {
        if (metadata == null || metadata.isEmpty()) {
            return new Metadata();
        }
        Map<String, Object> out = new HashMap<>(metadata.size() * 2);
        for (Map.Entry<String, Object> e : metadata.entrySet()) {
            Object value = e.getValue();
            if (!(value instanceof String || value instanceof Long || value instanceof Double)) {
                throw new ChromaException("Record '" + id + "': metadata key '" + e.getKey() + "' holds "
                        + value + " ("
                        + (value == null ? "null" : value.getClass().getSimpleName())
                        + "), which LangChain4j metadata cannot hold (String, UUID, Integer, Long, Float, Double "
                        + "only); read such records with the chromaj API");
            }
            out.put(e.getKey(), value);
        }
        return new Metadata(out);
    }
}
