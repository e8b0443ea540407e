package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QueryRequestTest {

    @Test
    void defaultsAreTenResultsWithDocumentsMetadatasDistances() {
        QueryRequest r =
                QueryRequest.builder().queryEmbedding(new float[] {1f, 2f}).build();
        assertEquals(10, r.nResults());
        assertEquals(Set.of(Include.DOCUMENTS, Include.METADATAS, Include.DISTANCES), r.include());
        assertEquals(1, r.queryEmbeddings().size());
    }

    @Test
    void builderSetsEveryField() {
        QueryRequest r = QueryRequest.builder()
                .queryEmbeddings(List.of(new float[] {1f}, new float[] {2f}))
                .nResults(3)
                .where(Where.gt("n", 1))
                .whereDocument(WhereDocument.regex("a+"))
                .ids(List.of("x"))
                .include(Include.EMBEDDINGS)
                .build();
        assertEquals(2, r.queryEmbeddings().size());
        assertEquals(3, r.nResults());
        assertEquals(Where.gt("n", 1L), r.where());
        assertEquals(List.of("x"), r.ids());
        assertEquals(Set.of(Include.EMBEDDINGS), r.include());
        assertEquals(r, r.toBuilder().build());
    }

    @Test
    void queryEmbeddingsAreCopiedInAndOut() {
        float[] q = {1f, 2f};
        QueryRequest r = QueryRequest.builder().queryEmbedding(q).build();
        q[0] = 5f;
        r.queryEmbeddings().get(0)[1] = 5f;
        assertArrayEquals(new float[] {1f, 2f}, r.queryEmbeddings().get(0));
    }

    @Test
    void badQueryEmbeddingsAreRejectedNamingTheirPosition() {
        InvalidArgumentException nan = assertThrows(
                InvalidArgumentException.class,
                () -> QueryRequest.builder()
                        .queryEmbeddings(List.of(new float[] {1f, 2f}, new float[] {1f, Float.NaN})));
        assertEquals("Expected embedding values of query 1 to be finite, got NaN at position 1", nan.getMessage());
        InvalidArgumentException empty = assertThrows(
                InvalidArgumentException.class,
                () -> QueryRequest.builder().queryEmbeddings(List.of(new float[] {1f}, new float[0])));
        assertEquals(
                "Expected embedding of query 1 to be a 1-dimensional array with at least 1 value, got an empty array",
                empty.getMessage());
    }

    @Test
    void nonPositiveNResultsIsRejectedWithChromasMessage() {
        assertEquals(
                "Number of requested results 0, cannot be negative, or zero.",
                assertThrows(
                                InvalidArgumentException.class,
                                () -> QueryRequest.builder().nResults(0))
                        .getMessage());
    }

    @Test
    void invalidEmbeddingsAreRejected() {
        assertThrows(
                InvalidArgumentException.class, () -> QueryRequest.builder().build());
        assertThrows(
                InvalidArgumentException.class, () -> QueryRequest.builder().queryEmbeddings(List.of()));
        assertTrue(assertThrows(
                        InvalidArgumentException.class,
                        () -> QueryRequest.builder().queryEmbedding(new float[] {Float.NaN}))
                .getMessage()
                .contains("finite"));
        assertTrue(assertThrows(
                        InvalidArgumentException.class,
                        () -> QueryRequest.builder().queryEmbedding(new float[0]))
                .getMessage()
                .contains("at least 1 value"));
        assertTrue(assertThrows(
                        InvalidArgumentException.class,
                        () -> QueryRequest.builder().queryEmbeddings(List.of(new float[] {1f}, new float[] {1f, 2f})))
                .getMessage()
                .contains("share one dimension"));
    }
}
