package dev.chromaj.benchmarks.s3cost;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ClientStats;
import dev.chromaj.CompactionPolicy;
import dev.chromaj.QueryRequest;
import dev.chromaj.QueryResult;
import dev.chromaj.S3Config;
import dev.chromaj.storage.testing.S3Fixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Warm queries on S3 against the same queries on a local folder, with the same block cache size: the S3 client keeps
 * a share of its cache as stored (compressed) blocks ({@code blockCacheCompressedShare}) and decodes again a block
 * its decoded part has no room for; the local client keeps decoded blocks only. With a cache that holds the records decoded but not in a
 * quarter of it, the difference between the two is what the compressed tier costs a warm query (and the S3/local
 * ratio the design asks to stay within 2×). S3Proxy runs in this JVM on loopback. Builds the same small-workload
 * collection ({@link WorkloadRecords}) on both, warms both with every query, then runs the passes interleaved;
 * queries are k = 10 near a uniformly chosen record with the default includes (documents, metadatas, distances).
 *
 * <p>Arguments: records (default 10000), queries per pass (default 300), passes (default 5), block cache MiB
 * (default 8), the S3 client's compressed share in percent, or {@code auto} (the default: the adaptive split, as the
 * local client has too).
 */
public final class WarmS3LocalBenchmark {
    private WarmS3LocalBenchmark() {}

    /** Runs the benchmark; see the class comment for the arguments. */
    public static void main(String[] args) throws IOException {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int queries = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        int passes = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        long cacheBytes = (args.length > 3 ? Long.parseLong(args[3]) : 8) << 20;
        // NaN: the adaptive split (blockCacheCompressedShare not called)
        double share = args.length > 4 && !args[4].equals("auto") ? Integer.parseInt(args[4]) / 100.0 : Double.NaN;
        if (System.getProperty("chromaj.test.s3") == null) {
            System.setProperty("chromaj.test.s3", "s3proxy");
        }
        S3Fixture fixture = new S3Fixture();
        Path localDir = Files.createTempDirectory("warm-local");
        Path s3Dir = Files.createTempDirectory("warm-s3");
        try {
            S3Config s3 = S3Config.builder()
                    .bucket(fixture.bucket())
                    .prefix("warm/")
                    .endpoint(fixture.endpoint())
                    .pathStyleAccess(true)
                    .region(fixture.region())
                    .credentials(fixture.accessKey(), fixture.secretKey())
                    .build();
            WorkloadRecords gen = new WorkloadRecords(42);
            try (ChromaClient local = builder(localDir, cacheBytes).build();
                    ChromaClient remote =
                            pinned(builder(s3Dir, cacheBytes).s3(s3), share).build()) {
                ChromaCollection[] collections = {
                    WarmQueryCompressionBenchmark.build(local, gen, records),
                    WarmQueryCompressionBenchmark.build(remote, gen, records)
                };
                ChromaClient[] clients = {local, remote};
                float[][] qs = new float[queries][];
                SplittableRandom random = new SplittableRandom(11);
                for (int i = 0; i < queries; i++) {
                    qs[i] = gen.record(random.nextInt(records), 0).embedding().clone();
                    for (int d = 0; d < qs[i].length; d++) {
                        qs[i][d] += (float) ((random.nextDouble() - 0.5) * 0.01);
                    }
                }
                for (int round = 0; round < 2; round++) {
                    for (float[] q : qs) {
                        for (ChromaCollection c : collections) {
                            run(c, q);
                        }
                    }
                }
                ClientStats[] before = {local.stats(), remote.stats()};
                long[][] nanos = new long[2][queries * passes];
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
                System.out.printf(
                        Locale.ROOT,
                        "%d records, %d queries x %d passes, block cache %d MiB (S3: compressed share %s)%n",
                        records,
                        queries,
                        passes,
                        cacheBytes >> 20,
                        Double.isNaN(share) ? "auto" : Double.toString(share));
                String[] names = {"local", "S3"};
                double[] p50 = new double[2];
                for (int s = 0; s < 2; s++) {
                    ClientStats after = clients[s].stats();
                    long[] sorted = nanos[s].clone();
                    Arrays.sort(sorted);
                    p50[s] = WarmQueryCompressionBenchmark.percentile(sorted, 0.5);
                    long hits = after.cacheHits() - before[s].cacheHits();
                    long misses = after.cacheMisses() - before[s].cacheMisses();
                    System.out.printf(
                            Locale.ROOT,
                            "%s: stored %.2f MB, p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, cache hit rate %.1f%%"
                                    + " (%d misses), compressed part %d of at most %d bytes%n",
                            names[s],
                            collections[s].stats().totalBytes() / 1e6,
                            p50[s] / 1e6,
                            WarmQueryCompressionBenchmark.percentile(sorted, 0.9) / 1e6,
                            WarmQueryCompressionBenchmark.percentile(sorted, 0.99) / 1e6,
                            100.0 * hits / Math.max(1, hits + misses),
                            misses,
                            after.cacheCompressedBytes(),
                            after.cacheCompressedMaxBytes());
                }
                System.out.printf(Locale.ROOT, "S3 p50 / local p50 = %.3f%n", p50[1] / p50[0]);
            }
        } finally {
            fixture.release();
            WarmQueryCompressionBenchmark.delete(localDir);
            WarmQueryCompressionBenchmark.delete(s3Dir);
        }
    }

    /** Pins the compressed share unless it is NaN (the adaptive split). */
    private static ChromaClient.Builder pinned(ChromaClient.Builder b, double share) {
        return Double.isNaN(share) ? b : b.blockCacheCompressedShare(share);
    }

    private static ChromaClient.Builder builder(Path dir, long cacheBytes) {
        return ChromaClient.builder()
                .path(dir)
                .blockCacheBytes(cacheBytes)
                .compactionPolicy(new CompactionPolicy(Long.MAX_VALUE, Long.MAX_VALUE, Duration.ofDays(365)))
                .gcInterval(Duration.ofHours(24));
    }

    private static void run(ChromaCollection c, float[] q) {
        QueryResult r =
                c.query(QueryRequest.builder().queryEmbedding(q).nResults(10).build());
        if (r.ids().get(0).size() != 10) {
            throw new IllegalStateException("a query returned " + r.ids().get(0).size() + " hits");
        }
    }
}
