package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.ExactSearch;
import dev.chromaj.index.vector.ScoredOffset;
import dev.chromaj.testing.TestRandom;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dense queries answered by the HNSW graph of the compacted version plus the log tail, through the public API:
 * recall, filtered exactness, persistence, incremental compaction, concurrency, updates and deletes, efSearch.
 */
class HnswQueryTest {
    private static final int DIM = 32;
    private static final int N = 2000;

    @TempDir
    Path folder;

    private long seed;
    private Random random;
    private float[][] centers;
    /** The current embedding of every live id, in insertion order. */
    private final Map<String, float[]> model = new LinkedHashMap<>();

    @BeforeEach
    void drawCenters() {
        seed = TestRandom.seed();
        random = TestRandom.random();
        centers = centers();
    }

    private float[][] centers() {
        float[][] c = new float[12][DIM];
        for (float[] row : c) {
            for (int i = 0; i < DIM; i++) {
                row[i] = (float) random.nextGaussian() * 2f;
            }
        }
        return c;
    }

    private float[] vector() {
        float[] center = centers[random.nextInt(centers.length)];
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = center[i] + (float) random.nextGaussian();
        }
        return v;
    }

    private ChromaClient open(Path path) {
        return open(path, 1L << 30);
    }

    private ChromaClient open(Path path, long indexBytes) {
        // Compaction only when a test asks for it; small blocks so forks share most blocks.
        return ChromaClient.builder()
                .path(path)
                .compactionInterval(Duration.ofHours(1))
                .compactionThreshold(1_000_000)
                .maxBlockBytes(16 << 10)
                .vectorIndexBytes(indexBytes)
                .build();
    }

    private void add(ChromaCollection c, int from, int to) {
        List<ChromaRecord> batch = new ArrayList<>();
        for (int i = from; i < to; i++) {
            float[] v = vector();
            String id = "id-" + i;
            model.put(id, v);
            batch.add(ChromaRecord.builder(id)
                    .embedding(v)
                    .metadata(Map.of("bucket", i % 100))
                    .build());
            if (batch.size() == 500) {
                c.add(batch);
                batch = new ArrayList<>();
            }
        }
        if (!batch.isEmpty()) {
            c.add(batch);
        }
    }

    /** Exact top k of the model among the ids {@code accept} accepts. */
    private List<String> exact(float[] query, int k, Predicate<String> accept) {
        List<String> ids = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        model.forEach((id, v) -> {
            if (accept.test(id)) {
                ids.add(id);
                vectors.add(v);
            }
        });
        int[] rows = new int[ids.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i;
        }
        List<String> out = new ArrayList<>();
        for (ScoredOffset s : ExactSearch.search(DistanceSpace.L2, query, k, rows, vectors.toArray(new float[0][]))) {
            out.add(ids.get(s.offset()));
        }
        return out;
    }

    private static QueryResult query(ChromaCollection c, float[] q, int n, Where where) {
        return c.query(QueryRequest.builder()
                .queryEmbedding(q)
                .nResults(n)
                .where(where)
                .include(Include.DISTANCES, Include.EMBEDDINGS)
                .build());
    }

    private double recall(ChromaCollection c, int queries) {
        int found = 0;
        for (int i = 0; i < queries; i++) {
            float[] q = vector();
            Set<String> truth = new HashSet<>(exact(q, 10, id -> true));
            for (String id : query(c, q, 10, null).ids().get(0)) {
                if (truth.contains(id)) {
                    found++;
                }
            }
        }
        return found / (10.0 * queries);
    }

    @Test
    void queryRecallIsAtLeastNinetyPercentWithDefaultParameters() {
        try (ChromaClient client = open(folder)) {
            ChromaCollection c = client.createCollection("recall");
            add(c, 0, N);
            c.compact();
            double recall = recall(c, 60);
            assertTrue(recall >= 0.9, "recall " + recall);
            ClientStats stats = client.stats();
            assertEquals(1, stats.vectorIndexCount(), "the compacted version is searched with its graph");
            assertTrue(stats.vectorIndexBytes() > (long) N * DIM * Float.BYTES, "index bytes " + stats);
            assertTrue(c.stats().segmentBytes().get("vector") > (long) N * DIM * Float.BYTES);
        }
    }

    @Test
    void filteredQueryAtHighSelectivityEqualsExactFilteredQuery() {
        try (ChromaClient client = open(folder)) {
            ChromaCollection c = client.createCollection("filtered");
            add(c, 0, N);
            c.compact();
            for (int i = 0; i < 20; i++) {
                int bucket = random.nextInt(100);
                float[] q = vector();
                QueryResult got = query(c, q, 10, Where.eq("bucket", bucket));
                List<String> expected = exact(q, 10, id -> Integer.parseInt(id.substring(3)) % 100 == bucket);
                assertEquals(expected, got.ids().get(0), "bucket " + bucket);
            }
        }
    }

    @Test
    void reopenedClientReturnsIdenticalResults() {
        List<float[]> queries = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            queries.add(vector());
        }
        List<QueryResult> before = new ArrayList<>();
        try (ChromaClient client = open(folder)) {
            ChromaCollection c = client.createCollection("persisted");
            add(c, 0, N);
            c.compact();
            for (float[] q : queries) {
                before.add(query(c, q, 10, null));
            }
        }
        try (ChromaClient client = open(folder)) {
            ChromaCollection c = client.getCollection("persisted");
            for (int i = 0; i < queries.size(); i++) {
                QueryResult after = query(c, queries.get(i), 10, null);
                assertEquals(before.get(i).ids(), after.ids(), "query " + i);
                assertEquals(before.get(i).distances(), after.distances(), "query " + i);
            }
            assertEquals(1, client.stats().vectorIndexCount(), "reloaded from the block files");
        }
    }

    @Test
    void eachEmbeddingIsStoredOnceAndReadBackExactly() {
        for (Space space : Space.values()) {
            model.clear();
            Path path = folder.resolve(space.name());
            String name = "once-" + space.name().toLowerCase(Locale.ROOT);
            try (ChromaClient client = open(path)) {
                ChromaCollection c = client.createCollection(
                        name, CollectionOptions.builder().space(space).build());
                add(c, 0, N);
                c.compact();
                long raw = (long) N * DIM * Float.BYTES;
                Map<String, Long> bytes = c.stats().segmentBytes();
                // ids, the metadata value and framing: far below the embeddings' raw bytes
                assertTrue(bytes.get("record") * 4 < raw, space + ": " + bytes + ", raw " + raw);
                assertTrue(bytes.get("vector") > raw / 2, space + ": " + bytes + ", raw " + raw);
            }
            try (ChromaClient client = open(path)) {
                ChromaCollection c = client.getCollection(name);
                List<String> ids = new ArrayList<>(model.keySet()).subList(0, 300);
                GetResult got = c.get(GetRequest.builder()
                        .ids(ids)
                        .include(Include.EMBEDDINGS)
                        .build());
                for (int i = 0; i < got.ids().size(); i++) {
                    assertArrayEquals(
                            model.get(got.ids().get(i)), got.embeddings().get(i), space + " " + i);
                }
                for (String id : ids.subList(0, 20)) {
                    QueryResult q = c.query(QueryRequest.builder()
                            .queryEmbedding(model.get(id))
                            .nResults(3)
                            .include(Include.EMBEDDINGS, Include.DISTANCES)
                            .build());
                    if (space != Space.IP) { // under inner product a longer vector can beat the query's own
                        assertEquals(id, q.ids().get(0).get(0), space.toString());
                    }
                    for (int k = 0; k < q.ids().get(0).size(); k++) {
                        assertArrayEquals(
                                model.get(q.ids().get(0).get(k)),
                                q.embeddings().get(0).get(k));
                    }
                }
            }
        }
    }

    @Test
    void compactionThatExtendsTheGraphKeepsRecallAndWritesFarFewerBytes() {
        try (ChromaClient client = open(folder)) {
            ChromaCollection c = client.createCollection("extended");
            add(c, 0, N);
            long start = client.stats().bytesWritten();
            c.compact();
            long first = client.stats().bytesWritten() - start;
            assertEquals(1, c.stats().version());
            add(c, N, N + 30);
            start = client.stats().bytesWritten();
            c.compact();
            long second = client.stats().bytesWritten() - start;
            assertEquals(2, c.stats().version());
            // the first compaction writes each embedding once (vector.embeddings), the graph's links and the records;
            // the second rewrites the changed link blocks and the last blocks of the other files
            assertTrue(second * 3 < first, "first compaction wrote " + first + " bytes, the second " + second);
            double recall = recall(c, 60);
            assertTrue(recall >= 0.9, "recall " + recall);
            assertEquals(1, client.stats().vectorIndexCount(), "the previous version's graph was unloaded");
        }
    }

    @Test
    void queriesDuringCompactionReturnCorrectResults() throws Exception {
        try (ChromaClient client = open(folder)) {
            ChromaCollection c = client.createCollection("concurrent");
            add(c, 0, N);
            c.compact();
            List<Map.Entry<String, float[]>> stable = new ArrayList<>(model.entrySet()).subList(N / 2, N);
            Set<String> deleted = ConcurrentHashMap.newKeySet();
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicInteger queries = new AtomicInteger();
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                long readerSeed = seed + t;
                Thread reader = new Thread(
                        () -> {
                            Random r = new Random(readerSeed);
                            try {
                                while (!done.get()) {
                                    Map.Entry<String, float[]> e = stable.get(r.nextInt(stable.size()));
                                    Set<String> gone = Set.copyOf(deleted);
                                    QueryResult got = query(c, e.getValue(), 5, null);
                                    List<String> ids = got.ids().get(0);
                                    assertEquals(e.getKey(), ids.get(0), "a stored vector is its own nearest");
                                    assertEquals(0f, got.distances().get(0).get(0), 0f);
                                    for (String id : ids) {
                                        assertFalse(gone.contains(id), "deleted " + id + " returned");
                                    }
                                    queries.incrementAndGet();
                                }
                            } catch (Throwable ex) {
                                failure.compareAndSet(null, ex);
                            }
                        },
                        "reader-" + t);
                reader.start();
                readers.add(reader);
            }
            try {
                for (int round = 0; round < 3; round++) {
                    add(c, N + round * 200, N + (round + 1) * 200);
                    List<String> victims = new ArrayList<>();
                    for (int i = round * 20; i < round * 20 + 20; i++) {
                        victims.add("id-" + i);
                    }
                    c.delete(victims);
                    deleted.addAll(victims);
                    c.compact();
                }
            } finally {
                done.set(true);
                for (Thread reader : readers) {
                    reader.join();
                }
            }
            if (failure.get() != null) {
                throw new AssertionError("a reader failed", failure.get());
            }
            assertTrue(queries.get() > 0);
            assertEquals(4, c.stats().version());
        }
    }

    @Test
    void updatesAndDeletesNeverReturnStaleVectorsOrDeletedIds() {
        try (ChromaClient client = open(folder)) {
            ChromaCollection c = client.createCollection("churn");
            add(c, 0, N);
            c.compact();
            Set<String> deleted = new HashSet<>();
            for (int step = 0; step < 12; step++) {
                List<ChromaRecord> updates = new ArrayList<>();
                List<String> deletes = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    String id = "id-" + random.nextInt(N);
                    if (deleted.contains(id)
                            || deletes.contains(id)
                            || updates.stream().anyMatch(r -> r.id().equals(id))) {
                        continue;
                    }
                    if (random.nextInt(3) == 0) {
                        deletes.add(id);
                    } else {
                        float[] v = vector();
                        updates.add(ChromaRecord.builder(id).embedding(v).build());
                    }
                }
                c.update(updates);
                updates.forEach(r -> model.put(r.id(), r.embedding()));
                c.delete(deletes);
                deletes.forEach(model::remove);
                deleted.addAll(deletes);
                if (step % 3 == 2) {
                    c.compact();
                }
                for (ChromaRecord r : updates) {
                    QueryResult got = query(c, r.embedding(), 10, null);
                    String label = "step " + step + ", " + r.id();
                    assertEquals(r.id(), got.ids().get(0).get(0), label);
                    assertEquals(0f, got.distances().get(0).get(0), 0f, label);
                    for (int k = 0; k < got.ids().get(0).size(); k++) {
                        String id = got.ids().get(0).get(k);
                        assertFalse(deleted.contains(id), label + ": deleted " + id + " returned");
                        assertTrue(
                                java.util.Arrays.equals(
                                        model.get(id), got.embeddings().get(0).get(k)),
                                label + ": stale embedding of " + id);
                    }
                }
            }
            assertEquals(model.size(), c.count());
            double recall = recall(c, 40);
            assertTrue(recall >= 0.9, "recall " + recall);
        }
    }

    @Test
    void efSearchChangesWithModifyAndPersistsButMAndEfConstructionDoNot() {
        try (ChromaClient client = open(folder)) {
            ChromaCollection c = client.createCollection("ef-search");
            add(c, 0, N);
            c.compact();
            HnswParams current = c.options().hnsw();
            c.modify(null, null, current.toBuilder().efSearch(400).build());
            assertEquals(400, c.options().hnsw().efSearch());
            double recall = recall(c, 30);
            assertTrue(recall >= 0.95, "recall at efSearch 400 " + recall);
            InvalidArgumentException e = assertThrows(
                    InvalidArgumentException.class,
                    () -> c.modify(
                            "renamed",
                            null,
                            current.toBuilder().m(32).efSearch(50).build()));
            assertTrue(e.getMessage().contains("m cannot change"), e.getMessage());
            assertEquals(400, c.options().hnsw().efSearch(), "a rejected call changes nothing");
            assertEquals("ef-search", c.name());
            c.modify(null, null, current.toBuilder().efSearch(1).build());
            assertEquals(10, query(c, vector(), 10, null).ids().get(0).size(), "efSearch is raised to nResults");
        }
        try (ChromaClient client = open(folder)) {
            assertEquals(1, client.getCollection("ef-search").options().hnsw().efSearch());
        }
    }

    @Test
    void indexesBeyondTheMemoryBudgetAreUnloadedAndReloaded() {
        long one;
        Map<String, float[]> first;
        try (ChromaClient client = open(folder)) {
            // N records: the planner walks the graph (a smaller collection of this dimension is scanned)
            ChromaCollection a = client.createCollection("coll-a");
            add(a, 0, N);
            a.compact();
            first = new LinkedHashMap<>(model);
            model.clear();
            ChromaCollection b = client.createCollection("coll-b");
            add(b, 0, N);
            b.compact();
            one = client.stats().vectorIndexBytes() / client.stats().vectorIndexCount();
        }
        // a budget that holds either index but not both (an index over the whole budget would not be loaded at all)
        try (ChromaClient client = open(folder, one + one / 2)) {
            ChromaCollection a = client.getCollection("coll-a");
            ChromaCollection b = client.getCollection("coll-b");
            for (int round = 0; round < 2; round++) {
                for (ChromaCollection c : List.of(a, b)) {
                    Map<String, float[]> vectors = c == a ? first : model;
                    Map.Entry<String, float[]> e = vectors.entrySet().iterator().next();
                    assertEquals(
                            e.getKey(),
                            query(c, e.getValue(), 1, null).ids().get(0).get(0));
                    assertEquals(1, client.stats().vectorIndexCount(), "only one index fits the budget");
                }
            }
        }
    }

    @Test
    void aGraphOfFloatsOverTheIndexBudgetAnswersAfterReopenAsTheLoadedGraph() {
        try (ChromaClient client = open(folder)) {
            ChromaCollection c = client.createCollection("floats");
            add(c, 0, N);
            c.compact();
            List<String> deletes = new ArrayList<>();
            for (int i = 0; i < N; i += 17) {
                deletes.add("id-" + i);
                model.remove("id-" + i);
            }
            c.delete(deletes);
            c.compact();
        }
        List<float[]> queries = new ArrayList<>();
        for (int q = 0; q < 20; q++) {
            queries.add(vector());
        }
        // no filter and a broad one are walked, a selective one is scanned
        List<Where> filters = Arrays.asList(null, Where.lt("bucket", 60), Where.eq("bucket", 7));
        List<QueryResult> loaded = new ArrayList<>();
        try (ChromaClient client = open(folder)) {
            ChromaCollection c = client.getCollection("floats");
            for (float[] q : queries) {
                for (Where where : filters) {
                    loaded.add(query(c, q, 10, where));
                }
            }
            // the planner uses the graph here, and decides the same for the same version below
            assertEquals(1, client.stats().vectorIndexCount(), "the graph is loaded");
        }
        try (ChromaClient client = open(folder, 1)) {
            ChromaCollection c = client.getCollection("floats");
            int i = 0;
            for (float[] q : queries) {
                for (Where where : filters) {
                    QueryResult got = query(c, q, 10, where);
                    QueryResult want = loaded.get(i++);
                    assertEquals(want.ids(), got.ids(), "query " + i + ", filter " + where + " (seed " + seed + ")");
                    assertEquals(want.distances(), got.distances(), "query " + i + ", filter " + where);
                    for (String id : got.ids().get(0)) {
                        assertTrue(model.containsKey(id), id + " was deleted");
                    }
                }
            }
            ClientStats stats = client.stats();
            assertEquals(0, stats.vectorIndexCount(), "searched in its blocks, not loaded: " + stats);
            assertEquals(0, stats.vectorIndexBytes());
            assertTrue(stats.cacheBytes() > 0, "the decoded blocks are in the block cache: " + stats);
        }
    }

    @Test
    void collectionWithoutEmbeddingsHasNoVectorSegment() {
        try (ChromaClient client = open(folder)) {
            ChromaCollection c = client.createCollection(
                    "documents",
                    CollectionOptions.builder()
                            .embeddingFunction(EmbeddingFunction.none())
                            .build());
            c.add(List.of(ChromaRecord.builder("a").document("text").build()));
            c.compact();
            // no graph; the vector segment is only the (empty) embeddings file that marks the layout
            Long vector = c.stats().segmentBytes().get("vector");
            assertTrue(vector != null && vector < 1024, "vector segment " + vector + " bytes");
            assertEquals(0, client.stats().vectorIndexCount());
        }
    }
}
