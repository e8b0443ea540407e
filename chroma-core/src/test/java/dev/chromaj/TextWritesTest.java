package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes of documents without embeddings: embedded with the collection's function, stored without embeddings in an
 * {@link EmbeddingFunction#none()} collection, rejected with Chroma's message in a collection without a function
 * (this module's test class path has no provider named {@code default}).
 */
class TextWritesTest {
    private static final int DIMENSION = 16;

    @TempDir
    Path dir;

    private static CollectionOptions withFunction(EmbeddingFunction f) {
        return CollectionOptions.builder().embeddingFunction(f).build();
    }

    private static float[] embedding(ChromaCollection c, String id) {
        GetResult r = c.get(GetRequest.builder()
                .ids(List.of(id))
                .include(Include.EMBEDDINGS)
                .build());
        return r.embeddings().get(0);
    }

    @Test
    void documentsWithoutEmbeddingsAreEmbeddedOnAddAndUpsert() {
        HashEmbeddingFunction f = new HashEmbeddingFunction(DIMENSION);
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection c = client.createCollection("docs", withFunction(f));
            c.add(List.of(
                    ChromaRecord.builder("a").document("red apples").build(),
                    ChromaRecord.builder("b").document("green pears").build()));
            c.upsert(
                    List.of(ChromaRecord.builder("c").document("yellow bananas").build()));
            assertEquals(OptionalInt.of(DIMENSION), c.dimension());
            assertArrayEquals(HashEmbeddingFunction.vector("red apples", DIMENSION), embedding(c, "a"));
            assertArrayEquals(HashEmbeddingFunction.vector("yellow bananas", DIMENSION), embedding(c, "c"));
            assertEquals(3, f.textsEmbedded.get());
            assertSame(f, c.options().embeddingFunction(), "this client embeds with the instance it was given");
            c.compact();
            assertArrayEquals(HashEmbeddingFunction.vector("green pears", DIMENSION), embedding(c, "b"));
        }
    }

    @Test
    void recordsThatCarryAnEmbeddingAreNeverEmbedded() {
        HashEmbeddingFunction f = new HashEmbeddingFunction(DIMENSION);
        float[] own = new float[DIMENSION];
        own[3] = 1;
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection c = client.createCollection("docs", withFunction(f));
            c.add(List.of(
                    ChromaRecord.builder("own")
                            .embedding(own)
                            .document("red apples")
                            .build(),
                    ChromaRecord.builder("text").document("green pears").build()));
            assertEquals(1, f.textsEmbedded.get(), "only the record without an embedding is embedded");
            assertArrayEquals(own, embedding(c, "own"));
            c.update(List.of(ChromaRecord.builder("own")
                    .embedding(own)
                    .document("changed, but with its embedding")
                    .build()));
            c.upsert(
                    List.of(ChromaRecord.builder("own").metadata(Map.of("k", 1)).build()));
            assertEquals(1, f.textsEmbedded.get(), "an embedding given, or no document: nothing to embed");
            assertArrayEquals(own, embedding(c, "own"));
        }
    }

    @Test
    void anUpdateThatChangesOnlyTheDocumentReEmbedsIt() {
        HashEmbeddingFunction f = new HashEmbeddingFunction(DIMENSION);
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection c = client.createCollection("docs", withFunction(f));
            c.add(List.of(ChromaRecord.builder("a")
                    .document("red apples")
                    .metadata(Map.of("n", 1))
                    .build()));
            c.update(List.of(ChromaRecord.builder("a").metadata(Map.of("n", 2)).build()));
            assertEquals(1, f.textsEmbedded.get(), "a metadata-only update embeds nothing");
            c.update(List.of(
                    ChromaRecord.builder("a").document("purple plums").build(),
                    ChromaRecord.builder("missing")
                            .document("ignored by update")
                            .build()));
            assertArrayEquals(HashEmbeddingFunction.vector("purple plums", DIMENSION), embedding(c, "a"));
            c.upsert(List.of(ChromaRecord.builder("a").document("blue berries").build()));
            assertArrayEquals(HashEmbeddingFunction.vector("blue berries", DIMENSION), embedding(c, "a"));
            GetResult r = c.get(List.of("a"));
            assertEquals("blue berries", r.documents().get(0));
            assertEquals(2L, r.metadatas().get(0).get("n"));
            assertEquals(1, c.count());
        }
    }

    @Test
    void theColumnWiseAddEmbedsDocumentsToo() {
        HashEmbeddingFunction f = new HashEmbeddingFunction(DIMENSION);
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection c = client.createCollection("docs", withFunction(f));
            c.add(List.of("a", "b"), null, null, List.of("red apples", "green pears"));
            assertArrayEquals(HashEmbeddingFunction.vector("green pears", DIMENSION), embedding(c, "b"));
        }
    }

    @Test
    void aCollectionWithoutFunctionRejectsDocumentsOnlyWritesWithChromasMessage() {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection c = client.createCollection("docs");
            assertNull(c.options().embeddingFunction(), "no default provider on this class path, nothing stated");
            for (RecordValidator.Operation op : RecordValidator.Operation.values()) {
                List<ChromaRecord> batch =
                        List.of(ChromaRecord.builder("a").document("text only").build());
                InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> {
                    switch (op) {
                        case ADD -> c.add(batch);
                        case UPSERT -> c.upsert(batch);
                        case UPDATE -> c.update(batch);
                    }
                });
                assertTrue(
                        e.getMessage().startsWith("You must provide an embedding function to compute embeddings."),
                        e.getMessage());
                assertTrue(e.getMessage().contains("dev.chromaj:chroma-embeddings"), e.getMessage());
                assertTrue(e.getMessage().contains("ID 'a'"), e.getMessage());
            }
            assertEquals(0, c.count(), "nothing was stored, not even without a vector");
            // Records with embeddings, and records without document, are written as before.
            c.add(List.of(
                    ChromaRecord.builder("v")
                            .embedding(new float[] {1, 2})
                            .document("d")
                            .build(),
                    ChromaRecord.builder("m").metadata(Map.of("k", 1)).build()));
            assertEquals(2, c.count());
        }
    }

    @Test
    void aNoneCollectionStoresDocumentsWithoutEmbeddings() {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaCollection c = client.createCollection(
                    "bm25",
                    CollectionOptions.builder()
                            .embeddingFunction(EmbeddingFunction.none())
                            .sparseIndex("bm25", SparseIndex.bm25())
                            .build());
            c.add(List.of(
                    ChromaRecord.builder("a").document("red apples").build(),
                    ChromaRecord.builder("b").document("green pears").build()));
            c.upsert(List.of(
                    ChromaRecord.builder("a").document("red apples and plums").build()));
            assertEquals(2, c.count());
            assertEquals(OptionalInt.empty(), c.dimension());
            GetResult r = c.get(GetRequest.builder()
                    .include(Include.EMBEDDINGS, Include.DOCUMENTS)
                    .build());
            assertEquals(List.of("red apples and plums", "green pears"), r.documents());
            assertEquals(2, r.embeddings().size());
            assertNull(r.embeddings().get(0));
            assertNull(r.embeddings().get(1));
            List<Hit> hits = c.search(
                            Search.builder().rank(Rank.knn("bm25", "plums")).build())
                    .hits();
            assertEquals("a", hits.get(0).id());
        }
    }
}
