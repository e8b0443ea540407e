package dev.chromaj.benchmarks.vector;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.ClientStats;
import dev.chromaj.CollectionOptions;
import dev.chromaj.GetRequest;
import dev.chromaj.HnswParams;
import dev.chromaj.Include;
import dev.chromaj.QueryRequest;
import dev.chromaj.Space;
import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.VectorKernels;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dense query through the public API ({@code ChromaClient} on a local folder): recall@10 against single-threaded
 * QPS at several efSearch values (changed with {@code modify}), build time (the compaction that builds the HNSW
 * graph, all threads), memory per vector of the loaded index, cold load (reopen + first query), and an
 * incremental compaction of 1% more records (time, bytes written compared with the first compaction).
 *
 * <p>Arguments ({@code key=value}): {@code data} (datasets folder, default {@code ../shared/datasets}),
 * {@code datasets} (default siftsmall,fmnistsmall,scifact-minilm,generated100k), {@code ef} (default
 * 10,20,40,80,100,200), {@code minQueries} (queries per measurement, default 2000), {@code passes} (3),
 * {@code work} (a scratch folder, default a temporary one).
 */
public final class CollectionAnnBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(CollectionAnnBenchmark.class);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int K = 10;

    private CollectionAnnBenchmark() {}

    /** Runs the benchmark; see the class comment for arguments. */
    public static void main(String[] args) throws Exception {
        BenchmarkOptions options = new BenchmarkOptions(args);
        Path root = options.path("data", "../shared/datasets");
        int[] efs = options.integers("ef", "10,20,40,80,100,200");
        int minQueries = options.integer("minQueries", 2000);
        int passes = options.integer("passes", 3);
        LOG.info(
                "java {}, {} processors, max heap {} MB, kernels {}",
                Runtime.version(),
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20,
                VectorKernels.implementationName());
        StringBuilder report = new StringBuilder();
        report.append(
                "\n| dataset | n x dim | add s | build (compaction) s wall; CPU | index bytes/vector | segment bytes"
                        + " (vector) | cold reopen + first query ms | get all embeddings ms | +1% compaction s"
                        + " | +1% bytes written / first |");
        report.append("\n|---|---|---|---|---|---|---|---|---|---|");
        StringBuilder curves = new StringBuilder("\n| dataset |");
        for (int ef : efs) {
            curves.append(" ef ").append(ef).append(" |");
        }
        curves.append("\n|---|").append("---|".repeat(efs.length));
        for (String name : options.list("datasets", "siftsmall,fmnistsmall,scifact-minilm,generated100k")) {
            VectorDataset data = VectorDataset.load(root, name);
            if (data == null) {
                LOG.info("dataset {} not found under {}, skipped", name, root.toAbsolutePath());
                continue;
            }
            Path work = Files.createTempDirectory(
                    Path.of(options.text("work", System.getProperty("java.io.tmpdir"))), "chromaj-ann-");
            try {
                run(data, work, efs, minQueries, passes, report, curves);
            } finally {
                deleteRecursively(work);
            }
        }
        LOG.info(
                "summary{}\n\nrecall@10 @ single-thread QPS (thread CPU time; wall), medians of {} passes{}",
                report,
                passes,
                curves);
    }

    private static ChromaClient open(Path path) {
        return ChromaClient.builder()
                .path(path)
                .compactionInterval(Duration.ofHours(1))
                .compactionThreshold(Integer.MAX_VALUE)
                .build();
    }

    private static void run(
            VectorDataset data,
            Path work,
            int[] efs,
            int minQueries,
            int passes,
            StringBuilder report,
            StringBuilder curves) {
        float[][] base = data.base();
        int n = base.length;
        int extra = Math.max(1, n / 100);
        int initial = n - extra;
        LOG.info(
                "== {}: {} x {} ({}), {} queries; first compaction {} records, then {} more",
                data.name(),
                n,
                data.dimension(),
                data.space(),
                data.queries().length,
                initial,
                extra);
        Space space = data.space() == DistanceSpace.COSINE ? Space.COSINE : Space.L2;
        double addSeconds;
        double buildSeconds;
        double buildCpuSeconds;
        double extendSeconds;
        long firstBytes;
        long extendBytes;
        long indexBytes;
        long vectorSegmentBytes;
        try (ChromaClient client = open(work)) {
            ChromaCollection c = client.createCollection(
                    "ann", CollectionOptions.builder().space(space).build());
            long start = System.nanoTime();
            addRange(c, base, 0, initial);
            addSeconds = (System.nanoTime() - start) / 1e9;
            long written = client.stats().bytesWritten();
            start = System.nanoTime();
            long cpu = processCpuNanos();
            c.compact();
            buildSeconds = (System.nanoTime() - start) / 1e9;
            buildCpuSeconds = (processCpuNanos() - cpu) / 1e9;
            firstBytes = client.stats().bytesWritten() - written;
            addRange(c, base, initial, n);
            written = client.stats().bytesWritten();
            start = System.nanoTime();
            c.compact();
            extendSeconds = (System.nanoTime() - start) / 1e9;
            extendBytes = client.stats().bytesWritten() - written;
            c.query(QueryRequest.builder()
                    .queryEmbedding(data.queries()[0])
                    .nResults(K)
                    .include()
                    .build());
            ClientStats stats = client.stats();
            indexBytes = stats.vectorIndexBytes();
            vectorSegmentBytes = c.stats().segmentBytes().getOrDefault("vector", 0L);
            LOG.info(
                    "add {} s, compaction {} s wall, {} s process CPU (writes {} bytes), +{} records compaction {} s (writes {} bytes),"
                            + " index {} bytes",
                    fmt(addSeconds),
                    fmt(buildSeconds),
                    fmt(buildCpuSeconds),
                    firstBytes,
                    extra,
                    fmt(extendSeconds),
                    extendBytes,
                    indexBytes);
        }
        double coldMillis;
        double getAllMillis;
        try (ChromaClient client = open(work)) {
            long start = System.nanoTime();
            ChromaCollection c = client.getCollection("ann");
            c.query(QueryRequest.builder()
                    .queryEmbedding(data.queries()[0])
                    .nResults(K)
                    .include()
                    .build());
            coldMillis = (System.nanoTime() - start) / 1e6;
            start = System.nanoTime();
            int got = c.get(GetRequest.builder().include(Include.EMBEDDINGS).build())
                    .ids()
                    .size();
            getAllMillis = (System.nanoTime() - start) / 1e6;
            LOG.info(
                    "cold reopen + first query {} ms; get of all {} embeddings {} ms",
                    fmt(coldMillis),
                    got,
                    fmt(getAllMillis));
            curves.append("\n| ").append(data.name()).append(" |");
            measure(c, data, minQueries); // warm-up
            List<List<double[]>> runs = new ArrayList<>();
            for (int i = 0; i < efs.length; i++) {
                runs.add(new ArrayList<>());
            }
            for (int pass = 0; pass < passes; pass++) {
                for (int i = 0; i < efs.length; i++) {
                    c.modify(null, null, HnswParams.builder().efSearch(efs[i]).build());
                    double[] r = measure(c, data, minQueries);
                    runs.get(i).add(r);
                    LOG.info(
                            "ef {}: recall@10 {}, {} QPS (CPU), {} QPS (wall)",
                            efs[i],
                            String.format(Locale.ROOT, "%.4f", r[1]),
                            fmt(r[0]),
                            fmt(r[2]));
                }
            }
            for (List<double[]> r : runs) {
                curves.append(
                        String.format(Locale.ROOT, " %.3f @ %.0f; %.0f |", median(r, 1), median(r, 0), median(r, 2)));
            }
        }
        report.append(String.format(
                Locale.ROOT,
                "\n| %s | %d x %d | %s | %s; %s | %d | %d | %s | %s | %s | %.3f |",
                data.name(),
                n,
                data.dimension(),
                fmt(addSeconds),
                fmt(buildSeconds),
                fmt(buildCpuSeconds),
                indexBytes / n,
                vectorSegmentBytes,
                fmt(coldMillis),
                fmt(getAllMillis),
                fmt(extendSeconds),
                (double) extendBytes / firstBytes));
    }

    private static void addRange(ChromaCollection c, float[][] base, int from, int to) {
        List<ChromaRecord> batch = new ArrayList<>(1000);
        for (int i = from; i < to; i++) {
            batch.add(
                    ChromaRecord.builder(Integer.toString(i)).embedding(base[i]).build());
            if (batch.size() == 1000) {
                c.add(batch);
                batch = new ArrayList<>(1000);
            }
        }
        if (!batch.isEmpty()) {
            c.add(batch);
        }
    }

    /** Runs the query set (repeated up to {@code minQueries}); returns CPU QPS, recall@10, wall QPS. */
    private static double[] measure(ChromaCollection c, VectorDataset data, int minQueries) {
        float[][] queries = data.queries();
        int total = Math.max(minQueries, queries.length);
        int found = 0;
        int expected = 0;
        long cpu = THREADS.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        for (int i = 0; i < total; i++) {
            int q = i % queries.length;
            List<String> ids = c.query(QueryRequest.builder()
                            .queryEmbedding(queries[q])
                            .nResults(K)
                            .include()
                            .build())
                    .ids()
                    .get(0);
            if (i < queries.length) {
                Set<Integer> truth = new HashSet<>();
                for (int t = 0; t < K; t++) {
                    truth.add(data.groundTruth()[q][t]);
                }
                for (String id : ids) {
                    if (truth.contains(Integer.parseInt(id))) {
                        found++;
                    }
                }
                expected += K;
            }
        }
        double cpuSeconds = (THREADS.getCurrentThreadCpuTime() - cpu) / 1e9;
        double wallSeconds = (System.nanoTime() - wall) / 1e9;
        return new double[] {total / cpuSeconds, (double) found / expected, total / wallSeconds};
    }

    /** CPU time of the whole process (every thread), in nanoseconds; 0 when the platform does not report it. */
    private static long processCpuNanos() {
        return ProcessHandle.current()
                .info()
                .totalCpuDuration()
                .map(Duration::toNanos)
                .orElse(0L);
    }

    private static double median(List<double[]> runs, int field) {
        double[] values = runs.stream().mapToDouble(r -> r[field]).sorted().toArray();
        return values[values.length / 2];
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.2f", v);
    }

    static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warn("could not delete {}: {}", p, e.toString());
                }
            });
        } catch (IOException e) {
            LOG.warn("could not clean {}: {}", root, e.toString());
        }
    }
}
