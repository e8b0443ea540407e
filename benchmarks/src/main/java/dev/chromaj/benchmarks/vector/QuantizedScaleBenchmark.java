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
import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.graph.similarity.SearchScoreProvider;
import io.github.jbellis.jvector.quantization.KMeansPlusPlusClusterer;
import io.github.jbellis.jvector.quantization.PQVectors;
import io.github.jbellis.jvector.quantization.ProductQuantization;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
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
import java.util.TreeMap;
import java.util.concurrent.ForkJoinPool;
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
 * {@code paths} (comma list of {@code int8}, {@code int4}, {@code float}, {@code lucene-int8}, {@code jvector-pq16},
 * {@code jvector-pq32}, {@code jvector16}, {@code jvector32}; default {@code int8}; the jvector paths hold the floats
 * on the heap, see {@link JvectorPath}), {@code pqSubspaces} (jvector's PQ, default {@code dim / 4}),
 * {@code efConstruction} (the jvector graphs' beam, default 100: our and Lucene's default), {@code buildThreads}
 * (jvector's build, default all processors),
 * {@code compactEvery} (10000), {@code passes} (3), {@code minQueries} (1000), {@code work} (scratch folder),
 * {@code indexBytes} (the client's vector index budget, default a quarter of the heap), {@code cacheBytes} (block
 * cache, default 32 MiB), {@code compressedShare} (the block cache's compressed share, default {@code auto}),
 * {@code blockBytes} (the client's maxBlockBytes, default 1 MiB: the graph and code blocks, which a load reads whole),
 * {@code recordBlockBytes} (the client's recordBlockBytes, default 256 KiB: the record and float embedding blocks,
 * which the re-rank reads one per candidate; the smaller of the two applies), {@code reuse} (a folder
 * kept between runs: a path's collection already built there by an earlier run with the same {@code n}, {@code dim}
 * and block sizes is opened instead of rebuilt, and the folder is not deleted at the end; so the cold start and
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
        ChromajPath.recordBlockBytes = options.integer("recordBlockBytes", 256 << 10);
        String share = options.text("compressedShare", "auto");
        ChromajPath.compressedShare = share.equals("auto") ? null : Double.valueOf(share);
        JvectorPath.pqSubspaces = options.integer("pqSubspaces", 0);
        JvectorPath.efConstruction = options.integer("efConstruction", 100);
        JvectorPath.buildThreads =
                options.integer("buildThreads", Runtime.getRuntime().availableProcessors());
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
                if (path.startsWith("jvector")) {
                    p = JvectorPath.build(path, gen, n);
                } else if (built && !path.startsWith("lucene")) {
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
                if (!reuse.isEmpty() && !built && !path.startsWith("jvector")) {
                    Files.writeString(folder.resolve("built-" + n + "x" + dim), "built\n");
                }
                double buildS = (System.nanoTime() - start) / 1e9;
                double buildCpuS = (processCpu() - cpuStart) / 1e9;
                memory.sample();
                long disk = Files.isDirectory(folder) ? folderBytes(folder) : 0;
                String stats = p instanceof ChromajPath c
                        ? c.client.stats().toString()
                        : p instanceof JvectorPath j ? j.describe() : "";
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
            JvectorPath.release();
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
        /** Block size of the chromaj paths ({@code blockBytes}): graph and codes, read whole by a load. */
        static int blockBytes = 1 << 20;
        /** Record and embedding block size ({@code recordBlockBytes}): the re-rank reads one block per candidate. */
        static int recordBlockBytes = 256 << 10;
        /** The block cache's compressed share ({@code compressedShare}, a number or {@code auto}); null: automatic. */
        static Double compressedShare;

        final ChromaClient client;
        final ChromaCollection collection;
        final String name;

        private ChromajPath(ChromaClient client, ChromaCollection collection, String name) {
            this.client = client;
            this.collection = collection;
            this.name = name;
        }

        static ChromaClient client(Path folder, long indexBytes, long cacheBytes) {
            ChromaClient.Builder builder = ChromaClient.builder()
                    .path(folder)
                    .maxBlockBytes(blockBytes)
                    .recordBlockBytes(recordBlockBytes)
                    .compactionInterval(Duration.ofHours(1))
                    .compactionThreshold(1_000_000_000)
                    .vectorIndexBytes(indexBytes)
                    .blockCacheBytes(cacheBytes);
            if (compressedShare != null) {
                builder.blockCacheCompressedShare(compressedShare);
            }
            return builder.build();
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

    /**
     * jvector 4.0.2 on the heap, over the same data: the float vectors (held by this JVM for the build and the
     * re-rank), one graph per degree built with exact float scores by {@link GraphIndexBuilder} (Vamana neighbour
     * selection with alpha 1.2, neighbour overflow 1.2, a hierarchy and the final refinement pass: jvector's defaults;
     * its degree caps every layer, so degree 32 matches the 2·M links of layer 0 in our and Lucene's HNSW at M 16;
     * beam {@code efConstruction}), and one {@link ProductQuantization} shared by the PQ paths ({@code pqSubspaces}
     * subspaces of 256 centroids, centred, unweighted k-means: jvector's choices for L2; trained by
     * {@code ProductQuantization.compute} on at most 128,000 of the vectors). {@code jvector-pqM} walks the graph
     * with PQ scores (a per-query table of partial distances, {@code precomputedScoreFunctionFor}) and re-ranks all
     * {@code ef} candidates it kept with the floats ({@code rerankK} = ef, top 10 returned); {@code jvectorM} walks it
     * with exact float scores (beam ef). The paths of one degree share one graph, so only the first of them pays its
     * build.
     */
    static final class JvectorPath implements Searchable {
        private static final VectorTypeSupport TYPES =
                VectorizationProvider.getInstance().getVectorTypeSupport();
        private static final io.github.jbellis.jvector.vector.VectorSimilarityFunction L2 =
                io.github.jbellis.jvector.vector.VectorSimilarityFunction.EUCLIDEAN;

        /** PQ subspaces ({@code pqSubspaces}); 0 means a quarter of the dimension. */
        static int pqSubspaces;

        static int efConstruction = 100;
        static int buildThreads = Runtime.getRuntime().availableProcessors();

        // shared by the jvector paths of one run
        private static ListRandomAccessVectorValues vectors;
        private static ProductQuantization pq;
        private static PQVectors codes;
        private static final Map<Integer, ImmutableGraphIndex> GRAPHS = new TreeMap<>();

        final String name;
        final ImmutableGraphIndex graph;
        final GraphSearcher searcher;
        final boolean quantized;
        final String built;

        private JvectorPath(String name, ImmutableGraphIndex graph, boolean quantized, String built) {
            this.name = name;
            this.graph = graph;
            this.searcher = new GraphSearcher(graph);
            this.quantized = quantized;
            this.built = built;
        }

        static JvectorPath build(String name, Generator gen, int n) throws IOException {
            boolean quantized = name.startsWith("jvector-pq");
            int degree = Integer.parseInt(name.substring(quantized ? "jvector-pq".length() : "jvector".length()));
            StringBuilder built = new StringBuilder();
            if (vectors == null) {
                long start = System.nanoTime();
                List<VectorFloat<?>> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(TYPES.createFloatVector(gen.vector(i)));
                }
                vectors = new ListRandomAccessVectorValues(list, gen.dim);
                built.append(
                        String.format(Locale.ROOT, "floats generated in %.1f s; ", (System.nanoTime() - start) / 1e9));
            }
            ForkJoinPool simd = new ForkJoinPool(buildThreads);
            ForkJoinPool parallel = new ForkJoinPool(buildThreads);
            try {
                if (quantized && pq == null) {
                    int subspaces = pqSubspaces > 0 ? pqSubspaces : gen.dim / 4;
                    long start = System.nanoTime();
                    pq = ProductQuantization.compute(
                            vectors, subspaces, 256, true, KMeansPlusPlusClusterer.UNWEIGHTED, simd, parallel);
                    double trainS = (System.nanoTime() - start) / 1e9;
                    start = System.nanoTime();
                    codes = pq.encodeAll(vectors, simd);
                    built.append(String.format(
                            Locale.ROOT,
                            "PQ %d subspaces x 256 centroids trained in %.1f s, %d vectors encoded in %.1f s; ",
                            subspaces,
                            trainS,
                            n,
                            (System.nanoTime() - start) / 1e9));
                }
                ImmutableGraphIndex graph = GRAPHS.get(degree);
                if (graph == null) {
                    long start = System.nanoTime();
                    long cpu = processCpu();
                    graph = JvectorAnn.buildGraph(vectors, L2, degree, efConstruction, simd, parallel);
                    GRAPHS.put(degree, graph);
                    built.append(String.format(
                            Locale.ROOT,
                            "graph degree %d, beam %d built in %.1f s wall, %.1f s CPU (%d threads); ",
                            degree,
                            efConstruction,
                            (System.nanoTime() - start) / 1e9,
                            (processCpu() - cpu) / 1e9,
                            buildThreads));
                } else {
                    built.append("graph degree ").append(degree).append(" shared with an earlier path; ");
                }
                return new JvectorPath(name, graph, quantized, built.toString());
            } finally {
                simd.shutdown();
                parallel.shutdown();
            }
        }

        /** What the build did and what this path keeps in memory. */
        String describe() {
            long floats = (long) vectors.size() * vectors.dimension() * Float.BYTES;
            String memory = String.format(
                    Locale.ROOT,
                    "graph %.1f MB (jvector's ramBytesUsed), floats %.1f MB",
                    graph.ramBytesUsed() / 1048576.0,
                    floats / 1048576.0);
            if (quantized) {
                memory += String.format(
                        Locale.ROOT,
                        ", PQ codes %.1f MB (%d bytes a vector) + codebooks %.2f MB",
                        codes.ramBytesUsed() / 1048576.0,
                        pq.compressedVectorSize(),
                        pq.ramBytesUsed() / 1048576.0);
            }
            return built + memory;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String[] search(float[] query, int ef) {
            VectorFloat<?> q = TYPES.createFloatVector(query);
            SearchScoreProvider provider = quantized
                    ? new DefaultSearchScoreProvider(
                            codes.precomputedScoreFunctionFor(q, L2), vectors.rerankerFor(q, L2))
                    : DefaultSearchScoreProvider.exact(q, L2, vectors);
            SearchResult result = searcher.search(provider, K, Math.max(K, ef), 0f, 0f, Bits.ALL);
            SearchResult.NodeScore[] nodes = result.getNodes();
            String[] ids = new String[nodes.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = "id-" + nodes[i].node;
            }
            return ids;
        }

        @Override
        public void close() throws IOException {
            searcher.close();
        }

        /** Drops the shared floats, codes and graphs (after every path of the run is closed). */
        static void release() throws IOException {
            for (ImmutableGraphIndex g : GRAPHS.values()) {
                g.close();
            }
            GRAPHS.clear();
            vectors = null;
            pq = null;
            codes = null;
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
