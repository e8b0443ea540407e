package dev.chromaj;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON form of normalized metadata maps for catalog rows, manifests and log payloads. Integers stay {@code Long}
 * and floats stay {@code Double} across a round trip (Jackson writes doubles with a decimal point or exponent);
 * lists, booleans and {@code null} values (deletions in update metadata) are kept. Thread-safe.
 */
final class MetadataJson {

    private MetadataJson() {}

    /**
     * Writes a metadata map.
     *
     * @param metadata a normalized map (values {@code String}, {@code Long}, {@code Double}, {@code Boolean},
     *     lists of those, or {@code null})
     * @return the JSON text
     */
    static String write(Map<String, Object> metadata) {
        return Json.write(metadata);
    }

    /**
     * Writes a metadata map as UTF-8 bytes.
     *
     * @param metadata a normalized map
     * @return the JSON bytes
     */
    static byte[] writeBytes(Map<String, Object> metadata) {
        try {
            return Json.MAPPER.writeValueAsBytes(metadata);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialize metadata", e);
        }
    }

    /**
     * Reads a metadata map written by {@link #write}.
     *
     * @param json the JSON text
     * @return an unmodifiable map in the written order, with unmodifiable list values
     * @throws ChromaException if the text is not a JSON object of metadata values
     */
    static Map<String, Object> read(String json) {
        try {
            return fromTree(Json.MAPPER.readValue(json, Object.class));
        } catch (JsonProcessingException e) {
            throw new ChromaException("Corrupt metadata JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads a metadata map from UTF-8 bytes written by {@link #writeBytes}.
     *
     * @param json the JSON bytes
     * @return an unmodifiable map
     * @throws ChromaException if the bytes are not a JSON object of metadata values
     */
    static Map<String, Object> readBytes(byte[] json) {
        try {
            return fromTree(Json.MAPPER.readValue(json, Object.class));
        } catch (IOException e) {
            throw new ChromaException(
                    "Corrupt metadata JSON: " + new String(json, 0, Math.min(json.length, 200), StandardCharsets.UTF_8),
                    e);
        }
    }

    /**
     * Converts a parsed JSON object (from {@code Json.MAPPER}) into a metadata map, checking value types.
     *
     * @param tree the parsed value
     * @return an unmodifiable map
     * @throws ChromaException if it is not an object of metadata values
     */
    static Map<String, Object> fromTree(Object tree) {
        if (!(tree instanceof Map<?, ?> map)) {
            throw new ChromaException("Corrupt metadata JSON: expected an object, got " + Json.describe(tree));
        }
        Map<String, Object> out = new LinkedHashMap<>(Math.max(4, map.size() * 2));
        for (Map.Entry<?, ?> e : map.entrySet()) {
            out.put((String) e.getKey(), value((String) e.getKey(), e.getValue()));
        }
        return Collections.unmodifiableMap(out);
    }

    private static Object value(String key, Object value) {
        if (value == null
                || value instanceof String
                || value instanceof Long
                || value instanceof Double
                || value instanceof Boolean) {
            return value;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object element : list) {
                if (element == null || element instanceof List || element instanceof Map) {
                    throw new ChromaException(
                            "Corrupt metadata JSON: bad list element for key '" + key + "': " + Json.describe(list));
                }
                out.add(value(key, element));
            }
            return Collections.unmodifiableList(out);
        }
        throw new ChromaException(
                "Corrupt metadata JSON: unsupported value for key '" + key + "': " + Json.describe(value));
    }
}
