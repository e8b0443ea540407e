package dev.chromaj.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.blockstore.BlockCache;
import dev.chromaj.blockstore.BlockfileOptions;
import dev.chromaj.blockstore.BlockfileStore;
import dev.chromaj.index.sparse.BlockMaxMaxScore;
import dev.chromaj.index.sparse.Bm25Scorer;
import dev.chromaj.index.sparse.PostingBlock;
import dev.chromaj.index.sparse.PostingList;
import dev.chromaj.index.sparse.ScoredDoc;
import dev.chromaj.index.sparse.SparseQuery;
import dev.chromaj.index.sparse.TermWeight;
import dev.chromaj.index.sparse.ValueKind;
import dev.chromaj.segment.log.LogOperation;
import dev.chromaj.segment.log.RecordChange;
import dev.chromaj.segment.log.SparseValues;
import dev.chromaj.testing.TestRandom;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sparse segment against a model of the live records: posting lists, statistics and top-k results after random
 * inserts, updates and deletes over several forks.
 */
class SparseSegmentTest {

    private static final String WEIGHTS = "splade";
    private static final String BM25 = "bm25";
    private static final Map<String, ValueKind> KINDS =
            Map.of(WEIGHTS, ValueKind.WEIGHT, BM25, ValueKind.TERM_FREQUENCY);

    @TempDir
    Path folder;

    private SegmentFixture fx;

    @BeforeEach
    void setUp() {
        fx = new SegmentFixture(folder, 64 * 1024);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private SegmentManifest write(SegmentManifest previous, List<LogOperation> ops) {
        SegmentWriter writer = SegmentWriter.fork(fx.store, fx.dir, previous, KINDS);
        writer.apply(Materializer.materialize(ops, writer, writer.nextOffset()));
        return writer.commit();
    }

    private static LogOperation upsert(String id, Map<String, SparseValues> sparse) {
        return new LogOperation.Upsert(id, new RecordChange(null, "doc " + id, null, null, sparse));
    }

    @Test
    void randomWritesKeepPostingsStatisticsAndTopKEqualToTheModel() {
        run(TestRandom.random());
    }

    private void run(Random random) {
        Map<String, Map<String, SparseValues>> model = new HashMap<>();
        SegmentManifest manifest = null;
        for (int round = 0; round < 5; round++) {
            List<LogOperation> ops = new ArrayList<>();
            int n = 120 + random.nextInt(150);
            for (int i = 0; i < n; i++) {
                String id = "id-" + random.nextInt(400);
                int action = random.nextInt(10);
                if (action < 2) {
                    ops.add(new LogOperation.Delete(id));
                    model.remove(id);
                } else {
                    Map<String, SparseValues> change = new HashMap<>();
                    if (random.nextInt(4) > 0) {
                        change.put(WEIGHTS, random.nextInt(10) == 0 ? null : weights(random));
                    }
                    if (random.nextInt(4) > 0) {
                        change.put(BM25, random.nextInt(10) == 0 ? null : frequencies(random));
                    }
                    ops.add(upsert(id, change));
                    Map<String, SparseValues> current = new HashMap<>(model.getOrDefault(id, Map.of()));
                    change.forEach((k, v) -> {
                        if (v == null) {
                            current.remove(k);
                        } else {
                            current.put(k, v);
                        }
                    });
                    model.put(id, current);
                }
            }
            manifest = write(manifest, ops);
            CollectionSegments segments = CollectionSegments.open(fx.store, fx.dir, manifest);
            checkAgainstModel(segments, model, random);
        }
    }

    private static SparseValues weights(Random random) {
        TreeMap<Integer, Float> entries = new TreeMap<>();
        int size = 1 + random.nextInt(6);
        if (random.nextInt(5) > 0) {
            // A common term whose list spans several blocks, so partial rewrites are exercised.
            entries.put(3, random.nextFloat());
        }
        while (entries.size() < size) {
            entries.put(random.nextInt(40), random.nextFloat() * 2 - 0.5f);
        }
        return values(entries);
    }

    private static SparseValues frequencies(Random random) {
        TreeMap<Integer, Float> entries = new TreeMap<>();
        int size = 1 + random.nextInt(8);
        if (random.nextInt(5) > 0) {
            entries.put(7, (float) (1 + random.nextInt(3)));
        }
        while (entries.size() < size) {
            // A few huge term indices exercise unsigned order (2^31 is the largest BM25 index).
            int term = random.nextInt(20) == 0 ? Integer.MIN_VALUE : random.nextInt(30);
            entries.put(term, (float) (1 + random.nextInt(4)));
        }
        return values(entries);
    }

    private static SparseValues values(SortedMap<Integer, Float> entries) {
        int[] indices = new int[entries.size()];
        float[] values = new float[entries.size()];
        int i = 0;
        for (Map.Entry<Integer, Float> e : entries.entrySet()) {
            indices[i] = e.getKey();
            values[i] = e.getValue();
            i++;
        }
        return new SparseValues(indices, values);
    }

    private static void checkAgainstModel(
            CollectionSegments segments, Map<String, Map<String, SparseValues>> model, Random random) {
        Map<String, Integer> offsets = segments.offsetsOf(model.keySet());
        for (String key : List.of(WEIGHTS, BM25)) {
            // Expected postings per term: offset -> (value, length).
            Map<Integer, TreeMap<Integer, float[]>> expected = new HashMap<>();
            long documents = 0;
            long totalLength = 0;
            for (Map.Entry<String, Map<String, SparseValues>> e : model.entrySet()) {
                SparseValues v = e.getValue().get(key);
                if (v == null || v.size() == 0) {
                    continue;
                }
                int offset = offsets.get(e.getKey());
                int length = 0;
                for (float f : v.values()) {
                    length += key.equals(BM25) ? (int) f : 0;
                }
                documents++;
                totalLength += length;
                for (int i = 0; i < v.size(); i++) {
                    expected.computeIfAbsent(v.indices()[i], t -> new TreeMap<>())
                            .put(offset, new float[] {v.values()[i], length});
                }
            }
            SparsePostings postings = segments.sparse(key);
            assertEquals(new SparseStatistics(KINDS.get(key), documents, totalLength), postings.statistics(), key);
            List<Integer> terms = new ArrayList<>(expected.keySet());
            terms.add(12345); // a term nobody holds
            for (int term : terms) {
                PostingList list = postings.postings(term);
                TreeMap<Integer, float[]> want = expected.getOrDefault(term, new TreeMap<>());
                assertEquals(want.size(), list.postingCount(), key + " term " + term + " document frequency");
                TreeMap<Integer, float[]> got = new TreeMap<>();
                for (int b = 0; b < list.blockCount(); b++) {
                    PostingBlock block = list.block(b);
                    for (int j = 0; j < block.size(); j++) {
                        got.put(block.offset(j), new float[] {block.value(j), block.docLength(j)});
                    }
                }
                assertEquals(want.keySet(), got.keySet(), key + " term " + term + " offsets");
                for (Map.Entry<Integer, float[]> p : want.entrySet()) {
                    float[] g = got.get(p.getKey());
                    assertEquals(p.getValue()[0], g[0], key + " term " + term + " value at " + p.getKey());
                    assertEquals(p.getValue()[1], g[1], key + " term " + term + " length at " + p.getKey());
                }
            }
            checkTopK(postings, expected, documents, totalLength, key.equals(BM25), random);
        }
    }

    /** Block-max MaxScore over the stored lists equals brute-force scoring of the model. */
    private static void checkTopK(
            SparsePostings postings,
            Map<Integer, ? extends SortedMap<Integer, float[]>> expected,
            long documents,
            long totalLength,
            boolean bm25,
            Random random) {
        if (documents == 0) {
            return;
        }
        List<Integer> all = new ArrayList<>(expected.keySet());
        for (int q = 0; q < 5 && !all.isEmpty(); q++) {
            int[] terms = new int[1 + random.nextInt(Math.min(4, all.size()))];
            float[] weights = new float[terms.length];
            for (int i = 0; i < terms.length; i++) {
                terms[i] = all.get(random.nextInt(all.size()));
                weights[i] = 1 + random.nextInt(3);
            }
            terms = java.util.Arrays.stream(terms).distinct().toArray();
            Map<Integer, PostingList> lists = postings.postings(terms);
            float avg = (float) ((double) totalLength / documents);
            SparseQuery.Builder query = SparseQuery.builder().k(7);
            TermWeight[] termWeights = new TermWeight[terms.length];
            for (int i = 0; i < terms.length; i++) {
                long df = expected.get(terms[i]).size();
                termWeights[i] = bm25
                        ? TermWeight.bm25(Bm25Scorer.CHROMA, Bm25Scorer.CHROMA.idf(documents, df), avg, weights[i])
                        : TermWeight.dotProduct(weights[i]);
                query.term(lists.get(terms[i]), termWeights[i]);
            }
            Map<Integer, Double> scores = new TreeMap<>();
            for (int i = 0; i < terms.length; i++) {
                for (Map.Entry<Integer, float[]> p : expected.get(terms[i]).entrySet()) {
                    scores.merge(
                            p.getKey(),
                            termWeights[i].contribution(p.getValue()[0], (int) p.getValue()[1]),
                            Double::sum);
                }
            }
            List<ScoredDoc> reference = new ArrayList<>();
            scores.forEach((offset, score) -> reference.add(new ScoredDoc(offset, (float) (double) score)));
            reference.sort(null);
            List<ScoredDoc> got = BlockMaxMaxScore.search(query.build());
            assertEquals(reference.subList(0, Math.min(7, reference.size())), got);
        }
    }

    @Test
    void decodedPostingsStayWithinASmallBlockCacheAndScoreAsWithALargeColdOrWarmOne() throws InterruptedException {
        Random random = TestRandom.random();
        SegmentManifest manifest;
        try (BlockfileStore smallBlocks = new BlockfileStore(fx.storage, fx.cache, new BlockfileOptions(8 << 10, 2))) {
            List<LogOperation> ops = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                ops.add(upsert("id-" + i, Map.of(BM25, document(random, 300, 30))));
            }
            SegmentWriter writer = SegmentWriter.fork(smallBlocks, fx.dir, null, KINDS);
            writer.apply(Materializer.materialize(ops, writer, writer.nextOffset()));
            manifest = writer.commit();
        }
        List<int[]> queries = new ArrayList<>();
        for (int q = 0; q < 40; q++) {
            queries.add(random.ints(1 + random.nextInt(5), 0, 300).distinct().toArray());
        }
        SparsePostings large =
                CollectionSegments.open(fx.store, fx.dir, manifest).sparse(BM25);
        List<List<ScoredDoc>> cold = new ArrayList<>();
        for (int[] terms : queries) {
            cold.add(bm25TopK(large, terms));
        }
        for (int q = 0; q < queries.size(); q++) {
            assertEquals(cold.get(q), bm25TopK(large, queries.get(q)), "warm query " + q);
        }
        long bound = 256 << 10;
        try (BlockCache small = BlockCache.builder().maxBytes(bound).build();
                BlockfileStore store = new BlockfileStore(fx.storage, small, new BlockfileOptions(8 << 10, 2))) {
            SparsePostings bounded =
                    CollectionSegments.open(store, fx.dir, manifest).sparse(BM25);
            for (int round = 0; round < 2; round++) {
                for (int q = 0; q < queries.size(); q++) {
                    assertEquals(cold.get(q), bm25TopK(bounded, queries.get(q)), "query " + q);
                    awaitWithin(small, bound);
                }
            }
            assertTrue(small.stats().evictions() > 0, "the bound was reached: " + small.stats());
        }
    }

    /** A BM25 vector of up to {@code terms} distinct terms below {@code vocabulary}, frequencies 1 to 3. */
    private static SparseValues document(Random random, int vocabulary, int terms) {
        TreeMap<Integer, Float> entries = new TreeMap<>();
        int size = 1 + random.nextInt(terms);
        while (entries.size() < size) {
            entries.put(random.nextInt(vocabulary), (float) (1 + random.nextInt(3)));
        }
        return values(entries);
    }

    private static List<ScoredDoc> bm25TopK(SparsePostings postings, int[] terms) {
        SparseStatistics statistics = postings.statistics();
        float average = (float) statistics.averageLength();
        SparseQuery.Builder query = SparseQuery.builder().k(10);
        for (PostingList list : postings.postingLists(terms)) {
            float idf = Bm25Scorer.CHROMA.idf(statistics.documentCount(), list.postingCount());
            query.term(list, TermWeight.bm25(Bm25Scorer.CHROMA, idf, average, 1f));
        }
        return BlockMaxMaxScore.search(query.build());
    }

    /**
     * Waits until the cache's weighed bytes are within {@code bound}: Caffeine evicts in maintenance that may run
     * just after a load completes, so the bound holds once pending maintenance ran (bounded wait, not a timing test).
     */
    private static void awaitWithin(BlockCache cache, long bound) throws InterruptedException {
        for (int attempt = 0; cache.stats().bytes() > bound; attempt++) {
            if (attempt == 10_000) {
                throw new AssertionError("block cache holds " + cache.stats().bytes() + " bytes, bound " + bound);
            }
            Thread.sleep(1);
        }
    }

    @Test
    void declaredKindMustMatchTheStoredKind() {
        SegmentManifest m =
                write(null, List.of(upsert("a", Map.of(BM25, new SparseValues(new int[] {1}, new float[] {2f})))));
        assertThrows(
                IllegalArgumentException.class,
                () -> SegmentWriter.fork(fx.store, fx.dir, m, Map.of(BM25, ValueKind.WEIGHT)));
        // An undeclared key keeps its stored kind.
        SegmentWriter writer = SegmentWriter.fork(fx.store, fx.dir, m);
        writer.apply(Materializer.materialize(
                List.of(upsert("b", Map.of(BM25, new SparseValues(new int[] {1}, new float[] {3f})))),
                writer,
                writer.nextOffset()));
        SparsePostings postings =
                CollectionSegments.open(fx.store, fx.dir, writer.commit()).sparse(BM25);
        assertEquals(new SparseStatistics(ValueKind.TERM_FREQUENCY, 2, 5), postings.statistics());
    }

    @Test
    void termFrequencyKeyRejectsFractionalValues() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> write(null, List.of(upsert("a", Map.of(BM25, new SparseValues(new int[] {1}, new float[] {0.5f
                }))))));
        assertTrue(e.getMessage().contains("bm25"), e.getMessage());
    }

    @Test
    void deletingEveryHolderRemovesTheTermAndZeroesTheStatistics() {
        SegmentManifest m = write(
                null,
                List.of(
                        upsert("a", Map.of(BM25, new SparseValues(new int[] {1, 2}, new float[] {2f, 1f}))),
                        upsert("b", Map.of(BM25, new SparseValues(new int[] {2}, new float[] {4f})))));
        m = write(m, List.of(new LogOperation.Delete("a"), new LogOperation.Delete("b")));
        SparsePostings postings = CollectionSegments.open(fx.store, fx.dir, m).sparse(BM25);
        assertEquals(new SparseStatistics(ValueKind.TERM_FREQUENCY, 0, 0), postings.statistics());
        assertEquals(0, postings.postings(1).postingCount());
        assertEquals(0, postings.postings(2).postingCount());
    }
}
