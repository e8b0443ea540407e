package dev.chromaj.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.HnswParams;
import dev.chromaj.Space;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which of a collection's settings Chroma itself uses, by version; and what stays user metadata. */
class CollectionSettingsTest {

    private static final SchemaVersion PYTHON_06 = new SchemaVersion(9, 4, 2);
    private static final SchemaVersion RUST_15 = new SchemaVersion(10, 6, 2);

    private static SourceCollection collection(
            Map<String, Object> metadata, String config, String schema, Map<String, Object> segmentMetadata) {
        return new SourceCollection(
                "c0ffee00-0000-0000-0000-000000000000",
                "docs",
                "default_tenant",
                "default_database",
                3,
                null,
                metadata,
                config,
                schema,
                "meta-seg",
                "vec-seg",
                segmentMetadata);
    }

    @Test
    void chromaZeroPointXReadsOnlyTheSegmentMetadata() {
        // digimedia's case: config_json_str says l2, the segment metadata says cosine; Python uses the segment.
        String config = "{\"hnsw_configuration\": {\"space\": \"l2\", \"ef_construction\": 100, \"ef_search\": 100,"
                + " \"M\": 16, \"_type\": \"HNSWConfigurationInternal\"},"
                + " \"_type\": \"CollectionConfigurationInternal\"}";
        CollectionSettings s = CollectionSettings.of(
                collection(
                        Map.of("hnsw:space", "cosine", "topic", "news"),
                        config,
                        null,
                        Map.of(
                                "hnsw:space",
                                "cosine",
                                "hnsw:M",
                                32L,
                                "hnsw:construction_ef",
                                200L,
                                "hnsw:search_ef",
                                50L,
                                "hnsw:num_threads",
                                4L)),
                PYTHON_06);
        assertEquals(Space.COSINE, s.space());
        assertEquals(new HnswParams(32, 200, 50), s.hnsw());
        assertEquals(Map.of("topic", "news"), s.userMetadata(), "hnsw:* keys are settings, not metadata");
        assertEquals(List.of(), s.notes());

        CollectionSettings defaults = CollectionSettings.of(collection(Map.of(), config, null, Map.of()), PYTHON_06);
        assertEquals(Space.L2, defaults.space());
        assertEquals(new HnswParams(16, 100, 10), defaults.hnsw(), "Python's search_ef default is 10");
    }

    @Test
    void chromaOnePointXReadsItsConfigurationWithALegacyFallback() {
        String schema = "{\"defaults\": {\"float_list\": {\"vector_index\": {\"enabled\": false, \"config\":"
                + " {\"space\": \"l2\", \"hnsw\": {\"ef_construction\": 100, \"max_neighbors\": 16,"
                + " \"ef_search\": 100}}}}}, \"keys\": {\"#embedding\": {\"float_list\": {\"vector_index\":"
                + " {\"enabled\": true, \"config\": {\"space\": \"ip\", \"hnsw\": {\"ef_construction\": 64,"
                + " \"max_neighbors\": 8, \"ef_search\": 30}}}}}}}";
        CollectionSettings s = CollectionSettings.of(collection(Map.of(), "{}", schema, Map.of()), RUST_15);
        assertEquals(Space.IP, s.space());
        assertEquals(new HnswParams(8, 64, 30), s.hnsw());

        // The configuration is Chroma's default but the segment metadata is not (a collection carried over from
        // 0.x): Chroma 1.x uses the segment metadata.
        String defaultSchema = schema.replace("\"ip\"", "\"l2\"")
                .replace("64", "100")
                .replace("\"max_neighbors\":" + " 8", "\"max_neighbors\": 16")
                .replace("30", "100");
        s = CollectionSettings.of(collection(Map.of(), "{}", defaultSchema, Map.of("hnsw:space", "cosine")), RUST_15);
        assertEquals(Space.COSINE, s.space());
        assertEquals(new HnswParams(16, 100, 100), s.hnsw(), "Rust's legacy conversion defaults search_ef to 100");

        // 1.0-1.2 keep the configuration in config_json_str.
        String config = "{\"vector_index\": {\"hnsw\": {\"space\": \"cosine\", \"ef_construction\": 120,"
                + " \"ef_search\": 80, \"max_neighbors\": 24}}, \"embedding_function\": null}";
        s = CollectionSettings.of(collection(Map.of(), config, null, Map.of()), new SchemaVersion(9, 5, 2));
        assertEquals(Space.COSINE, s.space());
        assertEquals(new HnswParams(24, 120, 80), s.hnsw());
    }

    @Test
    void collectionMetadataNamingAnotherSpaceIsReported() {
        CollectionSettings s =
                CollectionSettings.of(collection(Map.of("hnsw:space", "cosine"), null, null, Map.of()), PYTHON_06);
        assertEquals(Space.L2, s.space());
        assertEquals(
                List.of("collection metadata says hnsw:space=cosine but Chroma's index uses l2, which is"
                        + " imported"),
                s.notes());
    }

    @Test
    void valuesChromaWouldRejectAreRefused() {
        ChromaImportException e = assertThrows(
                ChromaImportException.class,
                () -> CollectionSettings.of(
                        collection(Map.of(), null, null, Map.of("hnsw:space", "hamming")), PYTHON_06));
        assertEquals(
                "Collection default_tenant/default_database/docs has hnsw:space = hamming; expected l2, cosine"
                        + " or ip",
                e.getMessage());
        e = assertThrows(
                ChromaImportException.class,
                () -> CollectionSettings.of(collection(Map.of(), null, null, Map.of("hnsw:M", -3L)), PYTHON_06));
        assertTrue(e.getMessage().contains("hnsw:M = -3; expected a positive integer"), e.getMessage());
        e = assertThrows(
                ChromaImportException.class,
                () -> CollectionSettings.of(collection(Map.of(), "{not json", null, Map.of()), RUST_15));
        assertTrue(e.getMessage().contains("config_json_str that is not valid JSON"), e.getMessage());
    }
}
