package dev.chromaj.index.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SearchPlannerTest {

    private static final double[] KERNELS = {
        SearchPlanner.SCALAR_NANOS_PER_DIMENSION, SearchPlanner.PANAMA_NANOS_PER_DIMENSION
    };

    @Test
    void aThousandHighDimensionalRecordsUseTheGraphAtTheDefaultEfSearch() {
        for (double kernel : KERNELS) {
            for (int dimension : new int[] {768, 784, 1024, 1536}) {
                assertTrue(
                        SearchPlanner.graphCheaper(1000, dimension, 10, 100, 16, kernel),
                        dimension + " dims, " + kernel + " ns/dim");
            }
            // 384 dims: the graph from efSearch 40 down with SIMD kernels (measured: a scan is as fast at 100)
            assertTrue(SearchPlanner.graphCheaper(1000, 384, 10, 40, 16, kernel), kernel + " ns/dim");
        }
        assertTrue(SearchPlanner.graphCheaper(1000, 384, 10, 100, 16, SearchPlanner.SCALAR_NANOS_PER_DIMENSION));
    }

    @Test
    void smallCollectionsStayExactWhateverTheDimension() {
        for (double kernel : KERNELS) {
            for (int dimension : new int[] {3, 128, 1536, 4096}) {
                for (int ef : new int[] {1, 10, 100}) {
                    assertFalse(SearchPlanner.graphCheaper(50, dimension, 10, ef, 16, kernel));
                    assertFalse(
                            SearchPlanner.graphCheaper(SearchPlanner.MIN_GRAPH_RECORDS, dimension, 10, ef, 16, kernel));
                }
            }
            // a scan of 1,000 short vectors costs less than a walk with the default efSearch
            assertFalse(SearchPlanner.graphCheaper(1000, 16, 10, 100, 16, kernel));
            assertFalse(SearchPlanner.graphCheaper(1000, 3, 10, 100, 16, kernel));
        }
    }

    @Test
    void largeCollectionsUseTheGraph() {
        for (double kernel : KERNELS) {
            for (int dimension : new int[] {3, 16, 128, 1536}) {
                assertTrue(SearchPlanner.graphCheaper(100_000, dimension, 10, 100, 16, kernel), dimension + "");
            }
        }
    }

    @Test
    void aLargerEfSearchOrKMovesTheChoiceTowardsTheScan() {
        for (double kernel : KERNELS) {
            assertTrue(SearchPlanner.graphCheaper(1000, 384, 10, 10, 16, kernel));
            assertFalse(SearchPlanner.graphCheaper(1000, 384, 10, 1000, 16, kernel));
            assertFalse(SearchPlanner.graphCheaper(1000, 384, 1000, 10, 16, kernel));
            assertTrue(SearchPlanner.graphCost(1000, 384, 10, 200, 16, kernel)
                    > SearchPlanner.graphCost(1000, 384, 10, 20, 16, kernel));
        }
    }

    @Test
    void visitsGrowWithEfAndNeverExceedTheGraph() {
        double previous = 0;
        for (int ef : new int[] {10, 20, 40, 80, 160, 320, 10_000}) {
            double visits = SearchPlanner.graphVisits(1000, 10, ef, 16);
            assertTrue(visits > previous, "ef " + ef);
            assertTrue(visits <= 1000, "ef " + ef + ": " + visits);
            previous = visits;
        }
        assertEquals(0, SearchPlanner.graphVisits(0, 10, 100, 16));
        assertTrue(SearchPlanner.graphVisits(1_000_000, 10, 100, 16) < 2_000);
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> SearchPlanner.graphCheaper(1000, 0, 10, 100, 16));
        assertThrows(IllegalArgumentException.class, () -> SearchPlanner.graphCheaper(1000, 8, 0, 100, 16));
        assertThrows(IllegalArgumentException.class, () -> SearchPlanner.graphCheaper(1000, 8, 10, 0, 16));
        assertThrows(IllegalArgumentException.class, () -> SearchPlanner.graphCheaper(1000, 8, 10, 100, 0));
    }
}
