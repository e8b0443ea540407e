package dev.chromaj.benchmarks.vector;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.CollectionOptions;
import dev.chromaj.HnswParams;
import dev.chromaj.QueryRequest;
import dev.chromaj.Space;
import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.VectorKernels;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queries from several threads on one collection through the public API, and query latency while a writer ingests.
 *
 * <p>One collection ({@code ChromaClient} on a local folder, background compaction every {@code compactionMs} or
 * {@code compactionThreshold} log records) is filled with the dataset in batches of 1,000 and compacted. Then, in
 * {@code passes} interleaved passes:
 *
 * <ol>
 *   <li><b>throughput</b>: for each thread count in {@code threads} (1,2,4), that many threads query (nResults 10,
 *       ids only) for {@code seconds}; total QPS by wall time, and the process CPU seconds used per wall second;
 *   <li><b>idle latency</b>: one thread queries the idle collection for {@code latencySeconds} (p50, p99, max);
 *   <li><b>latency under ingestion</b>: the same queries while one writer thread adds 100-record batches (new ids, the
 *       dataset's vectors with a little noise) continuously at {@code writeRate} records/s and the background
 *       compaction folds them; the writer stops when the queries are done. Reports its records/s and the
 *       compactions that ran, then compacts the rest so the next pass starts idle. (Unpaced, the writer outruns compaction on 2 cores, the log tail that every query
 *       scans exactly grows without bound and so does query latency: that measures the backlog, not contention.)
 * </ol>
 *
 * <p>Arguments ({@code key=value}): {@code data} (datasets folder), {@code dataset} (siftsmall), {@code threads}
 * (1,2,4), {@code seconds} (3), {@code latencySeconds} (10), {@code passes} (3), {@code ef} (efSearch, 100),
 * {@code compactionMs} (1000), {@code compactionThreshold} (2000), {@code writeRate} (records/s, 1000).
 */
public final class CollectionConcurrencyBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(CollectionConcurrencyBenchmark.class);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int K = 10;

    private CollectionConcurrencyBenchmark() {}

    /** Runs the benchmark; see the class comment for arguments. */
    public static void main(String[] args) throws Exception {
        BenchmarkOptions options = new BenchmarkOptions(args);
        Path root = options.path("data", "../shared/datasets");
        String name = options.text("dataset", "siftsmall");
        int[] threadCounts = options.integers("threads", "1,2,4");
        double seconds = options.integer("seconds", 3);
        double latencySeconds = options.integer("latencySeconds", 10);
        int passes = options.integer("passes", 3);
        int ef = options.integer("ef", 100);
        int compactionMs = options.integer("compactionMs", 1000);
        int compactionThreshold = options.integer("compactionThreshold", 2000);
        int writeRate = options.integer("writeRate", 1000);
        VectorDataset data = VectorDataset.load(root, name);
        if (data == null) {
            throw new IllegalArgumentException("dataset " + name + " not found under " + root.toAbsolutePath());
        }
        LOG.info(
                "java {}, {} processors, kernels {}; {} {} x {}, efSearch {}, compaction every {} ms or {} records",
                Runtime.version(),
                Runtime.getRuntime().availableProcessors(),
                VectorKernels.implementationName(),
                name,
                data.base().length,
                data.dimension(),
                ef,
                compactionMs,
                compactionThreshold);
        Path folder = Files.createTempDirectory("chromaj-concurrency-");
        try (ChromaClient client = ChromaClient.builder()
                .path(folder)
                .compactionInterval(Duration.ofMillis(compactionMs))
                .compactionThreshold(compactionThreshold)
                .build()) {
            Space space = data.space() == DistanceSpace.COSINE ? Space.COSINE : Space.L2;
            ChromaCollection c = client.createCollection(
                    "concurrency",
                    CollectionOptions.builder()
                            .space(space)
                            .hnsw(HnswParams.builder().efSearch(ef).build())
                            .build());
            float[][] base = data.base();
            for (int from = 0; from < base.length; from += 1000) {
                List<ChromaRecord> batch = new ArrayList<>(1000);
                for (int i = from; i < Math.min(base.length, from + 1000); i++) {
                    batch.add(ChromaRecord.builder(Integer.toString(i))
                            .embedding(base[i])
                            .build());
                }
                c.add(batch);
            }
            c.compact();
            // warm-up
            runQueries(c, data.queries(), 1, 1.0);
            runQueries(c, data.queries(), 2, 1.0);
            double[][] qps = new double[threadCounts.length][passes];
            double[][] cpu = new double[threadCounts.length][passes];
            double[][] perCpu = new double[threadCounts.length][passes];
            List<long[]> idle = new ArrayList<>();
            List<long[]> busy = new ArrayList<>();
            List<double[]> ingest = new ArrayList<>();
            long writerSeed = 7;
            for (int pass = 0; pass < passes; pass++) {
                for (int t = 0; t < threadCounts.length; t++) {
                    double[] r = runQueries(c, data.queries(), threadCounts[t], seconds);
                    qps[t][pass] = r[0];
                    cpu[t][pass] = r[1];
                    perCpu[t][pass] = r[2];
                    LOG.info(
                            "pass {}: {} thread(s): {} QPS, {} CPU s per wall s, {} queries per query-thread CPU s",
                            pass,
                            threadCounts[t],
                            fmt(r[0]),
                            fmt(r[1]),
                            fmt(r[2]));
                }
                long[] quiet = latencies(c, data.queries(), latencySeconds, pass);
                idle.add(quiet);
                double[] w = new double[2];
                long[] loaded = latenciesUnderIngestion(c, data, latencySeconds, pass, writerSeed++, writeRate, w);
                busy.add(loaded);
                ingest.add(w);
                c.compact(); // the next pass starts on an idle collection again, without a log tail
                LOG.info(
                        "pass {}: idle p50 {} ms p99 {} ms; ingesting ({} records/s, {} compactions) p50 {} ms p99 {}"
                                + " ms",
                        pass,
                        ms(percentile(quiet, 0.5)),
                        ms(percentile(quiet, 0.99)),
                        fmt(w[0]),
                        (long) w[1],
                        ms(percentile(loaded, 0.5)),
                        ms(percentile(loaded, 0.99)));
            }
            StringBuilder table = new StringBuilder("\n| query threads | QPS (median) | QPS per pass | x 1 thread |"
                    + " process CPU s per wall s | queries per query-thread CPU s |\n|---|---|---|---|---|---|");
            double single = median(qps[0]);
            for (int t = 0; t < threadCounts.length; t++) {
                table.append(String.format(
                        Locale.ROOT,
                        "\n| %d | %.0f | %s | %.2f | %.2f | %.0f |",
                        threadCounts[t],
                        median(qps[t]),
                        Arrays.toString(
                                Arrays.stream(qps[t]).mapToLong(Math::round).toArray()),
                        median(qps[t]) / single,
                        median(cpu[t]),
                        median(perCpu[t])));
            }
            table.append(
                    "\n\n| pass | idle p50 ms | idle p99 ms | idle max ms | ingesting p50 ms | ingesting p99 ms |"
                            + " ingesting max ms | p99 ratio | writer records/s | compactions |\n|---|---|---|---|---|---|---|---|---|---|");
            double[] ratios = new double[passes];
            for (int pass = 0; pass < passes; pass++) {
                long[] a = idle.get(pass);
                long[] b = busy.get(pass);
                ratios[pass] = (double) percentile(b, 0.99) / percentile(a, 0.99);
                table.append(String.format(
                        Locale.ROOT,
                        "\n| %d | %s | %s | %s | %s | %s | %s | %.2f | %.0f | %d |",
                        pass,
                        ms(percentile(a, 0.5)),
                        ms(percentile(a, 0.99)),
                        ms(a[a.length - 1]),
                        ms(percentile(b, 0.5)),
                        ms(percentile(b, 0.99)),
                        ms(b[b.length - 1]),
                        ratios[pass],
                        ingest.get(pass)[0],
                        (long) ingest.get(pass)[1]));
            }
            LOG.info(
                    "{} ({} x {}), efSearch {}, collection of {} records at the end{}\nmedian p99 ratio (ingesting /"
                            + " idle): {}",
                    name,
                    data.base().length,
                    data.dimension(),
                    ef,
                    c.count(),
                    table,
                    String.format(Locale.ROOT, "%.2f", median(ratios)));
        } finally {
            CollectionAnnBenchmark.deleteRecursively(folder);
        }
    }

    /**
     * {@code threads} threads query for {@code seconds}, started together; returns {total QPS by wall time, process
     * CPU seconds per wall second}.
     */
    private static double[] runQueries(ChromaCollection c, float[][] queries, int threads, double seconds)
            throws InterruptedException {
        AtomicLong done = new AtomicLong();
        AtomicLong threadCpu = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int offset = t * 97;
            Thread worker = new Thread(
                    () -> {
                        ready.countDown();
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                        long n = 0;
                        long cpuStart = THREADS.getCurrentThreadCpuTime();
                        while (!stop.get()) {
                            query(c, queries[(int) ((offset + n) % queries.length)]);
                            n++;
                        }
                        threadCpu.addAndGet(THREADS.getCurrentThreadCpuTime() - cpuStart);
                        done.addAndGet(n);
                    },
                    "query-" + t);
            workers.add(worker);
            worker.start();
        }
        ready.await();
        long cpu = processCpuNanos();
        long start = System.nanoTime();
        go.countDown();
        Thread.sleep((long) (seconds * 1000));
        stop.set(true);
        for (Thread worker : workers) {
            worker.join();
        }
        double wall = (System.nanoTime() - start) / 1e9;
        return new double[] {
            done.get() / wall, (processCpuNanos() - cpu) / 1e9 / wall, done.get() / (threadCpu.get() / 1e9)
        };
    }

    private static void query(ChromaCollection c, float[] q) {
        c.query(QueryRequest.builder().queryEmbedding(q).nResults(K).include().build());
    }

    /** Per-query wall nanoseconds of the queries one thread runs in {@code seconds}, sorted. */
    private static long[] latencies(ChromaCollection c, float[][] queries, double seconds, int pass) {
        long[] out = new long[1024];
        int count = 0;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        for (int i = 0; System.nanoTime() < end; i++) {
            float[] q = queries[(i + pass * 31) % queries.length];
            long start = System.nanoTime();
            query(c, q);
            if (count == out.length) {
                out = Arrays.copyOf(out, 2 * count);
            }
            out[count++] = System.nanoTime() - start;
        }
        out = Arrays.copyOf(out, count);
        Arrays.sort(out);
        return out;
    }

    /**
     * {@link #latencies} while a writer adds 100-record batches continuously; {@code writer} receives the writer's
     * records/s and the number of versions published meanwhile (compactions).
     */
    private static long[] latenciesUnderIngestion(
            ChromaCollection c, VectorDataset data, double seconds, int pass, long seed, int rate, double[] writer)
            throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong written = new AtomicLong();
        CountDownLatch started = new CountDownLatch(1);
        float[][] base = data.base();
        long versionBefore = c.stats().version();
        Thread w = new Thread(
                () -> {
                    Random random = new Random(seed);
                    int next = 0;
                    long begin = System.nanoTime();
                    while (!stop.get()) {
                        long due = begin + (long) (next * 1e9 / rate);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                            continue;
                        }
                        List<ChromaRecord> batch = new ArrayList<>(100);
                        for (int i = 0; i < 100; i++) {
                            float[] v = base[random.nextInt(base.length)].clone();
                            for (int d = 0; d < v.length; d++) {
                                v[d] += (float) random.nextGaussian() * 0.01f * Math.abs(v[d]) + 1e-4f;
                            }
                            batch.add(ChromaRecord.builder("w" + seed + "-" + next++)
                                    .embedding(v)
                                    .build());
                        }
                        c.add(batch);
                        written.addAndGet(batch.size());
                        started.countDown();
                    }
                },
                "writer");
        w.start();
        started.await();
        long start = System.nanoTime();
        long[] out = latencies(c, data.queries(), seconds, pass);
        double wall = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        w.join();
        writer[0] = written.get() / wall;
        writer[1] = c.stats().version() - versionBefore;
        return out;
    }

    private static long percentile(long[] sorted, double p) {
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static long processCpuNanos() {
        return ProcessHandle.current()
                .info()
                .totalCpuDuration()
                .map(Duration::toNanos)
                .orElse(0L);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
