package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chroma's {@code hnsw:} collection metadata keys set the space and HNSW parameters at creation, as in Chroma. */
class LegacyHnswMetadataTest {

    @TempDir
    Path dir;

    @Test
    void hnswKeysSetSpaceAndParametersAndStayInTheMetadata() {
        Map<String, Object> metadata = Map.of(
                "hnsw:space", "cosine",
                "hnsw:M", 32,
                "hnsw:construction_ef", 200,
                "hnsw:search_ef", 50,
                "hnsw:num_threads", 1,
                "hnsw:resize_factor", 1.5,
                "hnsw:sync_threshold", 500,
                "hnsw:batch_size", 50,
                "owner", "me");
        CollectionOptions options =
                CollectionOptions.builder().metadata(metadata).build();
        assertEquals(Space.COSINE, options.space());
        assertEquals(new HnswParams(32, 200, 50), options.hnsw());
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection c = client.createCollection("docs", options);
            assertEquals(Space.COSINE, c.options().space());
            assertEquals(9, c.metadata().size(), "Chroma keeps the keys in the metadata");
            assertEquals("cosine", c.metadata().get("hnsw:space"));
            c.add(List.of(
                    ChromaRecord.builder("a").embedding(new float[] {1, 0}).build(),
                    ChromaRecord.builder("b").embedding(new float[] {10, 10}).build()));
            QueryResult r = c.query(QueryRequest.builder()
                    .queryEmbedding(new float[] {3, 3})
                    .nResults(2)
                    .build());
            assertEquals("b", r.ids().get(0).get(0), "cosine, not L2 (where a is nearer)");
            assertEquals(0.0, r.distances().get(0).get(0), 1e-6);
        }
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection c = client.getCollection("docs");
            assertEquals(Space.COSINE, c.options().space(), "after reopening");
            assertEquals(new HnswParams(32, 200, 50), c.options().hnsw());
            InvalidArgumentException e =
                    assertThrows(InvalidArgumentException.class, () -> c.modify(null, Map.of("hnsw:space", "l2")));
            assertEquals(
                    "Changing the distance function of a collection once it is created is not supported currently.",
                    e.getMessage());
        }
    }

    @Test
    void keysThatContradictStatedOptionsAreRejected() {
        assertThrows(
                InvalidArgumentException.class,
                () -> CollectionOptions.builder()
                        .space(Space.L2)
                        .metadata(Map.of("hnsw:space", "cosine"))
                        .build());
        assertThrows(
                InvalidArgumentException.class,
                () -> CollectionOptions.builder()
                        .metadata(Map.of("hnsw:M", 8))
                        .hnsw(HnswParams.builder().m(16).build())
                        .build());
        CollectionOptions same = CollectionOptions.builder()
                .space(Space.IP)
                .hnsw(HnswParams.builder().m(8).build())
                .metadata(Map.of("hnsw:space", "ip", "hnsw:M", 8))
                .build();
        assertEquals(Space.IP, same.space(), "agreeing values are accepted");
    }

    @Test
    void badKeysAndValuesAreRejectedAsChromaRejectsThem() {
        List<Map<String, Object>> bad = List.of(
                Map.of("hnsw:space", "euclidean"),
                Map.of("hnsw:space", 2),
                Map.of("hnsw:M", "16"),
                Map.of("hnsw:M", 1),
                Map.of("hnsw:construction_ef", -1),
                Map.of("hnsw:search_ef", 1.5),
                Map.of("hnsw:sync_threshold", 1),
                Map.of("hnsw:batch_size", 1),
                Map.of("hnsw:resize_factor", "big"),
                Map.of("hnsw:unknown", 1));
        for (Map<String, Object> m : bad) {
            InvalidArgumentException e = assertThrows(
                    InvalidArgumentException.class,
                    () -> CollectionOptions.builder().metadata(m).build(),
                    m.toString());
            String key = m.keySet().iterator().next();
            assertTrue(e.getMessage().contains(key), e.getMessage());
        }
    }
}
