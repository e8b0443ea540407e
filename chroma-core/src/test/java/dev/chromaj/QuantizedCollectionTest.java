package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.ExactSearch;
import dev.chromaj.index.vector.ScoredOffset;
import dev.chromaj.testing.TestRandom;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Collections created with {@link Quantization#INT8} and {@link Quantization#INT4}, through the public API. */
class QuantizedCollectionTest {
    private static final int DIM = 64;
    private static final int N = 3000;
    private static final HnswParams INT8 =
            HnswParams.builder().quantization(Quantization.INT8).build();
    private static final HnswParams INT4 =
            HnswParams.builder().quantization(Quantization.INT4).build();

    @TempDir
    Path folder;

    private long seed;
    private Random random;
    private float[][] centers;
    private final Map<String, float[]> model = new LinkedHashMap<>();

    @BeforeEach
    void setUp() {
        seed = TestRandom.seed();
        random = new Random(seed);
        centers = new float[16][DIM];
        for (float[] row : centers) {
            for (int i = 0; i < DIM; i++) {
                row[i] = random.nextFloat() * 2f - 1f;
            }
        }
    }

    private float[] vector() {
        float[] center = centers[random.nextInt(centers.length)];
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = center[i] + (float) random.nextGaussian() * 0.2f;
        }
        return v;
    }

    /** A client on {@link #folder} that compacts only when asked, with small blocks. */
    private ChromaClient.Builder builder(int maxBlockBytes) {
        return ChromaClient.builder()
                .path(folder)
                .compactionInterval(Duration.ofHours(1))
                .compactionThreshold(1_000_000)
                .maxBlockBytes(maxBlockBytes);
    }

    private ChromaClient open() {
        return builder(16 << 10).build();
    }

    private ChromaCollection create(ChromaClient client) {
        return client.createCollection(
                "quantized", CollectionOptions.builder().hnsw(INT8).build());
    }

    private void add(ChromaCollection c, int from, int to) {
        List<ChromaRecord> batch = new ArrayList<>();
        for (int i = from; i < to; i++) {
            float[] v = vector();
            model.put("id-" + i, v);
            batch.add(ChromaRecord.builder("id-" + i).embedding(v).build());
        }
        c.add(batch);
    }

    private List<String> exact(float[] query, int k) {
        List<String> ids = new ArrayList<>(model.keySet());
        int[] rows = new int[ids.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i;
        }
        List<String> out = new ArrayList<>();
        for (ScoredOffset s : ExactSearch.search(
                DistanceSpace.L2, query, k, rows, model.values().toArray(new float[0][]))) {
            out.add(ids.get(s.offset()));
        }
        return out;
    }

    private static QueryResult query(ChromaCollection c, float[] q) {
        return c.query(QueryRequest.builder()
                .queryEmbedding(q)
                .nResults(10)
                .include(Include.DISTANCES)
                .build());
    }

    private double recall(ChromaCollection c, int queries) {
        int found = 0;
        for (int i = 0; i < queries; i++) {
            float[] q = vector();
            Set<String> truth = new HashSet<>(exact(q, 10));
            for (String id : query(c, q).ids().get(0)) {
                if (truth.contains(id)) {
                    found++;
                }
            }
        }
        return found / (10.0 * queries);
    }

    @Test
    void recallIsAtLeast95PercentAndTheIndexHoldsCodesNotFloats() {
        try (ChromaClient client = open()) {
            ChromaCollection c = create(client);
            add(c, 0, N);
            c.compact();
            double recall = recall(c, 50);
            assertTrue(recall >= 0.95, "recall " + recall + " (seed " + seed + ")");
            ClientStats stats = client.stats();
            assertEquals(1, stats.vectorIndexCount());
            long floats = (long) N * DIM * Float.BYTES;
            assertTrue(stats.vectorIndexVectorBytes() > 0, stats.toString());
            assertTrue(stats.vectorIndexVectorBytes() * 2 < floats, "codes, not floats: " + stats);
            assertTrue(stats.vectorIndexBytes() > stats.vectorIndexVectorBytes(), stats.toString());
            assertEquals(client.stats().vectorIndexBudgetBytes() > 0, true);
        }
    }

    /**
     * A compaction that writes a graph of floats over the index budget warns (each compaction still builds it on the
     * heap with its floats), once for several versions; a quantized graph over the same budget does not.
     */
    @Test
    void aFloatGraphOverTheIndexBudgetWarnsAtCompactionAndAQuantizedOneDoesNot() {
        try (LogCapture log = new LogCapture();
                ChromaClient client =
                        builder(16 << 10).vectorIndexBytes(64 << 10).build()) {
            ChromaCollection floats = client.createCollection("floats");
            add(floats, 0, 1500);
            floats.compact();
            List<LogCapture.Line> warnings =
                    log.lines().stream().filter(l -> l.level() == Level.WARN).toList();
            assertEquals(1, warnings.size(), warnings.toString());
            String warning = warnings.get(0).message();
            assertEquals("HnswSegmentWriter", warnings.get(0).logger());
            assertTrue(
                    warning.contains("holds float vectors")
                            && warning.contains("vectorIndexBytes")
                            && warning.contains("INT8"),
                    warning);
            assertEquals(10, query(floats, vector()).ids().get(0).size(), "still answers, from its blocks");
            add(floats, 3000, 3100);
            floats.compact();
            assertEquals(
                    1,
                    log.lines().stream().filter(l -> l.level() == Level.WARN).count(),
                    "once an hour per collection, not with every version: " + log.lines());

            log.clear();
            ChromaCollection quantized = create(client);
            add(quantized, 1500, 3000);
            quantized.compact();
            assertTrue(
                    log.lines().stream().noneMatch(l -> l.level() == Level.WARN),
                    log.lines().toString());
        }
    }

    /**
     * A client whose index budget is far below the collection's graph searches the graph in its blocks: no index is
     * loaded, recall and exact re-ranked distances hold, and the small block cache evicts (repeated queries miss).
     */
    @Test
    void aGraphOverTheIndexBudgetIsSearchedInItsBlocksWhileTheyAreEvicted() {
        try (ChromaClient client = open()) {
            add(create(client), 0, N);
            client.getCollection("quantized").compact();
        }
        try (ChromaClient client = builder(16 << 10)
                .vectorIndexBytes(64 << 10)
                .blockCacheBytes(256 << 10)
                .build()) {
            ChromaCollection c = client.getCollection("quantized");
            List<float[]> queries = new ArrayList<>();
            int found = 0;
            for (int i = 0; i < 40; i++) {
                float[] q = vector();
                queries.add(q);
                QueryResult result = query(c, q);
                assertCorrectlyReRanked(q, result, "query " + i + " (seed " + seed + ")");
                Set<String> truth = new HashSet<>(exact(q, 10));
                for (String id : result.ids().get(0)) {
                    if (truth.contains(id)) {
                        found++;
                    }
                }
            }
            double recall = found / (10.0 * queries.size());
            assertTrue(recall >= 0.95, "recall " + recall + " (seed " + seed + ")");
            ClientStats stats = client.stats();
            assertEquals(0, stats.vectorIndexCount(), "no index loaded: " + stats);
            assertEquals(0, stats.vectorIndexBytes(), stats.toString());
            long misses = stats.cacheMisses();
            for (float[] q : queries) {
                query(c, q);
            }
            assertTrue(
                    client.stats().cacheMisses() > misses,
                    "the same queries miss again: their blocks were evicted " + client.stats());
        }
    }

    @Test
    void quantizationPersistsAndReopenedClientAnswersIdentically() {
        List<float[]> queries = new ArrayList<>();
        List<QueryResult> before = new ArrayList<>();
        try (ChromaClient client = open()) {
            ChromaCollection c = create(client);
            add(c, 0, N);
            c.compact();
            for (int i = 0; i < 20; i++) {
                queries.add(vector());
                before.add(query(c, queries.get(i)));
            }
        }
        try (ChromaClient client = open()) {
            ChromaCollection c = client.getCollection("quantized");
            assertEquals(Quantization.INT8, c.options().hnsw().quantization());
            for (int i = 0; i < queries.size(); i++) {
                QueryResult after = query(c, queries.get(i));
                assertEquals(before.get(i).ids(), after.ids(), "query " + i);
                assertEquals(before.get(i).distances(), after.distances(), "query " + i);
            }
        }
    }

    @Test
    void incrementalCompactionsWithUpdatesAndDeletesKeepRecall() {
        try (ChromaClient client = open()) {
            ChromaCollection c = create(client);
            add(c, 0, N);
            c.compact();
            add(c, N, N + 500);
            List<ChromaRecord> updates = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                float[] v = vector();
                model.put("id-" + i, v);
                updates.add(ChromaRecord.builder("id-" + i).embedding(v).build());
            }
            c.update(updates);
            List<String> deleted = new ArrayList<>();
            for (int i = 300; i < 600; i++) {
                deleted.add("id-" + i);
                model.remove("id-" + i);
            }
            c.delete(deleted);
            c.compact();
            double recall = recall(c, 50);
            assertTrue(recall >= 0.95, "recall " + recall + " after changes (seed " + seed + ")");
            Set<String> gone = new HashSet<>(deleted);
            for (int i = 0; i < 20; i++) {
                for (String id : query(c, vector()).ids().get(0)) {
                    assertFalse(gone.contains(id), id + " was deleted");
                }
            }
        }
    }

    /**
     * The float embeddings the re-rank reads (768 KB) do not fit the 64 KiB block cache, so blocks are evicted and
     * read again all the time, while two threads query and a third adds far-away records and compacts: every answer
     * must still be a correctly re-ranked one (exact float distances, sorted, only live near records), and the
     * collection answers after reopening exactly as before.
     */
    @Test
    void queriesStayExactWhileTheBlockCacheEvictsUnderConcurrentQueriesAndCompactions() throws Exception {
        List<float[]> queries = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            queries.add(vector());
        }
        List<QueryResult> settled = new ArrayList<>();
        try (ChromaClient client = builder(8 << 10).blockCacheBytes(64 << 10).build()) {
            ChromaCollection c = create(client);
            add(c, 0, N);
            c.compact();
            long missesBefore = client.stats().cacheMisses();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
            try {
                List<java.util.concurrent.Future<?>> work = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    int from = t;
                    work.add(pool.submit(() -> {
                        for (int i = from; !stop.get() || i < 2 * queries.size(); i += 2) {
                            float[] q = queries.get(i % queries.size());
                            assertCorrectlyReRanked(q, query(c, q), "query " + i % queries.size());
                            answered.incrementAndGet();
                        }
                        return null;
                    }));
                }
                work.add(pool.submit(() -> {
                    Random far = new Random(seed + 1);
                    try {
                        for (int round = 0; round < 4; round++) {
                            List<ChromaRecord> batch = new ArrayList<>();
                            for (int i = 0; i < 150; i++) {
                                float[] v = new float[DIM];
                                for (int d = 0; d < DIM; d++) {
                                    v[d] = 50f + far.nextFloat();
                                }
                                batch.add(ChromaRecord.builder("far-" + round + "-" + i)
                                        .embedding(v)
                                        .build());
                            }
                            c.add(batch);
                            c.compact();
                        }
                    } finally {
                        stop.set(true);
                    }
                    return null;
                }));
                for (java.util.concurrent.Future<?> f : work) {
                    f.get(2, java.util.concurrent.TimeUnit.MINUTES);
                }
            } finally {
                stop.set(true);
                pool.shutdownNow();
            }
            assertEquals(N + 600, c.count());
            assertTrue(answered.get() >= 4 * queries.size(), "answered " + answered.get());
            long misses = client.stats().cacheMisses() - missesBefore;
            assertTrue(misses > queries.size(), "the cache must have evicted and reloaded blocks: " + misses);
            double recall = recall(c, 30);
            assertTrue(recall >= 0.9, "recall " + recall + " (seed " + seed + ")");
            for (float[] q : queries) {
                settled.add(query(c, q));
            }
        }
        try (ChromaClient client = open()) {
            ChromaCollection c = client.getCollection("quantized");
            for (int i = 0; i < queries.size(); i++) {
                QueryResult after = query(c, queries.get(i));
                assertEquals(settled.get(i).ids(), after.ids(), "query " + i + " after reopening");
                assertEquals(settled.get(i).distances(), after.distances(), "query " + i + " after reopening");
            }
        }
    }

    /** Ten near records, sorted by distance, each distance the exact float L2 of its embedding. */
    private void assertCorrectlyReRanked(float[] q, QueryResult result, String what) {
        List<String> ids = result.ids().get(0);
        List<Float> distances = result.distances().get(0);
        assertEquals(10, ids.size(), what);
        for (int i = 0; i < ids.size(); i++) {
            float[] v = model.get(ids.get(i));
            assertTrue(v != null, what + ": " + ids.get(i) + " is not a near record");
            double exact = 0;
            for (int d = 0; d < DIM; d++) {
                double diff = (double) q[d] - v[d];
                exact += diff * diff;
            }
            assertEquals(exact, distances.get(i), 1e-4 * Math.max(1, exact), what + ": distance of " + ids.get(i));
            if (i > 0) {
                assertTrue(distances.get(i - 1) <= distances.get(i), what + ": sorted");
            }
        }
    }

    @Test
    void quantizationCannotChangeAndGetOrCreateKeepsTheCollectionsOwn() {
        try (ChromaClient client = open()) {
            ChromaCollection c = create(client);
            InvalidArgumentException e =
                    assertThrows(InvalidArgumentException.class, () -> c.modify(null, null, HnswParams.defaults()));
            assertTrue(e.getMessage().contains("quantization"), e.getMessage());
            c.modify(null, null, INT8.toBuilder().efSearch(150).build());
            assertEquals(150, c.options().hnsw().efSearch());
            ChromaCollection again = client.getOrCreateCollection(
                    "quantized",
                    CollectionOptions.builder().hnsw(HnswParams.defaults()).build());
            assertEquals(Quantization.INT8, again.options().hnsw().quantization());
        }
    }

    @Test
    void optionsJsonWritesTheQuantizationOnlyWhenSet() {
        CollectionOptions quantized = CollectionOptions.builder().hnsw(INT8).build();
        String json = CollectionOptionsJson.write(quantized);
        assertTrue(json.contains("\"quantization\":\"int8\""), json);
        assertEquals(quantized, CollectionOptionsJson.read(json));
        String plain = CollectionOptionsJson.write(CollectionOptions.builder().build());
        assertFalse(plain.contains("quantization"), plain);
        assertTrue(plain.contains("\"format\":1"), plain);
        assertThrows(ChromaException.class, () -> CollectionOptionsJson.read(json.replace("\"int8\"", "\"int3\"")));
        assertThrows(
                InvalidArgumentException.class,
                () -> HnswParams.builder().quantization(null).build());
    }

    /** The exact top 10 ids of {@code q} in {@code space}, computed in doubles from the model. */
    private List<String> exact(Space space, float[] q, int k) {
        List<Map.Entry<String, Double>> scored = new ArrayList<>();
        for (Map.Entry<String, float[]> e : model.entrySet()) {
            float[] v = e.getValue();
            double dot = 0;
            double l2 = 0;
            double qq = 0;
            double vv = 0;
            for (int d = 0; d < DIM; d++) {
                dot += (double) q[d] * v[d];
                l2 += ((double) q[d] - v[d]) * ((double) q[d] - v[d]);
                qq += (double) q[d] * q[d];
                vv += (double) v[d] * v[d];
            }
            double distance = switch (space) {
                case L2 -> l2;
                case IP -> 1 - dot;
                case COSINE -> 1 - dot / Math.sqrt(qq * vv);
            };
            scored.add(Map.entry(e.getKey(), distance));
        }
        scored.sort(Map.Entry.comparingByValue());
        return scored.subList(0, k).stream().map(Map.Entry::getKey).toList();
    }

    @ParameterizedTest
    @EnumSource(Space.class)
    void int4RecallIsAtLeast95PercentInEverySpaceWithHalfByteCodes(Space space) {
        try (ChromaClient client = open()) {
            ChromaCollection c = client.createCollection(
                    "int4", CollectionOptions.builder().space(space).hnsw(INT4).build());
            add(c, 0, N);
            c.compact();
            int found = 0;
            int queries = 50;
            for (int i = 0; i < queries; i++) {
                float[] q = vector();
                Set<String> truth = new HashSet<>(exact(space, q, 10));
                for (String id : query(c, q).ids().get(0)) {
                    if (truth.contains(id)) {
                        found++;
                    }
                }
            }
            double recall = found / (10.0 * queries);
            assertTrue(recall >= 0.95, space + ": int4 recall " + recall + " (seed " + seed + ")");
            // half a byte per component: N * DIM / 2 bytes of codes, plus at most one partly filled chunk
            ClientStats stats = client.stats();
            long codes = (long) N * DIM / 2;
            assertTrue(
                    stats.vectorIndexVectorBytes() >= codes && stats.vectorIndexVectorBytes() <= codes + (256 << 10),
                    "int4 codes take dim / 2 bytes per vector: " + stats);
        }
    }

    @Test
    void int4PersistsReopensIdenticallyAndCannotChange() {
        List<float[]> queries = new ArrayList<>();
        List<QueryResult> before = new ArrayList<>();
        try (ChromaClient client = open()) {
            ChromaCollection c = client.createCollection(
                    "int4", CollectionOptions.builder().hnsw(INT4).build());
            add(c, 0, N);
            c.compact();
            for (int i = 0; i < 20; i++) {
                queries.add(vector());
                QueryResult r = query(c, queries.get(i));
                assertCorrectlyReRanked(queries.get(i), r, "query " + i);
                before.add(r);
            }
        }
        try (ChromaClient client = open()) {
            ChromaCollection c = client.getCollection("int4");
            assertEquals(Quantization.INT4, c.options().hnsw().quantization());
            for (int i = 0; i < queries.size(); i++) {
                QueryResult after = query(c, queries.get(i));
                assertEquals(before.get(i).ids(), after.ids(), "query " + i);
                assertEquals(before.get(i).distances(), after.distances(), "query " + i);
            }
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> c.modify(null, null, INT8));
            assertTrue(e.getMessage().contains("quantization") && e.getMessage().contains("INT4"), e.getMessage());
            ChromaCollection again = client.getOrCreateCollection(
                    "int4", CollectionOptions.builder().hnsw(INT8).build());
            assertEquals(Quantization.INT4, again.options().hnsw().quantization());
        }
        String json = CollectionOptionsJson.write(
                CollectionOptions.builder().hnsw(INT4).build());
        assertTrue(json.contains("\"quantization\":\"int4\""), json);
        assertEquals(Quantization.INT4, CollectionOptionsJson.read(json).hnsw().quantization());
    }
}
