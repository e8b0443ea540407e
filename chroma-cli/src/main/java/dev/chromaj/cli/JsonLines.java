package dev.chromaj.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.CollectionOptions;
import dev.chromaj.HnswParams;
import dev.chromaj.Space;
import dev.chromaj.SparseIndex;
import dev.chromaj.SparseVector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON Lines export format of a collection. The first line describes the collection:
 *
 * <pre>{@code
 * {"chromaj":"collection","format":1,"tenant":"t","database":"d","name":"n","records":2,
 *  "options":{"metadata":{...},"space":"cosine","hnsw":{"m":16,"ef_construction":100,"ef_search":100},
 *             "sparse_indexes":{"bm25":{"kind":"bm25","k1":1.2,"b":0.75},"splade":{"kind":"provided"}}}}
 * }</pre>
 *
 * then one line per record, in collection order, with the fields it has:
 * {@code {"id":"a","embedding":[0.1,...],"document":"...","metadata":{...},"uri":"...",
 * "sparse":{"splade":{"indices":[1,4],"values":[0.5,1.5]}}}}. Numbers are written so that they read back exactly:
 * embedding and sparse values as the shortest decimal of their float, metadata integers without a decimal point and
 * metadata floating values with one, so integers stay integers and floats stay floats.
 */
final class JsonLines {
    /** The format version written; readers refuse newer ones. */
    static final int FORMAT = 1;

    /** One record per line: no indentation; floats read as exact decimals, so nothing is rounded twice. */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private JsonLines() {}

    /** The header line of an export of {@code c} with {@code records} records. */
    static String header(ChromaCollection c, long records) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("chromaj", "collection");
        root.put("format", FORMAT);
        root.put("tenant", c.tenant());
        root.put("database", c.database());
        root.put("name", c.name());
        root.put("records", records);
        CollectionOptions options = c.options();
        ObjectNode o = root.putObject("options");
        o.set("metadata", metadataNode(c.metadata()));
        o.put("space", options.space().chromaName());
        ObjectNode hnsw = o.putObject("hnsw");
        hnsw.put("m", options.hnsw().m());
        hnsw.put("ef_construction", options.hnsw().efConstruction());
        hnsw.put("ef_search", options.hnsw().efSearch());
        ObjectNode sparse = o.putObject("sparse_indexes");
        options.sparseIndexes().forEach((key, index) -> {
            ObjectNode node = sparse.putObject(key);
            if (index.isBm25()) {
                node.put("kind", "bm25");
                node.put("k1", index.k1());
                node.put("b", index.b());
            } else {
                node.put("kind", "provided");
            }
        });
        return write(root);
    }

    /** One record's line. */
    static String record(ChromaRecord r) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("id", r.id());
        if (r.embedding() != null) {
            ArrayNode embedding = node.putArray("embedding");
            for (float v : r.embedding()) {
                embedding.add(v);
            }
        }
        if (r.document() != null) {
            node.put("document", r.document());
        }
        if (r.metadata() != null && !r.metadata().isEmpty()) {
            node.set("metadata", metadataNode(r.metadata()));
        }
        if (r.uri() != null) {
            node.put("uri", r.uri());
        }
        if (!r.sparse().isEmpty()) {
            ObjectNode sparse = node.putObject("sparse");
            r.sparse().forEach((key, vector) -> {
                ObjectNode v = sparse.putObject(key);
                ArrayNode indices = v.putArray("indices");
                for (int i : vector.indices()) {
                    indices.add(i);
                }
                ArrayNode values = v.putArray("values");
                for (float f : vector.values()) {
                    values.add(f);
                }
            });
        }
        return write(node);
    }

    /**
     * Metadata as a JSON object, built value by value: integers as JSON integers, floating values through
     * {@link Double#toString} (which always has a point or an exponent), so the types read back as they were.
     */
    private static ObjectNode metadataNode(Map<String, Object> metadata) {
        ObjectNode node = MAPPER.createObjectNode();
        metadata.forEach((key, value) -> node.set(key, valueNode(value)));
        return node;
    }

    private static JsonNode valueNode(Object value) {
        JsonNodeFactory f = MAPPER.getNodeFactory();
        if (value instanceof Long l) {
            return f.numberNode(l);
        }
        if (value instanceof Double d) {
            return f.numberNode(d);
        }
        if (value instanceof Boolean b) {
            return f.booleanNode(b);
        }
        if (value instanceof String s) {
            return f.textNode(s);
        }
        if (value instanceof List<?> list) {
            ArrayNode array = f.arrayNode();
            for (Object item : list) {
                array.add(valueNode(item));
            }
            return array;
        }
        throw new IllegalArgumentException(
                "Metadata value " + value + " of type " + value.getClass().getName()
                        + " has no JSON form (expected a string, long, double, boolean or a list of them)");
    }

    /** What the header line says. */
    record Header(String tenant, String database, String name, long records, CollectionOptions options) {}

    /**
     * Reads a header line.
     *
     * @throws IllegalArgumentException naming the line when it is not a chromaj collection header
     */
    static Header readHeader(String line) {
        JsonNode root = parse(line, 1);
        if (!root.isObject() || !"collection".equals(root.path("chromaj").asText(null))) {
            throw new IllegalArgumentException(
                    "Line 1 is not a chromaj export header (expected {\"chromaj\":\"collection\",...})");
        }
        int format = root.path("format").asInt(-1);
        if (format < 1 || format > FORMAT) {
            throw new IllegalArgumentException("Line 1: export format " + root.path("format")
                    + " is not supported (this version reads 1 to " + FORMAT + ")");
        }
        JsonNode o = root.path("options");
        CollectionOptions.Builder b = CollectionOptions.builder();
        if (o.has("metadata") && !o.get("metadata").isNull()) {
            b.metadata(metadata(o.get("metadata"), 1));
        }
        if (o.hasNonNull("space")) {
            b.space(Space.fromChromaName(o.get("space").asText()));
        }
        JsonNode hnsw = o.path("hnsw");
        if (hnsw.isObject()) {
            b.hnsw(new HnswParams(
                    hnsw.path("m").asInt(HnswParams.DEFAULT_M),
                    hnsw.path("ef_construction").asInt(HnswParams.DEFAULT_EF_CONSTRUCTION),
                    hnsw.path("ef_search").asInt(HnswParams.DEFAULT_EF_SEARCH)));
        }
        JsonNode sparse = o.path("sparse_indexes");
        for (Map.Entry<String, JsonNode> e : sparse.properties()) {
            String kind = e.getValue().path("kind").asText("");
            switch (kind) {
                case "bm25" ->
                    b.sparseIndex(
                            e.getKey(),
                            SparseIndex.bm25(
                                    e.getValue().path("k1").asDouble(),
                                    e.getValue().path("b").asDouble()));
                case "provided" -> b.sparseIndex(e.getKey(), SparseIndex.provided());
                default ->
                    throw new IllegalArgumentException("Line 1: sparse index " + e.getKey() + " has kind '" + kind
                            + "', expected bm25 or provided");
            }
        }
        return new Header(
                root.path("tenant").asText(null),
                root.path("database").asText(null),
                root.path("name").asText(null),
                root.path("records").asLong(-1),
                b.build());
    }

    /**
     * Reads a record line.
     *
     * @throws IllegalArgumentException naming the line when it is not a record
     */
    static ChromaRecord readRecord(String line, long lineNumber) {
        JsonNode node = parse(line, lineNumber);
        if (!node.isObject() || !node.path("id").isTextual()) {
            throw new IllegalArgumentException("Line " + lineNumber + " is not a record (expected {\"id\":...})");
        }
        ChromaRecord.Builder b = ChromaRecord.builder(node.get("id").asText());
        JsonNode embedding = node.get("embedding");
        if (embedding != null && !embedding.isNull()) {
            b.embedding(floats(embedding, "embedding", lineNumber));
        }
        if (node.hasNonNull("document")) {
            b.document(node.get("document").asText());
        }
        if (node.hasNonNull("metadata")) {
            b.metadata(metadata(node.get("metadata"), lineNumber));
        }
        if (node.hasNonNull("uri")) {
            b.uri(node.get("uri").asText());
        }
        JsonNode sparse = node.path("sparse");
        for (Map.Entry<String, JsonNode> e : sparse.properties()) {
            JsonNode indices = e.getValue().path("indices");
            int[] idx = new int[indices.size()];
            for (int i = 0; i < idx.length; i++) {
                if (!indices.get(i).canConvertToInt()) {
                    throw new IllegalArgumentException("Line " + lineNumber + ": sparse." + e.getKey()
                            + ".indices holds " + indices.get(i) + ", expected integers");
                }
                idx[i] = indices.get(i).intValue();
            }
            b.sparse(
                    e.getKey(), SparseVector.of(idx, floats(e.getValue().path("values"), "sparse values", lineNumber)));
        }
        return b.build();
    }

    private static float[] floats(JsonNode array, String field, long lineNumber) {
        if (!array.isArray()) {
            throw new IllegalArgumentException(
                    "Line " + lineNumber + ": " + field + " is " + array + ", expected an array of numbers");
        }
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = array.get(i);
            if (!v.isNumber()) {
                throw new IllegalArgumentException(
                        "Line " + lineNumber + ": " + field + "[" + i + "] is " + v + ", expected a number");
            }
            // The decimal text parsed once to float: what Float.toString wrote reads back as the same float.
            out[i] = Float.parseFloat(v.isBigDecimal() ? v.decimalValue().toString() : v.asText());
        }
        return out;
    }

    private static Map<String, Object> metadata(JsonNode node, long lineNumber) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("Line " + lineNumber + ": metadata is " + node + ", expected an object");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            out.put(e.getKey(), value(e.getValue(), e.getKey(), lineNumber));
        }
        return out;
    }

    private static Object value(JsonNode v, String key, long lineNumber) {
        if (v.isTextual()) {
            return v.asText();
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isIntegralNumber()) {
            if (!v.canConvertToLong()) {
                throw new IllegalArgumentException(
                        "Line " + lineNumber + ": metadata " + key + " = " + v + " does not fit in 64 bits");
            }
            return v.longValue();
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isArray()) {
            List<Object> list = new ArrayList<>();
            for (JsonNode item : v) {
                list.add(value(item, key, lineNumber));
            }
            return list;
        }
        throw new IllegalArgumentException("Line " + lineNumber + ": metadata " + key + " = " + v
                + " is not a string, number, boolean or array of them");
    }

    private static JsonNode parse(String line, long lineNumber) {
        try {
            return MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Line " + lineNumber + " is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }
}
