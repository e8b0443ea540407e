package dev.chromaj.benchmarks.vector;

import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.HnswConfig;
import dev.chromaj.index.vector.HnswGraphSearcher;
import dev.chromaj.index.vector.HnswGraphView;
import dev.chromaj.index.vector.HnswIndex;
import dev.chromaj.index.vector.ScalarQuantizer;
import dev.chromaj.index.vector.ScoredOffset;
import dev.chromaj.index.vector.VectorKernels;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Index level, on the heap: {@link HnswIndex#search(float[], int, int, IntPredicate)} against
 * {@link HnswGraphSearcher} over {@link HnswIndex#view()}, on one index, passes interleaved. Counts the queries
 * whose results differ (expected 0) and reports the median single-thread CPU QPS of each. The cost of the view
 * (a virtual call and a list copy per expanded node, a slice per scored node) is the difference.
 *
 * <p>Arguments ({@code key=value}): {@code n} (50000), {@code dim} (128), {@code queries} (500), {@code ef} (100),
 * {@code passes} (5), {@code int8} (false), {@code threads} (build threads, 2).
 */
public final class GraphViewSearchBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(GraphViewSearchBenchmark.class);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private GraphViewSearchBenchmark() {}

    public static void main(String[] args) {
        BenchmarkOptions options = new BenchmarkOptions(args);
        int n = options.integer("n", 50_000);
        int dim = options.integer("dim", 128);
        int queryCount = options.integer("queries", 500);
        int ef = options.integer("ef", 100);
        int passes = options.integer("passes", 5);
        boolean int8 = Boolean.parseBoolean(options.text("int8", "false"));
        int threads = options.integer("threads", 2);
        QuantizedScaleBenchmark.Generator gen = new QuantizedScaleBenchmark.Generator(n, dim);
        float[][] data = new float[n][];
        int[] offsets = new int[n];
        for (int i = 0; i < n; i++) {
            data[i] = gen.vector(i);
            offsets[i] = i;
        }
        ScalarQuantizer quantizer = int8 ? ScalarQuantizer.train(dim, DistanceSpace.L2, data) : null;
        HnswIndex index = new HnswIndex(dim, DistanceSpace.L2, HnswConfig.defaults(), n, quantizer);
        long start = System.nanoTime();
        index.addAll(offsets, data, threads);
        LOG.info(
                "java {}, kernels {}/{}; {} x {} {}, built in {} s",
                Runtime.version(),
                VectorKernels.implementationName(),
                VectorKernels.byteImplementationName(),
                n,
                dim,
                int8 ? "int8" : "float",
                (System.nanoTime() - start) / 1e9);
        float[][] queries = new float[queryCount][];
        for (int q = 0; q < queryCount; q++) {
            queries[q] = gen.query(q);
        }
        HnswGraphView view = index.view();
        int differ = 0;
        for (float[] q : queries) {
            List<ScoredOffset> a = index.search(q, 10, ef, (IntPredicate) null);
            List<ScoredOffset> b = HnswGraphSearcher.search(view, q, 10, ef, null);
            if (!a.equals(b)) {
                differ++;
            }
        }
        List<Double> indexQps = new ArrayList<>();
        List<Double> viewQps = new ArrayList<>();
        for (int pass = 0; pass < passes; pass++) {
            for (int j = 0; j < 2; j++) {
                boolean viewFirst = pass % 2 == 1;
                boolean useView = (j == 0) == viewFirst;
                long cpu = THREADS.getCurrentThreadCpuTime();
                long sink = 0;
                for (float[] q : queries) {
                    List<ScoredOffset> r = useView
                            ? HnswGraphSearcher.search(view, q, 10, ef, null)
                            : index.search(q, 10, ef, (IntPredicate) null);
                    sink += r.get(0).offset();
                }
                double qps = queries.length / ((THREADS.getCurrentThreadCpuTime() - cpu) / 1e9);
                (useView ? viewQps : indexQps).add(qps);
                LOG.info(
                        "pass {} {}: CPU QPS {} ({})",
                        pass,
                        useView ? "searcher over view" : "HnswIndex.search",
                        fmt(qps),
                        sink);
            }
        }
        LOG.info(
                "results: {} of {} queries differ; median CPU QPS HnswIndex.search {}, searcher over view {} ({})",
                differ,
                queryCount,
                fmt(median(indexQps)),
                fmt(median(viewQps)),
                fmt(median(viewQps) / median(indexQps)));
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.3f", v);
    }
}
