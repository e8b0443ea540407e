package dev.chromaj.benchmarks.vector;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ClientStats;
import dev.chromaj.Quantization;
import dev.chromaj.QueryRequest;
import dev.chromaj.QueryResult;
import dev.chromaj.index.vector.VectorKernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An int8 (or float, {@code quantization=none}) collection searched two ways from the same folder, through the public API: by a client whose index budget
 * holds the graph (the graph loaded on the heap, as before) and by a client whose index budget is far below it (the
 * graph searched where it lies, in cached blocks). Both clients are read-only, open at the same time, with the same
 * block cache size; query passes alternate between them. Reports recall@10 against the exact top 10, QPS by thread
 * CPU, and per query the block-cache misses and the bytes read from the folder.
 *
 * <p>Arguments ({@code key=value}): {@code n} (100000), {@code dim} (256), {@code queries} (200), {@code ef} (100),
 * {@code passes} (5), {@code minQueries} (1000), {@code cacheBytes} (block cache of each client, 16 MiB),
 * {@code blockBytes} (64 KiB), {@code compactEvery} (10000), {@code reuse} (a folder kept between runs: the collection
 * built there by an earlier run with the same n, dim and blockBytes is reused), {@code compressedShare} (the block
 * cache's compressed share pinned, {@code blockCacheCompressedShare}; default: the adaptive split),
 * {@code quantization} ({@code int8}, {@code int4} or {@code none}; of the collection built).
 */
public final class StoredGraphBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(StoredGraphBenchmark.class);
    private static final int K = 10;

    private StoredGraphBenchmark() {}

    public static void main(String[] args) throws Exception {
        BenchmarkOptions options = new BenchmarkOptions(args);
        int n = options.integer("n", 100_000);
        int dim = options.integer("dim", 256);
        int queryCount = options.integer("queries", 200);
        int ef = options.integer("ef", 100);
        int passes = options.integer("passes", 5);
        int minQueries = options.integer("minQueries", 1000);
        long cacheBytes = Long.parseLong(options.text("cacheBytes", Long.toString(16L << 20)));
        int compactEvery = options.integer("compactEvery", 10_000);
        double compressedShare = Double.parseDouble(options.text("compressedShare", "-1"));
        Quantization quantization =
                Quantization.valueOf(options.text("quantization", "int8").toUpperCase(Locale.ROOT));
        QuantizedScaleBenchmark.ChromajPath.blockBytes = options.integer("blockBytes", 64 << 10);
        Path folder = Files.createDirectories(Path.of(options.text("reuse", "target/stored-graph-bench")));
        LOG.info(
                "java {}, {} processors, max heap {} MB, kernels {}/{}; {} x {} {}, block cache {} MB per client",
                Runtime.version(),
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20,
                VectorKernels.implementationName(),
                VectorKernels.byteImplementationName(),
                n,
                dim,
                quantization,
                cacheBytes >> 20);
        QuantizedScaleBenchmark.Generator gen = new QuantizedScaleBenchmark.Generator(n, dim);
        if (!Files.exists(folder.resolve("built-" + n + "x" + dim))) {
            long start = System.nanoTime();
            QuantizedScaleBenchmark.ChromajPath.build(
                            folder, gen, n, quantization, compactEvery, 1L << 30, 64L << 20, "build")
                    .close();
            Files.createFile(folder.resolve("built-" + n + "x" + dim));
            LOG.info("built in {} s", (System.nanoTime() - start) / 1e9);
        }
        float[][] queries = new float[queryCount][];
        for (int q = 0; q < queryCount; q++) {
            queries[q] = gen.query(q);
        }
        List<Set<String>> truth = QuantizedScaleBenchmark.groundTruth(gen, n, queries);
        try (Reader heap = new Reader(folder, 1L << 30, cacheBytes, compressedShare, "on-heap index");
                Reader blocks = new Reader(folder, 64L << 10, cacheBytes, compressedShare, "graph in blocks")) {
            Reader[] both = {heap, blocks};
            List<List<double[]>> runs = List.of(new ArrayList<>(), new ArrayList<>());
            for (int pass = 0; pass < passes; pass++) {
                for (int j = 0; j < 2; j++) {
                    int which = (pass % 2 == 0) ? j : 1 - j; // alternate which goes first
                    Reader p = both[which];
                    ClientStats before = p.client.stats();
                    double[] m = QuantizedScaleBenchmark.measure(p, queries, truth, ef, minQueries);
                    ClientStats after = p.client.stats();
                    int rounds = Math.max(1, (minQueries + queries.length - 1) / queries.length);
                    double count = rounds * queries.length + Math.min(50, queries.length);
                    double[] row = Arrays.copyOf(m, m.length + 2);
                    row[m.length] = (after.cacheMisses() - before.cacheMisses()) / count;
                    row[m.length + 1] = (after.bytesRead() - before.bytesRead()) / count;
                    runs.get(which).add(row);
                    LOG.info(
                            "pass {} {}: recall {} CPU QPS {} wall QPS {} misses/query {} bytes read/query {};"
                                    + " indexes loaded {} ({} bytes); block cache {} MB decoded, {} MB compressed"
                                    + " (split {} MB)",
                            pass,
                            p.name(),
                            fmt(m[0]),
                            fmt(m[1]),
                            fmt(m[2]),
                            fmt(row[m.length]),
                            fmt(row[m.length + 1]),
                            after.vectorIndexCount(),
                            after.vectorIndexBytes(),
                            after.cacheBytes() >> 20,
                            after.cacheCompressedBytes() >> 20,
                            after.cacheCompressedMaxBytes() >> 20);
                }
            }
            StringBuilder report = new StringBuilder(
                    "\n| path | recall@10 | CPU QPS (median) | wall QPS (median)"
                            + " | block-cache misses / query (median) | bytes read / query (median) |\n|---|---|---|---|---|---|\n");
            for (int which = 0; which < 2; which++) {
                List<double[]> r = runs.get(which);
                report.append("| ")
                        .append(both[which].name())
                        .append(" | ")
                        .append(fmt(r.get(0)[0]))
                        .append(" | ")
                        .append(fmt(median(r, 1)))
                        .append(" | ")
                        .append(fmt(median(r, 2)))
                        .append(" | ")
                        .append(fmt(median(r, 5)))
                        .append(" | ")
                        .append(fmt(median(r, 6)))
                        .append(" |\n");
            }
            LOG.info("results (ef {}, {} passes):{}", ef, passes, report);
        }
    }

    private static double median(List<double[]> rows, int column) {
        double[] v = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.3f", v);
    }

    /** A read-only client on the benchmark folder with its own index budget and block cache. */
    private static final class Reader implements QuantizedScaleBenchmark.Searchable {
        final ChromaClient client;
        final ChromaCollection collection;
        final String name;

        Reader(Path folder, long indexBytes, long cacheBytes, double compressedShare, String name) {
            ChromaClient.Builder builder = ChromaClient.builder()
                    .path(folder)
                    .readOnly(true)
                    .followInterval(Duration.ofHours(1))
                    .maxBlockBytes(QuantizedScaleBenchmark.ChromajPath.blockBytes)
                    .vectorIndexBytes(indexBytes)
                    .blockCacheBytes(cacheBytes);
            if (compressedShare >= 0) {
                builder.blockCacheCompressedShare(compressedShare);
            }
            this.client = builder.build();
            this.collection = client.getCollection("scale");
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String[] search(float[] query, int ef) {
            if (collection.options().hnsw().efSearch() != ef) {
                throw new IllegalStateException(
                        "efSearch " + collection.options().hnsw().efSearch() + " (read-only client): rebuild with ef "
                                + ef + " or use the default");
            }
            QueryResult r = collection.query(QueryRequest.builder()
                    .queryEmbedding(query)
                    .nResults(K)
                    .include()
                    .build());
            return r.ids().get(0).toArray(new String[0]);
        }

        @Override
        public void close() throws IOException {
            client.close();
        }
    }
}
