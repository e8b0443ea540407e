package dev.chromaj.importer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chromaj.HnswParams;
import dev.chromaj.Space;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A collection's distance space, HNSW parameters and user metadata, decided the way Chroma itself decides them when
 * it opens the collection's HNSW segment.
 *
 * <ul>
 *   <li>Chroma 0.4–0.6 (Python) reads only the vector segment's metadata ({@code hnsw:space}, {@code hnsw:M},
 *   {@code hnsw:construction_ef}, {@code hnsw:search_ef}, with defaults l2, 16, 100 and 10); the
 *   {@code config_json_str} that 0.5.4–0.6 write is never read, and may contradict the segment metadata.</li>
 *   <li>Chroma 1.x (Rust) reads the collection's configuration ({@code schema_str} from 1.3, else
 *   {@code config_json_str}), falling back to the segment metadata when the configuration is the default and the
 *   segment metadata is not (collections carried over from 0.x).</li>
 * </ul>
 * The {@code hnsw:*} keys Chroma keeps in collection metadata are index settings, not user metadata: they are
 * removed from the metadata given to chromaj and applied through {@link dev.chromaj.CollectionOptions} instead.
 *
 * @param space the distance space
 * @param hnsw the HNSW parameters
 * @param userMetadata the collection metadata without {@code hnsw:*} keys
 * @param notes disagreements worth a warning (for example collection metadata that names another space)
 */
record CollectionSettings(Space space, HnswParams hnsw, Map<String, Object> userMetadata, List<String> notes) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HNSW_PREFIX = "hnsw:";
    /** Chroma 0.4–0.6's default {@code hnsw:search_ef} (hnsw_params.py); Chroma 1.x defaults to 100. */
    static final int PYTHON_DEFAULT_SEARCH_EF = 10;

    /** Space and parameters as one comparable value. */
    private record Index(Space space, int m, int efConstruction, int efSearch) {
        static final Index DEFAULT = new Index(
                Space.L2, HnswParams.DEFAULT_M, HnswParams.DEFAULT_EF_CONSTRUCTION, HnswParams.DEFAULT_EF_SEARCH);
    }

    /**
     * Decides the settings of a source collection.
     *
     * @param c the collection
     * @param version the database's schema version (1.0+ has metadb migration 5)
     * @return the settings
     * @throws ChromaImportException if a setting has a value Chroma would not accept
     */
    static CollectionSettings of(SourceCollection c, SchemaVersion version) {
        List<String> notes = new ArrayList<>();
        boolean rustEra = version.metadb() >= 5;
        // Python's HnswParams defaults hnsw:search_ef to 10; Rust's legacy conversion uses its default of 100.
        Index legacy = fromSegmentMetadata(
                c.vectorSegmentMetadata(), c, rustEra ? HnswParams.DEFAULT_EF_SEARCH : PYTHON_DEFAULT_SEARCH_EF);
        Index chosen;
        if (!rustEra) {
            chosen = legacy;
        } else {
            Index configured = fromConfiguration(c);
            chosen = configured != null && !(configured.equals(Index.DEFAULT) && !legacy.equals(Index.DEFAULT))
                    ? configured
                    : legacy;
        }
        Map<String, Object> user = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : c.metadata().entrySet()) {
            if (!e.getKey().startsWith(HNSW_PREFIX)) {
                user.put(e.getKey(), e.getValue());
            }
        }
        Object metaSpace = c.metadata().get("hnsw:space");
        if (metaSpace != null
                && !metaSpace.toString().equalsIgnoreCase(chosen.space().chromaName())) {
            notes.add("collection metadata says hnsw:space=" + metaSpace + " but Chroma's index uses "
                    + chosen.space().chromaName() + ", which is imported");
        }
        return new CollectionSettings(
                chosen.space(),
                new HnswParams(chosen.m(), chosen.efConstruction(), chosen.efSearch()),
                Collections.unmodifiableMap(user),
                List.copyOf(notes));
    }

    private static Index fromSegmentMetadata(Map<String, Object> m, SourceCollection c, int defaultSearchEf) {
        Space space = m.containsKey("hnsw:space") ? space(m.get("hnsw:space"), "hnsw:space", c) : Space.L2;
        return new Index(
                space,
                intParam(m, "hnsw:M", HnswParams.DEFAULT_M, c),
                intParam(m, "hnsw:construction_ef", HnswParams.DEFAULT_EF_CONSTRUCTION, c),
                intParam(m, "hnsw:search_ef", defaultSearchEf, c));
    }

    /** The configured index, from {@code schema_str} (1.3+) or {@code config_json_str}; null when neither says. */
    private static Index fromConfiguration(SourceCollection c) {
        JsonNode schema = parse(c.schemaJson(), "schema_str", c);
        if (schema != null) {
            JsonNode config = schema.path("keys")
                    .path("#embedding")
                    .path("float_list")
                    .path("vector_index")
                    .path("config");
            if (config.isMissingNode()) {
                config = schema.path("defaults")
                        .path("float_list")
                        .path("vector_index")
                        .path("config");
            }
            if (!config.isMissingNode()) {
                return fromHnswJson(config.path("space"), config.path("hnsw"), "max_neighbors", c);
            }
        }
        JsonNode config = parse(c.configJson(), "config_json_str", c);
        if (config != null) {
            JsonNode hnsw = config.path("vector_index").path("hnsw");
            if (hnsw.isMissingNode()) {
                hnsw = config.path("hnsw");
            }
            if (!hnsw.isMissingNode() && !hnsw.isNull()) {
                return fromHnswJson(hnsw.path("space"), hnsw, "max_neighbors", c);
            }
            JsonNode legacyConfig = config.path("hnsw_configuration");
            if (!legacyConfig.isMissingNode()) {
                return fromHnswJson(legacyConfig.path("space"), legacyConfig, "M", c);
            }
        }
        return null;
    }

    private static Index fromHnswJson(JsonNode space, JsonNode hnsw, String mField, SourceCollection c) {
        return new Index(
                space.isTextual() ? space(space.asText(), "space", c) : Space.L2,
                jsonInt(hnsw.path(mField), HnswParams.DEFAULT_M, mField, c),
                jsonInt(hnsw.path("ef_construction"), HnswParams.DEFAULT_EF_CONSTRUCTION, "ef_construction", c),
                jsonInt(hnsw.path("ef_search"), HnswParams.DEFAULT_EF_SEARCH, "ef_search", c));
    }

    private static JsonNode parse(String json, String column, SourceCollection c) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(json);
            return node == null || node.isNull() ? null : node;
        } catch (JsonProcessingException e) {
            throw new ChromaImportException(
                    "Collection " + c.path() + " has a " + column + " that is not valid JSON: "
                            + e.getOriginalMessage(),
                    e);
        }
    }

    private static int jsonInt(JsonNode node, int fallback, String field, SourceCollection c) {
        if (node.isMissingNode() || node.isNull()) {
            return fallback;
        }
        if (!node.canConvertToInt()
                || (node.isFloatingPointNumber() && node.asDouble() != Math.rint(node.asDouble()))
                || node.asInt() <= 0) {
            throw new ChromaImportException(
                    "Collection " + c.path() + " has HNSW " + field + " = " + node + "; expected a positive integer");
        }
        return node.asInt();
    }

    private static int intParam(Map<String, Object> m, String key, int fallback, SourceCollection c) {
        Object v = m.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Long l && l > 0 && l <= Integer.MAX_VALUE) {
            return l.intValue();
        }
        if (v instanceof Double d && d > 0 && d == Math.rint(d) && d <= Integer.MAX_VALUE) {
            return d.intValue();
        }
        throw new ChromaImportException("Collection " + c.path() + " has segment metadata " + key + " = " + v
                + "; expected a positive integer");
    }

    private static Space space(Object value, String field, SourceCollection c) {
        String name = Objects.toString(value);
        for (Space s : Space.values()) {
            if (s.chromaName().equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw new ChromaImportException(
                "Collection " + c.path() + " has " + field + " = " + name + "; expected l2, cosine or ip");
    }
}
