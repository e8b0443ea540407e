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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opening an existing collection with options, as Chroma 1.5 does: another embedding function fails (Chroma's
 * "embedding function conflict"); metadata, space, HNSW parameters and sparse keys that differ are ignored, the
 * collection keeps its own.
 */
class EmbeddingFunctionConflictTest {

    @TempDir
    Path dir;

    /** A function of another name that embeds like {@link HashEmbeddingFunction}. */
    private static EmbeddingFunction named(String name, int dimension) {
        return new EmbeddingFunction() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public List<float[]> embedDocuments(List<String> documents) {
                return documents.stream()
                        .map(d -> HashEmbeddingFunction.vector(d, dimension))
                        .toList();
            }
        };
    }

    @Test
    void anotherFunctionForAnExistingCollectionFailsWithChromasMessage() {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            client.createCollection(
                    "docs",
                    CollectionOptions.builder()
                            .embeddingFunction(new HashEmbeddingFunction(8))
                            .build());
            EmbeddingFunction other = named("openai", 8);
            InvalidArgumentException get =
                    assertThrows(InvalidArgumentException.class, () -> client.getCollection("docs", other));
            assertTrue(
                    get.getMessage()
                            .startsWith("An embedding function already exists in the collection configuration, and a"
                                    + " new one is provided. If this is intentional, please embed documents"
                                    + " separately. Embedding function conflict: new: openai vs persisted: test-hash"),
                    get.getMessage());
            assertThrows(
                    InvalidArgumentException.class,
                    () -> client.getOrCreateCollection(
                            "docs",
                            CollectionOptions.builder().embeddingFunction(other).build()));
            assertThrows(
                    InvalidArgumentException.class,
                    () -> client.getOrCreateCollection(
                            "docs",
                            CollectionOptions.builder()
                                    .embeddingFunction(EmbeddingFunction.none())
                                    .build()));
            // The same name (another instance) is accepted, and the handle embeds with it.
            HashEmbeddingFunction same = new HashEmbeddingFunction(8);
            ChromaCollection c = client.getCollection("docs", same);
            c.add(List.of(ChromaRecord.builder("a").document("text").build()));
            assertEquals(1, same.textsEmbedded.get());
            assertSame(same, c.options().embeddingFunction());
            // Stating nothing never conflicts.
            assertEquals(1, client.getOrCreateCollection("docs").count());
        }
    }

    @Test
    void aNoneHandleWritesRecordsAsGivenWhateverTheCollectionRecorded() {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            HashEmbeddingFunction recorded = new HashEmbeddingFunction(8);
            ChromaCollection docs = client.createCollection(
                    "docs",
                    CollectionOptions.builder().embeddingFunction(recorded).build());
            docs.add(List.of(ChromaRecord.builder("a").document("first text").build()));
            float[] stored = docs.get(GetRequest.builder()
                            .ids("a")
                            .include(Include.EMBEDDINGS)
                            .build())
                    .embeddings()
                    .get(0);
            int embeddedBefore = recorded.textsEmbedded.get();

            ChromaCollection raw = client.getCollection("docs", EmbeddingFunction.none());
            raw.upsert(List.of(
                    ChromaRecord.builder("a").document("changed text").build(),
                    ChromaRecord.builder("b").document("never embedded").build()));

            assertEquals(embeddedBefore, recorded.textsEmbedded.get());
            GetResult got = docs.get(GetRequest.builder()
                    .ids("a", "b")
                    .include(Include.EMBEDDINGS, Include.DOCUMENTS)
                    .build());
            assertEquals(List.of("changed text", "never embedded"), got.documents());
            assertArrayEquals(stored, got.embeddings().get(0));
            assertNull(got.embeddings().get(1));
            // The collection keeps its recorded function for other handles.
            assertEquals(
                    "test-hash",
                    client.getCollection("docs").options().embeddingFunction().name());
        }
    }

    @Test
    void aCollectionThatRecordedNoFunctionAcceptsOneForTheHandleOnly() {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            client.createCollection("plain");
            ChromaCollection c = client.getCollection("plain", named("openai", 4));
            c.add(List.of(ChromaRecord.builder("a").document("text").build()));
            assertEquals(4, c.dimension().getAsInt());
            assertEquals(null, client.getCollection("plain").options().embeddingFunction(), "not recorded");
        }
    }

    @Test
    void getOrCreateKeepsTheExistingCollectionsSettingsAsChromaDoes() {
        try (ChromaClient client = ChromaClient.persistent(dir);
                CapturedStandardError log = new CapturedStandardError()) {
            CollectionOptions original = CollectionOptions.builder()
                    .metadata(Map.of("owner", "a"))
                    .space(Space.COSINE)
                    .embeddingFunction(EmbeddingFunction.none())
                    .build();
            ChromaCollection created = client.createCollection("docs", original);
            client.getOrCreateCollection("docs");
            client.getOrCreateCollection("docs", original);
            assertEquals(List.of(), log.linesContaining("WARN"), "nothing stated differs: no warning");
            ChromaCollection again = client.getOrCreateCollection(
                    "docs",
                    CollectionOptions.builder()
                            .metadata(Map.of("owner", "b"))
                            .space(Space.IP)
                            .hnsw(HnswParams.builder().m(32).build())
                            .sparseIndex("bm25", SparseIndex.bm25())
                            .build());
            List<String> warnings = log.linesContaining("WARN dev.chromaj.CollectionEngine");
            assertEquals(1, warnings.size(), warnings.toString());
            String warning = warnings.get(0);
            for (String named : List.of(
                    "getOrCreateCollection(docs)",
                    "metadata {owner=b}",
                    "space ip (the collection has cosine)",
                    "HNSW parameters",
                    "sparse indexes [bm25]",
                    "ignored")) {
                assertTrue(warning.contains(named), named + " in " + warning);
            }
            assertEquals(created.id(), again.id());
            assertEquals(Map.of("owner", "a"), again.metadata(), "metadata is not updated");
            assertEquals(Space.COSINE, again.options().space());
            assertEquals(HnswParams.defaults(), again.options().hnsw());
            assertTrue(again.options().sparseIndexes().isEmpty());
            assertSame(EmbeddingFunction.none(), again.options().embeddingFunction());
        }
    }
}
