package dev.chromaj.index.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.testing.TestRandom;
import java.util.List;
import java.util.Random;
import java.util.function.IntPredicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HnswGraphSearcherTest {

    private static final int DIM = 24;

    /**
     * The searcher over {@link HnswIndex#view()} walks the graph the index walks: same results, same order, same
     * distance bits, with and without a filter, with deleted and replaced nodes present.
     */
    @ParameterizedTest
    @CsvSource({"L2,0", "COSINE,0", "IP,0", "L2,8", "COSINE,8", "IP,8", "L2,4", "COSINE,4", "IP,4"})
    void searchOverOnHeapViewEqualsIndexSearch(DistanceSpace space, int bits) {
        long seed = TestRandom.seed();
        Random random = new Random(seed);
        float[][] data = ClusteredVectors.generate(random, 1500, DIM, 12);
        ScalarQuantizer quantizer = bits == 0 ? null : ScalarQuantizer.train(DIM, space, data, bits);
        HnswIndex index = new HnswIndex(DIM, space, new HnswConfig(8, 60, 40, seed), data.length, quantizer);
        for (int i = 0; i < data.length; i++) {
            index.add(i, data[i]);
        }
        HnswGraphView view = index.view();
        String where = " (seed " + seed + ", " + space + (bits == 0 ? ", float)" : ", int" + bits + ")");
        compare(index, view, random, null, where + " before deletes");
        // deleted and updated nodes stay in the graph: the walk traverses them and never returns them
        for (int i = 0; i < 150; i++) {
            index.delete(random.nextInt(data.length));
            int updated = random.nextInt(data.length);
            index.add(updated, data[random.nextInt(data.length)]);
        }
        assertTrue(view.hasDeletedNodes(), "deleted nodes" + where);
        compare(index, view, random, null, where);
        IntPredicate third = offset -> offset % 3 == 0;
        compare(index, view, random, third, where + " filtered");
        IntPredicate rare = offset -> offset % 97 == 5;
        compare(index, view, random, rare, where + " rare filter");
    }

    private static void compare(
            HnswIndex index, HnswGraphView view, Random random, IntPredicate allowed, String where) {
        for (int t = 0; t < 40; t++) {
            float[] query = new float[DIM];
            for (int j = 0; j < DIM; j++) {
                query[j] = (float) random.nextGaussian();
            }
            int k = 1 + random.nextInt(20);
            int ef = 1 + random.nextInt(80);
            List<ScoredOffset> expected = index.search(query, k, ef, allowed);
            List<ScoredOffset> actual = HnswGraphSearcher.search(view, query, k, ef, allowed);
            assertEquals(expected, actual, "query " + t + ", k " + k + ", ef " + ef + where);
        }
    }

    @ParameterizedTest
    @CsvSource({"0", "1"})
    void emptyGraphAndBadArgumentsAreHandled(int size) {
        HnswIndex index = new HnswIndex(3, DistanceSpace.L2, HnswConfig.defaults(), 4);
        if (size > 0) {
            index.add(7, new float[] {1, 2, 3});
        }
        HnswGraphView view = index.view();
        List<ScoredOffset> found = HnswGraphSearcher.search(view, new float[] {1, 2, 3}, 5, 10, null);
        assertEquals(index.search(new float[] {1, 2, 3}, 5, 10, (IntPredicate) null), found);
        assertEquals(size, found.size());
        IllegalArgumentException dim = assertThrows(
                IllegalArgumentException.class, () -> HnswGraphSearcher.search(view, new float[2], 1, 1, null));
        assertEquals("query must have dimension 3, got 2", dim.getMessage());
        IllegalArgumentException k = assertThrows(
                IllegalArgumentException.class, () -> HnswGraphSearcher.search(view, new float[3], 0, 1, null));
        assertEquals("k must be at least 1, got 0", k.getMessage());
    }
}
