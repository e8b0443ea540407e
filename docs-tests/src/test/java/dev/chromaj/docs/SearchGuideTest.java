package dev.chromaj.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.CollectionOptions;
import dev.chromaj.EmbeddingFunction;
import dev.chromaj.Field;
import dev.chromaj.GetRequest;
import dev.chromaj.GetResult;
import dev.chromaj.Hit;
import dev.chromaj.Include;
import dev.chromaj.InvalidArgumentException;
import dev.chromaj.QueryRequest;
import dev.chromaj.QueryResult;
import dev.chromaj.Rank;
import dev.chromaj.Search;
import dev.chromaj.SearchResult;
import dev.chromaj.Space;
import dev.chromaj.SparseIndex;
import dev.chromaj.SparseVector;
import dev.chromaj.Where;
import dev.chromaj.WhereDocument;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The code of docs/search.md, run: each region is a snippet of the page. */
class SearchGuideTest {

    @TempDir
    Path folder;

    @Test
    void denseQueryByVector() {
        try (ChromaClient client = ChromaClient.persistent(folder)) {
            // region dense
            ChromaCollection points = client.createCollection(
                    "points",
                    CollectionOptions.builder()
                            .space(Space.COSINE)
                            .embeddingFunction(EmbeddingFunction.none()) // this collection brings its own vectors
                            .build());
            points.add(List.of(
                    ChromaRecord.builder("a")
                            .embedding(new float[] {1f, 0f, 0f})
                            .build(),
                    ChromaRecord.builder("b")
                            .embedding(new float[] {0.9f, 0.1f, 0f})
                            .build(),
                    ChromaRecord.builder("c")
                            .embedding(new float[] {0f, 0f, 1f})
                            .build()));
            QueryResult nearest = points.query(QueryRequest.builder()
                    .queryEmbedding(new float[] {1f, 0.05f, 0f})
                    .nResults(2)
                    .include(Include.DISTANCES)
                    .build());
            List<String> ids = nearest.ids().get(0); // [a, b]: one list per query embedding
            // endregion
            assertEquals(List.of("a", "b"), ids);
            assertEquals(2, nearest.distances().get(0).size());
        }
    }

    @Test
    void queryByTextWithTheDefaultFunction() {
        try (ChromaClient client = ChromaClient.persistent(folder)) {
            // region queryTexts
            ChromaCollection docs = client.getOrCreateCollection("docs"); // Chroma's default function
            docs.add(List.of(
                    ChromaRecord.builder("d1")
                            .document("The Eiffel Tower is in Paris")
                            .metadata(Map.of("year", 2021))
                            .build(),
                    ChromaRecord.builder("d2")
                            .document("Whales sing to each other")
                            .metadata(Map.of("year", 2024))
                            .build()));
            QueryResult r = docs.query(QueryRequest.builder()
                    .queryTexts("ocean animals", "landmarks in France") // embedded with the same function
                    .nResults(1)
                    .build());
            // r.ids() is [[d2], [d1]]
            // endregion
            assertEquals(List.of(List.of("d2"), List.of("d1")), r.ids());
        }
    }

    @Test
    void filters() {
        try (ChromaClient client = ChromaClient.persistent(folder)) {
            ChromaCollection docs = client.getOrCreateCollection("docs");
            docs.add(List.of(
                    ChromaRecord.builder("d1")
                            .document("The Eiffel Tower is in Paris")
                            .metadata(Map.of("year", 2021, "lang", "en"))
                            .build(),
                    ChromaRecord.builder("d2")
                            .document("Whales sing to each other")
                            .metadata(Map.of("year", 2024, "lang", "en"))
                            .build(),
                    ChromaRecord.builder("d3")
                            .document("La tour Eiffel est à Paris")
                            .metadata(Map.of("year", 2024, "lang", "fr"))
                            .build()));
            // region filters
            Where recentEnglish = Where.and(Where.eq("lang", "en"), Where.gte("year", 2022));
            Where sameFromJson = Where.parse("{\"$and\": [{\"lang\": \"en\"}, {\"year\": {\"$gte\": 2022}}]}");
            WhereDocument mentionsParis = WhereDocument.contains("Paris");
            WhereDocument regex = WhereDocument.regex("(?i)whales? sing");

            GetResult english2022 =
                    docs.get(GetRequest.builder().where(recentEnglish).build()); // [d2]
            GetResult paris = docs.get(GetRequest.builder()
                    .whereDocument(mentionsParis)
                    .include(Include.DOCUMENTS)
                    .build()); // [d1, d3]
            QueryResult nearestParisDoc = docs.query(QueryRequest.builder()
                    .queryTexts("a tower")
                    .nResults(1)
                    .where(Where.in("lang", List.of("en", "fr")))
                    .whereDocument(mentionsParis)
                    .build());
            // endregion
            assertEquals(
                    List.of("d2"),
                    docs.get(GetRequest.builder().where(sameFromJson).build()).ids());
            assertEquals(List.of("d2"), english2022.ids());
            assertEquals(List.of("d1", "d3"), paris.ids());
            assertEquals(
                    List.of("d2"),
                    docs.get(GetRequest.builder().whereDocument(regex).build()).ids());
            assertEquals(1, nearestParisDoc.ids().get(0).size());
            assertTrue(List.of("d1", "d3").contains(nearestParisDoc.ids().get(0).get(0)));
        }
    }

    @Test
    void bm25AndHybrid() {
        try (ChromaClient client = ChromaClient.persistent(folder)) {
            // region bm25
            ChromaCollection papers = client.createCollection(
                    "papers",
                    CollectionOptions.builder()
                            .sparseIndex("bm25", SparseIndex.bm25()) // k1 = 1.2, b = 0.75, like Chroma
                            .build());
            papers.add(List.of(
                    ChromaRecord.builder("p1")
                            .document("HNSW graphs index dense vectors")
                            .build(),
                    ChromaRecord.builder("p2")
                            .document("BM25 ranks documents by keyword statistics")
                            .build(),
                    ChromaRecord.builder("p3")
                            .document("Whales are marine mammals")
                            .build()));
            SearchResult keyword = papers.search(Search.builder()
                    .rank(Rank.knn("bm25", "keyword ranking with BM25")) // BM25 on the key "bm25"
                    .limit(2)
                    .select(Field.DOCUMENT, Field.SCORE)
                    .build());
            // endregion
            assertEquals("p2", keyword.hits().get(0).id());
            assertEquals(1, keyword.size());

            // region hybrid
            String question = "how are vectors indexed";
            SearchResult hybrid = papers.search(Search.builder()
                    .rank(Rank.rrf(
                            60, // k of reciprocal rank fusion: score = sum(w_i / (k + rank_i))
                            new double[] {0.7, 0.3}, // weights of the dense and the BM25 ranking
                            Rank.knn(question).limit(100), // dense, the text embedded by the collection's function
                            Rank.knn("bm25", question).limit(100))) // BM25
                    .limit(3)
                    .select(Field.ID, Field.DOCUMENT, Field.SCORE, Field.METADATA)
                    .build());
            for (Hit hit : hybrid.hits()) {
                System.out.printf(Locale.ROOT, "%s %.4f %s%n", hit.id(), hit.score(), hit.document());
            }
            // endregion
            assertEquals("p1", hybrid.hits().get(0).id());
        }
    }

    @Test
    void sparseVectorsYouComputeYourself() {
        try (ChromaClient client = ChromaClient.persistent(folder)) {
            // region sparse
            ChromaCollection splade = client.createCollection(
                    "splade",
                    CollectionOptions.builder()
                            .embeddingFunction(EmbeddingFunction.none())
                            .sparseIndex("splade", SparseIndex.provided()) // vectors given with each record
                            .build());
            splade.add(List.of(
                    ChromaRecord.builder("s1")
                            .document("first")
                            .sparse("splade", SparseVector.of(new int[] {3, 17, 42}, new float[] {0.5f, 1.2f, 0.1f}))
                            .build(),
                    ChromaRecord.builder("s2")
                            .document("second")
                            .sparse("splade", SparseVector.of(new int[] {17, 99}, new float[] {0.3f, 2.0f}))
                            .build()));
            SearchResult hits = splade.search(Search.builder()
                    .rank(Rank.knn("splade", SparseVector.of(new int[] {17}, new float[] {1f}))) // dot product
                    .limit(10)
                    .build());
            // endregion
            assertEquals(List.of("s1", "s2"), hits.hits().stream().map(Hit::id).toList());
        }
    }

    @Test
    void noneCollectionsRejectDenseQueries() {
        try (ChromaClient client = ChromaClient.persistent(folder)) {
            // region none
            ChromaCollection textOnly = client.createCollection(
                    "text-only",
                    CollectionOptions.builder()
                            .embeddingFunction(EmbeddingFunction.none()) // documents are stored, never embedded
                            .sparseIndex("bm25", SparseIndex.bm25())
                            .build());
            textOnly.add(
                    List.of(ChromaRecord.builder("t1").document("plain text").build()));
            // textOnly.query(...queryTexts(...)) throws InvalidArgumentException: no function to embed with
            // endregion
            assertThrows(
                    InvalidArgumentException.class,
                    () -> textOnly.query(
                            QueryRequest.builder().queryTexts("text").build()));
            assertEquals(
                    "t1",
                    textOnly.search(Search.builder()
                                    .rank(Rank.knn("bm25", "text"))
                                    .build())
                            .hits()
                            .get(0)
                            .id());
        }
    }

    // region customFunction
    /** A toy function: counts of the letters a to z, normalized. Use a real model in practice. */
    static final class LetterCounts implements EmbeddingFunction {
        @Override
        public String name() {
            return "letter_counts"; // stored with the collection
        }

        @Override
        public List<float[]> embedDocuments(List<String> documents) {
            List<float[]> vectors = new ArrayList<>(documents.size());
            for (String d : documents) {
                float[] v = new float[26];
                for (char c : d.toLowerCase(Locale.ROOT).toCharArray()) {
                    if (c >= 'a' && c <= 'z') {
                        v[c - 'a']++;
                    }
                }
                vectors.add(v);
            }
            return vectors;
        }
    }
    // endregion

    @Test
    void customFunction() {
        try (ChromaClient client = ChromaClient.persistent(folder)) {
            // region useCustomFunction
            ChromaCollection letters = client.createCollection(
                    "letters",
                    CollectionOptions.builder()
                            .embeddingFunction(new LetterCounts())
                            .space(Space.COSINE)
                            .build());
            letters.add(List.of(
                    ChromaRecord.builder("x").document("xxxx yyy").build(),
                    ChromaRecord.builder("a").document("aaaa bbb").build()));
            QueryResult r = letters.query(
                    QueryRequest.builder().queryTexts("ab").nResults(1).build()); // [[a]]
            // endregion
            assertEquals(List.of(List.of("a")), r.ids());
            assertEquals("letter_counts", letters.options().embeddingFunction().name());
        }
    }
}
