package dev.chromaj.benchmarks.vector;

import dev.chromaj.index.vector.HnswConfig;
import dev.chromaj.index.vector.HnswIndex;
import dev.chromaj.index.vector.OffsetSet;
import dev.chromaj.index.vector.ScoredOffset;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.PrimitiveIterator;
import java.util.Random;
import java.util.function.IntSupplier;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Filtered query latency and recall of chromaj's HNSW at several selectivities on a generated dataset: the planner
 * ({@code search(q, k, ef, OffsetSet)}), the graph walk with the filter alone, and the exhaustive scan of the
 * allowed offsets. Recall is measured against the exact filtered top 10.
 *
 * <p>Arguments ({@code key=value}): {@code dataset} (default generated100k), {@code selectivity} (default
 * 0.01,0.02,0.05,0.1,0.2,0.5), {@code ef} (100), {@code queries} (200), {@code passes} (3).
 */
public final class FilteredSearchBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(FilteredSearchBenchmark.class);
    private static final int K = 10;
    /** Hits found by the timed searches; read after the run so that their results are used. */
    private static long hitCount;

    private FilteredSearchBenchmark() {}

    /** Runs the benchmark; see the class comment for arguments. */
    public static void main(String[] args) throws Exception {
        BenchmarkOptions options = new BenchmarkOptions(args);
        VectorDataset data = VectorDataset.generated(options.text("dataset", "generated100k"));
        int ef = options.integer("ef", 100);
        int queries = Math.min(options.integer("queries", 200), data.queries().length);
        int passes = options.integer("passes", 3);
        int threads = Runtime.getRuntime().availableProcessors();
        HnswIndex index = new HnswIndex(data.dimension(), data.space(), HnswConfig.defaults(), data.base().length);
        long start = System.nanoTime();
        index.addAll(IntStream.range(0, data.base().length).toArray(), data.base(), threads);
        LOG.info(
                "java {}, built {} x {} in {} s with {} threads; planner threshold at ef {}: {} allowed offsets",
                Runtime.version(),
                data.base().length,
                data.dimension(),
                String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9),
                threads,
                ef,
                index.bruteForceThreshold(ef));
        StringBuilder table = new StringBuilder(String.format(
                Locale.ROOT,
                "%n| selectivity | allowed | planner path | planner ms | planner recall | graph-only ms | "
                        + "graph-only recall | scan ms |%n|---|---|---|---|---|---|---|---|%n"));
        Random random = new Random(7);
        for (double selectivity : options.doubles("selectivity", "0.01,0.02,0.05,0.1,0.2,0.5")) {
            BitSet bits = new BitSet(data.base().length);
            for (int i = 0; i < data.base().length; i++) {
                if (random.nextDouble() < selectivity) {
                    bits.set(i);
                }
            }
            OffsetSet allowed = new BitSetOffsets(bits);
            List<List<ScoredOffset>> exact = IntStream.range(0, queries)
                    .mapToObj(q -> index.exactSearch(data.queries()[q], K, allowed))
                    .toList();
            double[] planner = new double[passes];
            double[] graph = new double[passes];
            double[] scan = new double[passes];
            double plannerRecall = 0;
            double graphRecall = 0;
            for (int pass = 0; pass < passes + 1; pass++) {
                double p = time(
                        () -> IntStream.range(0, queries)
                                .map(q -> index.search(data.queries()[q], K, ef, allowed)
                                        .size())
                                .sum(),
                        queries);
                double g = time(
                        () -> IntStream.range(0, queries)
                                .map(q -> index.search(data.queries()[q], K, ef, allowed::contains)
                                        .size())
                                .sum(),
                        queries);
                double s = time(
                        () -> IntStream.range(0, queries)
                                .map(q -> index.exactSearch(data.queries()[q], K, allowed)
                                        .size())
                                .sum(),
                        queries);
                if (pass > 0) {
                    planner[pass - 1] = p;
                    graph[pass - 1] = g;
                    scan[pass - 1] = s;
                }
            }
            for (int q = 0; q < queries; q++) {
                plannerRecall += recall(index.search(data.queries()[q], K, ef, allowed), exact.get(q));
                graphRecall += recall(index.search(data.queries()[q], K, ef, allowed::contains), exact.get(q));
            }
            boolean scans = allowed.cardinality() <= index.bruteForceThreshold(ef);
            table.append(String.format(
                    Locale.ROOT,
                    "| %.2f | %d | %s | %.3f | %.3f | %.3f | %.3f | %.3f |%n",
                    selectivity,
                    allowed.cardinality(),
                    scans ? "scan" : "graph",
                    median(planner),
                    plannerRecall / queries,
                    median(graph),
                    graphRecall / queries,
                    median(scan)));
        }
        LOG.info(
                "filtered search, k {}, ef {}, {} queries, mean ms per query (median of {} passes; {} hits in the timed"
                        + " searches){}",
                K,
                ef,
                queries,
                passes,
                hitCount,
                table);
    }

    /**
     * Times {@code work} (which returns the number of hits it found) and folds the count into {@link #hitCount}, so
     * the JIT cannot drop the searches as dead code.
     */
    private static double time(IntSupplier work, int queries) {
        long start = System.nanoTime();
        int hits = work.getAsInt();
        double millis = (System.nanoTime() - start) / 1e6 / queries;
        hitCount += hits;
        return millis;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double recall(List<ScoredOffset> found, List<ScoredOffset> truth) {
        if (truth.isEmpty()) {
            return 1;
        }
        long hits = found.stream()
                .filter(f -> truth.stream().anyMatch(t -> t.offset() == f.offset()))
                .count();
        return (double) hits / truth.size();
    }

    /** An {@link OffsetSet} over a {@link BitSet}, as a segment would adapt its bitmap. */
    private static final class BitSetOffsets implements OffsetSet {
        private final BitSet bits;
        private final int cardinality;

        BitSetOffsets(BitSet bits) {
            this.bits = bits;
            this.cardinality = bits.cardinality();
        }

        @Override
        public boolean contains(int offset) {
            return bits.get(offset);
        }

        @Override
        public int cardinality() {
            return cardinality;
        }

        @Override
        public PrimitiveIterator.OfInt iterator() {
            return bits.stream().iterator();
        }
    }
}
