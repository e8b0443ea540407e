package dev.chromaj.index.vector;

import dev.chromaj.annotations.Internal;

/**
 * Chooses between an exhaustive scan and an HNSW graph search by their estimated CPU time (nanoseconds on the
 * machine the constants were measured on; only the comparison matters).
 *
 * <ul>
 *   <li>A scan of {@code n} candidates costs {@code n · (dimension · c + EXACT_PER_RECORD)}: one sequential distance
 *       per candidate ({@code c} per dimension, which depends on the active {@link VectorKernels}: plain Java or
 *       Panama SIMD) plus the top-k bookkeeping.
 *   <li>A graph search costs {@code visits · dimension · c · GRAPH_DISTANCE_FACTOR + ef · GRAPH_PER_EF
 *       + GRAPH_FIXED}, {@code ef = max(k, efSearch)}: a distance per node it evaluates, plus the visited set, the
 *       candidate and result heaps and the link reads, which grow with ef. The evaluated nodes:
 *       {@code raw = VISITS_PER_LEVEL · M · log2(n) + VISITS_PER_EF · ef} on a large graph, saturating on a small one,
 *       {@code visits = n · (1 − e^(−raw / n))}.
 * </ul>
 *
 * <p>Versions of at most {@link #MIN_GRAPH_RECORDS} records are always scanned: the graph can save a few
 * microseconds there at the lowest efSearch, and an exact answer is worth more. Filtered searches are planned by
 * {@link HnswIndex#search(float[], int, int, OffsetSet)} once the graph is chosen (a selective filter is scanned).
 *
 * <p>The constants are a least-squares fit (0.22 rms log error) of {@code PlannerCalibration} (benchmarks module):
 * CPU time per query of both paths on clustered data, n 100–3,000, dimension 16–1,536, efSearch 10–100, M 16, on
 * JDK 17 (scalar kernels, 0.33 ns per dimension) and JDK 25 (512-bit Panama kernels, 0.067 ns per dimension); the
 * fitted choice agreed with the faster path in 96 of 102 cells, the others within 15%. Stateless and thread-safe.
 */
@Internal
public final class SearchPlanner {

    /** Record count up to which a version is always searched exhaustively. */
    public static final int MIN_GRAPH_RECORDS = 128;

    /** Nanoseconds per dimension of a sequential distance with the plain Java kernels. */
    static final double SCALAR_NANOS_PER_DIMENSION = 0.33;

    /** Nanoseconds per dimension of a sequential distance with the Panama kernels. */
    static final double PANAMA_NANOS_PER_DIMENSION = 0.067;

    /** Nanoseconds per scanned candidate beyond the distance (top-k offer, loop). */
    static final double EXACT_PER_RECORD = 8;

    /** Cost of a distance inside a graph search relative to the visit estimate times a sequential distance. */
    static final double GRAPH_DISTANCE_FACTOR = 0.8;

    /** Nanoseconds per unit of ef of a graph search (heaps, link reads, visited set). */
    static final double GRAPH_PER_EF = 224;

    /** Fixed nanoseconds per graph search (scratch, descent setup, result list). */
    static final double GRAPH_FIXED = 1700;

    /** Evaluated nodes per level of the descent, per unit of M. */
    static final double VISITS_PER_LEVEL = 0.96;

    /** Evaluated nodes per unit of ef on layer 0. */
    static final double VISITS_PER_EF = 6.2;

    private static final double NANOS_PER_DIMENSION =
            VectorKernels.implementationName().startsWith("panama")
                    ? PANAMA_NANOS_PER_DIMENSION
                    : SCALAR_NANOS_PER_DIMENSION;

    private SearchPlanner() {}

    /**
     * Estimated number of nodes whose distance a graph search of {@code n} nodes evaluates for the top {@code k} with
     * {@code efSearch} and {@code m}; never more than {@code n}.
     */
    public static double graphVisits(long n, int k, int efSearch, int m) {
        if (n <= 0) {
            return 0;
        }
        double size = (double) n;
        double ef = Math.max(k, efSearch);
        double log2 = Math.log(Math.max(2.0, size)) / Math.log(2);
        double raw = VISITS_PER_LEVEL * m * log2 + VISITS_PER_EF * ef;
        return size * -Math.expm1(-raw / size);
    }

    /** Estimated nanoseconds of scanning {@code candidates} vectors of {@code dimension}. */
    public static double exactCost(long candidates, int dimension) {
        return exactCost(candidates, dimension, NANOS_PER_DIMENSION);
    }

    static double exactCost(long candidates, int dimension, double nanosPerDimension) {
        return (double) candidates * (dimension * nanosPerDimension + EXACT_PER_RECORD);
    }

    /** Estimated nanoseconds of an unfiltered graph search over {@code n} nodes of {@code dimension}. */
    public static double graphCost(long n, int dimension, int k, int efSearch, int m) {
        return graphCost(n, dimension, k, efSearch, m, NANOS_PER_DIMENSION);
    }

    static double graphCost(long n, int dimension, int k, int efSearch, int m, double nanosPerDimension) {
        return graphVisits(n, k, efSearch, m) * dimension * nanosPerDimension * GRAPH_DISTANCE_FACTOR
                + Math.max(k, efSearch) * GRAPH_PER_EF
                + GRAPH_FIXED;
    }

    /**
     * Whether an unfiltered graph search over {@code n} nodes is expected to cost less than scanning the {@code n}
     * vectors exhaustively; false for {@code n <= MIN_GRAPH_RECORDS}.
     *
     * @throws IllegalArgumentException if {@code dimension}, {@code k}, {@code efSearch} or {@code m} is below 1
     */
    public static boolean graphCheaper(long n, int dimension, int k, int efSearch, int m) {
        return graphCheaper(n, dimension, k, efSearch, m, NANOS_PER_DIMENSION);
    }

    /** {@link #graphCheaper(long, int, int, int, int)} for kernels of the given speed (tests: both kernels). */
    static boolean graphCheaper(long n, int dimension, int k, int efSearch, int m, double nanosPerDimension) {
        if (dimension < 1 || k < 1 || efSearch < 1 || m < 1) {
            throw new IllegalArgumentException("dimension, k, efSearch and m must be at least 1, got " + dimension
                    + ", " + k + ", " + efSearch + ", " + m);
        }
        if (n <= MIN_GRAPH_RECORDS) {
            return false;
        }
        return graphCost(n, dimension, k, efSearch, m, nanosPerDimension) < exactCost(n, dimension, nanosPerDimension);
    }
}
