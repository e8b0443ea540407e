package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Queries by text: {@code queryTexts} and a dense {@code Rank.knn(text)}, embedded with the collection's function. */
class TextQueryTest {
    private static final int DIMENSION = 32;

    @TempDir
    Path dir;

    private static ChromaCollection fruits(ChromaClient client, EmbeddingFunction f) {
        ChromaCollection c = client.createCollection(
                "fruits",
                CollectionOptions.builder()
                        .embeddingFunction(f)
                        .space(Space.COSINE)
                        .sparseIndex("bm25", SparseIndex.bm25())
                        .build());
        c.add(List.of(
                ChromaRecord.builder("apple")
                        .document("red apple sweet crunchy")
                        .build(),
                ChromaRecord.builder("lemon")
                        .document("yellow lemon sour juice")
                        .build(),
                ChromaRecord.builder("grape")
                        .document("purple grape small sweet")
                        .build()));
        return c;
    }

    @Test
    void queryTextsAreEmbeddedWithEmbedQueriesAndRankedLikeTheirVectors() {
        HashEmbeddingFunction f = new HashEmbeddingFunction(DIMENSION);
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection c = fruits(client, f);
            for (int round = 0; round < 2; round++) {
                QueryResult byText = c.query(QueryRequest.builder()
                        .queryTexts("sour lemon", "crunchy red apple")
                        .nResults(2)
                        .build());
                assertEquals("lemon", byText.ids().get(0).get(0));
                assertEquals("apple", byText.ids().get(1).get(0));
                QueryResult byVector = c.query(QueryRequest.builder()
                        .queryEmbeddings(List.of(
                                HashEmbeddingFunction.vector("sour lemon", DIMENSION),
                                HashEmbeddingFunction.vector("crunchy red apple", DIMENSION)))
                        .nResults(2)
                        .build());
                assertEquals(byVector.ids(), byText.ids());
                assertEquals(byVector.distances(), byText.distances());
                c.compact(); // the same answers from the log tail and from the compacted version
            }
            assertEquals(2, f.queryCalls.get(), "one embedQueries call per query request");
        }
    }

    @Test
    void denseKnnByTextInSearchAndFusedWithBm25() {
        HashEmbeddingFunction f = new HashEmbeddingFunction(DIMENSION);
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection c = fruits(client, f);
            SearchResult dense = c.search(
                    Search.builder().rank(Rank.knn("purple grape")).limit(1).build());
            assertEquals("grape", dense.hits().get(0).id());
            SearchResult byVector = c.search(Search.builder()
                    .rank(Rank.knn(HashEmbeddingFunction.vector("purple grape", DIMENSION)))
                    .limit(3)
                    .build());
            SearchResult byText = c.search(Search.builder()
                    .rank(Rank.knn("purple grape").limit(16))
                    .limit(3)
                    .build());
            assertEquals(ids(byVector), ids(byText));
            int calls = f.queryCalls.get();
            SearchResult hybrid = c.search(Search.builder()
                    .rank(Rank.rrf(60, Rank.knn("sweet sour").limit(3), Rank.knn("bm25", "sour"), Rank.knn("sweet")))
                    .limit(3)
                    .build());
            assertEquals(calls + 1, f.queryCalls.get(), "every dense text of a search in one call");
            assertEquals("lemon", hybrid.hits().get(0).id(), "in both rankings' top: " + ids(hybrid));
        }
    }

    @Test
    void aNoneCollectionRejectsDenseQueriesByTextButServesBm25() {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection c = fruits(client, EmbeddingFunction.none());
            InvalidArgumentException q = assertThrows(
                    InvalidArgumentException.class,
                    () -> c.query(QueryRequest.builder().queryTexts("lemon").build()));
            assertTrue(q.getMessage().contains("EmbeddingFunction.none()"), q.getMessage());
            InvalidArgumentException s = assertThrows(
                    InvalidArgumentException.class,
                    () -> c.search(Search.builder().rank(Rank.knn("lemon")).build()));
            assertTrue(s.getMessage().contains("Rank.knn(key, text)"), s.getMessage());
            assertEquals(
                    "lemon",
                    c.search(Search.builder().rank(Rank.knn("bm25", "lemon")).build())
                            .hits()
                            .get(0)
                            .id());
        }
    }

    @Test
    void aNoneCollectionWithoutVectorsRejectsDenseQueriesByVectorInsteadOfReturningNothing() {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection c = fruits(client, EmbeddingFunction.none());
            float[] v = HashEmbeddingFunction.vector("lemon", DIMENSION);
            List<Runnable> denseQueries = List.of(
                    () -> c.query(QueryRequest.builder().queryEmbedding(v).build()),
                    () -> c.search(Search.builder().rank(Rank.knn(v)).build()),
                    () -> c.search(Search.builder()
                            .rank(Rank.rrf(60, Rank.knn(v), Rank.knn("bm25", "lemon")))
                            .build()));
            for (Runnable query : denseQueries) {
                InvalidArgumentException e = assertThrows(InvalidArgumentException.class, query::run);
                assertTrue(e.getMessage().contains("'fruits'"), e.getMessage());
                assertTrue(e.getMessage().contains("EmbeddingFunction.none()"), e.getMessage());
                assertTrue(e.getMessage().contains("holds no embeddings"), e.getMessage());
            }
            // Records that carry their own vectors make dense queries meaningful again.
            c.add(List.of(ChromaRecord.builder("own").embedding(v).build()));
            assertEquals(
                    List.of("own"),
                    c.query(QueryRequest.builder().queryEmbedding(v).nResults(1).build())
                            .ids()
                            .get(0));
            assertEquals(
                    "own",
                    c.search(Search.builder().rank(Rank.knn(v)).build())
                            .hits()
                            .get(0)
                            .id());
        }
    }

    @Test
    void aCollectionWithoutFunctionRejectsQueryTextsWithChromasMessage() {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection c = client.createCollection("plain");
            c.add(List.of(
                    ChromaRecord.builder("a").embedding(new float[] {1, 0}).build()));
            InvalidArgumentException e = assertThrows(
                    InvalidArgumentException.class,
                    () -> c.query(QueryRequest.builder().queryTexts("a").build()));
            assertTrue(e.getMessage().startsWith("You must provide an embedding function"), e.getMessage());
        }
    }

    @Test
    void aQueryVectorOfAnotherDimensionNamesTheFunctionAndTheQuery() {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            client.createCollection("plain")
                    .add(List.of(ChromaRecord.builder("a")
                            .embedding(new float[] {1, 0, 0})
                            .build()));
            ChromaCollection c = client.getCollection("plain", new HashEmbeddingFunction(DIMENSION));
            ChromaException e = assertThrows(
                    ChromaException.class,
                    () -> c.query(QueryRequest.builder().queryTexts("x", "y").build()));
            assertTrue(e.getMessage().contains("'test-hash'"), e.getMessage());
            assertTrue(e.getMessage().contains("query text 0"), e.getMessage());
            assertTrue(e.getMessage().contains("dimension " + DIMENSION), e.getMessage());
            assertFalse(e instanceof InvalidArgumentException, "the input was valid; the function does not fit");
        }
    }

    @Test
    void aRequestHasEmbeddingsOrTextsNotBoth() {
        assertThrows(
                InvalidArgumentException.class,
                () -> QueryRequest.builder()
                        .queryTexts("a")
                        .queryEmbedding(new float[] {1})
                        .build());
        assertThrows(
                InvalidArgumentException.class, () -> QueryRequest.builder().build());
        assertThrows(
                InvalidArgumentException.class, () -> QueryRequest.builder().queryTexts(List.of()));
        assertThrows(
                InvalidArgumentException.class, () -> QueryRequest.builder().queryTexts("a", null));
        assertThrows(
                InvalidArgumentException.class, () -> QueryRequest.builder().queryTexts((String[]) null));
        assertThrows(InvalidArgumentException.class, () -> Rank.knn((String) null));
        assertThrows(InvalidArgumentException.class, () -> Rank.knn(""));
        QueryRequest r = QueryRequest.builder().queryTexts("a", "b").nResults(3).build();
        assertEquals(List.of("a", "b"), r.queryTexts());
        assertTrue(r.queryEmbeddings().isEmpty());
        assertEquals(r, r.toBuilder().build());
        assertEquals(r.hashCode(), r.toBuilder().build().hashCode());
    }

    private static List<String> ids(SearchResult r) {
        List<String> out = new ArrayList<>();
        for (Hit h : r.hits()) {
            out.add(h.id());
        }
        return out;
    }
}
