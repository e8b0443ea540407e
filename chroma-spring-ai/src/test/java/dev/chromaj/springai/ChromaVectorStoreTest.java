package dev.chromaj.springai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.CollectionOptions;
import dev.chromaj.InvalidArgumentException;
import dev.chromaj.Space;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.document.Document;
import org.springframework.ai.vectorstore.SearchRequest;

/** Behaviour of {@link ChromaVectorStore} beyond the oracle comparison: writes, rejections and set-up. */
class ChromaVectorStoreTest {
    @TempDir
    Path dir;

    private final WordHashEmbeddingModel model = new WordHashEmbeddingModel();

    @Test
    void addStoresTextMetadataAndTheModelsEmbedding() {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaVectorStore store = ChromaVectorStore.builder(client, model).build();
            store.add(List.of(new Document("a", "spring vector store", Map.of("year", 2025, "tags", List.of("x")))));
            ChromaCollection c = store.collection();
            assertEquals(ChromaVectorStore.DEFAULT_COLLECTION_NAME, c.name());
            var got = c.get(List.of("a"));
            assertEquals(List.of("spring vector store"), got.documents());
            assertEquals(2025L, ((Number) got.metadatas().get(0).get("year")).longValue());
            assertEquals(List.of("x"), got.metadatas().get(0).get("tags"));
            var withEmbedding = c.get(dev.chromaj.GetRequest.builder()
                    .ids(List.of("a"))
                    .include(dev.chromaj.Include.EMBEDDINGS)
                    .build());
            float[] expected = WordHashEmbeddingModel.embedText("spring vector store", false);
            float[] stored = withEmbedding.embeddings().get(0);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], stored[i], 1e-6f);
            }
        }
    }

    @Test
    void addingAnIdAgainReplacesTheDocument() {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaVectorStore store = ChromaVectorStore.builder(client, model).build();
            store.add(List.of(new Document("a", "old text", Map.of())));
            store.add(List.of(new Document("a", "new text", Map.of("v", 2))));
            assertEquals(1, store.collection().count());
            List<Document> hits = store.similaritySearch(
                    SearchRequest.builder().query("new text").topK(5).build());
            assertEquals("new text", hits.get(0).getText());
            assertEquals(1.0, hits.get(0).getScore(), 1e-5);
            assertEquals(0.0, ((Number) hits.get(0).getMetadata().get("distance")).doubleValue(), 1e-5);
        }
    }

    @Test
    void metadataChromaCannotHoldIsRejectedAndNothingIsWritten() {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaVectorStore store = ChromaVectorStore.builder(client, model).build();
            List<Document> docs = List.of(
                    new Document("ok", "fine", Map.of("k", 1)),
                    new Document("bad", "nested", Map.of("nested", Map.of("a", 1))));
            assertThrows(dev.chromaj.ChromaException.class, () -> store.add(docs));
            assertEquals(0, store.collection().count());
        }
    }

    @Test
    void aRejectedFilterDeletesNothing() {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaVectorStore store = ChromaVectorStore.builder(client, model).build();
            store.add(List.of(new Document("a", "text", Map.of("k", "v"))));
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> store.delete("k IS NULL"));
            assertTrue(e.getMessage().contains("ISNULL"), e.getMessage());
            assertThrows(
                    InvalidArgumentException.class,
                    () -> store.similaritySearch(SearchRequest.builder()
                            .query("text")
                            .filterExpression("k > 'a'")
                            .build()));
            assertEquals(1, store.collection().count());
        }
    }

    @Test
    void topKZeroAndThresholdOneAnswerWhatSpringAiAsks() {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaVectorStore store = ChromaVectorStore.builder(client, model).build();
            store.add(List.of(new Document("a", "alpha beta", Map.of()), new Document("b", "gamma", Map.of())));
            assertEquals(
                    List.of(),
                    store.similaritySearch(
                            SearchRequest.builder().query("alpha").topK(0).build()));
            List<Document> exact = store.similaritySearch(SearchRequest.builder()
                    .query("alpha beta")
                    .topK(5)
                    .similarityThreshold(0.99999)
                    .build());
            assertEquals(List.of("a"), exact.stream().map(Document::getId).toList());
        }
    }

    @Test
    void aCollectionWithAnotherSpaceIsRejected() {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection l2 = client.createCollection(
                    "euclid", CollectionOptions.builder().space(Space.L2).build());
            InvalidArgumentException e = assertThrows(
                    InvalidArgumentException.class,
                    () -> ChromaVectorStore.builder(l2, model).build());
            assertTrue(e.getMessage().contains("l2") && e.getMessage().contains("cosine"), e.getMessage());
            ChromaCollection cosine = client.createCollection(
                    "cosine-docs",
                    CollectionOptions.builder().space(Space.COSINE).build());
            ChromaVectorStore store = ChromaVectorStore.builder(cosine, model).build();
            assertSame(cosine, store.getNativeClient().orElseThrow());
        }
    }
}
