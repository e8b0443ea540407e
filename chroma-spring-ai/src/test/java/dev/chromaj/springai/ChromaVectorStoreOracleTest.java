package dev.chromaj.springai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.ChromaClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.ai.document.Document;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.SimpleVectorStore;
import org.springframework.ai.vectorstore.VectorStore;
import org.springframework.ai.vectorstore.filter.Filter;
import org.springframework.ai.vectorstore.filter.FilterExpressionBuilder;
import org.springframework.ai.vectorstore.filter.FilterExpressionTextParser;

/**
 * Runs the same documents and searches against {@link ChromaVectorStore} and against Spring AI's own
 * {@link SimpleVectorStore} (the oracle) and requires the same ids in the same order with scores within 1e-5, for
 * every operator of Spring AI's filter language that a chromaj {@code Where} expresses, built both with
 * {@link FilterExpressionBuilder} and parsed from text. Each search runs on two collections holding the same
 * documents: one left on the write-ahead log tail and one compacted (HNSW index and metadata segments).
 *
 * <p>Every document has the keys compared with ordering operators ({@code year}, {@code rating}): on a missing
 * key the two stores differ by design (see {@link #lessThanDoesNotMatchDocumentsWithoutTheKey}). The key
 * {@code genre} is missing from about a third of the documents, to check {@code NE}, {@code NIN} and negations on
 * missing keys, where both follow the same rule.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChromaVectorStoreOracleTest {
    private static final long SEED = 20251205L;
    private static final double SCORE_TOLERANCE = 1e-5;
    private static final String[] WORDS = {
        "vector", "database", "spring", "search", "arrow", "blockfile", "query", "embedding", "chroma", "java",
        "index", "segment", "compaction", "bucket", "cache", "filter", "metadata", "score", "cosine", "neighbour"
    };
    private static final String[] COUNTRIES = {"BG", "NL", "DE", "FR"};
    private static final String[] GENRES = {"news", "blog", "paper"};
    private static final FilterExpressionBuilder B = new FilterExpressionBuilder();

    private ChromaClient client;
    /** Left on the write-ahead log tail (60 records stay below the compaction threshold). */
    private ChromaVectorStore chroma;
    /** The same documents, compacted into segments and an HNSW index. */
    private ChromaVectorStore compacted;

    private SimpleVectorStore oracle;
    private final List<String> queries = new ArrayList<>();

    @BeforeAll
    void load(@TempDir Path dir) {
        Random random = new Random(SEED);
        WordHashEmbeddingModel model = new WordHashEmbeddingModel();
        client = ChromaClient.persistent(dir.resolve("db"));
        chroma = ChromaVectorStore.builder(client, model).collectionName("tail").build();
        compacted = ChromaVectorStore.builder(client, model)
                .collectionName("compacted")
                .build();
        oracle = SimpleVectorStore.builder(model).build();
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            StringBuilder text = new StringBuilder();
            int words = 3 + random.nextInt(6);
            for (int w = 0; w < words; w++) {
                text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
            }
            Map<String, Object> metadata = new HashMap<>();
            metadata.put("year", 2000 + random.nextInt(25));
            metadata.put("rating", Math.round(random.nextDouble() * 50) / 10.0);
            metadata.put("country", COUNTRIES[random.nextInt(COUNTRIES.length)]);
            metadata.put("active", random.nextBoolean());
            if (random.nextInt(3) != 0) {
                metadata.put("genre", GENRES[random.nextInt(GENRES.length)]);
            }
            docs.add(Document.builder()
                    .id("doc-" + i)
                    .text(text.toString().trim())
                    .metadata(metadata)
                    .build());
        }
        chroma.add(docs);
        compacted.add(docs);
        compacted.collection().compact();
        oracle.add(docs);
        for (int q = 0; q < 4; q++) {
            queries.add(WORDS[random.nextInt(WORDS.length)] + " " + WORDS[random.nextInt(WORDS.length)]);
        }
    }

    @AfterAll
    void close() {
        client.close();
    }

    static Stream<Arguments> filters() {
        FilterExpressionTextParser parser = new FilterExpressionTextParser();
        return Stream.of(
                Arguments.of("EQ string", B.eq("country", "BG").build()),
                Arguments.of("EQ integer", B.eq("year", 2010).build()),
                Arguments.of("EQ double", B.eq("rating", 2.5).build()),
                Arguments.of("EQ boolean", B.eq("active", true).build()),
                Arguments.of(
                        "EQ on a key some documents lack", B.eq("genre", "blog").build()),
                Arguments.of("NE string", B.ne("country", "BG").build()),
                Arguments.of(
                        "NE on a key some documents lack", B.ne("genre", "news").build()),
                Arguments.of("NE boolean", B.ne("active", true).build()),
                Arguments.of("GT integer", B.gt("year", 2012).build()),
                Arguments.of("GT double", B.gt("rating", 2.5).build()),
                Arguments.of("GTE integer", B.gte("year", 2012).build()),
                Arguments.of("GTE double", B.gte("rating", 2.5).build()),
                Arguments.of("LT integer", B.lt("year", 2012).build()),
                Arguments.of("LT double", B.lt("rating", 2.5).build()),
                Arguments.of("LTE integer", B.lte("year", 2012).build()),
                Arguments.of("LTE double", B.lte("rating", 2.5).build()),
                Arguments.of("IN strings", B.in("country", "BG", "NL").build()),
                Arguments.of("IN integers", B.in("year", 2005, 2010, 2015, 2020).build()),
                Arguments.of(
                        "IN on a key some documents lack",
                        B.in("genre", "news", "paper").build()),
                Arguments.of("NIN strings", B.nin("country", "BG", "NL").build()),
                Arguments.of(
                        "NIN on a key some documents lack",
                        B.nin("genre", "news", "paper").build()),
                Arguments.of(
                        "AND", B.and(B.gte("year", 2008), B.eq("active", true)).build()),
                Arguments.of(
                        "AND of three",
                        B.and(B.and(B.gte("year", 2005), B.lt("rating", 4.0)), B.ne("country", "DE"))
                                .build()),
                Arguments.of(
                        "OR", B.or(B.eq("country", "FR"), B.gt("rating", 4.0)).build()),
                Arguments.of(
                        "AND of ORs (groups)",
                        B.and(
                                        B.group(B.or(B.eq("country", "BG"), B.eq("country", "DE"))),
                                        B.group(B.or(B.lt("year", 2006), B.gte("year", 2018))))
                                .build()),
                Arguments.of("NOT EQ", B.not(B.eq("country", "BG")).build()),
                Arguments.of(
                        "NOT EQ on a key some documents lack",
                        B.not(B.eq("genre", "blog")).build()),
                Arguments.of("NOT NE", B.not(B.ne("genre", "blog")).build()),
                Arguments.of("NOT GT", B.not(B.gt("year", 2012)).build()),
                Arguments.of("NOT GTE", B.not(B.gte("rating", 2.5)).build()),
                Arguments.of("NOT LT", B.not(B.lt("year", 2012)).build()),
                Arguments.of("NOT LTE", B.not(B.lte("rating", 2.5)).build()),
                Arguments.of("NOT IN", B.not(B.in("country", "BG", "NL")).build()),
                Arguments.of("NOT NIN", B.not(B.nin("genre", "news", "paper")).build()),
                Arguments.of(
                        "NOT AND",
                        B.not(B.and(B.gte("year", 2010), B.eq("active", true))).build()),
                Arguments.of(
                        "NOT OR",
                        B.not(B.or(B.eq("country", "FR"), B.gt("rating", 4.0))).build()),
                Arguments.of("text: comparison and AND", parser.parse("year >= 2010 && country == 'BG'")),
                Arguments.of(
                        "text: OR, IN and NOT IN",
                        parser.parse("rating > 3.5 || (country IN ['NL', 'DE'] && genre NOT IN ['blog'])")),
                Arguments.of("text: NOT of a group", parser.parse("NOT (year < 2015 && active == true)")),
                Arguments.of(
                        "text: LTE, NE on booleans and doubles",
                        parser.parse("rating <= 2.0 && active != false && year != 2003")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("filters")
    void sameHitsAsSimpleVectorStore(String name, Filter.Expression filter) {
        for (String query : queries) {
            for (int topK : new int[] {3, 10, 100}) {
                for (double threshold : new double[] {0.0, 0.3}) {
                    SearchRequest request = SearchRequest.builder()
                            .query(query)
                            .topK(topK)
                            .similarityThreshold(threshold)
                            .filterExpression(filter)
                            .build();
                    assertSameHits(name + " / " + request, request, chroma);
                    assertSameHits(name + " (compacted) / " + request, request, compacted);
                }
            }
        }
    }

    @Test
    void sameHitsWithoutFilter() {
        for (String query : queries) {
            SearchRequest request = SearchRequest.builder()
                    .query(query)
                    .topK(100)
                    .similarityThresholdAll()
                    .build();
            List<Document> expected = assertSameHits("no filter / " + query, request, chroma);
            assertSameHits("no filter (compacted) / " + query, request, compacted);
            assertTrue(expected.size() > 20, "the unfiltered searches must return many documents: " + expected.size());
        }
    }

    private List<Document> assertSameHits(String what, SearchRequest request, VectorStore store) {
        List<Document> expected = oracle.similaritySearch(request);
        List<Document> actual = store.similaritySearch(request);
        String context = what + " (seed " + SEED + ")";
        assertEquals(ids(expected), ids(actual), context);
        for (int i = 0; i < expected.size(); i++) {
            Document e = expected.get(i);
            Document a = actual.get(i);
            assertEquals(e.getScore(), a.getScore(), SCORE_TOLERANCE, context + " score of " + e.getId());
            assertEquals(
                    ((Number) e.getMetadata().get("distance")).doubleValue(),
                    ((Number) a.getMetadata().get("distance")).doubleValue(),
                    SCORE_TOLERANCE,
                    context + " distance of " + e.getId());
            assertEquals(e.getText(), a.getText(), context);
            assertEquals(e.getMetadata().get("country"), a.getMetadata().get("country"), context);
            assertEquals(e.getMetadata().get("genre"), a.getMetadata().get("genre"), context);
        }
        return expected;
    }

    static List<String> ids(List<Document> docs) {
        return docs.stream().map(Document::getId).toList();
    }

    /**
     * Double negation is the identity. Spring AI 1.1.2's own negation (FilterHelper.negate, used by
     * SimpleVectorStore's converter) turns {@code NOT(NOT(a))} into {@code NOT(a)}, so the oracle is asked the
     * plain expression instead.
     */
    @Test
    void doubleNegationIsTheIdentity() {
        Filter.Expression plain = B.eq("country", "NL").build();
        Filter.Expression twice = B.not(B.not(B.eq("country", "NL"))).build();
        for (String query : queries) {
            SearchRequest request = SearchRequest.builder()
                    .query(query)
                    .topK(100)
                    .similarityThresholdAll()
                    .filterExpression(twice)
                    .build();
            List<Document> expected = oracle.similaritySearch(
                    SearchRequest.from(request).filterExpression(plain).build());
            assertFalse(expected.isEmpty(), "the filter selects documents");
            assertEquals(ids(expected), ids(chroma.similaritySearch(request)), "NOT NOT / " + query);
            assertEquals(ids(expected), ids(compacted.similaritySearch(request)), "NOT NOT compacted / " + query);
        }
    }

    /**
     * A documented difference: SimpleVectorStore evaluates filters as SpEL, where a missing value is less than
     * every number, so {@code rank < 5} matches documents without {@code rank}. chromaj keeps Chroma's rule (and
     * that of SQL stores such as pgvector): an ordering comparison never matches a missing key.
     */
    @Test
    void lessThanDoesNotMatchDocumentsWithoutTheKey(@TempDir Path other) {
        WordHashEmbeddingModel model = new WordHashEmbeddingModel();
        try (ChromaClient c = ChromaClient.persistent(other)) {
            VectorStore store = ChromaVectorStore.builder(c, model).build();
            VectorStore simple = SimpleVectorStore.builder(model).build();
            List<Document> docs = List.of(
                    Document.builder()
                            .id("ranked")
                            .text("vector search")
                            .metadata(Map.of("rank", 1))
                            .build(),
                    Document.builder().id("unranked").text("vector query").build());
            store.add(docs);
            simple.add(docs);
            SearchRequest request = SearchRequest.builder()
                    .query("vector")
                    .topK(10)
                    .filterExpression("rank < 5")
                    .build();
            assertEquals(List.of("ranked"), ids(store.similaritySearch(request)));
            assertEquals(2, simple.similaritySearch(request).size(), "SpEL orders null below every number");
        }
    }

    /**
     * SimpleVectorStore cannot delete by filter, so the oracle deletes the ids its own filtered search finds; the
     * two stores must then hold the same documents.
     */
    @Test
    void deleteByFilterRemovesWhatTheFilterSelects(@TempDir Path other) {
        // no negative similarities: the oracle's search at threshold 0 then returns every selected document
        WordHashEmbeddingModel model = WordHashEmbeddingModel.positive();
        try (ChromaClient c = ChromaClient.persistent(other)) {
            ChromaVectorStore store = ChromaVectorStore.builder(c, model).build();
            SimpleVectorStore simple = SimpleVectorStore.builder(model).build();
            List<Document> docs = new ArrayList<>();
            Random random = new Random(SEED + 1);
            for (int i = 0; i < 30; i++) {
                docs.add(Document.builder()
                        .id("d" + i)
                        .text(WORDS[random.nextInt(WORDS.length)] + " " + WORDS[random.nextInt(WORDS.length)])
                        .metadata(Map.of("year", 2000 + i, "country", COUNTRIES[i % COUNTRIES.length]))
                        .build());
            }
            store.add(docs);
            simple.add(docs);
            String filter = "year >= 2020 || (country == 'BG' && year < 2010)";
            SearchRequest all = SearchRequest.builder()
                    .query("vector")
                    .topK(100)
                    .similarityThresholdAll()
                    .build();
            List<String> doomed = ids(simple.similaritySearch(
                    SearchRequest.from(all).filterExpression(filter).build()));
            assertTrue(doomed.size() >= 10 && doomed.size() < 30, "filter selects " + doomed);
            simple.delete(doomed);
            store.delete(filter);
            assertEquals(30 - doomed.size(), store.collection().count());
            assertEquals(ids(simple.similaritySearch(all)), ids(store.similaritySearch(all)));
            store.delete(List.of("d10", "d11"));
            simple.delete(List.of("d10", "d11"));
            assertEquals(ids(simple.similaritySearch(all)), ids(store.similaritySearch(all)));
        }
    }
}
