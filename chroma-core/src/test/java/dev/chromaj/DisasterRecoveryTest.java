package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.storage.testing.S3Fixture;
import dev.chromaj.testing.TestRandom;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The bucket alone brings back every compacted record and every archived write. */
class DisasterRecoveryTest {
    private static final int DIMENSION = 6;

    @RegisterExtension
    static final S3Fixture S3 = new S3Fixture();

    @TempDir
    Path dir;

    @Test
    void lostLocalFolderIsRebuiltFromTheBucketMidWorkload() throws IOException {
        Random random = TestRandom.random();
        S3Config s3 = S3TestClients.s3Config(S3, "dr-" + UUID.randomUUID() + "/");
        Path folder = dir.resolve("machine");
        Map<String, Map<String, Integer>> model = new HashMap<>();
        int generation = 0;
        for (int round = 0; round < 3; round++) {
            try (ChromaClient client = builder(folder, s3).build()) {
                for (Map.Entry<String, Map<String, Integer>> e : model.entrySet()) {
                    assertCollection(client.getCollection(e.getKey()), e.getValue(), "round " + round);
                }
                String name = "coll-" + round;
                client.createCollection(name);
                model.put(name, new HashMap<>());
                List<String> names = new ArrayList<>(model.keySet());
                for (int i = 0; i < 150; i++) {
                    String collection = names.get(random.nextInt(names.size()));
                    ChromaCollection c = client.getCollection(collection);
                    String id = "r" + random.nextInt(60);
                    generation++;
                    if (random.nextInt(10) < 8) {
                        c.upsert(List.of(S3TestClients.record(id, generation, DIMENSION)));
                        model.get(collection).put(id, generation);
                    } else {
                        c.delete(List.of(id));
                        model.get(collection).remove(id);
                    }
                    if (i == 70) {
                        c.compact(); // part compacted, the rest only in the (archived) WAL
                    }
                }
            }
            deleteFolder(folder);
            assertFalse(Files.exists(folder));
        }
        try (ChromaClient client = builder(folder, s3).build()) {
            assertEquals(
                    model.keySet().stream().sorted().toList(),
                    client.listCollections().stream()
                            .map(ChromaCollection::name)
                            .sorted()
                            .toList());
            for (Map.Entry<String, Map<String, Integer>> e : model.entrySet()) {
                ChromaCollection c = client.getCollection(e.getKey());
                assertCollection(c, e.getValue(), "final");
                c.compact();
                assertCollection(c, e.getValue(), "final, compacted");
                assertEquals(0, c.stats().walRecords());
            }
        }
    }

    @Test
    void restoredWalContinuesAfterTheArchivedSequence() throws IOException {
        S3Config s3 = S3TestClients.s3Config(S3, "dr-" + UUID.randomUUID() + "/");
        Path folder = dir.resolve("machine");
        try (ChromaClient client = builder(folder, s3).build()) {
            ChromaCollection c = client.createCollection("docs");
            c.add(List.of(S3TestClients.record("a", 1, DIMENSION)));
            c.compact();
            c.add(List.of(S3TestClients.record("b", 1, DIMENSION)));
        }
        deleteFolder(folder);
        try (ChromaClient client = builder(folder, s3).build()) {
            ChromaCollection c = client.getCollection("docs");
            assertEquals(2, c.count());
            assertEquals(1, c.stats().walRecords(), "b came back from the archived WAL");
            c.add(List.of(S3TestClients.record("c", 1, DIMENSION)));
            c.compact();
            assertEquals(3, c.count());
        }
        deleteFolder(folder);
        try (ChromaClient client = builder(folder, s3).build()) {
            ChromaCollection c = client.getCollection("docs");
            assertEquals(3, c.count());
            assertTrue(c.stats().version() >= 2);
        }
    }

    /** An int8-quantized collection rebuilt from the bucket answers exactly as before: codes, graph, re-rank. */
    @Test
    void quantizedCollectionAnswersIdenticallyAfterItsFolderIsLost() throws IOException {
        Random random = TestRandom.random();
        S3Config s3 = S3TestClients.s3Config(S3, "dr-" + UUID.randomUUID() + "/");
        Path folder = dir.resolve("machine");
        int dim = 32;
        List<float[]> queries = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            queries.add(randomVector(random, dim));
        }
        List<QueryResult> before = new ArrayList<>();
        try (ChromaClient client = builder(folder, s3).build()) {
            ChromaCollection c = client.createCollection(
                    "quantized",
                    CollectionOptions.builder()
                            .hnsw(HnswParams.builder()
                                    .quantization(Quantization.INT8)
                                    .build())
                            .build());
            List<ChromaRecord> batch = new ArrayList<>();
            for (int i = 0; i < 1500; i++) {
                batch.add(ChromaRecord.builder("v" + i)
                        .embedding(randomVector(random, dim))
                        .build());
            }
            c.add(batch);
            c.compact();
            for (float[] q : queries) {
                before.add(query(c, q));
            }
        }
        deleteFolder(folder);
        try (ChromaClient client = builder(folder, s3).build()) {
            ChromaCollection c = client.getCollection("quantized");
            assertEquals(Quantization.INT8, c.options().hnsw().quantization());
            assertEquals(1500, c.count());
            for (int i = 0; i < queries.size(); i++) {
                QueryResult after = query(c, queries.get(i));
                assertEquals(before.get(i).ids(), after.ids(), "query " + i);
                assertEquals(before.get(i).distances(), after.distances(), "query " + i);
            }
        }
    }

    private static float[] randomVector(Random random, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = random.nextFloat() * 2f - 1f;
        }
        return v;
    }

    private static QueryResult query(ChromaCollection c, float[] q) {
        return c.query(QueryRequest.builder()
                .queryEmbedding(q)
                .nResults(10)
                .include(Include.DISTANCES)
                .build());
    }

    private static ChromaClient.Builder builder(Path folder, S3Config s3) {
        return S3TestClients.builder(folder, s3).walArchiveInterval(Duration.ofMillis(100));
    }

    private static void assertCollection(ChromaCollection c, Map<String, Integer> expected, String context) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            ids.add("r" + i);
        }
        Map<String, String> docs = S3TestClients.documents(c, ids);
        for (String id : ids) {
            Integer gen = expected.get(id);
            assertEquals(
                    gen == null ? null : S3TestClients.document(id, gen),
                    docs.get(id),
                    context + ": " + c.name() + "/" + id);
        }
        assertEquals(expected.size(), c.count(), context + ": count of " + c.name());
    }

    static void deleteFolder(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
