package dev.chromaj;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a collection records of its embedding function: its name and configuration, in Chroma's form
 * ({@code {"type": "known", "name": ..., "config": {...}}}, as in Chroma's collection configuration). Stateless.
 */
final class EmbeddingFunctionIdentity {

    private EmbeddingFunctionIdentity() {}

    /**
     * Checks a function the application states: a non-empty name other than {@code none} (unless it is
     * {@link EmbeddingFunction#none()}) and a JSON-able configuration.
     *
     * @throws InvalidArgumentException naming the function and the rule
     */
    static void check(EmbeddingFunction function) {
        if (function instanceof NoEmbeddingFunction) {
            return;
        }
        String name = function.name();
        if (name == null || name.isBlank()) {
            throw new InvalidArgumentException("Expected the embedding function " + function
                    + " to have a non-empty name(), got " + (name == null ? "null" : "'" + name + "'"));
        }
        WellFormedText.check("embedding function name", name);
        if (name.equals(EmbeddingFunction.NONE_NAME)) {
            throw new InvalidArgumentException("Embedding function name '" + EmbeddingFunction.NONE_NAME
                    + "' is reserved for EmbeddingFunction.none(); " + function + " must use another name");
        }
        Map<String, Object> config = function.config();
        if (config == null) {
            throw new InvalidArgumentException("Embedding function '" + name + "': config() must not return null");
        }
        for (Map.Entry<String, Object> e : config.entrySet()) {
            checkJsonValue(name, e.getKey(), e.getValue());
        }
    }

    private static void checkJsonValue(String name, String key, Object value) {
        if (value == null || value instanceof String || value instanceof Boolean) {
            return;
        }
        if (value instanceof Number number) {
            if (number instanceof Double || number instanceof Float) {
                if (!Double.isFinite(number.doubleValue())) {
                    throw new InvalidArgumentException("Embedding function '" + name + "': config value of '" + key
                            + "' must be finite, got " + number);
                }
            }
            return;
        }
        if (value instanceof List<?> list) {
            for (Object element : list) {
                checkJsonValue(name, key, element);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String nested)) {
                    throw new InvalidArgumentException("Embedding function '" + name + "': config value of '" + key
                            + "' is a map with a key that is not a string: " + e.getKey());
                }
                checkJsonValue(name, key + "." + nested, e.getValue());
            }
            return;
        }
        throw new InvalidArgumentException("Embedding function '" + name + "': config value of '" + key + "' is a "
                + value.getClass().getName() + "; config values must be strings, numbers, booleans, nulls, or lists"
                + " and maps of them (they are stored as JSON with the collection)");
    }

    /** The function's name, or null for no function. */
    static String nameOf(EmbeddingFunction function) {
        return function == null ? null : function.name();
    }

    /** Whether two functions (either may be null) have the same name and configuration. */
    static boolean sameIdentity(EmbeddingFunction a, EmbeddingFunction b) {
        if (a == null || b == null) {
            return a == b;
        }
        return Objects.equals(a.name(), b.name()) && Objects.equals(a.config(), b.config());
    }

    /** Writes the identity of {@code function} in Chroma's form. */
    static ObjectNode toTree(EmbeddingFunction function) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("type", "known");
        node.put("name", function.name());
        node.set("config", Json.MAPPER.valueToTree(function.config()));
        return node;
    }

    /**
     * Reads an identity written by {@link #toTree}: {@link EmbeddingFunction#none()} for its name, a
     * {@link StoredEmbeddingFunction} for any other, null for Chroma's {@code "legacy"} type (no function recorded).
     *
     * @throws ChromaException if the node is not an identity
     */
    static EmbeddingFunction fromTree(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        String type = node.path("type").asText("");
        if (type.equals("legacy")) {
            return null;
        }
        String name = node.path("name").asText("");
        if (!type.equals("known") || name.isEmpty()) {
            throw new ChromaException("Corrupt collection options JSON: embedding_function " + node
                    + " is neither {\"type\": \"known\", \"name\": ...} nor {\"type\": \"legacy\"}");
        }
        if (name.equals(EmbeddingFunction.NONE_NAME)) {
            return EmbeddingFunction.none();
        }
        JsonNode config = node.get("config");
        Map<String, Object> map = new LinkedHashMap<>();
        if (config != null && config.isObject()) {
            for (Map.Entry<String, JsonNode> e : config.properties()) {
                map.put(e.getKey(), Json.MAPPER.convertValue(e.getValue(), Object.class));
            }
        }
        return new StoredEmbeddingFunction(name, Collections.unmodifiableMap(map), null);
    }
}
