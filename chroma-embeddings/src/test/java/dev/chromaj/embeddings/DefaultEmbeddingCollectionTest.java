package dev.chromaj.embeddings;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.CollectionOptions;
import dev.chromaj.EmbeddingFunction;
import dev.chromaj.GetRequest;
import dev.chromaj.GetResult;
import dev.chromaj.Include;
import dev.chromaj.InvalidArgumentException;
import dev.chromaj.QueryRequest;
import dev.chromaj.QueryResult;
import dev.chromaj.Rank;
import dev.chromaj.Search;
import dev.chromaj.SparseIndex;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text in, text out with the built-in model, as every Chroma tutorial does it: a collection created with default
 * options on a class path that holds this module embeds documents and query texts with all-MiniLM-L6-v2, records
 * that it does, and finds the function again when reopened.
 */
class DefaultEmbeddingCollectionTest {

    private static final List<String> DOCUMENTS = List.of(
            "This is a document about pineapple",
            "This is a document about oranges",
            "The Eiffel Tower is in Paris",
            "Whales are mammals that live in the ocean");

    @TempDir
    Path dir;

    private static float[] minilm(String text) {
        return MiniLmEmbeddingFunction.shared().embedDocuments(List.of(text)).get(0);
    }

    private static float[] stored(ChromaCollection c, String id) {
        GetResult r = c.get(GetRequest.builder()
                .ids(List.of(id))
                .include(Include.EMBEDDINGS)
                .build());
        return r.embeddings().get(0);
    }

    private static String top(ChromaCollection c, String text) {
        QueryResult r =
                c.query(QueryRequest.builder().queryTexts(text).nResults(1).build());
        return r.ids().get(0).get(0);
    }

    @Test
    void documentsInTextOutWithDefaultOptions() {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection c = client.createCollection("tutorial");
            assertEquals(
                    EmbeddingFunction.DEFAULT_NAME,
                    c.options().embeddingFunction().name(),
                    "the default function is recorded");
            for (int i = 0; i < DOCUMENTS.size(); i++) {
                c.add(List.of(ChromaRecord.builder("id" + i)
                        .document(DOCUMENTS.get(i))
                        .build()));
            }
            assertEquals(OptionalInt.of(MiniLmEmbeddingFunction.DIMENSION), c.dimension());
            assertArrayEquals(minilm(DOCUMENTS.get(2)), stored(c, "id2"), "Chroma's vectors, stored as computed");
            assertEquals("id0", top(c, "This is a query document about hawaii"));
            assertEquals("id2", top(c, "Which city has the famous tower?"));
            assertEquals("id3", top(c, "sea animals"));
            c.compact();
            assertEquals("id3", top(c, "sea animals"), "the same through the compacted version");
        }
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection c = client.getCollection("tutorial");
            assertEquals(
                    EmbeddingFunction.DEFAULT_NAME,
                    c.options().embeddingFunction().name());
            assertEquals("id1", top(c, "citrus fruit"), "reopened, the recorded function is found again");
            c.add(List.of(ChromaRecord.builder("id4")
                    .document("A recipe for banana bread")
                    .build()));
            assertArrayEquals(minilm("A recipe for banana bread"), stored(c, "id4"));
        }
    }

    /** The README's first example, with the distances it shows (those of Chroma's getting-started example). */
    @Test
    void theReadmeExamplePrintsChromasGettingStartedDistances() {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection docs = client.getOrCreateCollection("docs");
            docs.add(List.of(
                    ChromaRecord.builder("doc-1")
                            .document("This is a document about pineapple")
                            .build(),
                    ChromaRecord.builder("doc-2")
                            .document("This is a document about oranges")
                            .metadata(Map.of("year", 2024, "tags", List.of("a", "b")))
                            .build()));
            QueryResult r = docs.query(QueryRequest.builder()
                    .queryTexts("This is a query document about hawaii")
                    .nResults(2)
                    .build());
            assertEquals(List.of(List.of("doc-1", "doc-2")), r.ids());
            assertEquals(1.0404, r.distances().get(0).get(0), 5e-5);
            assertEquals(1.2431, r.distances().get(0).get(1), 5e-5);
        }
    }

    @Test
    void upsertAndDocumentUpdatesReEmbedAndGivenEmbeddingsStayAsGiven() {
        float[] own = new float[MiniLmEmbeddingFunction.DIMENSION];
        own[0] = 1;
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection c = client.createCollection("docs");
            c.add(List.of(
                    ChromaRecord.builder("a")
                            .document("pineapple")
                            .metadata(Map.of("n", 1))
                            .build(),
                    ChromaRecord.builder("own")
                            .embedding(own)
                            .document("kept as given")
                            .build()));
            assertArrayEquals(own, stored(c, "own"));
            c.update(List.of(ChromaRecord.builder("a").metadata(Map.of("n", 2)).build()));
            assertArrayEquals(minilm("pineapple"), stored(c, "a"), "a metadata update embeds nothing");
            c.update(List.of(ChromaRecord.builder("a").document("the ocean").build()));
            assertArrayEquals(minilm("the ocean"), stored(c, "a"));
            c.upsert(List.of(
                    ChromaRecord.builder("a").document("the Eiffel Tower").build(),
                    ChromaRecord.builder("b").document("oranges").build()));
            assertArrayEquals(minilm("the Eiffel Tower"), stored(c, "a"));
            assertArrayEquals(minilm("oranges"), stored(c, "b"));
            assertArrayEquals(own, stored(c, "own"));
        }
    }

    @Test
    void denseTextKnnAndHybridSearchInOneCollection() {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection c = client.createCollection(
                    "hybrid",
                    CollectionOptions.builder()
                            .sparseIndex("bm25", SparseIndex.bm25())
                            .build());
            for (int i = 0; i < DOCUMENTS.size(); i++) {
                c.add(List.of(ChromaRecord.builder("id" + i)
                        .document(DOCUMENTS.get(i))
                        .build()));
            }
            assertEquals(
                    "id3",
                    c.search(Search.builder()
                                    .rank(Rank.knn("marine animals"))
                                    .limit(1)
                                    .build())
                            .hits()
                            .get(0)
                            .id());
            assertEquals(
                    "id2",
                    c.search(Search.builder()
                                    .rank(Rank.rrf(60, Rank.knn("famous tower in France"), Rank.knn("bm25", "Paris")))
                                    .limit(1)
                                    .build())
                            .hits()
                            .get(0)
                            .id());
        }
    }

    @Test
    void anotherFunctionForADefaultCollectionConflicts() {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            client.createCollection("docs");
            EmbeddingFunction other = new EmbeddingFunction() {
                @Override
                public String name() {
                    return "openai";
                }

                @Override
                public List<float[]> embedDocuments(List<String> documents) {
                    throw new AssertionError("never called");
                }
            };
            InvalidArgumentException e =
                    assertThrows(InvalidArgumentException.class, () -> client.getCollection("docs", other));
            assertTrue(e.getMessage().contains("new: openai vs persisted: default"), e.getMessage());
            // Chroma's other name for the same model is another function name: it conflicts too.
            assertThrows(
                    InvalidArgumentException.class,
                    () -> client.getOrCreateCollection(
                            "docs",
                            CollectionOptions.builder()
                                    .embeddingFunction(MiniLmEmbeddingFunction.shared(
                                            MiniLmEmbeddingFunction.ONNX_MINI_LM_L6_V2_NAME))
                                    .build()));
        }
    }
}
