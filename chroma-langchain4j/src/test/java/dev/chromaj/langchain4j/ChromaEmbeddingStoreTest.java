package dev.chromaj.langchain4j;

import static dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaException;
import dev.chromaj.ChromaRecord;
import dev.chromaj.InvalidArgumentException;
import dev.chromaj.NotFoundException;
import dev.chromaj.Space;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.CosineSimilarity;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.RelevanceScore;
import dev.langchain4j.store.embedding.filter.Filter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's own behaviour beyond LangChain4j's suites: scores per space, writes, removal, builder, errors. */
class ChromaEmbeddingStoreTest {

    private static final float[] Q = {1f, 0f, 0f};

    private static EmbeddingSearchRequest all(float[] query, Filter filter) {
        return EmbeddingSearchRequest.builder()
                .queryEmbedding(Embedding.from(query))
                .maxResults(100)
                .filter(filter)
                .build();
    }

    private static ChromaEmbeddingStore store(ChromaClient client, Space space) {
        return ChromaEmbeddingStore.builder()
                .client(client)
                .collectionName("c-" + space)
                .space(space)
                .build();
    }

    @Test
    void scoresAreLangChain4jsRelevanceScoresInEverySpace(@TempDir Path dir) {
        float[] a = {1f, 0f, 0f};
        float[] b = {0.6f, 0.8f, 0f};
        float[] c = {-2f, 1f, 0.5f}; // not a unit vector
        float[] query = {0.8f, 0.6f, 0f};
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            for (Space space : Space.values()) {
                ChromaEmbeddingStore store = store(client, space);
                store.addAll(
                        List.of("a", "b", "c"), List.of(Embedding.from(a), Embedding.from(b), Embedding.from(c)), null);
                for (EmbeddingMatch<TextSegment> m :
                        store.search(all(query, null)).matches()) {
                    float[] v =
                            m.embeddingId().equals("a") ? a : m.embeddingId().equals("b") ? b : c;
                    double expected = switch (space) {
                        case COSINE, L2 ->
                            RelevanceScore.fromCosineSimilarity(
                                    CosineSimilarity.between(Embedding.from(query), Embedding.from(v)));
                        case IP -> RelevanceScore.fromCosineSimilarity(dot(query, v));
                    };
                    assertEquals(expected, m.score(), 1e-6, space + " " + m.embeddingId());
                }
                assertEquals(space, store.space());
            }
        }
    }

    private static double dot(float[] x, float[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += (double) x[i] * y[i];
        }
        return s;
    }

    @Test
    void matchesAreBestFirstAndMinScoreCuts(@TempDir Path dir) {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaEmbeddingStore store = store(client, Space.COSINE);
            store.addAll(
                    List.of("near", "mid", "far"),
                    List.of(
                            Embedding.from(new float[] {1f, 0.1f, 0f}),
                            Embedding.from(new float[] {1f, 1f, 0f}),
                            Embedding.from(new float[] {0f, 1f, 0f})),
                    null);
            List<EmbeddingMatch<TextSegment>> matches =
                    store.search(all(Q, null)).matches();
            assertEquals(List.of("near", "mid", "far"), ids(matches));
            double cut = matches.get(1).score();
            List<EmbeddingMatch<TextSegment>> above = store.search(EmbeddingSearchRequest.builder()
                            .queryEmbedding(Embedding.from(Q))
                            .maxResults(10)
                            .minScore(cut)
                            .build())
                    .matches();
            assertEquals(List.of("near", "mid"), ids(above));
            List<EmbeddingMatch<TextSegment>> one = store.search(EmbeddingSearchRequest.builder()
                            .queryEmbedding(Embedding.from(Q))
                            .maxResults(1)
                            .build())
                    .matches();
            assertEquals(List.of("near"), ids(one));
        }
    }

    private static List<String> ids(List<EmbeddingMatch<TextSegment>> matches) {
        List<String> ids = new ArrayList<>();
        for (EmbeddingMatch<TextSegment> m : matches) {
            ids.add(m.embeddingId());
        }
        return ids;
    }

    @Test
    void metadataOfEveryLangChain4jTypeReadsBackThroughItsGetter(@TempDir Path dir) {
        UUID uuid = UUID.randomUUID();
        Metadata md = new Metadata()
                .put("s", "text")
                .put("u", uuid)
                .put("i", Integer.MIN_VALUE)
                .put("l", Long.MAX_VALUE)
                .put("f", 1.2345679f)
                .put("fmax", Float.MAX_VALUE)
                .put("d", 1.23456789d);
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaEmbeddingStore store = store(client, Space.COSINE);
            String id = store.add(Embedding.from(Q), TextSegment.from("hello", md));
            TextSegment back = store.search(all(Q, null)).matches().get(0).embedded();
            assertEquals("hello", back.text());
            assertEquals("text", back.metadata().getString("s"));
            assertEquals(uuid, back.metadata().getUUID("u"));
            assertEquals(Integer.MIN_VALUE, back.metadata().getInteger("i"));
            assertEquals(Long.MAX_VALUE, back.metadata().getLong("l"));
            assertEquals(1.2345679f, back.metadata().getFloat("f"));
            assertEquals(Float.MAX_VALUE, back.metadata().getFloat("fmax"));
            assertEquals(1.23456789d, back.metadata().getDouble("d"));
            // chromaj sees the converted values: UUID as string, Integer as Long, Float as its decimal
            Map<String, Object> stored =
                    store.collection().get(List.of(id)).metadatas().get(0);
            assertEquals(uuid.toString(), stored.get("u"));
            assertEquals((long) Integer.MIN_VALUE, stored.get("i"));
            assertEquals(1.2345679d, stored.get("f")); // Float.toString(1.2345679f)
        }
    }

    @Test
    void floatMetadataMatchesADoubleFilterOfTheSameDecimalAsInLangChain4j(@TempDir Path dir) {
        Metadata md = new Metadata().put("price", 1.1f);
        Filter filter = metadataKey("price").isEqualTo(1.1d);
        assertTrue(filter.test(md), "LangChain4j's own evaluation");
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaEmbeddingStore store = store(client, Space.COSINE);
            store.add(Embedding.from(Q), TextSegment.from("x", md));
            assertEquals(1, store.search(all(Q, filter)).matches().size());
        }
    }

    @Test
    void addingUnderAnExistingIdReplacesEmbeddingTextAndMetadata(@TempDir Path dir) {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaEmbeddingStore store = store(client, Space.COSINE);
            store.addAll(
                    List.of("id"),
                    List.of(Embedding.from(new float[] {0f, 1f, 0f})),
                    List.of(TextSegment.from("old", new Metadata().put("a", 1).put("b", "x"))));
            store.addAll(
                    List.of("id"),
                    List.of(Embedding.from(Q)),
                    List.of(TextSegment.from("new", new Metadata().put("a", 2))));
            List<EmbeddingMatch<TextSegment>> matches =
                    store.search(all(Q, null)).matches();
            assertEquals(1, matches.size());
            assertEquals("new", matches.get(0).embedded().text());
            assertEquals(Map.of("a", 2L), matches.get(0).embedded().metadata().toMap());
            assertEquals(1.0, matches.get(0).score(), 1e-6);
            assertEquals(1, store.collection().count());
        }
    }

    @Test
    void addingAnEmbeddingWithoutSegmentOverATextIsRejectedAndChangesNothing(@TempDir Path dir) {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaEmbeddingStore store = store(client, Space.COSINE);
            store.addAll(List.of("id"), List.of(Embedding.from(Q)), List.of(TextSegment.from("kept")));
            InvalidArgumentException e = assertThrows(
                    InvalidArgumentException.class, () -> store.add("id", Embedding.from(new float[] {0f, 1f, 0f})));
            assertTrue(e.getMessage().contains("'id'"), e.getMessage());
            EmbeddingMatch<TextSegment> m = store.search(all(Q, null)).matches().get(0);
            assertEquals("kept", m.embedded().text());
            assertEquals(1.0, m.score(), 1e-6);
        }
    }

    @Test
    void embeddingOnlyRecordsHaveNoSegment(@TempDir Path dir) {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaEmbeddingStore store = store(client, Space.COSINE);
            List<String> ids = store.addAll(List.of(Embedding.from(Q), Embedding.from(new float[] {0f, 1f, 0f})));
            assertEquals(2, ids.size());
            List<EmbeddingMatch<TextSegment>> matches =
                    store.search(all(Q, null)).matches();
            assertEquals(ids, ids(matches));
            assertNull(matches.get(0).embedded());
        }
    }

    @Test
    void invalidArgumentsFollowLangChain4jsContract(@TempDir Path dir) {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaEmbeddingStore store = store(client, Space.COSINE);
            Embedding e = Embedding.from(Q);
            assertThrows(IllegalArgumentException.class, () -> store.addAll(List.of("a", "b"), List.of(e), null));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> store.addAll(
                            List.of("a"), List.of(e), List.of(TextSegment.from("x"), TextSegment.from("y"))));
            assertThrows(IllegalArgumentException.class, () -> store.addAll(List.of("a", "a"), List.of(e, e), null));
            assertThrows(IllegalArgumentException.class, () -> store.add(" ", e));
            assertThrows(IllegalArgumentException.class, () -> store.removeAll(List.of("a", " ")));
            assertEquals(0, store.collection().count());
        }
    }

    @Test
    void chromaRejectionsAreChromaExceptions(@TempDir Path dir) {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaEmbeddingStore store = store(client, Space.COSINE);
            store.add(Embedding.from(Q));
            // a dimension other than the collection's
            assertThrows(InvalidArgumentException.class, () -> store.add(Embedding.from(new float[] {1f, 2f})));
            // a metadata key Chroma reserves
            assertThrows(
                    InvalidArgumentException.class,
                    () -> store.add(Embedding.from(Q), TextSegment.from("x", new Metadata().put("#k", 1))));
            // filters without an exact Chroma equivalent: string ordering, Not of an ordering
            InvalidArgumentException ordering = assertThrows(
                    InvalidArgumentException.class,
                    () -> store.search(all(Q, metadataKey("k").isGreaterThan("b"))));
            assertTrue(ordering.getMessage().contains("orders numbers only"), ordering.getMessage());
            assertThrows(
                    InvalidArgumentException.class,
                    () -> store.removeAll(Filter.not(metadataKey("k").isLessThan(3))));
            assertThrows(
                    UnsupportedOperationException.class,
                    () -> store.search(all(Q, metadataKey("k").containsString("b"))));
            assertEquals(1, store.collection().count());
        }
    }

    @Test
    void recordsWithValuesLangChain4jCannotHoldFailTheSearchNamingTheKey(@TempDir Path dir) {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaEmbeddingStore store = store(client, Space.COSINE);
            store.collection()
                    .add(List.of(ChromaRecord.builder("x")
                            .embedding(Q)
                            .document("written by chromaj")
                            .metadata(Map.of("flag", true))
                            .build()));
            ChromaException e = assertThrows(ChromaException.class, () -> store.search(all(Q, null)));
            assertTrue(e.getMessage().contains("'flag'"), e.getMessage());
        }
    }

    @Test
    void removalByIdsFilterAndAllKeepsTheCollection(@TempDir Path dir) {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaEmbeddingStore store = store(client, Space.COSINE);
            int n = 2_500; // more than one page of removeAll()
            List<String> ids = new ArrayList<>();
            List<Embedding> embeddings = new ArrayList<>();
            List<TextSegment> segments = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ids.add("r" + i);
                embeddings.add(Embedding.from(new float[] {1f, i, 0f}));
                segments.add(TextSegment.from("t" + i, new Metadata().put("parity", i % 2)));
            }
            store.addAll(ids, embeddings, segments);
            store.removeAll(List.of("r0", "r1", "missing"));
            assertEquals(n - 2, store.collection().count());
            store.removeAll(Filter.not(metadataKey("parity").isNotEqualTo(0))); // Not pushed down: parity == 0
            assertEquals((n - 2) / 2, store.collection().count());
            UUID before = store.collection().id();
            store.removeAll();
            assertEquals(0, store.collection().count());
            assertEquals(before, client.getCollection(store.collection().name()).id());
            assertTrue(store.search(all(Q, null)).matches().isEmpty());
        }
    }

    @Test
    void searchOnAnEmptyCollectionFindsNothing(@TempDir Path dir) {
        try (ChromaClient client = ChromaClient.persistent(dir)) {
            ChromaEmbeddingStore store = store(client, Space.COSINE);
            assertTrue(store.search(all(Q, metadataKey("k").isEqualTo(1)))
                    .matches()
                    .isEmpty());
        }
    }

    @Test
    void aStoreOnAPathOwnsItsClientAndDataSurvivesReopening(@TempDir Path dir) {
        Path data = dir.resolve("data");
        try (ChromaEmbeddingStore store =
                ChromaEmbeddingStore.builder().path(data).collectionName("docs").build()) {
            store.addAll(List.of("kept"), List.of(Embedding.from(Q)), List.of(TextSegment.from("persisted")));
        }
        // close() released the folder's single-writer lock: a new client opens it
        try (ChromaEmbeddingStore store = ChromaEmbeddingStore.builder()
                .path(data)
                .collectionName("docs")
                .createIfMissing(false)
                .build()) {
            EmbeddingMatch<TextSegment> m = store.search(all(Q, null)).matches().get(0);
            assertEquals("kept", m.embeddingId());
            assertEquals("persisted", m.embedded().text());
            assertEquals(Space.COSINE, store.space());
        }
    }

    @Test
    void builderRejectsWhatCannotWork(@TempDir Path dir) {
        try (ChromaClient client = ChromaClient.persistent(dir.resolve("a"))) {
            assertThrows(
                    InvalidArgumentException.class,
                    () -> ChromaEmbeddingStore.builder().build());
            assertThrows(
                    InvalidArgumentException.class,
                    () -> ChromaEmbeddingStore.builder()
                            .client(client)
                            .path(dir.resolve("b"))
                            .build());
            assertThrows(
                    NotFoundException.class,
                    () -> ChromaEmbeddingStore.builder()
                            .client(client)
                            .collectionName("absent")
                            .createIfMissing(false)
                            .build());
            ChromaCollection l2 = client.createCollection(
                    "l2-space",
                    dev.chromaj.CollectionOptions.builder().space(Space.L2).build());
            InvalidArgumentException e = assertThrows(
                    InvalidArgumentException.class,
                    () -> ChromaEmbeddingStore.builder()
                            .client(client)
                            .collectionName("l2-space")
                            .space(Space.COSINE)
                            .build());
            assertTrue(e.getMessage().contains("L2"), e.getMessage());
            // without a stated space, an existing collection keeps its own
            assertEquals(
                    Space.L2,
                    ChromaEmbeddingStore.builder()
                            .client(client)
                            .collectionName("l2-space")
                            .build()
                            .space());
            assertEquals(l2.id(), client.getCollection("l2-space").id());
        }
    }
}
