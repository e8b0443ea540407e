package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChromaRecordTest {

    @Test
    void builderSetsEveryField() {
        SparseVector sv = SparseVector.of(new int[] {3, 17}, new float[] {0.5f, 1.2f});
        ChromaRecord r = ChromaRecord.builder("doc-1")
                .embedding(new float[] {0.1f, 0.2f})
                .document("the text")
                .metadata(Map.of("year", 2024, "tags", List.of("a", "b")))
                .uri("s3://bucket/doc-1.pdf")
                .sparse("splade", sv)
                .build();
        assertEquals("doc-1", r.id());
        assertArrayEquals(new float[] {0.1f, 0.2f}, r.embedding());
        assertEquals("the text", r.document());
        assertEquals(2024, r.metadata().get("year"));
        assertEquals("s3://bucket/doc-1.pdf", r.uri());
        assertEquals(Map.of("splade", sv), r.sparse());
    }

    @Test
    void unsetFieldsAreNull() {
        ChromaRecord r = ChromaRecord.builder("a").build();
        assertNull(r.embedding());
        assertNull(r.document());
        assertNull(r.metadata());
        assertNull(r.uri());
        assertTrue(r.sparse().isEmpty());
    }

    @Test
    void embeddingIsCopiedInAndOut() {
        float[] e = {1f, 2f};
        ChromaRecord r = ChromaRecord.builder("a").embedding(e).build();
        e[0] = 9f;
        assertArrayEquals(new float[] {1f, 2f}, r.embedding());
        r.embedding()[1] = 9f;
        assertArrayEquals(new float[] {1f, 2f}, r.embedding());
    }

    @Test
    void metadataIsCopiedAndUnmodifiable() {
        Map<String, Object> md = new HashMap<>();
        List<Object> tags = new ArrayList<>(List.of("a"));
        md.put("tags", tags);
        ChromaRecord r = ChromaRecord.builder("a").metadata(md).build();
        md.put("x", 1);
        tags.add("b");
        assertEquals(Map.of("tags", List.of("a")), r.metadata());
        assertThrows(UnsupportedOperationException.class, () -> r.metadata().put("y", 1));
        @SuppressWarnings("unchecked")
        List<Object> copied = (List<Object>) r.metadata().get("tags");
        assertThrows(UnsupportedOperationException.class, () -> copied.add("c"));
    }

    @Test
    void metadataKeepsNullValuesThatDeleteKeys() {
        Map<String, Object> md = new HashMap<>();
        md.put("gone", null);
        md.put("kept", "v");
        ChromaRecord r = ChromaRecord.builder("a").metadata(md).build();
        assertTrue(r.metadata().containsKey("gone"));
        assertNull(r.metadata().get("gone"));
    }

    @Test
    void emptyOrNullIdIsRejected() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> ChromaRecord.builder(""));
        assertTrue(e.getMessage().startsWith("Expected ID to be a non-empty string"), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> ChromaRecord.builder(null));
    }

    @Test
    void nullSparseVectorIsRejected() {
        InvalidArgumentException e = assertThrows(
                InvalidArgumentException.class, () -> ChromaRecord.builder("a").sparse("k", null));
        assertTrue(e.getMessage().contains("'k'"), e.getMessage());
    }

    @Test
    void toBuilderKeepsFieldsAndAllowsChanges() {
        ChromaRecord r =
                ChromaRecord.builder("a").document("d").metadata(Map.of("k", 1)).build();
        ChromaRecord changed = r.toBuilder().document("e").build();
        assertEquals("e", changed.document());
        assertEquals(r.metadata(), changed.metadata());
        assertEquals(r, r.toBuilder().build());
    }

    @Test
    void equalRecordsHaveEqualHashCodes() {
        ChromaRecord a = ChromaRecord.builder("a").embedding(new float[] {1f}).build();
        ChromaRecord b = ChromaRecord.builder("a").embedding(new float[] {1f}).build();
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
    }
}
