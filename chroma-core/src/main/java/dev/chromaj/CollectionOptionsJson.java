package dev.chromaj;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Map;

/**
 * JSON form of {@link CollectionOptions} for catalog rows and version manifests:
 *
 * <pre>{@code
 * {"format": 1, "metadata": {...}, "space": "cosine",
 *  "hnsw": {"m": 16, "ef_construction": 100, "ef_search": 100},
 *  "sparse_indexes": {"bm25": {"kind": "bm25", "k1": 1.2, "b": 0.75}, "splade": {"kind": "provided"}},
 *  "embedding_function": {"type": "known", "name": "default", "config": {}}}
 * }</pre>
 *
 * {@code embedding_function} has the form of Chroma's collection configuration; it is absent when the collection
 * records no function, and {@code "none"} names {@link EmbeddingFunction#none()}. Missing fields read as their
 * defaults, so older rows stay readable; a newer format version is rejected. Options read back keep their stored
 * space and parameters whatever the metadata's {@code hnsw:} keys say (they were applied at creation). Thread-safe.
 */
final class CollectionOptionsJson {

    /** The format version written. */
    static final int FORMAT = 2;

    private CollectionOptionsJson() {}

    /**
     * Writes options as a JSON object node (to embed in a manifest).
     *
     * @param options the options
     * @return a new object node
     */
    static ObjectNode toTree(CollectionOptions options) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        // Format 2 only adds the quantization: collections without one keep writing format 1, which older versions
        // read; a quantized collection is refused by them instead of being served without its codes.
        boolean quantized = options.hnsw().quantization() != Quantization.NONE;
        root.put("format", quantized ? FORMAT : 1);
        root.set("metadata", Json.MAPPER.valueToTree(options.metadata()));
        root.put("space", options.space().chromaName());
        ObjectNode hnsw = root.putObject("hnsw");
        hnsw.put("m", options.hnsw().m());
        hnsw.put("ef_construction", options.hnsw().efConstruction());
        hnsw.put("ef_search", options.hnsw().efSearch());
        if (quantized) {
            hnsw.put("quantization", options.hnsw().quantization().name().toLowerCase(Locale.ROOT));
        }
        ObjectNode sparse = root.putObject("sparse_indexes");
        for (Map.Entry<String, SparseIndex> e : options.sparseIndexes().entrySet()) {
            ObjectNode index = sparse.putObject(e.getKey());
            SparseIndex value = e.getValue();
            if (value.isBm25()) {
                index.put("kind", "bm25");
                index.put("k1", value.k1());
                index.put("b", value.b());
            } else {
                index.put("kind", "provided");
            }
        }
        if (options.embeddingFunction() != null) {
            root.set("embedding_function", EmbeddingFunctionIdentity.toTree(options.embeddingFunction()));
        }
        return root;
    }

    /**
     * Writes options as JSON text.
     *
     * @param options the options
     * @return the JSON text
     */
    static String write(CollectionOptions options) {
        return Json.write(toTree(options));
    }

    /**
     * Reads options written by {@link #write}.
     *
     * @param json the JSON text
     * @return the options
     * @throws ChromaException if the text is not valid options JSON
     */
    static CollectionOptions read(String json) {
        try {
            return fromTree(Json.MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw new ChromaException("Corrupt collection options JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads options from a JSON object node.
     *
     * @param root the node
     * @return the options
     * @throws ChromaException if the node is not valid options JSON
     */
    static CollectionOptions fromTree(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new ChromaException("Corrupt collection options JSON: expected an object, got " + root);
        }
        int format = root.path("format").asInt(FORMAT);
        if (format > FORMAT) {
            throw new ChromaException(
                    "Collection options JSON has format " + format + ", this version reads up to " + FORMAT);
        }
        try {
            CollectionOptions.Builder b = CollectionOptions.builder().stored();
            JsonNode metadata = root.get("metadata");
            if (metadata != null && !metadata.isNull()) {
                b.metadata(MetadataJson.fromTree(Json.MAPPER.treeToValue(metadata, Object.class)));
            }
            JsonNode space = root.get("space");
            if (space != null && !space.isNull()) {
                b.space(Space.fromChromaName(space.asText()));
            }
            JsonNode hnsw = root.get("hnsw");
            if (hnsw != null && hnsw.isObject()) {
                b.hnsw(new HnswParams(
                        hnsw.path("m").asInt(HnswParams.DEFAULT_M),
                        hnsw.path("ef_construction").asInt(HnswParams.DEFAULT_EF_CONSTRUCTION),
                        hnsw.path("ef_search").asInt(HnswParams.DEFAULT_EF_SEARCH),
                        quantization(hnsw.path("quantization").asText("none"))));
            }
            JsonNode sparse = root.get("sparse_indexes");
            if (sparse != null && sparse.isObject()) {
                for (Map.Entry<String, JsonNode> e : sparse.properties()) {
                    b.sparseIndex(e.getKey(), sparseIndex(e.getKey(), e.getValue()));
                }
            }
            CollectionOptions options = b.build();
            EmbeddingFunction function = EmbeddingFunctionIdentity.fromTree(root.get("embedding_function"));
            return function == null ? options : options.withEmbeddingFunction(function);
        } catch (InvalidArgumentException | JsonProcessingException e) {
            throw new ChromaException("Corrupt collection options JSON: " + e.getMessage(), e);
        }
    }

    private static Quantization quantization(String name) {
        for (Quantization q : Quantization.values()) {
            if (q.name().equalsIgnoreCase(name)) {
                return q;
            }
        }
        throw new ChromaException("Corrupt collection options JSON: unknown HNSW quantization '" + name + "'");
    }

    private static SparseIndex sparseIndex(String name, JsonNode node) {
        String kind = node.path("kind").asText("");
        return switch (kind) {
            case "provided" -> SparseIndex.provided();
            case "bm25" ->
                SparseIndex.bm25(
                        node.path("k1").asDouble(SparseIndex.DEFAULT_K1),
                        node.path("b").asDouble(SparseIndex.DEFAULT_B));
            default ->
                throw new ChromaException(
                        "Corrupt collection options JSON: sparse index '" + name + "' has unknown kind '" + kind + "'");
        };
    }
}
