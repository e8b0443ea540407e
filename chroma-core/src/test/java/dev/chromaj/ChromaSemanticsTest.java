package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One test per rule of Chroma's semantics that chromaj keeps (the public API's Javadoc and docs/design.md state them),
 * each run with the data in the log tail, compacted, and compacted with the change in the tail.
 */
class ChromaSemanticsTest {
    @TempDir
    Path dir;

    private ChromaClient client;
    private ChromaCollection c;

    @BeforeEach
    void open() {
        client = CollectionStates.quietClient(dir);
        // Storage semantics with the application's own embeddings: documents written alone are stored as they are
        // (no function re-embeds them), which is what EmbeddingFunction.none() collections do.
        c = client.createCollection(
                "semantics",
                CollectionOptions.builder()
                        .embeddingFunction(EmbeddingFunction.none())
                        .build());
    }

    @AfterEach
    void close() {
        client.close();
    }

    // ---------------------------------------------------------------------------------------------- writes

    @ParameterizedTest
    @EnumSource(CollectionStates.class)
    void addOfExistingIdIsSkipped(CollectionStates state) {
        state.run(
                c,
                x -> x.add(List.of(rec("a", 1, "first", Map.of("k", "v1")))),
                x -> x.add(List.of(rec("a", 9, "second", Map.of("k", "v2")), rec("b", 2, "bee", null))),
                x -> {
                    GetResult g = all(x);
                    assertEquals(List.of("a", "b"), g.ids());
                    assertEquals("first", g.documents().get(0));
                    assertEquals(Map.of("k", "v1"), g.metadatas().get(0));
                    assertArrayEquals(vec(1), g.embeddings().get(0));
                    assertEquals(2, x.count());
                });
    }

    @ParameterizedTest
    @EnumSource(CollectionStates.class)
    void updateOfMissingIdIsIgnored(CollectionStates state) {
        state.run(
                c,
                x -> x.add(List.of(rec("a", 1, "doc", null))),
                x -> x.update(List.of(
                        ChromaRecord.builder("missing").document("ghost").build(),
                        ChromaRecord.builder("a").document("changed").build())),
                x -> {
                    GetResult g = all(x);
                    assertEquals(List.of("a"), g.ids());
                    assertEquals("changed", g.documents().get(0));
                    assertTrue(x.get(List.of("missing")).ids().isEmpty());
                    assertEquals(1, x.count());
                });
    }

    @ParameterizedTest
    @EnumSource(CollectionStates.class)
    void upsertInsertsMissingIdsAndMergesExistingOnes(CollectionStates state) {
        state.run(
                c,
                x -> x.add(List.of(rec("a", 1, "doc a", Map.of("x", 1, "y", "keep")))),
                x -> x.upsert(List.of(
                        ChromaRecord.builder("a").metadata(Map.of("x", 2)).build(),
                        rec("b", 2, "doc b", Map.of("z", true)))),
                x -> {
                    GetResult g = all(x);
                    assertEquals(List.of("a", "b"), g.ids());
                    assertEquals("doc a", g.documents().get(0));
                    assertEquals(Map.of("x", 2L, "y", "keep"), g.metadatas().get(0));
                    assertArrayEquals(vec(1), g.embeddings().get(0));
                    assertEquals("doc b", g.documents().get(1));
                    assertEquals(Map.of("z", true), g.metadatas().get(1));
                    assertEquals(2, x.count());
                });
    }

    @ParameterizedTest
    @EnumSource(CollectionStates.class)
    void metadataMergesKeyByKey(CollectionStates state) {
        state.run(
                c,
                x -> x.add(List.of(rec("a", 1, "d", Map.of("s", "one", "i", 1, "f", 1.5, "l", List.of("p", "q"))))),
                x -> x.update(List.of(ChromaRecord.builder("a")
                        .metadata(Map.of("i", 2, "new", false))
                        .build())),
                x -> assertEquals(
                        Map.of("s", "one", "i", 2L, "f", 1.5, "l", List.of("p", "q"), "new", false),
                        all(x).metadatas().get(0)));
    }

    @ParameterizedTest
    @EnumSource(CollectionStates.class)
    void nullMetadataValueDeletesTheKey(CollectionStates state) {
        state.run(
                c,
                x -> x.add(List.of(
                        rec("a", 1, "d", Map.of("gone", "x", "kept", 1)), rec("b", 2, "d", Map.of("only", "x")))),
                x -> {
                    Map<String, Object> deleteGone = new HashMap<>();
                    deleteGone.put("gone", null);
                    Map<String, Object> deleteOnly = new HashMap<>();
                    deleteOnly.put("only", null);
                    x.update(List.of(
                            ChromaRecord.builder("a").metadata(deleteGone).build()));
                    x.upsert(List.of(
                            ChromaRecord.builder("b").metadata(deleteOnly).build()));
                },
                x -> {
                    GetResult g = all(x);
                    assertEquals(Map.of("kept", 1L), g.metadatas().get(0));
                    assertNull(g.metadatas().get(1), "metadata emptied by deletes is returned as null");
                    assertTrue(x.get(GetRequest.builder()
                                    .where(Where.eq("gone", "x"))
                                    .build())
                            .ids()
                            .isEmpty());
                    assertTrue(x.get(GetRequest.builder()
                                    .where(Where.eq("only", "x"))
                                    .build())
                            .ids()
                            .isEmpty());
                });
    }

    @ParameterizedTest
    @EnumSource(CollectionStates.class)
    void unsetDocumentAndEmbeddingMeanUnchanged(CollectionStates state) {
        state.run(
                c,
                x -> x.add(List.of(rec("a", 1, "doc", Map.of("m", 1)))),
                x -> {
                    x.update(List.of(
                            ChromaRecord.builder("a").metadata(Map.of("m", 2)).build()));
                    x.upsert(List.of(ChromaRecord.builder("a").document("doc 2").build()));
                },
                x -> {
                    GetResult g = all(x);
                    assertEquals("doc 2", g.documents().get(0));
                    assertArrayEquals(vec(1), g.embeddings().get(0));
                    assertEquals(Map.of("m", 2L), g.metadatas().get(0));
                    QueryResult q = x.query(QueryRequest.builder()
                            .queryEmbedding(vec(1))
                            .nResults(1)
                            .build());
                    assertEquals(List.of("a"), q.ids().get(0));
                });
    }

    @ParameterizedTest
    @EnumSource(CollectionStates.class)
    void deleteOfUnknownIdIsNoOpAndDeleteReturnsTheCount(CollectionStates state) {
        state.run(
                c,
                x -> x.add(List.of(rec("a", 1, "d", null), rec("b", 2, "d", null), rec("c", 3, "d", null))),
                x -> {
                    assertEquals(0, x.delete(List.of("nope")));
                    assertEquals(2, x.delete(List.of("a", "nope", "c")));
                    assertEquals(0, x.delete(List.of("a")));
                },
                x -> {
                    assertEquals(List.of("b"), all(x).ids());
                    assertEquals(1, x.count());
                    QueryResult q = x.query(QueryRequest.builder()
                            .queryEmbedding(vec(1))
                            .nResults(3)
                            .build());
                    assertEquals(List.of("b"), q.ids().get(0));
                });
    }

    @ParameterizedTest
    @EnumSource(CollectionStates.class)
    void deleteByFilterWithLimitDeletesAtMostLimitMatches(CollectionStates state) {
        state.run(
                c,
                x -> {
                    List<ChromaRecord> rs = new ArrayList<>();
                    for (int i = 0; i < 6; i++) {
                        rs.add(rec("r" + i, i, i % 2 == 0 ? "even" : "odd", Map.of("even", i % 2 == 0)));
                    }
                    x.add(rs);
                },
                x -> {
                    assertEquals(
                            2,
                            x.delete(DeleteRequest.builder()
                                    .where(Where.eq("even", true))
                                    .limit(2)
                                    .build()));
                    assertEquals(
                            1,
                            x.delete(DeleteRequest.builder()
                                    .whereDocument(WhereDocument.contains("even"))
                                    .build()));
                },
                x -> {
                    assertEquals(List.of("r1", "r3", "r5"), all(x).ids());
                    assertEquals(3, x.count());
                });
    }

    @ParameterizedTest
    @EnumSource(CollectionStates.class)
    void deletedIdCanBeAddedAgain(CollectionStates state) {
        state.run(
                c,
                x -> x.add(List.of(rec("a", 1, "old", Map.of("v", 1)), rec("b", 2, "b", null))),
                x -> {
                    x.delete(List.of("a"));
                    x.add(List.of(rec("a", 5, "new", null)));
                },
                x -> {
                    GetResult g = all(x);
                    assertEquals(List.of("b", "a"), g.ids(), "a re-added record comes after older ones");
                    assertEquals("new", g.documents().get(1));
                    assertNull(g.metadatas().get(1));
                    assertArrayEquals(vec(5), g.embeddings().get(1));
                    assertEquals(2, x.count());
                });
    }

    // ---------------------------------------------------------------------------------------------- validation

    @ParameterizedTest
    @EnumSource(CollectionStates.class)
    void duplicateIdsAreRejectedWithChromaMessageAndNothingIsWritten(CollectionStates state) {
        state.run(
                c,
                x -> x.add(List.of(rec("a", 1, "keep", null))),
                x -> {
                    InvalidArgumentException e = assertThrows(
                            InvalidArgumentException.class,
                            () -> x.upsert(List.of(
                                    rec("a", 2, "changed", null),
                                    rec("n", 3, "new", null),
                                    rec("a", 4, "again", null))));
                    assertTrue(
                            e.getMessage().startsWith("Expected IDs to be unique, found duplicates of: a"),
                            e.getMessage());
                    assertThrows(
                            InvalidArgumentException.class,
                            () -> x.add(List.of(rec("m", 1, "m", null), rec("m", 1, "m", null))));
                },
                x -> assertUnchanged(x, List.of("a"), List.of("keep")));
    }

    @ParameterizedTest
    @EnumSource(CollectionStates.class)
    void dimensionIsFixedByTheFirstWrite(CollectionStates state) {
        state.run(
                c,
                x -> x.add(List.of(ChromaRecord.builder("a")
                        .embedding(new float[] {1, 2, 3})
                        .build())),
                x -> {
                    InvalidArgumentException add = assertThrows(
                            InvalidArgumentException.class,
                            () -> x.add(List.of(ChromaRecord.builder("b")
                                    .embedding(new float[] {1, 2, 3, 4})
                                    .build())));
                    assertEquals("Collection expecting embedding with dimension of 3, got 4", add.getMessage());
                    assertThrows(
                            InvalidArgumentException.class,
                            () -> x.upsert(List.of(ChromaRecord.builder("a")
                                    .embedding(new float[] {1, 2})
                                    .build())));
                    assertThrows(
                            InvalidArgumentException.class,
                            () -> x.update(List.of(ChromaRecord.builder("a")
                                    .embedding(new float[] {1, 2, 3, 4})
                                    .build())));
                    InvalidArgumentException query = assertThrows(
                            InvalidArgumentException.class,
                            () -> x.query(QueryRequest.builder()
                                    .queryEmbedding(new float[] {1, 2, 3, 4})
                                    .build()));
                    assertEquals("Collection expecting embedding with dimension of 3, got 4", query.getMessage());
                },
                x -> {
                    assertEquals(OptionalInt.of(3), x.dimension());
                    assertEquals(List.of("a"), all(x).ids());
                    assertArrayEquals(new float[] {1, 2, 3}, all(x).embeddings().get(0));
                });
    }

    @Test
    void dimensionMismatchWithinOneBatchIsRejected() {
        assertThrows(
                InvalidArgumentException.class,
                () -> c.add(List.of(
                        ChromaRecord.builder("a")
                                .embedding(new float[] {1, 2, 3})
                                .build(),
                        ChromaRecord.builder("b").embedding(new float[] {1, 2}).build())));
        assertEquals(0, c.count());
        assertEquals(OptionalInt.empty(), c.dimension());
    }

    @Test
    void dimensionSurvivesReopen() {
        c.add(List.of(ChromaRecord.builder("a").embedding(new float[] {1, 2, 3}).build()));
        client.close();
        client = CollectionStates.quietClient(dir);
        ChromaCollection reopened = client.getCollection("semantics");
        assertEquals(OptionalInt.of(3), reopened.dimension());
        InvalidArgumentException e = assertThrows(
                InvalidArgumentException.class,
                () -> reopened.add(List.of(ChromaRecord.builder("b")
                        .embedding(new float[] {1, 2, 3, 4})
                        .build())));
        assertEquals("Collection expecting embedding with dimension of 3, got 4", e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(CollectionStates.class)
    void nanAndInfiniteValuesAreRejected(CollectionStates state) {
        state.run(
                c,
                x -> x.add(List.of(rec("a", 1, "keep", Map.of("f", 1.0)))),
                x -> {
                    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                        InvalidArgumentException e = assertThrows(
                                InvalidArgumentException.class,
                                () -> x.upsert(List.of(
                                        rec("n", 2, "n", null),
                                        ChromaRecord.builder("a")
                                                .embedding(new float[] {bad, 0, 0})
                                                .build())));
                        assertTrue(e.getMessage().contains("'a'"), e.getMessage());
                    }
                    assertThrows(
                            InvalidArgumentException.class,
                            () -> x.update(List.of(ChromaRecord.builder("a")
                                    .metadata(Map.of("f", Double.NaN))
                                    .build())));
                    assertThrows(
                            InvalidArgumentException.class,
                            () -> x.query(QueryRequest.builder()
                                    .queryEmbedding(new float[] {Float.NaN, 0, 0})
                                    .build()));
                },
                x -> assertUnchanged(x, List.of("a"), List.of("keep")));
    }

    @ParameterizedTest
    @EnumSource(CollectionStates.class)
    void metadataKeyAndValueRulesAreEnforced(CollectionStates state) {
        state.run(
                c,
                x -> x.add(List.of(rec("a", 1, "keep", Map.of("k", 1)))),
                x -> {
                    for (Map<String, Object> bad : List.<Map<String, Object>>of(
                            Map.of("#doc", 1),
                            Map.of("$and", 1),
                            Map.of("", 1),
                            Map.of("obj", new Object()),
                            Map.of("list", List.of()),
                            Map.of("mixed", List.of("a", 1)),
                            Map.of("nested", Map.of("a", 1)))) {
                        InvalidArgumentException e = assertThrows(
                                InvalidArgumentException.class,
                                () -> x.upsert(List.of(
                                        rec("n", 2, "n", null),
                                        ChromaRecord.builder("a").metadata(bad).build())),
                                bad.toString());
                        assertFalse(e.getMessage().isBlank());
                    }
                },
                x -> {
                    assertUnchanged(x, List.of("a"), List.of("keep"));
                    assertEquals(Map.of("k", 1L), all(x).metadatas().get(0));
                });
    }

    @Test
    void metadataKeyRuleMessagesNameTheKey() {
        InvalidArgumentException hash = assertThrows(
                InvalidArgumentException.class,
                () -> c.add(List.of(
                        ChromaRecord.builder("a").metadata(Map.of("#x", 1)).build())));
        assertTrue(hash.getMessage().contains("#x"), hash.getMessage());
        InvalidArgumentException dollar = assertThrows(
                InvalidArgumentException.class,
                () -> c.add(List.of(
                        ChromaRecord.builder("a").metadata(Map.of("$x", 1)).build())));
        assertTrue(dollar.getMessage().contains("$x"), dollar.getMessage());
        InvalidArgumentException mixed = assertThrows(
                InvalidArgumentException.class,
                () -> c.add(List.of(ChromaRecord.builder("a")
                        .metadata(Map.of("tags", List.of("a", 2)))
                        .build())));
        assertTrue(mixed.getMessage().contains("tags"), mixed.getMessage());
        assertEquals(0, c.count());
    }

    @Test
    void emptyIdsAndNonPositiveNResultsAreRejected() {
        assertThrows(InvalidArgumentException.class, () -> c.add(List.of()));
        assertThrows(
                InvalidArgumentException.class,
                () -> c.add(List.of(ChromaRecord.builder("").build())));
        assertThrows(
                InvalidArgumentException.class,
                () -> QueryRequest.builder().queryEmbedding(vec(1)).nResults(0).build());
        assertEquals(0, c.count());
    }

    @Test
    void collectionNameRulesAreEnforcedWithChromaMessage() {
        for (String bad : List.of("ab", "-abc", "abc-", "a..b", "a b c", "ab€c", "192.168.0.1", "x".repeat(513))) {
            InvalidArgumentException e =
                    assertThrows(InvalidArgumentException.class, () -> client.createCollection(bad), bad);
            assertTrue(e.getMessage().startsWith("Expected a name"), e.getMessage());
        }
        InvalidArgumentException short3 =
                assertThrows(InvalidArgumentException.class, () -> client.createCollection("ab"));
        assertEquals(
                "Expected a name containing 3-512 characters from [a-zA-Z0-9._-], starting and ending with a "
                        + "character in [a-zA-Z0-9]. Got: ab",
                short3.getMessage());
        for (String good : List.of("abc", "a.b-c_d", "x".repeat(512))) {
            assertEquals(good, client.createCollection(good).name());
        }
        assertEquals(
                List.of("semantics", "abc", "a.b-c_d", "x".repeat(512)),
                client.listCollections().stream().map(ChromaCollection::name).collect(Collectors.toList()));
        assertThrows(InvalidArgumentException.class, () -> c.modify("a..b", null));
        assertEquals("semantics", c.name());
    }

    // ---------------------------------------------------------------------------------------------- reads

    @ParameterizedTest
    @EnumSource(CollectionStates.class)
    void includeRulesSelectTheReturnedFields(CollectionStates state) {
        state.run(
                c,
                x -> x.add(List.of(ChromaRecord.builder("a")
                        .embedding(vec(1))
                        .document("doc")
                        .metadata(Map.of("k", 1))
                        .uri("file:a")
                        .build())),
                x -> x.upsert(
                        List.of(ChromaRecord.builder("b").embedding(vec(2)).build())),
                x -> {
                    GetResult byDefault = x.get(GetRequest.builder().build());
                    assertEquals(List.of("a", "b"), byDefault.ids());
                    assertEquals(Arrays.asList("doc", null), byDefault.documents());
                    assertEquals(Arrays.asList(Map.of("k", 1L), null), byDefault.metadatas());
                    assertNull(byDefault.embeddings());
                    assertNull(byDefault.uris());

                    GetResult idsOnly = x.get(GetRequest.builder().include().build());
                    assertEquals(List.of("a", "b"), idsOnly.ids());
                    assertNull(idsOnly.documents());
                    assertNull(idsOnly.metadatas());
                    assertNull(idsOnly.embeddings());

                    GetResult every = x.get(GetRequest.builder()
                            .include(Include.EMBEDDINGS, Include.URIS)
                            .build());
                    assertNull(every.documents());
                    assertArrayEquals(vec(1), every.embeddings().get(0));
                    assertEquals(Arrays.asList("file:a", null), every.uris());

                    QueryResult q = x.query(QueryRequest.builder()
                            .queryEmbedding(vec(1))
                            .nResults(2)
                            .build());
                    assertEquals(List.of(List.of("a", "b")), q.ids());
                    assertNotNull(q.distances());
                    assertEquals(List.of(Arrays.asList("doc", null)), q.documents());
                    assertNotNull(q.metadatas());
                    assertNull(q.embeddings());

                    QueryResult qIds = x.query(QueryRequest.builder()
                            .queryEmbedding(vec(1))
                            .nResults(2)
                            .include()
                            .build());
                    assertEquals(List.of(List.of("a", "b")), qIds.ids());
                    assertNull(qIds.distances());
                    assertNull(qIds.documents());
                    assertNull(qIds.metadatas());
                    QueryResult qEmb = x.query(QueryRequest.builder()
                            .queryEmbedding(vec(1))
                            .nResults(1)
                            .include(Include.EMBEDDINGS)
                            .build());
                    assertArrayEquals(vec(1), qEmb.embeddings().get(0).get(0));
                    assertNull(qEmb.distances());
                });
    }

    static List<Object[]> spacesAndStates() {
        List<Object[]> out = new ArrayList<>();
        for (Space space : Space.values()) {
            for (CollectionStates state : CollectionStates.values()) {
                out.add(new Object[] {space, state});
            }
        }
        return out;
    }

    // a fixed data set per space: the ordinal only varies the seed, reordering the enum just changes the data
    @SuppressWarnings("EnumOrdinal")
    @ParameterizedTest
    @MethodSource("spacesAndStates")
    void distancesMatchAnIndependentComputation(Space space, CollectionStates state) {
        ChromaCollection x = client.createCollection(
                "space-" + space.name().toLowerCase(Locale.ROOT),
                CollectionOptions.builder().space(space).build());
        Random random = new Random(42 + space.ordinal());
        int dim = 7;
        Map<String, float[]> vectors = new HashMap<>();
        state.run(
                x,
                col -> col.add(randomRecords(random, "s", 40, dim, vectors)),
                col -> {
                    col.upsert(randomRecords(random, "s", 10, dim, vectors)); // s0..s9 move
                    col.add(randomRecords(random, "t", 15, dim, vectors));
                    col.delete(List.of("s11", "t3"));
                    vectors.remove("s11");
                    vectors.remove("t3");
                },
                col -> {
                    float[] query = randomVector(random, dim);
                    QueryResult q = col.query(QueryRequest.builder()
                            .queryEmbedding(query)
                            .nResults(100)
                            .build());
                    List<String> expectedOrder = vectors.keySet().stream()
                            .sorted(Comparator.<String>comparingDouble(id -> distance(space, query, vectors.get(id)))
                                    .thenComparing(id -> id))
                            .collect(Collectors.toList());
                    assertEquals(expectedOrder.size(), q.ids().get(0).size());
                    for (int i = 0; i < expectedOrder.size(); i++) {
                        String id = q.ids().get(0).get(i);
                        double expected = distance(space, query, vectors.get(id));
                        assertEquals(
                                expected,
                                q.distances().get(0).get(i),
                                1e-4 * Math.max(1, Math.abs(expected)),
                                space + " distance of " + id);
                    }
                    // The order agrees with the independent distances up to float rounding.
                    for (int i = 1; i < expectedOrder.size(); i++) {
                        double prev = distance(
                                space, query, vectors.get(q.ids().get(0).get(i - 1)));
                        double cur = distance(
                                space, query, vectors.get(q.ids().get(0).get(i)));
                        assertTrue(prev <= cur + 1e-4, "ascending at " + i);
                    }
                    QueryResult top3 = col.query(QueryRequest.builder()
                            .queryEmbedding(query)
                            .nResults(3)
                            .build());
                    assertEquals(q.ids().get(0).subList(0, 3), top3.ids().get(0));
                });
    }

    @ParameterizedTest
    @MethodSource("spacesAndStates")
    void tiesAreOrderedById(Space space, CollectionStates state) {
        ChromaCollection x = client.createCollection(
                "ties-" + space.name().toLowerCase(Locale.ROOT),
                CollectionOptions.builder().space(space).build());
        float[] same = {0.3f, 0.7f, -0.2f};
        float[] query = {0.5f, 0.1f, 0.4f};
        state.run(
                x,
                col -> col.add(List.of(
                        ChromaRecord.builder("e").embedding(same).build(),
                        ChromaRecord.builder("d").embedding(same).build(),
                        ChromaRecord.builder("c").embedding(same).build(),
                        ChromaRecord.builder("far")
                                .embedding(new float[] {-5, -1, -3})
                                .build())),
                col -> col.add(List.of(
                        ChromaRecord.builder("b").embedding(same.clone()).build(),
                        ChromaRecord.builder("a").embedding(same.clone()).build())),
                col -> {
                    QueryResult q = col.query(QueryRequest.builder()
                            .queryEmbedding(query)
                            .nResults(2)
                            .build());
                    assertEquals(List.of("a", "b"), q.ids().get(0));
                    assertEquals(
                            q.distances().get(0).get(0), q.distances().get(0).get(1));
                    QueryResult q4 = col.query(QueryRequest.builder()
                            .queryEmbedding(query)
                            .nResults(4)
                            .build());
                    assertEquals(List.of("a", "b", "c", "d"), q4.ids().get(0));
                    QueryResult q1 = col.query(QueryRequest.builder()
                            .queryEmbedding(query)
                            .nResults(1)
                            .where(Where.ne("none", 1))
                            .build());
                    assertEquals(List.of("a"), q1.ids().get(0));
                    QueryResult q6 = col.query(QueryRequest.builder()
                            .queryEmbedding(query)
                            .nResults(6)
                            .build());
                    assertEquals(
                            List.of("a", "b", "c", "d", "e", "far"), q6.ids().get(0));
                });
    }

    @ParameterizedTest
    @EnumSource(CollectionStates.class)
    void getPagesWithLimitAndOffset(CollectionStates state) {
        state.run(c, x -> x.add(numbered(0, 6)), x -> x.add(numbered(6, 10)), x -> {
            assertEquals(
                    List.of("n2", "n3", "n4"),
                    ids(x, GetRequest.builder().offset(2).limit(3).build()));
            assertEquals(
                    List.of("n4", "n5", "n6", "n7"),
                    ids(x, GetRequest.builder().offset(4).limit(4).build()));
            assertEquals(
                    List.of("n8", "n9"),
                    ids(x, GetRequest.builder().offset(8).limit(5).build()));
            assertEquals(List.of(), ids(x, GetRequest.builder().offset(10).build()));
            assertEquals(List.of(), ids(x, GetRequest.builder().limit(0).build()));
            assertEquals(
                    List.of("n3", "n5"),
                    ids(
                            x,
                            GetRequest.builder()
                                    .where(Where.eq("odd", true))
                                    .offset(1)
                                    .limit(2)
                                    .build()));
            assertEquals(
                    List.of("n1", "n7"),
                    ids(x, GetRequest.builder().ids("n7", "n1", "zz").build()));
        });
    }

    @ParameterizedTest
    @EnumSource(CollectionStates.class)
    void getReturnsInsertionOrderAndUpsertKeepsThePosition(CollectionStates state) {
        state.run(
                c,
                x -> x.add(List.of(rec("z", 1, "z", null), rec("m", 2, "m", null), rec("a", 3, "a", null))),
                x -> {
                    x.upsert(List.of(rec("m", 4, "m2", null), rec("new", 5, "new", null)));
                    x.update(List.of(ChromaRecord.builder("z").document("z2").build()));
                    x.add(List.of(rec("b", 6, "b", null)));
                },
                x -> {
                    GetResult g = all(x);
                    assertEquals(List.of("z", "m", "a", "new", "b"), g.ids());
                    assertEquals(List.of("z2", "m2", "a", "new", "b"), g.documents());
                    assertEquals(List.of("z", "m", "a"), x.peek(3).ids());
                });
    }

    @ParameterizedTest
    @EnumSource(CollectionStates.class)
    void countAndPeekReflectEveryWrite(CollectionStates state) {
        state.run(
                c,
                x -> x.add(numbered(0, 5)),
                x -> {
                    x.delete(List.of("n0", "n3"));
                    x.add(numbered(5, 7));
                    x.upsert(numbered(6, 8));
                },
                x -> {
                    assertEquals(6, x.count());
                    GetResult peek = x.peek(4);
                    assertEquals(List.of("n1", "n2", "n4", "n5"), peek.ids());
                    assertNotNull(peek.documents());
                    assertNotNull(peek.metadatas());
                    assertEquals(6, x.peek(100).ids().size());
                    assertEquals(6, x.stats().records());
                });
    }

    @ParameterizedTest
    @EnumSource(CollectionStates.class)
    void peekOfZeroReturnsNoRecordAndNegativeIsRejected(CollectionStates state) {
        // Chroma's peek is get(limit=n): limit 0 fetches nothing.
        c.add(numbered(0, 3));
        state.settle(c);
        GetResult none = c.peek(0);
        assertEquals(List.of(), none.ids());
        assertEquals(List.of(), none.documents());
        assertEquals(List.of(), none.metadatas());
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> c.peek(-1));
        assertEquals("Expected limit to be a non-negative integer, got -1", e.getMessage());
        assertEquals(3, c.peek(Integer.MAX_VALUE).ids().size());
    }

    @ParameterizedTest
    @EnumSource(CollectionStates.class)
    void queryRestrictedToIdsAndFiltersOnlyConsidersThoseRecords(CollectionStates state) {
        state.run(
                c,
                x -> x.add(numbered(0, 10)),
                x -> {
                    x.upsert(List.of(rec("n3", 100, "moved far", Map.of("i", 3, "odd", true))));
                    x.delete(List.of("n5"));
                    x.add(numbered(10, 12));
                },
                x -> {
                    QueryResult q = x.query(QueryRequest.builder()
                            .queryEmbedding(vec(4))
                            .nResults(3)
                            .ids(List.of("n3", "n5", "n9", "n11", "zz"))
                            .build());
                    assertEquals(List.of("n9", "n11", "n3"), q.ids().get(0));
                    QueryResult odd = x.query(QueryRequest.builder()
                            .queryEmbedding(vec(4))
                            .nResults(10)
                            .where(Where.eq("odd", true))
                            .whereDocument(WhereDocument.notContains("far"))
                            .build());
                    assertEquals(List.of("n1", "n7", "n9", "n11"), odd.ids().get(0), "n1 and n7 tie: ordered by id");
                    QueryResult none = x.query(QueryRequest.builder()
                            .queryEmbedding(vec(4))
                            .nResults(10)
                            .where(Where.eq("i", 5))
                            .build());
                    assertEquals(List.of(List.of()), none.ids());
                });
    }

    @ParameterizedTest
    @EnumSource(CollectionStates.class)
    void recordWithoutEmbeddingIsFoundByGetButNotByQuery(CollectionStates state) {
        state.run(
                c,
                x -> x.add(List.of(
                        rec("with", 1, "a", null),
                        ChromaRecord.builder("without").document("b").build())),
                x -> x.upsert(List.of(
                        ChromaRecord.builder("late").metadata(Map.of("k", 1)).build())),
                x -> {
                    assertEquals(List.of("with", "without", "late"), all(x).ids());
                    assertEquals(
                            Arrays.asList(vec(1), null, null).size(),
                            all(x).embeddings().size());
                    assertNull(all(x).embeddings().get(1));
                    QueryResult q = x.query(QueryRequest.builder()
                            .queryEmbedding(vec(1))
                            .nResults(5)
                            .build());
                    assertEquals(List.of("with"), q.ids().get(0));
                    assertEquals(3, x.count());
                });
    }

    @ParameterizedTest
    @EnumSource(CollectionStates.class)
    void severalQueryEmbeddingsGetOneResultListEach(CollectionStates state) {
        state.run(c, x -> x.add(numbered(0, 5)), x -> x.add(numbered(5, 8)), x -> {
            QueryResult q = x.query(QueryRequest.builder()
                    .queryEmbeddings(List.of(vec(0), vec(7), vec(4)))
                    .nResults(2)
                    .build());
            assertEquals(List.of(List.of("n0", "n1"), List.of("n7", "n6"), List.of("n4", "n3")), q.ids());
            assertEquals(3, q.distances().size());
            assertEquals(0f, q.distances().get(0).get(0));
        });
    }

    @ParameterizedTest
    @EnumSource(CollectionStates.class)
    void urisAreStoredAndMerged(CollectionStates state) {
        state.run(
                c,
                x -> x.add(List.of(
                        ChromaRecord.builder("a").uri("s3://b/a").document("a").build(),
                        ChromaRecord.builder("b").uri("s3://b/b").build())),
                x -> x.update(List.of(
                        ChromaRecord.builder("a").uri("s3://b/a2").build(),
                        ChromaRecord.builder("b").document("now a doc").build())),
                x -> {
                    GetResult g = x.get(GetRequest.builder()
                            .include(Include.URIS, Include.DOCUMENTS)
                            .build());
                    assertEquals(List.of("s3://b/a2", "s3://b/b"), g.uris());
                    assertEquals(List.of("a", "now a doc"), g.documents());
                });
    }

    @ParameterizedTest
    @EnumSource(CollectionStates.class)
    void deletingEverythingLeavesAnEmptyCollectionThatAcceptsWrites(CollectionStates state) {
        state.run(
                c,
                x -> x.add(numbered(0, 4)),
                x -> {
                    assertEquals(
                            4,
                            x.delete(DeleteRequest.builder()
                                    .where(Where.gte("i", 0))
                                    .build()));
                    assertEquals(0, x.count());
                    x.compact();
                    x.add(numbered(4, 6));
                },
                x -> {
                    assertEquals(List.of("n4", "n5"), all(x).ids());
                    assertEquals(2, x.count());
                    assertEquals(
                            List.of("n5", "n4"),
                            x.query(QueryRequest.builder()
                                            .queryEmbedding(vec(6))
                                            .nResults(5)
                                            .build())
                                    .ids()
                                    .get(0));
                });
    }

    @Test
    void compactOfAnEmptyTailChangesNothing() {
        c.compact();
        assertEquals(0, c.stats().version());
        c.add(numbered(0, 3));
        c.compact();
        c.compact();
        assertEquals(1, c.stats().version());
        assertEquals(0, c.stats().walRecords());
        assertEquals(3, c.stats().compactedRecords());
        assertEquals(3, c.count());
    }

    @Test
    void queryOnAnEmptyCollectionReturnsEmptyLists() {
        ChromaCollection empty = client.createCollection("empty");
        QueryRequest twoQueries = QueryRequest.builder()
                .queryEmbeddings(List.of(vec(1), vec(2)))
                .nResults(3)
                .build();
        QueryResult q = empty.query(twoQueries);
        assertEquals(List.of(List.of(), List.of()), q.ids());
        assertEquals(List.of(), empty.get(GetRequest.builder().build()).ids());
        assertEquals(0, empty.count());
        // A collection stated to hold no dense vectors (this class's, EmbeddingFunction.none()) rejects the dense
        // query instead: it could never match anything.
        assertEquals(0, c.count());
        assertThrows(InvalidArgumentException.class, () -> c.query(twoQueries));
    }

    // ---------------------------------------------------------------------------------------------- collections

    @Test
    void modifyRenamesAndReplacesMetadata() {
        c.add(List.of(rec("a", 1, "doc", null)));
        c.modify("renamed", Map.of("owner", "me"));
        assertEquals("renamed", c.name());
        assertEquals(Map.of("owner", "me"), c.metadata());
        ChromaCollection again = client.getCollection("renamed");
        assertEquals(c.id(), again.id());
        assertEquals(Map.of("owner", "me"), again.metadata());
        assertEquals(List.of("a"), all(again).ids());
        assertThrows(NotFoundException.class, () -> client.getCollection("semantics"));
        c.modify(null, Map.of("owner", "you"));
        assertEquals("renamed", client.getCollection("renamed").name());
        assertEquals(Map.of("owner", "you"), client.getCollection("renamed").metadata());
        c.modify("third", null);
        assertEquals(Map.of("owner", "you"), client.getCollection("third").metadata());
        c.modify("third", Map.of("owner", "same name"));
        assertEquals(Map.of("owner", "same name"), client.getCollection("third").metadata());
        assertEquals(Map.of("owner", "same name"), c.options().metadata(), "options carry the metadata as of now");
        assertEquals(
                Map.of("owner", "same name"),
                client.getCollection("third").options().metadata());
    }

    @Test
    void modifiedAndDeletedCollectionsStaySoAfterReopen() {
        c.add(numbered(0, 3));
        c.compact();
        c.modify("renamed", Map.of("v", 2));
        client.createCollection("doomed").add(numbered(0, 2));
        client.deleteCollection("doomed");
        client.close();
        client = CollectionStates.quietClient(dir);
        ChromaCollection renamed = client.getCollection("renamed");
        assertEquals(Map.of("v", 2L), renamed.metadata());
        assertEquals(3, renamed.count());
        assertThrows(NotFoundException.class, () -> client.getCollection("doomed"));
        assertThrows(NotFoundException.class, () -> client.getCollection("semantics"));
        assertEquals(1, client.countCollections());
        assertEquals(0, client.createCollection("doomed").count());
    }

    @Test
    void resetDeletesEverythingOnlyWhenAllowed() {
        c.add(numbered(0, 3));
        assertThrows(ChromaException.class, client::reset);
        assertEquals(3, c.count());
        client.close();
        client = ChromaClient.builder().path(dir).allowReset(true).build();
        client.createTenant("acme");
        client.reset();
        assertEquals(0, client.countCollections());
        assertThrows(NotFoundException.class, () -> client.getCollection("semantics"));
        ChromaCollection fresh = client.createCollection("semantics");
        assertEquals(0, fresh.count());
    }

    @Test
    void modifyToAnExistingNameFailsAndChangesNothing() {
        client.createCollection("other");
        assertThrows(AlreadyExistsException.class, () -> c.modify("other", Map.of("x", 1)));
        assertEquals("semantics", c.name());
        assertEquals(Map.of(), c.metadata());
        assertEquals(2, client.countCollections());
    }

    @Test
    void collectionLifecycleFollowsChroma() {
        ChromaCollection created = client.createCollection(
                "second",
                CollectionOptions.builder()
                        .metadata(Map.of("m", 1))
                        .space(Space.COSINE)
                        .build());
        assertThrows(AlreadyExistsException.class, () -> client.createCollection("second"));
        assertEquals(created.id(), client.getCollection("second").id());
        assertEquals(Space.COSINE, client.getCollection("second").options().space());
        assertEquals(Map.of("m", 1L), client.getCollection("second").metadata());
        assertEquals(created.id(), client.getOrCreateCollection("second").id());
        ChromaCollection third = client.getOrCreateCollection("third");
        assertEquals(3, client.countCollections());
        assertEquals(List.of("semantics", "second", "third"), names(client.listCollections()));
        assertEquals(List.of("second", "third"), names(client.listCollections(5, 1)));
        assertEquals(List.of("semantics"), names(client.listCollections(1, 0)));
        assertEquals(List.of(), names(client.listCollections(2, 3)));
        third.add(List.of(rec("x", 1, "x", null)));
        client.deleteCollection("third");
        assertThrows(NotFoundException.class, () -> client.getCollection("third"));
        assertThrows(NotFoundException.class, () -> client.deleteCollection("third"));
        assertThrows(NotFoundException.class, third::count);
        assertEquals(2, client.countCollections());
        ChromaCollection recreated = client.createCollection("third");
        assertEquals(0, recreated.count(), "a recreated collection starts empty");
        assertFalse(recreated.id().equals(third.id()));
    }

    @Test
    void tenantsAndDatabasesFollowChroma() {
        assertThrows(NotFoundException.class, () -> client.database("acme", "prod"));
        client.createTenant("acme");
        assertThrows(AlreadyExistsException.class, () -> client.createTenant("acme"));
        assertThrows(NotFoundException.class, () -> client.createDatabase("nobody", "prod"));
        client.createDatabase("acme", "prod");
        client.createDatabase("acme", "test");
        assertThrows(AlreadyExistsException.class, () -> client.createDatabase("acme", "prod"));
        assertEquals(List.of("prod", "test"), client.listDatabases("acme"));
        Database prod = client.database("acme", "prod");
        assertEquals("acme", prod.tenant());
        assertEquals("prod", prod.name());
        ChromaCollection sameName = prod.createCollection("semantics");
        assertFalse(sameName.id().equals(c.id()), "collection names are per database");
        sameName.add(List.of(rec("p", 1, "prod", null)));
        assertEquals(0, c.count());
        assertEquals("acme", sameName.tenant());
        assertEquals("prod", sameName.database());
        assertEquals(1, prod.countCollections());
        client.deleteDatabase("acme", "prod");
        assertThrows(NotFoundException.class, () -> client.database("acme", "prod"));
        assertThrows(NotFoundException.class, () -> client.deleteDatabase("acme", "prod"));
        assertThrows(NotFoundException.class, sameName::count);
        assertEquals(List.of("test"), client.listDatabases("acme"));
        assertEquals(1, client.countCollections());
    }

    @Test
    void closedClientThrowsIllegalStateException() {
        c.add(List.of(rec("a", 1, "doc", null)));
        client.close();
        client.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> c.count());
        assertThrows(IllegalStateException.class, () -> c.get(List.of("a")));
        assertThrows(IllegalStateException.class, () -> c.add(List.of(rec("b", 1, "b", null))));
        assertThrows(
                IllegalStateException.class,
                () -> c.query(QueryRequest.builder().queryEmbedding(vec(1)).build()));
        assertThrows(IllegalStateException.class, () -> client.createCollection("other"));
        assertThrows(IllegalStateException.class, () -> client.getCollection("semantics"));
        assertThrows(IllegalStateException.class, client::listCollections);
        assertThrows(IllegalStateException.class, client::heartbeat);
        client = CollectionStates.quietClient(dir);
        assertEquals(List.of("a"), all(client.getCollection("semantics")).ids());
    }

    @ParameterizedTest
    @EnumSource(CollectionStates.class)
    void rejectedCallChangesNothing(CollectionStates state) {
        state.run(
                c,
                x -> x.add(List.of(rec("a", 1, "keep-a", Map.of("k", 1)), rec("b", 2, "keep-b", null))),
                x -> {
                    // Each batch is valid until its last record.
                    assertThrows(
                            InvalidArgumentException.class,
                            () -> x.add(List.of(
                                    rec("c", 3, "c", null),
                                    ChromaRecord.builder("d")
                                            .embedding(new float[] {1, 2})
                                            .build())));
                    assertThrows(
                            InvalidArgumentException.class,
                            () -> x.upsert(List.of(
                                    rec("a", 3, "x", null),
                                    ChromaRecord.builder("e")
                                            .metadata(Map.of("$bad", 1))
                                            .build())));
                    assertThrows(
                            InvalidArgumentException.class,
                            () -> x.update(List.of(
                                    rec("b", 3, "x", null),
                                    ChromaRecord.builder("b").document("dup").build())));
                    assertThrows(
                            InvalidArgumentException.class,
                            () -> x.delete(DeleteRequest.builder()
                                    .where(Where.parse("{\"k\": {\"$bogus\": 1}}"))
                                    .build()));
                },
                x -> {
                    assertUnchanged(x, List.of("a", "b"), List.of("keep-a", "keep-b"));
                    assertEquals(Map.of("k", 1L), all(x).metadatas().get(0));
                    assertArrayEquals(vec(2), all(x).embeddings().get(1));
                });
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static void assertUnchanged(ChromaCollection x, List<String> ids, List<String> documents) {
        GetResult g = all(x);
        assertEquals(ids, g.ids());
        assertEquals(documents, g.documents());
        assertEquals(ids.size(), x.count());
    }

    static float[] vec(float v) {
        return new float[] {v, v / 2, -v};
    }

    static ChromaRecord rec(String id, float v, String document, Map<String, ?> metadata) {
        ChromaRecord.Builder b = ChromaRecord.builder(id).embedding(vec(v)).document(document);
        if (metadata != null) {
            b.metadata(metadata);
        }
        return b.build();
    }

    private static List<ChromaRecord> numbered(int from, int to) {
        List<ChromaRecord> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(rec("n" + i, i, "doc " + i, Map.of("i", i, "odd", i % 2 == 1)));
        }
        return out;
    }

    static GetResult all(ChromaCollection x) {
        return x.get(GetRequest.builder()
                .include(Include.DOCUMENTS, Include.METADATAS, Include.EMBEDDINGS)
                .build());
    }

    private static List<String> ids(ChromaCollection x, GetRequest request) {
        return x.get(request).ids();
    }

    private static List<String> names(List<ChromaCollection> collections) {
        return collections.stream().map(ChromaCollection::name).collect(Collectors.toList());
    }

    private static List<ChromaRecord> randomRecords(
            Random random, String prefix, int n, int dim, Map<String, float[]> vectors) {
        List<ChromaRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] v = randomVector(random, dim);
            vectors.put(prefix + i, v);
            out.add(ChromaRecord.builder(prefix + i).embedding(v).build());
        }
        return out;
    }

    private static float[] randomVector(Random random, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    /** Chroma's distances in double precision, written from their definitions. */
    static double distance(Space space, float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        double l2 = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
            double d = (double) a[i] - b[i];
            l2 += d * d;
        }
        return switch (space) {
            case L2 -> l2;
            case IP -> 1 - dot;
            case COSINE -> 1 - dot / (Math.sqrt(na) * Math.sqrt(nb));
        };
    }
}
