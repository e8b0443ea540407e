package dev.chromaj.benchmarks.s3cost;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ClientStats;
import dev.chromaj.Include;
import dev.chromaj.QueryRequest;
import dev.chromaj.QueryResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Query latency with compressed and uncompressed blocks: builds the same collection of small-workload records
 * ({@link WorkloadRecords}) twice on local folders, once per setting, then runs the same queries on both,
 * interleaved (so machine load hits both alike): k = 10 near a stored record, documents, metadata, embeddings and
 * distances included. A warm-up pass runs every query once first. With the default 256 MiB block cache every block
 * is decoded once and then served from the cache (the warm path); with a small cache ({@code cacheMiB}) part of the
 * blocks are read and decoded again on every pass, which is where decompression costs. Prints p50/p90/p99 per
 * setting and the cache hit rate.
 *
 * <p>Arguments: records (default 5000), queries per pass (default 200), passes (default 3), block cache MiB
 * (default 256).
 */
public final class WarmQueryCompressionBenchmark {
    private WarmQueryCompressionBenchmark() {}

    /** Runs the benchmark; see the class comment for the arguments. */
    public static void main(String[] args) throws IOException {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int queries = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int passes = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        long cacheBytes = (args.length > 3 ? Long.parseLong(args[3]) : 256) << 20;
        WorkloadRecords gen = new WorkloadRecords(42);
        Path plainDir = Files.createTempDirectory("warm-plain");
        Path packedDir = Files.createTempDirectory("warm-packed");
        try (ChromaClient plain = client(plainDir, false, cacheBytes);
                ChromaClient packed = client(packedDir, true, cacheBytes)) {
            ChromaCollection[] collections = {build(plain, gen, records), build(packed, gen, records)};
            float[][] qs = new float[queries][];
            SplittableRandom random = new SplittableRandom(11);
            for (int i = 0; i < queries; i++) {
                qs[i] = gen.record(random.nextInt(records), 0).embedding().clone();
                for (int d = 0; d < qs[i].length; d++) {
                    qs[i][d] += (float) ((random.nextDouble() - 0.5) * 0.01);
                }
            }
            long[][] nanos = new long[2][queries * passes];
            for (int i = 0; i < queries; i++) {
                for (ChromaCollection c : collections) {
                    run(c, qs[i]);
                }
            }
            ClientStats[] before = {plain.stats(), packed.stats()};
            for (int p = 0; p < passes; p++) {
                for (int i = 0; i < queries; i++) {
                    for (int s = 0; s < 2; s++) {
                        int which = (i + p) % 2 == 0 ? s : 1 - s;
                        long t = System.nanoTime();
                        run(collections[which], qs[i]);
                        nanos[which][p * queries + i] = System.nanoTime() - t;
                    }
                }
            }
            ClientStats[] after = {plain.stats(), packed.stats()};
            System.out.printf(
                    Locale.ROOT,
                    "%d records, %d queries x %d passes, block cache %d MiB%n",
                    records,
                    queries,
                    passes,
                    cacheBytes >> 20);
            String[] names = {"uncompressed", "compressed"};
            double[] p50 = new double[2];
            for (int s = 0; s < 2; s++) {
                long[] sorted = nanos[s].clone();
                Arrays.sort(sorted);
                p50[s] = percentile(sorted, 0.5);
                long hits = after[s].cacheHits() - before[s].cacheHits();
                long misses = after[s].cacheMisses() - before[s].cacheMisses();
                System.out.printf(
                        Locale.ROOT,
                        "%s: stored %.2f MB, p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, cache hit rate %.1f%%%n",
                        names[s],
                        collections[s].stats().totalBytes() / 1e6,
                        p50[s] / 1e6,
                        percentile(sorted, 0.9) / 1e6,
                        percentile(sorted, 0.99) / 1e6,
                        100.0 * hits / Math.max(1, hits + misses));
            }
            System.out.printf(Locale.ROOT, "compressed p50 / uncompressed p50 = %.3f%n", p50[1] / p50[0]);
        } finally {
            delete(plainDir);
            delete(packedDir);
        }
    }

    private static ChromaClient client(Path dir, boolean compress, long cacheBytes) {
        return ChromaClient.builder()
                .path(dir)
                .blockCompression(compress)
                .blockCacheBytes(cacheBytes)
                .compactionInterval(Duration.ofHours(1))
                .compactionThreshold(Integer.MAX_VALUE)
                .build();
    }

    /** A collection "bench" of the first {@code records} workload records, compacted. */
    static ChromaCollection build(ChromaClient client, WorkloadRecords gen, int records) {
        ChromaCollection c = client.createCollection("bench");
        for (int i = 0; i < records; i += 1000) {
            c.add(gen.records(i, Math.min(1000, records - i), 0));
        }
        c.compact();
        return c;
    }

    private static void run(ChromaCollection c, float[] q) {
        QueryResult r = c.query(QueryRequest.builder()
                .queryEmbedding(q)
                .nResults(10)
                .include(Include.DOCUMENTS, Include.METADATAS, Include.EMBEDDINGS, Include.DISTANCES)
                .build());
        if (r.ids().get(0).size() != 10) {
            throw new IllegalStateException("a query returned " + r.ids().get(0).size() + " hits");
        }
    }

    /** The value at fraction {@code p} of sorted samples. */
    static double percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
    }

    /** Deletes a folder and everything in it. */
    static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p :
                    files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
