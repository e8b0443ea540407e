package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultsTest {

    @Test
    void getResultCopiesListsAndEmbeddings() {
        float[] e = {1f, 2f};
        List<String> ids = new ArrayList<>(List.of("a", "b"));
        GetResult r = new GetResult(ids, Arrays.asList("d", null), null, Arrays.asList(e, null), null);
        ids.add("c");
        e[0] = 9f;
        assertEquals(List.of("a", "b"), r.ids());
        assertNull(r.metadatas());
        assertNull(r.documents().get(1));
        assertArrayEquals(new float[] {1f, 2f}, r.embeddings().get(0));
        assertThrows(UnsupportedOperationException.class, () -> r.documents().set(0, "x"));
        assertEquals(2, r.size());
    }

    @Test
    void getResultRejectsListsOfAnotherLength() {
        assertThrows(IllegalArgumentException.class, () -> new GetResult(List.of("a"), List.of(), null, null, null));
    }

    @Test
    void emptyGetResultHasOnlyIncludedFields() {
        GetResult r = GetResult.empty(EnumSet.of(Include.METADATAS));
        assertEquals(List.of(), r.metadatas());
        assertNull(r.documents());
        assertNull(r.embeddings());
    }

    @Test
    void queryResultCopiesNestedLists() {
        List<Float> distances = new ArrayList<>(List.of(0.5f));
        QueryResult r = new QueryResult(
                List.of(List.of("a")),
                List.of(distances),
                null,
                List.of(Arrays.asList((Map<String, Object>) null)),
                null,
                null);
        distances.add(1f);
        assertEquals(List.of(List.of(0.5f)), r.distances());
        assertNull(r.metadatas().get(0).get(0));
        assertNull(r.documents());
    }

    @Test
    void hitCopiesItsEmbedding() {
        float[] e = {1f};
        Hit h = new Hit("a", 0.5, "doc", e, Map.of("k", 1L), null);
        e[0] = 2f;
        h.embedding()[0] = 3f;
        assertArrayEquals(new float[] {1f}, h.embedding());
        assertEquals(new Hit("a", 0.5, "doc", new float[] {1f}, Map.of("k", 1L), null), h);
    }

    @Test
    void statsComputeDerivedValues() {
        assertEquals(0.75, new ClientStats(3, 1, 0, 0, 0, 0, 0, 0, 0).hitRate());
        assertEquals(0.0, new ClientStats(0, 0, 0, 0, 0, 0, 0, 0, 0).hitRate());
        assertEquals(30, new CollectionStats(1, 1, 0, 1, Map.of("record", 10L, "vector", 20L), 2).totalBytes());
    }
}
