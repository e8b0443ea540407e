package dev.chromaj.benchmarks.vector;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.ClientStats;
import dev.chromaj.CollectionOptions;
import dev.chromaj.HnswParams;
import dev.chromaj.Quantization;
import dev.chromaj.QueryRequest;
import dev.chromaj.QueryResult;
import dev.chromaj.index.vector.VectorKernels;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.FSDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collections larger than the heap: seeded clustered vectors (generated one at a time from their index, so the
 * benchmark itself never holds the data set), added through the public API in batches, compacted every
 * {@code compactEvery} records, then queried single-threaded. Reports ingest + compaction time, recall@10 against the
 * exact top 10 (computed by streaming over the regenerated vectors), QPS (thread CPU and wall), p50/p99 latency, heap
 * (peak of the heap used after GC, and peak used) and direct-buffer peaks, bytes on disk, cold start (new client,
 * open, first query) and {@link ClientStats}.
 *
 * <p>Arguments ({@code key=value}): {@code n} (200000), {@code dim} (256), {@code queries} (200), {@code ef} (100),
 * {@code paths} (comma list of {@code int8}, {@code int4}, {@code float}, {@code lucene-int8}; default {@code int8}),
 * {@code compactEvery} (10000), {@code passes} (3), {@code minQueries} (1000), {@code work} (scratch folder),
 * {@code indexBytes} (the client's vector index budget, default a quarter of the heap), {@code cacheBytes} (block
 * cache, default 32 MiB), {@code blockBytes} (the client's maxBlockBytes, default 1 MiB), {@code reuse} (a folder
 * kept between runs: a path's collection already built there by an earlier run with the same {@code n}, {@code dim}
 * and {@code blockBytes} is opened instead of rebuilt, and the folder is not deleted at the end; so the cold start and
 * the queries can be measured again without the build), {@code coldStarts} (how many cold starts to time, default 1).
 */
public final class QuantizedScaleBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(QuantizedScaleBenchmark.class);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int K = 10;
    private static final int LATENT = 24;
    private static final long SEED = 20261206L;

    private QuantizedScaleBenchmark() {}

    /** Seeded clustered vectors in a 24-dimensional latent space mapped linearly to {@code dim}, plus noise. */
    static final class Generator {
        final int dim;
        final float[][] centers;
        final float[][] projection;

        Generator(int n, int dim) {
            this.dim = dim;
            SplittableRandom random = new SplittableRandom(SEED);
            int clusters = Math.max(16, n / 1000);
            centers = new float[clusters][LATENT];
            for (float[] c : centers) {
                for (int j = 0; j < LATENT; j++) {
                    c[j] = (float) random.nextGaussian();
                }
            }
            projection = new float[LATENT][dim];
            for (float[] row : projection) {
                for (int i = 0; i < dim; i++) {
                    row[i] = (float) (random.nextGaussian() / Math.sqrt(LATENT));
                }
            }
        }

        /** Base vector {@code i} (queries use negative indexes). */
        float[] vector(long i) {
            SplittableRandom r = new SplittableRandom(SEED * 31 + i * 0x9E3779B97F4A7C15L);
            float[] center = centers[r.nextInt(centers.length)];
            float[] v = new float[dim];
            for (int j = 0; j < LATENT; j++) {
                float p = center[j] + (float) r.nextGaussian() * 0.35f;
                float[] row = projection[j];
                for (int d = 0; d < dim; d++) {
                    v[d] += p * row[d];
                }
            }
            for (int d = 0; d < dim; d++) {
                v[d] += (float) r.nextGaussian() * 0.02f;
            }
            return v;
        }

        float[] query(int q) {
            return vector(-1L - q);
        }
    }

    /** Samples heap-after-GC, heap used and direct buffers every 100 ms; keeps the peaks. */
    static final class MemorySampler implements AutoCloseable {
        final AtomicLong afterGc = new AtomicLong();
        final AtomicLong used = new AtomicLong();
        final AtomicLong direct = new AtomicLong();
        private final Thread thread;
        private volatile boolean running = true;

        MemorySampler() {
            thread = new Thread(
                    () -> {
                        while (running) {
                            sample();
                            try {
                                Thread.sleep(100);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    },
                    "memory-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void sample() {
            long gc = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                MemoryUsage u = pool.getCollectionUsage();
                if (pool.getType() == MemoryType.HEAP && u != null) {
                    gc += u.getUsed();
                }
            }
            afterGc.accumulateAndGet(gc, Math::max);
            used.accumulateAndGet(
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
            long d = 0;
            for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
                d += pool.getMemoryUsed();
            }
            direct.accumulateAndGet(d, Math::max);
        }

        void reset() {
            afterGc.set(0);
            used.set(0);
            direct.set(0);
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
        }
    }

    /** One searchable thing: a chromaj collection or a Lucene index. */
    interface Searchable extends AutoCloseable {
        String name();

        String[] search(float[] query, int ef) throws IOException;

        @Override
        void close() throws IOException;
    }

    /** Runs the benchmark; see the class comment for arguments. */
    public static void main(String[] args) throws Exception {
        BenchmarkOptions options = new BenchmarkOptions(args);
        int n = options.integer("n", 200_000);
        int dim = options.integer("dim", 256);
        int queryCount = options.integer("queries", 200);
        int[] efs = options.integers("ef", "100");
        int compactEvery = options.integer("compactEvery", 10_000);
        int passes = options.integer("passes", 3);
        int minQueries = options.integer("minQueries", 1000);
        long maxHeap = Runtime.getRuntime().maxMemory();
        long indexBytes = Long.parseLong(options.text("indexBytes", Long.toString(maxHeap / 4)));
        long cacheBytes = Long.parseLong(options.text("cacheBytes", Long.toString(32L << 20)));
        List<String> paths = options.list("paths", "int8");
        ChromajPath.blockBytes = options.integer("blockBytes", 1 << 20);
        String reuse = options.text("reuse", "");
        int coldStarts = options.integer("coldStarts", 1);
        Path work = reuse.isEmpty()
                ? Files.createTempDirectory(
                        Path.of(options.text("work", System.getProperty("java.io.tmpdir"))), "chromaj-scale-")
                : Files.createDirectories(Path.of(reuse));
        LOG.info(
                "java {}, {} processors, max heap {} MB, kernels {}; {} x {} ({} MB of floats), paths {}",
                Runtime.version(),
                Runtime.getRuntime().availableProcessors(),
                maxHeap >> 20,
                VectorKernels.implementationName(),
                n,
                dim,
                ((long) n * dim * Float.BYTES) >> 20,
                paths);
        Generator gen = new Generator(n, dim);
        float[][] queries = new float[queryCount][];
        for (int q = 0; q < queryCount; q++) {
            queries[q] = gen.query(q);
        }
        long truthStart = System.nanoTime();
        List<Set<String>> truth = groundTruth(gen, n, queries);
        LOG.info("exact top {} of {} queries in {} s", K, queryCount, (System.nanoTime() - truthStart) / 1e9);
        StringBuilder report = new StringBuilder();
        List<Searchable> opened = new ArrayList<>();
        try (MemorySampler memory = new MemorySampler()) {
            for (String path : paths) {
                System.gc();
                memory.reset();
                Path folder = work.resolve(path);
                long start = System.nanoTime();
                long cpuStart = processCpu();
                Searchable p;
                boolean built = Files.isRegularFile(folder.resolve("built-" + n + "x" + dim));
                if (built && !path.startsWith("lucene")) {
                    LOG.info("{}: reusing the collection built in {}", path, folder);
                    p = ChromajPath.open(folder, indexBytes, cacheBytes, path);
                } else if (path.startsWith("lucene")) {
                    p = LucenePath.build(folder, gen, n);
                } else {
                    Quantization quantization = switch (path) {
                        case "int8" -> Quantization.INT8;
                        case "int4" -> Quantization.INT4;
                        default -> Quantization.NONE;
                    };
                    p = ChromajPath.build(folder, gen, n, quantization, compactEvery, indexBytes, cacheBytes, path);
                }
                if (!reuse.isEmpty() && !built) {
                    Files.writeString(folder.resolve("built-" + n + "x" + dim), "built\n");
                }
                double buildS = (System.nanoTime() - start) / 1e9;
                double buildCpuS = (processCpu() - cpuStart) / 1e9;
                memory.sample();
                long disk = folderBytes(folder);
                String stats = p instanceof ChromajPath c ? c.client.stats().toString() : "";
                report.append(String.format(
                        Locale.ROOT,
                        "%n%s build: ingest+compaction %.1f s wall, %.1f s CPU; heap after GC peak %d MB, heap used"
                                + " peak %d MB, direct peak %d MB; disk %d MB; %s",
                        path,
                        buildS,
                        buildCpuS,
                        memory.afterGc.get() >> 20,
                        memory.used.get() >> 20,
                        memory.direct.get() >> 20,
                        disk >> 20,
                        stats));
                LOG.info("{}", report);
                if (p instanceof ChromajPath c) {
                    // cold start: a new client on the folder, open, first query
                    c.close();
                    ChromajPath reopened = null;
                    for (int round = 0; round < coldStarts; round++) {
                        if (reopened != null) {
                            reopened.close();
                        }
                        System.gc();
                        long coldStart = System.nanoTime();
                        long coldCpu = processCpu();
                        reopened = ChromajPath.open(folder, indexBytes, cacheBytes, path);
                        reopened.search(queries[0], efs[0]);
                        double coldMs = (System.nanoTime() - coldStart) / 1e6;
                        double coldCpuMs = (processCpu() - coldCpu) / 1e6;
                        report.append(String.format(
                                Locale.ROOT,
                                "%n%s cold start (open + first query): %.0f ms wall, %.0f ms process CPU",
                                path,
                                coldMs,
                                coldCpuMs));
                        LOG.info("{} cold start {}: {} ms wall, {} ms process CPU", path, round, coldMs, coldCpuMs);
                    }
                    p = reopened;
                }
                opened.add(p);
            }
            memory.reset();
            // interleaved query passes, rotating the order
            Map<String, List<double[]>> cells = new HashMap<>();
            for (int pass = 0; pass < passes; pass++) {
                for (int i = 0; i < opened.size(); i++) {
                    Searchable p = opened.get((i + pass) % opened.size());
                    for (int ef : efs) {
                        double[] m = measure(p, queries, truth, ef, minQueries);
                        cells.computeIfAbsent(p.name() + " ef " + ef, x -> new ArrayList<>())
                                .add(m);
                        LOG.info(
                                "pass {} {} ef {}: recall {} QPS cpu {} wall {} p50 {} ms p99 {} ms",
                                pass,
                                p.name(),
                                ef,
                                m[0],
                                m[1],
                                m[2],
                                m[3],
                                m[4]);
                    }
                }
            }
            memory.sample();
            report.append(String.format(
                    Locale.ROOT,
                    "%nqueries: heap after GC peak %d MB, heap used peak %d MB, direct peak %d MB",
                    memory.afterGc.get() >> 20,
                    memory.used.get() >> 20,
                    memory.direct.get() >> 20));
            report.append(
                    "\n| path | recall@10 | QPS (thread CPU) | QPS (wall) | p50 ms | p99 ms |\n|---|---|---|---|---|---|");
            cells.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
                double[] med = new double[5];
                for (int f = 0; f < 5; f++) {
                    int field = f;
                    double[] values = e.getValue().stream()
                            .mapToDouble(v -> v[field])
                            .sorted()
                            .toArray();
                    med[f] = values[values.length / 2];
                }
                report.append(String.format(
                        Locale.ROOT,
                        "%n| %s | %.3f | %.0f | %.0f | %.3f | %.3f |",
                        e.getKey(),
                        med[0],
                        med[1],
                        med[2],
                        med[3],
                        med[4]));
            });
            for (Searchable p : opened) {
                if (p instanceof ChromajPath c) {
                    report.append("\n")
                            .append(p.name())
                            .append(" stats after queries: ")
                            .append(c.client.stats());
                }
            }
        } finally {
            for (Searchable p : opened) {
                p.close();
            }
            if (reuse.isEmpty()) {
                deleteRecursively(work);
            }
        }
        LOG.info("results:{}", report);
    }

    /** recall, QPS by thread CPU, QPS by wall, p50 ms, p99 ms. */
    static double[] measure(Searchable p, float[][] queries, List<Set<String>> truth, int ef, int minQueries)
            throws IOException {
        for (int q = 0; q < Math.min(50, queries.length); q++) {
            p.search(queries[q], ef); // warm-up
        }
        int rounds = Math.max(1, (minQueries + queries.length - 1) / queries.length);
        long[] latencies = new long[rounds * queries.length];
        int found = 0;
        long cpu = THREADS.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        int at = 0;
        for (int r = 0; r < rounds; r++) {
            for (int q = 0; q < queries.length; q++) {
                long t = System.nanoTime();
                String[] ids = p.search(queries[q], ef);
                latencies[at++] = System.nanoTime() - t;
                if (r == 0) {
                    for (String id : ids) {
                        if (truth.get(q).contains(id)) {
                            found++;
                        }
                    }
                }
            }
        }
        double cpuS = (THREADS.getCurrentThreadCpuTime() - cpu) / 1e9;
        double wallS = (System.nanoTime() - wall) / 1e9;
        Arrays.sort(latencies);
        return new double[] {
            found / (double) (K * queries.length),
            latencies.length / cpuS,
            latencies.length / wallS,
            latencies[latencies.length / 2] / 1e6,
            latencies[(int) Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)] / 1e6
        };
    }

    static List<Set<String>> groundTruth(Generator gen, int n, float[][] queries) {
        int threads = Runtime.getRuntime().availableProcessors();
        int per = (n + threads - 1) / threads;
        // each worker keeps the exact top K of its share for every query; merged at the end
        List<List<List<long[]>>> partial = IntStream.range(0, threads)
                .parallel()
                .mapToObj(t -> {
                    List<List<long[]>> tops = new ArrayList<>();
                    for (int q = 0; q < queries.length; q++) {
                        tops.add(new ArrayList<>());
                    }
                    float[] worst = new float[queries.length];
                    Arrays.fill(worst, Float.POSITIVE_INFINITY);
                    for (int i = t * per; i < Math.min(n, (t + 1) * per); i++) {
                        float[] v = gen.vector(i);
                        for (int q = 0; q < queries.length; q++) {
                            float d = VectorKernels.squaredL2(queries[q], v);
                            List<long[]> top = tops.get(q);
                            if (top.size() < K || d < worst[q]) {
                                top.add(new long[] {Float.floatToIntBits(d), i});
                                if (top.size() > K) {
                                    top.sort(Comparator.comparingDouble(x -> Float.intBitsToFloat((int) x[0])));
                                    top.remove(K);
                                }
                                if (top.size() == K) {
                                    worst[q] = top.stream()
                                            .map(x -> Float.intBitsToFloat((int) x[0]))
                                            .max(Float::compare)
                                            .get();
                                }
                            }
                        }
                    }
                    return tops;
                })
                .toList();
        List<Set<String>> truth = new ArrayList<>();
        for (int q = 0; q < queries.length; q++) {
            List<long[]> all = new ArrayList<>();
            for (List<List<long[]>> p : partial) {
                all.addAll(p.get(q));
            }
            all.sort(Comparator.comparingDouble(x -> Float.intBitsToFloat((int) x[0])));
            Set<String> top = new HashSet<>();
            for (int i = 0; i < K; i++) {
                top.add("id-" + all.get(i)[1]);
            }
            truth.add(top);
        }
        return truth;
    }

    /** A chromaj collection on a local folder, through the public API. */
    static final class ChromajPath implements Searchable {
        /** Block size of the chromaj paths ({@code blockBytes}): the re-rank reads one block per candidate. */
        static int blockBytes = 1 << 20;

        final ChromaClient client;
        final ChromaCollection collection;
        final String name;

        private ChromajPath(ChromaClient client, ChromaCollection collection, String name) {
            this.client = client;
            this.collection = collection;
            this.name = name;
        }

        static ChromaClient client(Path folder, long indexBytes, long cacheBytes) {
            return ChromaClient.builder()
                    .path(folder)
                    .maxBlockBytes(blockBytes)
                    .compactionInterval(Duration.ofHours(1))
                    .compactionThreshold(1_000_000_000)
                    .vectorIndexBytes(indexBytes)
                    .blockCacheBytes(cacheBytes)
                    .build();
        }

        static ChromajPath build(
                Path folder,
                Generator gen,
                int n,
                Quantization quantization,
                int compactEvery,
                long indexBytes,
                long cacheBytes,
                String name) {
            ChromaClient client = client(folder, indexBytes, cacheBytes);
            ChromaCollection c = client.createCollection(
                    "scale",
                    CollectionOptions.builder()
                            .hnsw(HnswParams.builder()
                                    .quantization(quantization)
                                    .build())
                            .build());
            List<ChromaRecord> batch = new ArrayList<>();
            long lastLog = System.nanoTime();
            for (int i = 0; i < n; i++) {
                batch.add(
                        ChromaRecord.builder("id-" + i).embedding(gen.vector(i)).build());
                if (batch.size() == 1000) {
                    c.add(batch);
                    batch = new ArrayList<>();
                }
                if ((i + 1) % compactEvery == 0) {
                    if (!batch.isEmpty()) {
                        c.add(batch);
                        batch = new ArrayList<>();
                    }
                    c.compact();
                    if (System.nanoTime() - lastLog > 30_000_000_000L) {
                        LOG.info("{}: {} of {} records added and compacted; {}", name, i + 1, n, client.stats());
                        lastLog = System.nanoTime();
                    }
                }
            }
            if (!batch.isEmpty()) {
                c.add(batch);
            }
            c.compact();
            return new ChromajPath(client, c, name);
        }

        static ChromajPath open(Path folder, long indexBytes, long cacheBytes, String name) {
            ChromaClient client = client(folder, indexBytes, cacheBytes);
            return new ChromajPath(client, client.getCollection("scale"), name);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String[] search(float[] query, int ef) {
            if (collection.options().hnsw().efSearch() != ef) {
                collection.modify(
                        null,
                        null,
                        collection.options().hnsw().toBuilder().efSearch(ef).build());
            }
            QueryResult r = collection.query(QueryRequest.builder()
                    .queryEmbedding(query)
                    .nResults(K)
                    .include()
                    .build());
            return r.ids().get(0).toArray(new String[0]);
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /**
     * Lucene 9.12 with {@link Lucene99HnswScalarQuantizedVectorsFormat} (int8, M 16, beam 100, Lucene's defaults),
     * one segment on a local folder (MMapDirectory), searched with {@link KnnFloatVectorQuery} (k = ef, top 10 kept).
     */
    static final class LucenePath implements Searchable {
        final FSDirectory dir;
        final DirectoryReader reader;
        final IndexSearcher searcher;

        private LucenePath(FSDirectory dir) throws IOException {
            this.dir = dir;
            this.reader = DirectoryReader.open(dir);
            this.searcher = new IndexSearcher(reader);
        }

        static LucenePath build(Path folder, Generator gen, int n) throws IOException {
            FSDirectory dir = FSDirectory.open(folder);
            IndexWriterConfig config = new IndexWriterConfig()
                    .setRAMBufferSizeMB(
                            Math.max(256, (double) (Runtime.getRuntime().maxMemory() >> 21)))
                    .setCodec(new Lucene912Codec() {
                        @Override
                        public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                            return new Lucene99HnswScalarQuantizedVectorsFormat();
                        }
                    });
            try (IndexWriter writer = new IndexWriter(dir, config)) {
                for (int i = 0; i < n; i++) {
                    Document doc = new Document();
                    doc.add(new StoredField("id", "id-" + i));
                    doc.add(new KnnFloatVectorField("v", gen.vector(i), VectorSimilarityFunction.EUCLIDEAN));
                    writer.addDocument(doc);
                }
                writer.forceMerge(1);
                writer.commit();
            }
            return new LucenePath(dir);
        }

        @Override
        public String name() {
            return "lucene-int8";
        }

        @Override
        public String[] search(float[] query, int ef) throws IOException {
            ScoreDoc[] docs = searcher.search(new KnnFloatVectorQuery("v", query, Math.max(K, ef)), K).scoreDocs;
            String[] ids = new String[docs.length];
            for (int i = 0; i < docs.length; i++) {
                ids[i] = searcher.storedFields().document(docs[i].doc).get("id");
            }
            return ids;
        }

        @Override
        public void close() throws IOException {
            reader.close();
            dir.close();
        }
    }

    private static long processCpu() {
        return ProcessHandle.current()
                .info()
                .totalCpuDuration()
                .map(java.time.Duration::toNanos)
                .orElse(0L);
    }

    private static long folderBytes(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(f -> {
                        try {
                            return Files.size(f);
                        } catch (IOException e) {
                            return 0;
                        }
                    })
                    .sum();
        }
    }

    private static void deleteRecursively(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
