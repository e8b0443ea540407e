package dev.chromaj.index.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.chromaj.testing.TestRandom;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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

    @ParameterizedTest
    @EnumSource(DistanceSpace.class)
    void sliceCollectorGivesTheResultsOfSearch(DistanceSpace space) {
        long seed = TestRandom.seed();
        Random random = new Random(seed);
        int dim = 37;
        for (int round = 0; round < 20; round++) {
            int n = 1 + random.nextInt(60);
            int[] offsets = new int[n];
            float[][] vectors = new float[n][];
            float[] store = new float[n * dim + 5];
            for (int i = 0; i < n; i++) {
                offsets[i] = random.nextInt(40); // repeated offsets and equal distances exercise the tie order
                vectors[i] = new float[dim];
                for (int d = 0; d < dim; d++) {
                    vectors[i][d] = random.nextInt(5) - 2;
                }
                System.arraycopy(vectors[i], 0, store, 5 + i * dim, dim);
            }
            float[] query = vectors[random.nextInt(n)].clone();
            int k = 1 + random.nextInt(12);
            ExactSearch.SliceCollector collector = new ExactSearch.SliceCollector(space, query, k);
            for (int i = 0; i < n; i++) {
                collector.offer(offsets[i], store, 5 + i * dim, dim);
            }
            assertEquals(ExactSearch.search(space, query, k, offsets, vectors), collector.results(), "seed " + seed);
        }
        ExactSearch.SliceCollector collector = new ExactSearch.SliceCollector(space, new float[dim], 3);
        assertThrows(IllegalArgumentException.class, () -> collector.offer(1, new float[dim], 0, dim - 1));
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
