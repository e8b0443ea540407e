package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.index.text.Bm25Analyzer;
import dev.chromaj.index.text.TermFrequencies;
import dev.chromaj.testing.TestRandom;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ChromaCollection#search} end to end: sparse, BM25, dense and RRF rankings compared with brute-force
 * references over the live records, before and after compaction and with updates and deletes in the log tail.
 */
class SearchExecutorTest {

    private static final String[] WORDS = {
        "vector",
        "database",
        "search",
        "sparse",
        "dense",
        "hybrid",
        "ranking",
        "fusion",
        "index",
        "posting",
        "block",
        "query",
        "score",
        "token",
        "stemming",
        "running",
        "runner",
        "cells",
        "protein",
        "gene",
        "the",
        "of",
        "and",
        "is"
    };

    @TempDir
    Path folder;

    private ChromaClient client;
    private ChromaCollection collection;

    @BeforeEach
    void setUp() {
        client = ChromaClient.builder()
                .path(folder)
                .compactionInterval(Duration.ofHours(1))
                .compactionThreshold(1_000_000)
                .build();
        collection = client.createCollection(
                "search",
                CollectionOptions.builder()
                        .space(Space.COSINE)
                        .sparseIndex("bm25", SparseIndex.bm25())
                        .sparseIndex("splade", SparseIndex.provided())
                        .build());
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    /** What a live record holds, as the test wrote it. */
    private record Model(String document, SparseVector splade, float[] embedding, String group) {}

    private static String document(Random random) {
        StringBuilder sb = new StringBuilder();
        int n = 2 + random.nextInt(10);
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    private static SparseVector splade(Random random) {
        TreeMap<Integer, Float> entries = new TreeMap<>();
        int n = 1 + random.nextInt(5);
        while (entries.size() < n) {
            entries.put(random.nextInt(25), random.nextFloat());
        }
        return SparseVector.of(
                entries.keySet().stream().mapToInt(Integer::intValue).toArray(), floats(entries));
    }

    private static float[] floats(SortedMap<Integer, Float> entries) {
        float[] out = new float[entries.size()];
        int i = 0;
        for (float f : entries.values()) {
            out[i++] = f;
        }
        return out;
    }

    private static float[] embedding(Random random) {
        return new float[] {random.nextFloat() - 0.5f, random.nextFloat() - 0.5f, random.nextFloat() + 0.1f};
    }

    private static ChromaRecord record(String id, Model m) {
        return ChromaRecord.builder(id)
                .document(m.document())
                .sparse("splade", m.splade())
                .embedding(m.embedding())
                .metadata(Map.of("group", m.group()))
                .build();
    }

    @Test
    void sparseAndBm25SearchMatchBruteForceAcrossCompactionsWithTailUpdatesAndDeletes() {
        runRandomized(TestRandom.random());
    }

    private void runRandomized(Random random) {
        Map<String, Model> model = new LinkedHashMap<>();
        for (int phase = 0; phase < 4; phase++) {
            List<ChromaRecord> upserts = new ArrayList<>();
            List<String> deletes = new ArrayList<>();
            for (int i = 0; i < 120; i++) {
                String id = "id-" + random.nextInt(200);
                if (model.containsKey(id) && random.nextInt(5) == 0) {
                    if (!deletes.contains(id) && upserts.stream().noneMatch(r -> r.id().equals(id))) {
                        deletes.add(id);
                    }
                } else if (!deletes.contains(id) && upserts.stream().noneMatch(r -> r.id().equals(id))) {
                    Model m = new Model(
                            document(random), splade(random), embedding(random), random.nextBoolean() ? "a" : "b");
                    upserts.add(record(id, m));
                    model.put(id, m);
                }
            }
            collection.upsert(upserts);
            collection.delete(deletes);
            deletes.forEach(model::remove);
            checkQueries(model, random);
            if (phase % 2 == 1) {
                collection.compact();
                checkQueries(model, random);
            }
        }
    }

    private void checkQueries(Map<String, Model> model, Random random) {
        for (int q = 0; q < 4; q++) {
            String text = document(random);
            String group = random.nextBoolean() ? null : "a";
            Search.Builder search = Search.builder().limit(8).select(Field.SCORE);
            if (group != null) {
                search.where(Where.eq("group", group));
            }
            assertMatches(
                    bm25Reference(model, text, group),
                    collection.search(
                            search.rank(Rank.knn("bm25", text).limit(8)).build()),
                    "bm25 '" + text + "'");
            SparseVector query = splade(random);
            assertMatches(
                    dotReference(model, query, group),
                    collection.search(
                            search.rank(Rank.knn("splade", query).limit(8)).build()),
                    "splade " + query);
        }
    }

    /** The hits are the best 8 of the reference: same scores in order, and each id has its reference score. */
    private static void assertMatches(Map<String, Double> reference, SearchResult result, String what) {
        List<Double> expected = new ArrayList<>(reference.values());
        expected.sort(Comparator.reverseOrder());
        expected = expected.subList(0, Math.min(8, expected.size()));
        assertEquals(expected.size(), result.size(), what + ": number of hits");
        for (int i = 0; i < expected.size(); i++) {
            Hit hit = result.hits().get(i);
            assertEquals(
                    expected.get(i),
                    hit.score(),
                    1e-4 * Math.max(1, Math.abs(expected.get(i))),
                    what + ": score at " + i);
            assertEquals(
                    reference.get(hit.id()),
                    hit.score(),
                    1e-4 * Math.max(1, Math.abs(hit.score())),
                    what + ": score of " + hit.id());
        }
    }

    /** BM25 over the live documents, written out: k1 1.2, b 0.75, Chroma's IDF, query terms weighted by count. */
    private static Map<String, Double> bm25Reference(Map<String, Model> model, String text, String group) {
        Bm25Analyzer analyzer = Bm25Analyzer.chroma();
        Map<String, TermFrequencies> docs = new HashMap<>();
        long totalLength = 0;
        for (Map.Entry<String, Model> e : model.entrySet()) {
            TermFrequencies tf = analyzer.analyze(e.getValue().document());
            if (tf.size() > 0) {
                docs.put(e.getKey(), tf);
                totalLength += tf.length();
            }
        }
        double average = (double) totalLength / docs.size();
        TermFrequencies query = analyzer.analyze(text);
        Map<String, Double> scores = new HashMap<>();
        for (int i = 0; i < query.size(); i++) {
            int term = query.termIndices()[i];
            long df = docs.values().stream().filter(d -> d.frequency(term) > 0).count();
            double idf = Math.log(1 + (docs.size() - df + 0.5) / (df + 0.5));
            for (Map.Entry<String, TermFrequencies> d : docs.entrySet()) {
                int tf = d.getValue().frequency(term);
                if (tf > 0 && (group == null || model.get(d.getKey()).group().equals(group))) {
                    double norm = 1.2 * (1 - 0.75 + 0.75 * d.getValue().length() / average);
                    scores.merge(d.getKey(), query.frequencies()[i] * idf * tf * 2.2 / (tf + norm), Double::sum);
                }
            }
        }
        return scores;
    }

    private static Map<String, Double> dotReference(Map<String, Model> model, SparseVector query, String group) {
        Map<String, Double> scores = new HashMap<>();
        for (Map.Entry<String, Model> e : model.entrySet()) {
            if (group != null && !e.getValue().group().equals(group)) {
                continue;
            }
            int[] di = e.getValue().splade().indices();
            float[] dv = e.getValue().splade().values();
            double sum = 0;
            boolean shared = false;
            for (int i = 0; i < query.size(); i++) {
                for (int j = 0; j < di.length; j++) {
                    if (di[j] == query.indices()[i]) {
                        sum += (double) query.values()[i] * dv[j];
                        shared = true;
                    }
                }
            }
            if (shared) {
                scores.put(e.getKey(), sum);
            }
        }
        return scores;
    }

    @Test
    void bm25StatisticsFollowDeletesInTheTailAndAfterCompaction() {
        Map<String, Model> model = new LinkedHashMap<>();
        Random random = new Random(7);
        List<ChromaRecord> records = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Model m = new Model(document(random), splade(random), embedding(random), "a");
            model.put("d" + i, m);
            records.add(record("d" + i, m));
        }
        collection.add(records);
        collection.compact();
        List<String> deleted = new ArrayList<>();
        for (int i = 0; i < 60; i += 3) {
            deleted.add("d" + i);
            model.remove("d" + i);
        }
        assertEquals(deleted.size(), collection.delete(deleted));
        String text = "sparse vector search runner";
        Search search = Search.builder()
                .rank(Rank.knn("bm25", text).limit(50))
                .limit(50)
                .build();
        assertMatchesAll(bm25Reference(model, text, null), collection.search(search));
        collection.compact();
        assertMatchesAll(bm25Reference(model, text, null), collection.search(search));
    }

    private static void assertMatchesAll(Map<String, Double> reference, SearchResult result) {
        assertEquals(reference.size(), result.size());
        for (Hit hit : result.hits()) {
            assertEquals(reference.get(hit.id()), hit.score(), 1e-4, "score of " + hit.id());
        }
    }

    @Test
    void bm25VectorFollowsTheDocumentAndSuppliedVectorsAreRejected() {
        collection.add(List.of(
                ChromaRecord.builder("x").document("protein folding").build(),
                ChromaRecord.builder("y").document("gene expression").build()));
        assertEquals(List.of("x"), ids(collection.search(bm25("protein"))));
        collection.update(
                List.of(ChromaRecord.builder("x").metadata(Map.of("k", 1)).build()));
        assertEquals(List.of("x"), ids(collection.search(bm25("protein"))), "an unset document keeps the vector");
        collection.update(
                List.of(ChromaRecord.builder("x").document("gene therapy").build()));
        assertEquals(List.of(), ids(collection.search(bm25("protein"))));
        collection.compact();
        assertEquals(List.of("x", "y"), sorted(ids(collection.search(bm25("gene")))));
        collection.update(
                List.of(ChromaRecord.builder("y").document("the of and").build()));
        assertEquals(List.of("x"), ids(collection.search(bm25("gene"))), "a document without terms has no vector");
        InvalidArgumentException e = assertThrows(
                InvalidArgumentException.class,
                () -> collection.add(List.of(ChromaRecord.builder("z")
                        .sparse("bm25", SparseVector.of(new int[] {1}, new float[] {1f}))
                        .build())));
        assertTrue(e.getMessage().contains("bm25"), e.getMessage());
    }

    private static Search bm25(String text) {
        return Search.builder().rank(Rank.knn("bm25", text)).build();
    }

    private static List<String> ids(SearchResult result) {
        List<String> ids = new ArrayList<>();
        result.hits().forEach(h -> ids.add(h.id()));
        return ids;
    }

    private static List<String> sorted(List<String> ids) {
        List<String> copy = new ArrayList<>(ids);
        copy.sort(null);
        return copy;
    }

    @Test
    void denseKnnScoresAreDistancesAndRrfFusesRanksFromOne() {
        Random random = new Random(11);
        List<ChromaRecord> records = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            records.add(record("r" + i, new Model(document(random), splade(random), embedding(random), "a")));
        }
        collection.add(records.subList(0, 30));
        collection.compact();
        collection.add(records.subList(30, 40));
        float[] query = {0.2f, -0.1f, 0.5f};
        SearchResult dense = collection.search(
                Search.builder().rank(Rank.knn(query).limit(10)).limit(10).build());
        QueryResult reference = collection.query(QueryRequest.builder()
                .queryEmbeddings(List.of(query))
                .nResults(10)
                .build());
        assertEquals(reference.ids().get(0), ids(dense));
        for (int i = 0; i < 10; i++) {
            assertEquals(
                    reference.distances().get(0).get(i), dense.hits().get(i).score(), 1e-6);
        }

        Rank.Knn text = Rank.knn("bm25", "vector search ranking").limit(10);
        SearchResult lexical =
                collection.search(Search.builder().rank(text).limit(10).build());
        SearchResult fused = collection.search(Search.builder()
                .rank(Rank.rrf(60, new double[] {2.0, 1.0}, Rank.knn(query).limit(10), text))
                .limit(40)
                .build());
        Map<String, Double> expected = new HashMap<>();
        for (int i = 0; i < dense.size(); i++) {
            expected.merge(dense.hits().get(i).id(), 2.0 / (60 + i + 1), Double::sum);
        }
        for (int i = 0; i < lexical.size(); i++) {
            expected.merge(lexical.hits().get(i).id(), 1.0 / (60 + i + 1), Double::sum);
        }
        assertEquals(expected.size(), fused.size());
        double previous = Double.POSITIVE_INFINITY;
        for (Hit hit : fused.hits()) {
            assertEquals(expected.get(hit.id()), hit.score(), 1e-12, hit.id());
            assertTrue(hit.score() <= previous, "descending");
            previous = hit.score();
        }
    }

    @Test
    void selectFiltersAndPagingShapeTheHits() {
        collection.add(List.of(
                ChromaRecord.builder("a")
                        .document("vector search")
                        .embedding(new float[] {1, 0, 0})
                        .metadata(Map.of("title", "A", "year", 2020))
                        .uri("u:a")
                        .build(),
                ChromaRecord.builder("b")
                        .document("vector index")
                        .embedding(new float[] {0, 1, 0})
                        .metadata(Map.of("title", "B", "year", 2021))
                        .build(),
                ChromaRecord.builder("c")
                        .document("vector vector")
                        .embedding(new float[] {0, 0, 1})
                        .metadata(Map.of("title", "C", "year", 2022))
                        .build()));
        collection.compact();
        collection.add(List.of(ChromaRecord.builder("d")
                .document("vector")
                .embedding(new float[] {1, 1, 0})
                .metadata(Map.of("title", "D", "year", 2023))
                .build()));

        SearchResult chosen = collection.search(Search.builder()
                .rank(Rank.knn("bm25", "vector"))
                .where(Where.gte("year", 2021))
                .select(Field.DOCUMENT, Field.metadata("title"))
                .build());
        assertEquals(3, chosen.size());
        for (Hit hit : chosen.hits()) {
            assertNull(hit.score());
            assertNull(hit.embedding());
            assertNull(hit.uri());
            assertEquals(Map.of("title", hit.id().toUpperCase(Locale.ROOT)), hit.metadata());
            assertTrue(hit.document().contains("vector"));
        }

        SearchResult all = collection.search(Search.builder()
                .rank(Rank.knn(new float[] {1, 0, 0}))
                .select(Field.EMBEDDING, Field.METADATA, Field.URI, Field.SCORE)
                .limit(1)
                .build());
        Hit a = all.hits().get(0);
        assertEquals("a", a.id());
        assertArrayEquals(new float[] {1, 0, 0}, a.embedding());
        assertEquals(Map.of("title", "A", "year", 2020L), a.metadata());
        assertEquals("u:a", a.uri());
        assertEquals(0.0, a.score(), 1e-6);

        SearchResult page = collection.search(Search.builder()
                .whereDocument(WhereDocument.contains("vector"))
                .offset(1)
                .limit(2)
                .build());
        assertEquals(List.of("b", "c"), ids(page), "filter-only search returns collection order");
        assertNull(page.hits().get(0).score());
    }

    /** The searches whose hits must not depend on the cache or on compaction: every rank, both hit shapes. */
    private static List<Search> mixedSearches(Random random) {
        List<Search> searches = new ArrayList<>();
        for (int q = 0; q < 6; q++) {
            String text = document(random);
            Rank.Knn bm25 = Rank.knn("bm25", text).limit(q % 2 == 0 ? 5 : 30);
            Rank.Knn dense = Rank.knn(embedding(random)).limit(20);
            Rank.Knn splade = Rank.knn("splade", splade(random)).limit(15);
            for (Rank rank : List.of(bm25, dense, splade, Rank.rrf(60, bm25, dense))) {
                searches.add(Search.builder().rank(rank).limit(25).build());
                searches.add(Search.builder()
                        .rank(rank)
                        .limit(25)
                        .where(Where.eq("group", "a"))
                        .select(Field.SCORE, Field.DOCUMENT, Field.METADATA)
                        .build());
            }
        }
        return searches;
    }

    private static List<List<Hit>> run(ChromaCollection c, List<Search> searches) {
        List<List<Hit>> out = new ArrayList<>();
        for (Search search : searches) {
            out.add(c.search(search).hits());
        }
        return out;
    }

    private void reopen(long blockCacheBytes) {
        client.close();
        client = ChromaClient.builder()
                .path(folder)
                .compactionInterval(Duration.ofHours(1))
                .compactionThreshold(1_000_000)
                .maxBlockBytes(4096)
                .blockCacheBytes(blockCacheBytes)
                .build();
        collection = client.getCollection("search");
    }

    @Test
    void hitsAreIdenticalWithAColdAWarmAndATinyBlockCache() {
        reopen(256L << 20);
        Random random = new Random(23);
        List<ChromaRecord> records = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            records.add(record(
                    "r" + i,
                    new Model(document(random), splade(random), embedding(random), random.nextBoolean() ? "a" : "b")));
        }
        collection.add(records);
        collection.compact();
        List<Search> searches = mixedSearches(random);
        reopen(256L << 20);
        List<List<Hit>> cold = run(collection, searches);
        assertTrue(cold.stream().allMatch(hits -> !hits.isEmpty()), "every search finds something");
        assertEquals(cold, run(collection, searches), "warm cache");
        reopen(16L << 10);
        assertEquals(cold, run(collection, searches), "a cache far smaller than the collection, first pass");
        assertEquals(cold, run(collection, searches), "a cache far smaller than the collection, second pass");
    }

    @Test
    void hitsAreIdenticalBeforeAndAfterCompactingUpdatesDeletesAndInsertsInTheTail() {
        reopen(256L << 20);
        Random random = new Random(29);
        List<ChromaRecord> records = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            records.add(record(
                    "r" + i,
                    new Model(document(random), splade(random), embedding(random), random.nextBoolean() ? "a" : "b")));
        }
        collection.add(records);
        collection.compact();
        List<Search> searches = mixedSearches(random);
        run(collection, searches); // warms the cache with the compacted version
        List<ChromaRecord> changes = new ArrayList<>();
        for (int i = 0; i < 300; i += 4) {
            changes.add(record("r" + i, new Model(document(random), splade(random), embedding(random), "a")));
        }
        for (int i = 300; i < 360; i++) {
            changes.add(record(
                    "r" + i,
                    new Model(document(random), splade(random), embedding(random), random.nextBoolean() ? "a" : "b")));
        }
        collection.upsert(changes);
        List<String> deleted = new ArrayList<>();
        for (int i = 1; i < 300; i += 7) {
            deleted.add("r" + i);
        }
        collection.delete(deleted);
        assertTrue(collection.stats().walRecords() > 0, "the changes are in the log tail");
        List<List<Hit>> fromTail = run(collection, searches);
        collection.compact();
        assertEquals(0, collection.stats().walRecords());
        assertEquals(fromTail, run(collection, searches), "compacted, warm cache");
        reopen(256L << 20);
        assertEquals(fromTail, run(collection, searches), "compacted, cold cache");
    }

    @Test
    void theDefaultSelectionReturnsTheIdsAndScoresOfAFullSelection() {
        Random random = new Random(31);
        List<ChromaRecord> records = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            records.add(record("r" + i, new Model(document(random), splade(random), embedding(random), "a")));
        }
        collection.add(records.subList(0, 60));
        collection.compact();
        collection.add(records.subList(60, 80));
        for (Rank rank : List.of(
                Rank.knn("bm25", "vector search ranking").limit(30),
                Rank.knn(new float[] {0.1f, 0.2f, 0.3f}).limit(30),
                Rank.rrf(
                        60,
                        Rank.knn("bm25", "sparse index").limit(30),
                        Rank.knn(new float[] {0, 0, 1}).limit(30)))) {
            List<Hit> idsOnly = collection
                    .search(Search.builder().rank(rank).limit(40).build())
                    .hits();
            List<Hit> full = collection
                    .search(Search.builder()
                            .rank(rank)
                            .limit(40)
                            .select(Field.SCORE, Field.DOCUMENT, Field.EMBEDDING, Field.METADATA, Field.URI)
                            .build())
                    .hits();
            assertEquals(full.size(), idsOnly.size());
            assertTrue(idsOnly.size() > 0);
            for (int i = 0; i < full.size(); i++) {
                Hit h = idsOnly.get(i);
                assertEquals(new Hit(full.get(i).id(), full.get(i).score(), null, null, null, null), h, rank + " " + i);
                assertTrue(full.get(i).document() != null && full.get(i).embedding() != null);
            }
        }
    }

    @Test
    void invalidSearchesAreRejectedWithMessagesNamingThePart() {
        collection.add(List.of(
                ChromaRecord.builder("a").embedding(new float[] {1, 2, 3}).build()));
        InvalidArgumentException unknown = assertThrows(
                InvalidArgumentException.class,
                () -> collection.search(
                        Search.builder().rank(Rank.knn("nope", "text")).build()));
        assertTrue(unknown.getMessage().contains("'nope' is not declared"), unknown.getMessage());
        InvalidArgumentException text = assertThrows(
                InvalidArgumentException.class,
                () -> collection.search(
                        Search.builder().rank(Rank.knn("splade", "text")).build()));
        assertTrue(text.getMessage().contains("needs a BM25 sparse key"), text.getMessage());
        InvalidArgumentException dimension = assertThrows(
                InvalidArgumentException.class,
                () -> collection.search(Search.builder()
                        .rank(Rank.rrf(60, Rank.knn(new float[] {1, 2})))
                        .build()));
        assertTrue(dimension.getMessage().contains("dimension of 3, got 2"), dimension.getMessage());
        assertThrows(InvalidArgumentException.class, () -> collection.search(null));
        assertThrows(InvalidArgumentException.class, () -> Search.builder().limit(0));
        assertThrows(
                InvalidArgumentException.class, () -> Rank.knn("bm25", "text").limit(0));
    }
}
