package dev.chromaj.index.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExactSearchTest {

    @Test
    void resultsAreOrderedByDistanceThenOffset() {
        float[][] vectors = {{0f, 1f}, {1f, 0f}, {0f, 0f}, {1f, 0f}, {5f, 5f}};
        int[] offsets = {10, 7, 3, 2, 1};
        List<ScoredOffset> top = ExactSearch.search(DistanceSpace.L2, new float[] {1f, 0f}, 4, offsets, vectors);
        assertEquals(
                List.of(
                        new ScoredOffset(2, 0f),
                        new ScoredOffset(7, 0f),
                        new ScoredOffset(3, 1f),
                        new ScoredOffset(10, 2f)),
                top);
    }

    @Test
    void filterKeepsOnlyAllowedOffsets() {
        float[][] vectors = {{0f, 1f}, {1f, 0f}, {0f, 0f}};
        int[] offsets = {0, 1, 2};
        List<ScoredOffset> top =
                ExactSearch.search(DistanceSpace.IP, new float[] {1f, 0f}, 5, offsets, vectors, offset -> offset != 1);
        assertEquals(List.of(new ScoredOffset(0, 1f), new ScoredOffset(2, 1f)), top);
    }

    @Test
    void cosineUsesRawVectors() {
        float[][] vectors = {{10f, 0f}, {0f, 3f}};
        List<ScoredOffset> top =
                ExactSearch.search(DistanceSpace.COSINE, new float[] {2f, 0f}, 2, new int[] {0, 1}, vectors);
        assertEquals(0, top.get(0).offset());
        assertEquals(0f, top.get(0).distance(), 1e-6);
        assertEquals(1f, top.get(1).distance(), 1e-6);
    }

    @Test
    void badInputIsRejected() {
        float[][] vectors = {{0f, 1f}};
        assertThrows(
                IllegalArgumentException.class,
                () -> ExactSearch.search(DistanceSpace.L2, new float[2], 0, new int[] {0}, vectors));
        assertThrows(
                IllegalArgumentException.class,
                () -> ExactSearch.search(DistanceSpace.L2, new float[3], 1, new int[] {0}, vectors));
        assertThrows(
                IllegalArgumentException.class,
                () -> ExactSearch.search(DistanceSpace.L2, new float[2], 1, new int[] {0, 1}, vectors));
    }
}
