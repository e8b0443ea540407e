package dev.chromaj.benchmarks.vector;

import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.ExactSearch;
import dev.chromaj.index.vector.HnswConfig;
import dev.chromaj.index.vector.HnswIndex;
import dev.chromaj.index.vector.SearchPlanner;
import dev.chromaj.index.vector.VectorKernels;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The measurement behind {@link SearchPlanner}'s constants: per-query CPU time of an exhaustive scan
 * ({@link ExactSearch} over the version's embeddings, what a vector segment does without its graph) and of an HNSW
 * search ({@link HnswIndex}, M 16, efConstruction 100) on generated clustered data, over a grid of record counts,
 * dimensions and efSearch values, next to the planner's choice. A row prints {@code exact µs}, {@code graph µs},
 * the faster path and the planner's.
 *
 * <p>Arguments ({@code key=value}): {@code n} (default 100,300,1000,3000), {@code dims} (8,16,64,128,384,784,1536),
 * {@code ef} (10,40,100), {@code queries} (per cell, default 300).
 */
public final class PlannerCalibration {
    private static final Logger LOG = LoggerFactory.getLogger(PlannerCalibration.class);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int K = 10;
    private static final int M = 16;

    private PlannerCalibration() {}

    /** Runs the grid; see the class comment for arguments. */
    public static void main(String[] args) {
        BenchmarkOptions options = new BenchmarkOptions(args);
        int[] counts = options.integers("n", "100,300,1000,3000");
        int[] dims = options.integers("dims", "8,16,64,128,384,784,1536");
        int[] efs = options.integers("ef", "10,40,100");
        int queries = options.integer("queries", 300);
        LOG.info("java {}, kernels {}", Runtime.version(), VectorKernels.implementationName());
        StringBuilder table = new StringBuilder(
                "\n| n | dim | ef | exact µs | graph µs | graph/exact | faster | planner | graph visits (est.) |"
                        + "\n|---|---|---|---|---|---|---|---|---|");
        int agree = 0;
        int cells = 0;
        for (int dim : dims) {
            for (int n : counts) {
                VectorDataset data = VectorDataset.generated("generated" + n + "x" + dim, n, 200, false);
                HnswIndex index = new HnswIndex(dim, DistanceSpace.L2, new HnswConfig(M, 100, 100, 42L), n);
                int[] offsets = IntStream.range(0, n).toArray();
                index.addAll(offsets, data.base(), 2);
                float[][] qs = data.queries();
                double exact = Double.MAX_VALUE;
                for (int round = 0; round < 3; round++) {
                    exact = Math.min(
                            exact,
                            time(
                                    qs,
                                    queries,
                                    q -> ExactSearch.search(DistanceSpace.L2, q, K, offsets, data.base())
                                            .size()));
                }
                for (int ef : efs) {
                    double graph = Double.MAX_VALUE;
                    for (int round = 0; round < 3; round++) {
                        graph = Math.min(
                                graph,
                                time(
                                        qs,
                                        queries,
                                        q -> index.search(q, K, ef, (IntPredicate) null)
                                                .size()));
                    }
                    boolean graphFaster = graph < exact;
                    boolean plannerGraph = SearchPlanner.graphCheaper(n, dim, K, ef, M);
                    cells++;
                    if (graphFaster == plannerGraph) {
                        agree++;
                    }
                    table.append(String.format(
                            Locale.ROOT,
                            "\n| %d | %d | %d | %.1f | %.1f | %.2f | %s | %s | %.0f |",
                            n,
                            dim,
                            ef,
                            exact,
                            graph,
                            graph / exact,
                            graphFaster ? "graph" : "exact",
                            plannerGraph ? "graph" : "exact",
                            SearchPlanner.graphVisits(n, K, ef, M)));
                }
            }
        }
        LOG.info("calibration (CPU µs per query, best of 3 rounds of {} queries){}", queries, table);
        LOG.info("planner agrees with the faster path in {} of {} cells", agree, cells);
    }

    private interface Query {
        int run(float[] q);
    }

    /** Mean thread-CPU microseconds per query over {@code count} queries (the query set repeated). */
    private static double time(float[][] qs, int count, Query query) {
        int sink = 0;
        long start = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < count; i++) {
            sink += query.run(qs[i % qs.length]);
        }
        long nanos = THREADS.getCurrentThreadCpuTime() - start;
        if (sink < 0) {
            LOG.info("unreachable {}", sink);
        }
        return nanos / 1e3 / count;
    }
}
