package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.chromaj.testing.TestRandom;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Updates and upserts without an embedding keep the record's embedding exactly, whether the record is still in the
 * log tail or compacted: through get with embeddings and through queries, before and after compaction, and after
 * close and reopen (the tail replayed from the WAL).
 */
class KeptEmbeddingTest {
    private static final int DIM = 8;

    @TempDir
    Path dir;

    private Random random;
    /** The expected state of every live id. */
    private final Map<String, float[]> embeddings = new HashMap<>();

    private final Map<String, String> documents = new HashMap<>();
    private final Map<String, Map<String, Object>> metadatas = new HashMap<>();

    @BeforeEach
    void setUp() {
        random = TestRandom.random();
    }

    private float[] vector() {
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            v[d] = (float) random.nextGaussian();
        }
        return v;
    }

    private List<ChromaRecord> adds(String prefix, int n) {
        List<ChromaRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = prefix + i;
            float[] v = vector();
            out.add(ChromaRecord.builder(id)
                    .embedding(v)
                    .document("doc " + id)
                    .metadata(Map.of("i", i))
                    .build());
            embeddings.put(id, v);
            documents.put(id, "doc " + id);
            metadatas.put(id, Map.of("i", (long) i));
        }
        return out;
    }

    private ChromaRecord document(String id, String document) {
        documents.put(id, document);
        return ChromaRecord.builder(id).document(document).build();
    }

    private ChromaRecord metadata(String id, int value) {
        Map<String, Object> md = new HashMap<>(metadatas.get(id));
        md.put("m", (long) value);
        metadatas.put(id, md);
        return ChromaRecord.builder(id).metadata(Map.of("m", value)).build();
    }

    private ChromaRecord embedding(String id) {
        float[] v = vector();
        embeddings.put(id, v);
        return ChromaRecord.builder(id).embedding(v).build();
    }

    private static ChromaClient client(Path path) {
        return CollectionStates.quietClient(path);
    }

    /** Metadata and document changes without embeddings, and some with, to compacted and tail records. */
    private void writeChanges(ChromaCollection c, int round) {
        c.update(List.of(
                document("c3", "changed c3 " + round),
                metadata("c150", round),
                document("t4", "changed t4 " + round),
                embedding("c10")));
        c.upsert(List.of(metadata("c77", round), metadata("t9", round), document("t20", "upserted t20 " + round)));
        // Both kinds in one write, and one id touched twice.
        c.update(List.of(metadata("c3", round + 100), document("c199", "changed c199 " + round)));
        c.upsert(List.of(metadata("t30", round), embedding("t31")));
    }

    private void check(ChromaCollection c, String label) {
        assertEquals(embeddings.size(), c.count(), label);
        List<String> ids = new ArrayList<>(embeddings.keySet());
        GetResult g = c.get(GetRequest.builder()
                .ids(ids)
                .include(Include.EMBEDDINGS, Include.DOCUMENTS, Include.METADATAS)
                .build());
        assertEquals(ids.size(), g.ids().size(), label);
        for (int i = 0; i < g.ids().size(); i++) {
            String id = g.ids().get(i);
            assertArrayEquals(embeddings.get(id), g.embeddings().get(i), label + ": embedding of " + id);
            assertEquals(documents.get(id), g.documents().get(i), label + ": document of " + id);
            assertEquals(metadatas.get(id), g.metadatas().get(i), label + ": metadata of " + id);
        }
        for (String id : List.of("c3", "c150", "c77", "c199", "c10", "t4", "t9", "t20", "t30", "t31", "c0", "t0")) {
            QueryResult q = c.query(QueryRequest.builder()
                    .queryEmbedding(embeddings.get(id))
                    .nResults(1)
                    .include(Include.DISTANCES, Include.EMBEDDINGS, Include.DOCUMENTS)
                    .build());
            assertEquals(List.of(id), q.ids().get(0), label + ": query by the embedding of " + id);
            assertEquals(0f, q.distances().get(0).get(0), 1e-5f, label + ": " + id);
            assertArrayEquals(embeddings.get(id), q.embeddings().get(0).get(0), label + ": " + id);
            assertEquals(documents.get(id), q.documents().get(0).get(0), label + ": " + id);
        }
    }

    @Test
    void updatesWithoutEmbeddingsKeepEmbeddingsThroughCompactionAndReopen() {
        CollectionOptions options = CollectionOptions.builder()
                .space(Space.L2)
                .embeddingFunction(EmbeddingFunction.none())
                .build();
        try (ChromaClient client = client(dir)) {
            ChromaCollection c = client.createCollection("docs", options);
            c.add(adds("c", 200));
            c.compact();
            c.add(adds("t", 50));
            writeChanges(c, 1);
            check(c, "round 1, in the tail");
        }
        try (ChromaClient client = client(dir)) {
            ChromaCollection c = client.getCollection("docs");
            assertFalse(c.stats().walRecords() == 0, "the changes are still in the tail");
            check(c, "round 1, tail replayed after reopen");
            c.compact();
            check(c, "round 1, compacted");
            writeChanges(c, 2);
            check(c, "round 2, in the tail");
        }
        try (ChromaClient client = client(dir)) {
            ChromaCollection c = client.getCollection("docs");
            check(c, "round 2, tail replayed after reopen");
            c.compact();
            check(c, "round 2, compacted");
        }
        try (ChromaClient client = client(dir)) {
            ChromaCollection c = client.getCollection("docs");
            assertEquals(0, c.stats().walRecords(), "everything is compacted");
            check(c, "round 2, compacted, after reopen");
        }
    }
}
