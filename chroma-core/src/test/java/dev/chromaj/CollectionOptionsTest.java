package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CollectionOptionsTest {

    @Test
    void defaultsAreL2WithChromaHnswAndNoSparseKeys() {
        CollectionOptions o = CollectionOptions.defaults();
        assertEquals(Space.L2, o.space());
        assertEquals(HnswParams.defaults(), o.hnsw());
        assertTrue(o.metadata().isEmpty());
        assertTrue(o.sparseIndexes().isEmpty());
    }

    @Test
    void builderSetsEveryOptionInOrder() {
        CollectionOptions o = CollectionOptions.builder()
                .metadata(Map.of("owner", "search-team"))
                .space(Space.COSINE)
                .hnsw(HnswParams.builder().m(32).build())
                .sparseIndex("bm25", SparseIndex.bm25())
                .sparseIndex("splade", SparseIndex.provided())
                .build();
        assertEquals(Map.of("owner", "search-team"), o.metadata());
        assertEquals(Space.COSINE, o.space());
        assertEquals(32, o.hnsw().m());
        assertEquals(List.of("bm25", "splade"), List.copyOf(o.sparseIndexes().keySet()));
        assertEquals(o, o.toBuilder().build());
    }

    @Test
    void metadataIsNormalizedAndCopied() {
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("n", 3);
        md.put("f", 1.5f);
        CollectionOptions o = CollectionOptions.builder().metadata(md).build();
        md.put("x", "y");
        assertEquals(Map.of("n", 3L, "f", 1.5), o.metadata());
    }

    @Test
    void invalidMetadataIsRejectedWithTheKey() {
        Map<String, Object> md = new HashMap<>();
        md.put("k", null);
        assertTrue(assertThrows(
                        InvalidArgumentException.class,
                        () -> CollectionOptions.builder().metadata(md))
                .getMessage()
                .contains("'k'"));
        assertEquals(
                "Metadata key cannot start with '#' or '$': $k",
                assertThrows(
                                InvalidArgumentException.class,
                                () -> CollectionOptions.builder().metadata(Map.of("$k", 1)))
                        .getMessage());
    }

    @Test
    void sparseIndexNamesAreValidatedAndUnique() {
        CollectionOptions.Builder b = CollectionOptions.builder();
        assertThrows(InvalidArgumentException.class, () -> b.sparseIndex("", SparseIndex.bm25()));
        assertThrows(InvalidArgumentException.class, () -> b.sparseIndex("#x", SparseIndex.bm25()));
        assertThrows(
                InvalidArgumentException.class,
                () -> CollectionOptions.builder().sparseIndex("x", null));
        assertEquals(
                "Sparse index 'x' is declared twice",
                assertThrows(
                                InvalidArgumentException.class,
                                () -> CollectionOptions.builder()
                                        .sparseIndex("x", SparseIndex.bm25())
                                        .sparseIndex("x", SparseIndex.provided()))
                        .getMessage());
    }

    @Test
    void sparseIndexesAreUnmodifiable() {
        CollectionOptions o = CollectionOptions.builder()
                .sparseIndex("s", SparseIndex.provided())
                .build();
        assertThrows(
                UnsupportedOperationException.class, () -> o.sparseIndexes().put("t", SparseIndex.bm25()));
    }
}
