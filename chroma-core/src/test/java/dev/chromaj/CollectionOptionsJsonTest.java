package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CollectionOptionsJsonTest {

    @Test
    void fullOptionsRoundTrip() {
        CollectionOptions options = CollectionOptions.builder()
                .metadata(Map.of("owner", "search-team", "n", 3, "f", 2.0, "tags", List.of("a")))
                .space(Space.COSINE)
                .hnsw(HnswParams.builder()
                        .m(32)
                        .efConstruction(200)
                        .efSearch(64)
                        .build())
                .sparseIndex("splade", SparseIndex.provided())
                .sparseIndex("bm25", SparseIndex.bm25(1.5, 0.5))
                .build();
        CollectionOptions back = CollectionOptionsJson.read(CollectionOptionsJson.write(options));
        assertEquals(options, back);
        assertEquals(List.of("splade", "bm25"), List.copyOf(back.sparseIndexes().keySet()));
    }

    @Test
    void defaultOptionsRoundTrip() {
        assertEquals(
                CollectionOptions.defaults(),
                CollectionOptionsJson.read(CollectionOptionsJson.write(CollectionOptions.defaults())));
    }

    @Test
    void missingFieldsReadAsDefaults() {
        assertEquals(CollectionOptions.defaults(), CollectionOptionsJson.read("{}"));
        assertEquals(Space.IP, CollectionOptionsJson.read("{\"space\": \"ip\"}").space());
    }

    @Test
    void newerFormatAndCorruptInputAreRejected() {
        assertTrue(assertThrows(ChromaException.class, () -> CollectionOptionsJson.read("{\"format\": 99}"))
                .getMessage()
                .contains("format 99"));
        assertThrows(ChromaException.class, () -> CollectionOptionsJson.read("{\"space\": \"manhattan\"}"));
        assertThrows(
                ChromaException.class,
                () -> CollectionOptionsJson.read("{\"sparse_indexes\": {\"s\": {\"kind\": \"magic\"}}}"));
        assertThrows(ChromaException.class, () -> CollectionOptionsJson.read("{\"hnsw\": {\"m\": 0}}"));
        assertThrows(ChromaException.class, () -> CollectionOptionsJson.read("[]"));
        assertThrows(ChromaException.class, () -> CollectionOptionsJson.read("{"));
    }
}
