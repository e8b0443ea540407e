package dev.chromaj.benchmarks.vector;

import dev.chromaj.index.vector.VectorKernels;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recall@10 against single-threaded QPS for several efSearch values, build time with all threads, and memory per
 * vector, for chromaj's HNSW, Lucene's HNSW graph, hnswlib-java and jvector, all in one JVM with the same M and
 * efConstruction. Passes over the libraries are interleaved (rotating the order) and medians are reported, because
 * a shared machine drifts.
 *
 * <p>Arguments ({@code key=value}): {@code data} (datasets folder, default {@code ../shared/datasets}),
 * {@code datasets} (comma list: siftsmall, fmnistsmall, scifact-minilm, generated100k, generated1000k),
 * {@code ef} (default 10,20,40,80,120,200), {@code m} (16), {@code efc} (100), {@code passes} (3),
 * {@code libs} (chromaj,lucene,hnswlib,jvector16,jvector32; also {@code chromaj-api}: the public API on a local
 * client, see {@link ChromajApiAnn}, and {@code chromaj-index}: that collection's loaded graph queried directly, which
 * needs {@code chromaj-api}; {@code chromaj-index-k+1} asks it for one more neighbour, as the API does), {@code threads} (all processors), {@code minQueries} (queries per measurement, the
 * query set is repeated up to it; default 2000). Each dataset ends with a summary: every library's best QPS at
 * recall@10 ≥ 0.95 and chromaj's ratios to the best peer.
 */
public final class AnnBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(AnnBenchmark.class);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int K = 10;

    private AnnBenchmark() {}

    /** Runs the benchmark; see the class comment for arguments. */
    public static void main(String[] args) throws Exception {
        BenchmarkOptions options = new BenchmarkOptions(args);
        Path root = options.path("data", "../shared/datasets");
        int[] efs = options.integers("ef", "10,20,40,80,120,200");
        int m = options.integer("m", 16);
        int efc = options.integer("efc", 100);
        int passes = options.integer("passes", 3);
        int threads = options.integer("threads", Runtime.getRuntime().availableProcessors());
        int minQueries = options.integer("minQueries", 2000);
        List<String> libs = options.list("libs", "chromaj,lucene,hnswlib,jvector16,jvector32");
        LOG.info(
                "java {} ({}), {} processors, max heap {} MB; chromaj kernels {}, jvector provider {}",
                Runtime.version(),
                System.getProperty("java.vm.name"),
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20,
                VectorKernels.implementationName(),
                VectorizationProvider.getInstance().getClass().getSimpleName());
        LOG.info(
                "M {}, efConstruction {}, build threads {}, passes {}, ef {}",
                m,
                efc,
                threads,
                passes,
                Arrays.toString(efs));
        for (String name : options.list("datasets", "siftsmall,fmnistsmall,scifact-minilm,generated100k")) {
            VectorDataset data = VectorDataset.load(root, name);
            if (data == null) {
                LOG.info("dataset {} not found under {}, skipped", name, root.toAbsolutePath());
                continue;
            }
            run(data, libs, efs, m, efc, passes, threads, minQueries);
        }
    }

    private static void run(
            VectorDataset data,
            List<String> libNames,
            int[] efs,
            int m,
            int efc,
            int passes,
            int threads,
            int minQueries)
            throws Exception {
        LOG.info(
                "== {}: {} x {} ({}), {} queries",
                data.name(),
                data.base().length,
                data.dimension(),
                data.space(),
                data.queries().length);
        List<AnnLibrary> libraries = new ArrayList<>();
        ChromajApiAnn api = null;
        for (String lib : libNames) {
            if (lib.equals("chromaj-api")) {
                api = new ChromajApiAnn();
                libraries.add(api);
            }
        }
        for (String lib : libNames) {
            if (lib.startsWith("chromaj-index")) {
                if (api == null) {
                    throw new IllegalArgumentException("libs: " + lib + " needs chromaj-api");
                }
                libraries.add(api.indexLevel(lib.equals("chromaj-index-k+1")));
            } else if (!lib.equals("chromaj-api")) {
                libraries.add(create(lib));
            }
        }
        Map<String, List<Double>> buildSeconds = new LinkedHashMap<>();
        Map<String, List<Double>> buildCpuSeconds = new LinkedHashMap<>();
        Map<String, Long> heapBytes = new LinkedHashMap<>();
        int buildPasses = data.base().length <= 20_000 ? Math.min(passes, 2) : 1;
        for (int pass = 0; pass < buildPasses; pass++) {
            for (AnnLibrary lib : rotated(libraries, pass)) {
                lib.close();
                long before = usedHeapAfterGc();
                long start = System.nanoTime();
                long cpuStart = processCpuNanos();
                lib.build(data, m, efc, threads);
                double seconds = (System.nanoTime() - start) / 1e9;
                double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
                long retained = usedHeapAfterGc() - before;
                if (lib.sharesInputVectors()) {
                    retained += (long) data.base().length * (16 + 4L * data.dimension());
                }
                buildSeconds.computeIfAbsent(lib.name(), x -> new ArrayList<>()).add(seconds);
                buildCpuSeconds
                        .computeIfAbsent(lib.name(), x -> new ArrayList<>())
                        .add(cpuSeconds);
                heapBytes.put(lib.name(), retained);
                LOG.info("built {} in {} s wall, {} s process CPU", lib.name(), format(seconds), format(cpuSeconds));
            }
        }
        float[][] queries = data.queries();
        for (AnnLibrary lib : libraries) {
            lib.prepareQueries(queries);
            measure(lib, data, efs[efs.length - 1], minQueries);
        }
        Map<String, Map<Integer, List<double[]>>> results = new LinkedHashMap<>();
        for (int pass = 0; pass < passes; pass++) {
            for (AnnLibrary lib : rotated(libraries, pass)) {
                for (int ef : efs) {
                    double[] qpsAndRecall = measure(lib, data, ef, minQueries);
                    results.computeIfAbsent(lib.name(), x -> new LinkedHashMap<>())
                            .computeIfAbsent(ef, x -> new ArrayList<>())
                            .add(qpsAndRecall);
                }
            }
        }
        StringBuilder table = new StringBuilder();
        table.append(String.format(
                Locale.ROOT,
                "%n| %s | library | build s wall (%d thr) | build s CPU " + "| bytes/vector (heap; own) |",
                data.name(),
                threads));
        for (int ef : efs) {
            table.append(" ef ").append(ef).append(" |");
        }
        table.append("\n|---|---|---|---|---|")
                .append("---|".repeat(efs.length))
                .append('\n');
        for (AnnLibrary lib : libraries) {
            long own = lib.reportedBytes();
            if (own >= 0 && lib.sharesInputVectors()) {
                own += (long) data.base().length * (16 + 4L * data.dimension());
            }
            table.append(String.format(
                    Locale.ROOT,
                    "| | %s | %s | %s | %d; %s |",
                    lib.name(),
                    format(median(buildSeconds.get(lib.name()))),
                    format(median(buildCpuSeconds.get(lib.name()))),
                    heapBytes.get(lib.name()) / data.base().length,
                    own < 0 ? "n/a" : Long.toString(own / data.base().length)));
            for (int ef : efs) {
                List<double[]> runs = results.get(lib.name()).get(ef);
                double cpuQps = median(runs.stream().map(r -> r[0]).toList());
                double wallQps = median(runs.stream().map(r -> r[2]).toList());
                double recall = median(runs.stream().map(r -> r[1]).toList());
                table.append(String.format(Locale.ROOT, " %.3f @ %.0f (%.0f) |", recall, cpuQps, wallQps));
            }
            table.append('\n');
        }
        LOG.info(
                "{} (cells: recall@10 @ single-thread QPS by thread CPU time (by wall time), medians of {} passes){}",
                data.name(),
                passes,
                table);
        LOG.info("{} best at recall@10 >= 0.95{}", data.name(), summary(data, libraries, efs, results));
        for (AnnLibrary lib : libraries) {
            lib.close();
        }
    }

    /**
     * Runs the query set (repeated up to {@code minQueries}) single-threaded: {QPS by thread CPU time, mean
     * recall@10, QPS by wall time}. CPU time leaves out the time the thread waits for a core, which dominates wall
     * time on an oversubscribed machine.
     */
    private static double[] measure(AnnLibrary lib, VectorDataset data, int ef, int minQueries) throws Exception {
        lib.prepareEf(ef);
        float[][] queries = data.queries();
        int rounds = Math.max(1, (minQueries + queries.length - 1) / queries.length);
        int[][] found = new int[queries.length][];
        long start = System.nanoTime();
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        for (int r = 0; r < rounds; r++) {
            for (int q = 0; q < queries.length; q++) {
                found[q] = lib.search(q, queries[q], K, ef);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (THREADS.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        double recall = 0;
        for (int q = 0; q < queries.length; q++) {
            int[] truth = data.groundTruth()[q];
            int hits = 0;
            for (int id : found[q]) {
                for (int t = 0; t < K; t++) {
                    if (truth[t] == id) {
                        hits++;
                        break;
                    }
                }
            }
            recall += hits / (double) K;
        }
        int count = rounds * queries.length;
        return new double[] {count / cpuSeconds, recall / queries.length, count / seconds};
    }

    /**
     * One row per library: the efSearch with the highest CPU QPS among those reaching recall@10 ≥ 0.95, then
     * chromaj's (API, else index) ratio to each peer and to the best peer.
     */
    private static String summary(
            VectorDataset data,
            List<AnnLibrary> libraries,
            int[] efs,
            Map<String, Map<Integer, List<double[]>>> results) {
        Map<String, double[]> best = new LinkedHashMap<>();
        for (AnnLibrary lib : libraries) {
            double[] b = null;
            for (int ef : efs) {
                List<double[]> runs = results.get(lib.name()).get(ef);
                double cpuQps = median(runs.stream().map(r -> r[0]).toList());
                double recall = median(runs.stream().map(r -> r[1]).toList());
                if (recall >= 0.95 && (b == null || cpuQps > b[2])) {
                    b = new double[] {ef, recall, cpuQps};
                }
            }
            best.put(lib.name(), b);
        }
        String ours = best.containsKey("chromaj-api") ? "chromaj-api" : "chromaj";
        double[] mine = best.get(ours);
        StringBuilder out = new StringBuilder("\n| " + data.name() + " | library | ef | recall@10 | CPU QPS | " + ours
                + " / library |\n|---|---|---|---|---|---|");
        double bestPeer = 0;
        String bestPeerName = "none";
        for (Map.Entry<String, double[]> e : best.entrySet()) {
            double[] b = e.getValue();
            boolean peer = !e.getKey().startsWith("chromaj");
            if (peer && b != null && b[2] > bestPeer) {
                bestPeer = b[2];
                bestPeerName = e.getKey();
            }
            out.append(String.format(
                    Locale.ROOT,
                    "\n| | %s | %s | %s | %s | %s |",
                    e.getKey(),
                    b == null ? "-" : Integer.toString((int) b[0]),
                    b == null ? "< 0.95" : String.format(Locale.ROOT, "%.3f", b[1]),
                    b == null ? "-" : String.format(Locale.ROOT, "%.0f", b[2]),
                    b == null || mine == null ? "-" : String.format(Locale.ROOT, "%.2f", mine[2] / b[2])));
        }
        out.append(String.format(
                Locale.ROOT,
                "\n%s vs best peer (%s): %s",
                ours,
                bestPeerName,
                mine == null || bestPeer == 0 ? "n/a" : String.format(Locale.ROOT, "%.2fx", mine[2] / bestPeer)));
        return out.toString();
    }

    private static AnnLibrary create(String name) {
        return switch (name) {
            case "chromaj" -> new ChromajAnn();
            case "lucene" -> new LuceneAnn();
            case "hnswlib" -> new HnswlibAnn();
            case "jvector16" -> new JvectorAnn(16);
            case "jvector32" -> new JvectorAnn(32);
            default ->
                throw new IllegalArgumentException("unknown library " + name
                        + " (chromaj, chromaj-api, chromaj-index, lucene, hnswlib, jvector16, jvector32)");
        };
    }

    private static <T> List<T> rotated(List<T> items, int by) {
        List<T> copy = new ArrayList<>(items);
        java.util.Collections.rotate(copy, by);
        return copy;
    }

    /** CPU time of the whole process (every thread), in nanoseconds; 0 when the platform does not report it. */
    private static long processCpuNanos() {
        return ProcessHandle.current()
                .info()
                .totalCpuDuration()
                .map(Duration::toNanos)
                .orElse(0L);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }

    static double median(List<Double> values) {
        double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String format(double seconds) {
        return String.format(Locale.ROOT, "%.2f", seconds);
    }
}
