package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GetRequestTest {

    @Test
    void defaultsMatchEverythingWithDocumentsAndMetadatas() {
        GetRequest r = GetRequest.builder().build();
        assertNull(r.ids());
        assertNull(r.where());
        assertNull(r.whereDocument());
        assertEquals(OptionalInt.empty(), r.limit());
        assertEquals(0, r.offset());
        assertEquals(Set.of(Include.DOCUMENTS, Include.METADATAS), r.include());
    }

    @Test
    void builderSetsEveryField() {
        Where w = Where.eq("k", "v");
        WhereDocument d = WhereDocument.contains("x");
        GetRequest r = GetRequest.builder()
                .ids(List.of("a", "b"))
                .where(w)
                .whereDocument(d)
                .limit(100)
                .offset(5)
                .include(Include.DOCUMENTS, Include.METADATAS, Include.EMBEDDINGS)
                .build();
        assertEquals(List.of("a", "b"), r.ids());
        assertEquals(w, r.where());
        assertEquals(d, r.whereDocument());
        assertEquals(OptionalInt.of(100), r.limit());
        assertEquals(5, r.offset());
        assertEquals(Set.of(Include.DOCUMENTS, Include.METADATAS, Include.EMBEDDINGS), r.include());
        assertEquals(r, r.toBuilder().build());
    }

    @Test
    void includeWithNoArgumentsReturnsIdsOnly() {
        assertTrue(GetRequest.builder().include().build().include().isEmpty());
    }

    @Test
    void idsAreCopied() {
        List<String> ids = new ArrayList<>(List.of("a"));
        GetRequest r = GetRequest.builder().ids(ids).build();
        ids.add("b");
        assertEquals(List.of("a"), r.ids());
    }

    @Test
    void invalidArgumentsAreRejected() {
        assertEquals(
                "Include item cannot be one of distances, got distances",
                assertThrows(
                                InvalidArgumentException.class,
                                () -> GetRequest.builder().include(Include.DISTANCES))
                        .getMessage());
        assertEquals(
                "Expected limit to be a non-negative integer, got -1",
                assertThrows(
                                InvalidArgumentException.class,
                                () -> GetRequest.builder().limit(-1))
                        .getMessage());
        assertThrows(InvalidArgumentException.class, () -> GetRequest.builder().offset(-1));
        assertEquals(
                "Expected IDs to be unique, found duplicates of: a",
                assertThrows(
                                InvalidArgumentException.class,
                                () -> GetRequest.builder().ids("a", "b", "a"))
                        .getMessage());
        assertTrue(assertThrows(
                        InvalidArgumentException.class,
                        () -> GetRequest.builder().ids(Arrays.asList("a", null)))
                .getMessage()
                .contains("position 1"));
        assertThrows(InvalidArgumentException.class, () -> GetRequest.builder().include(Include.URIS, null));
    }
}
