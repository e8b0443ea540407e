package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Strings with an unpaired UTF-16 surrogate have no UTF-8 form: blockfiles cannot store them, so a write holding
 * one must be rejected before it reaches the log (otherwise every later compaction of the collection fails), and a
 * read looking one up must be rejected with the library's own exception.
 */
class UnpairedSurrogateTest {
    private static final String BAD = "k\uD800";

    @TempDir
    Path dir;

    private ChromaClient client;
    private ChromaCollection c;

    @BeforeEach
    void open() {
        client = CollectionStates.quietClient(dir);
        c = client.createCollection(
                "surrogates",
                CollectionOptions.builder()
                        .sparseIndex("splade", SparseIndex.provided())
                        .build());
        c.add(List.of(ChromaRecord.builder("a")
                .embedding(new float[] {1, 0})
                .document("alpha")
                .metadata(Map.of("k", "v"))
                .build()));
        c.compact();
        c.add(List.of(ChromaRecord.builder("b")
                .embedding(new float[] {0, 1})
                .document("beta")
                .build()));
    }

    @AfterEach
    void close() {
        client.close();
    }

    private static ChromaRecord.Builder rec(String id) {
        return ChromaRecord.builder(id).embedding(new float[] {1, 1});
    }

    private void assertRejectedAndNothingWritten(String expectedInMessage, Consumer<ChromaCollection> write) {
        GetResult before = c.get(GetRequest.builder()
                .include(Include.DOCUMENTS, Include.METADATAS, Include.URIS)
                .build());
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> write.accept(c));
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
        assertTrue(e.getMessage().contains("well-formed UTF-16 text"), e.getMessage());
        assertTrue(e.getMessage().contains("with an unpaired surrogate \\uD"), e.getMessage());
        assertEquals(2, c.count());
        assertEquals(
                before,
                c.get(GetRequest.builder()
                        .include(Include.DOCUMENTS, Include.METADATAS, Include.URIS)
                        .build()));
    }

    @Test
    void everyStoredStringOfARecordIsChecked() {
        assertRejectedAndNothingWritten(
                "ID at position 1", x -> x.add(List.of(rec("ok").build(), rec(BAD).build())));
        assertRejectedAndNothingWritten("'k\\uD800'", x -> x.add(List.of(rec(BAD).build())));
        assertRejectedAndNothingWritten(
                "document of ID 'c'", x -> x.add(List.of(rec("c").document(BAD).build())));
        assertRejectedAndNothingWritten(
                "uri of ID 'c'", x -> x.upsert(List.of(rec("c").uri(BAD).build())));
        assertRejectedAndNothingWritten(
                "metadata key",
                x -> x.add(List.of(rec("c").metadata(Map.of(BAD, 1)).build())));
        assertRejectedAndNothingWritten(
                "metadata value for key 'm'",
                x -> x.add(List.of(rec("c").metadata(Map.of("m", BAD)).build())));
        assertRejectedAndNothingWritten(
                "metadata list value for key 'tags' at position 1",
                x -> x.add(List.of(
                        rec("c").metadata(Map.of("tags", List.of("x", BAD))).build())));
        assertRejectedAndNothingWritten(
                "sparse key of ID 'c'",
                x -> x.add(List.of(rec("c").sparse(BAD, SparseVector.of(new int[] {1}, new float[] {1f}))
                        .build())));
        assertRejectedAndNothingWritten(
                "document of ID 'a'",
                x -> x.update(List.of(ChromaRecord.builder("a").document(BAD).build())));
        assertRejectedAndNothingWritten(
                "(ID 'b')",
                x -> x.upsert(List.of(
                        ChromaRecord.builder("b").metadata(Map.of("k", BAD)).build())));
        assertRejectedAndNothingWritten(
                "ID at position 0", x -> x.add(List.of("x\uDC00"), List.of(new float[] {1, 1}), null, null));
        // A low surrogate before a high one is two unpaired surrogates, not a pair.
        assertRejectedAndNothingWritten(
                "document of ID 'c'",
                x -> x.add(List.of(rec("c").document("\uDC00\uD800").build())));

        // Nothing reached the log: the collection still compacts, and a well-formed pair is accepted and kept.
        c.add(List.of(rec("emoji")
                .document("smile \uD83D\uDE00")
                .metadata(Map.of("e", "\uD83D\uDE00"))
                .build()));
        c.compact();
        assertEquals(0, c.stats().walRecords());
        assertEquals(3, c.count());
        assertEquals(List.of("smile \uD83D\uDE00"), c.get(List.of("emoji")).documents());
        assertEquals(
                List.of("emoji"),
                c.get(GetRequest.builder().where(Where.eq("e", "\uD83D\uDE00")).build())
                        .ids());
    }

    @Test
    void collectionNamesAndMetadataAreChecked() {
        InvalidArgumentException e =
                assertThrows(InvalidArgumentException.class, () -> client.createCollection("bad" + BAD + "x"));
        assertTrue(e.getMessage().startsWith("Expected a name"), e.getMessage());
        e = assertThrows(
                InvalidArgumentException.class,
                () -> client.createCollection(
                        "meta",
                        CollectionOptions.builder()
                                .metadata(Map.of("owner", BAD))
                                .build()));
        assertTrue(e.getMessage().contains("metadata value for key 'owner'"), e.getMessage());
        e = assertThrows(
                InvalidArgumentException.class,
                () -> CollectionOptions.builder().sparseIndex(BAD, SparseIndex.provided()));
        assertTrue(e.getMessage().contains("sparse index name"), e.getMessage());
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("fine", "yes");
        metadata.put(BAD, "no");
        assertThrows(InvalidArgumentException.class, () -> c.modify(null, metadata));
        assertThrows(InvalidArgumentException.class, () -> c.modify(null, Map.of("k", List.of(BAD))));
        assertEquals(Map.of(), c.metadata());
        assertThrows(InvalidArgumentException.class, () -> client.createTenant("t" + BAD + "t"));
        assertThrows(InvalidArgumentException.class, () -> client.createDatabase("default_tenant", "d" + BAD + "d"));
        assertEquals(1, client.countCollections());
    }

    @Test
    void lookUpsWithAMalformedStringAreRejected() {
        assertThrows(InvalidArgumentException.class, () -> c.get(List.of(BAD)));
        assertThrows(InvalidArgumentException.class, () -> c.delete(List.of(BAD)));
        assertThrows(InvalidArgumentException.class, () -> Where.eq(BAD, "v"));
        assertThrows(InvalidArgumentException.class, () -> Where.eq("k", BAD));
        assertThrows(InvalidArgumentException.class, () -> Where.in("k", List.of("v", BAD)));
        assertThrows(InvalidArgumentException.class, () -> Where.contains("k", BAD));
        assertThrows(InvalidArgumentException.class, () -> Where.idIn(BAD));
        assertThrows(InvalidArgumentException.class, () -> Where.parse("{\"k\": \"\\ud800\"}"));
        assertThrows(InvalidArgumentException.class, () -> Where.parse("{\"#id\": {\"$in\": [\"\\udc00\"]}}"));
        assertThrows(InvalidArgumentException.class, () -> WhereDocument.contains(BAD));
        assertThrows(InvalidArgumentException.class, () -> WhereDocument.regex(BAD));
        assertThrows(InvalidArgumentException.class, () -> Rank.knn("splade", BAD));
        assertThrows(
                InvalidArgumentException.class, () -> Rank.knn(BAD, SparseVector.of(new int[] {1}, new float[] {1f})));
        assertEquals(2, c.count());
        assertEquals(
                List.of("a"),
                c.get(GetRequest.builder().where(Where.eq("k", "v")).build()).ids());
    }
}
