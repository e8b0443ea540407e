package dev.chromaj.benchmarks.vector;

import dev.chromaj.BackupResult;
import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ClientStats;
import dev.chromaj.QueryRequest;
import dev.chromaj.QueryResult;
import dev.chromaj.S3Config;
import dev.chromaj.storage.testing.FaultInjectingProxy;
import dev.chromaj.storage.testing.S3Fixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cold start of a collection on S3: copies a local folder built by {@link QuantizedScaleBenchmark} (its collection
 * {@code scale}) into an S3Proxy bucket with {@link ChromaClient#backup(S3Config)}, then, behind a
 * {@link FaultInjectingProxy} that delays every request, times a read-only client on an empty local folder: open,
 * {@code getCollection}, first query (wall and process CPU, requests seen by the proxy).
 *
 * <p>Arguments ({@code key=value}): {@code folder} (the built folder, e.g. {@code <reuse>/int8}), {@code dim} (256),
 * {@code delayMs} (20, per request), {@code coldStarts} (3), {@code indexBytes} (640 MiB), {@code cacheBytes} (32
 * MiB), {@code blockBytes} (64 KiB, as the folder was built). Run with {@code -Dchromaj.test.s3proxy.dir=<scratch>}
 * so S3Proxy keeps the objects in files, not on the heap.
 */
public final class QuantizedS3ColdStart {
    private static final Logger LOG = LoggerFactory.getLogger(QuantizedS3ColdStart.class);

    private QuantizedS3ColdStart() {}

    /** Runs the measurement; see the class comment for arguments. */
    public static void main(String[] args) throws Exception {
        BenchmarkOptions options = new BenchmarkOptions(args);
        Path folder = Path.of(options.text("folder", ""));
        int dim = options.integer("dim", 256);
        int delayMs = options.integer("delayMs", 20);
        int coldStarts = options.integer("coldStarts", 3);
        long indexBytes = Long.parseLong(options.text("indexBytes", Long.toString(640L << 20)));
        long cacheBytes = Long.parseLong(options.text("cacheBytes", Long.toString(32L << 20)));
        int blockBytes = options.integer("blockBytes", 64 << 10);
        if (System.getProperty("chromaj.test.s3") == null) {
            System.setProperty("chromaj.test.s3", "s3proxy");
        }
        S3Fixture fixture = new S3Fixture();
        try (FaultInjectingProxy proxy = new FaultInjectingProxy(fixture.endpoint())) {
            S3Config direct = config(fixture, fixture.endpoint());
            long t = System.nanoTime();
            try (ChromaClient local = ChromaClient.builder()
                    .path(folder)
                    .maxBlockBytes(blockBytes)
                    .compactionInterval(Duration.ofHours(1))
                    .compactionThreshold(1_000_000_000)
                    .build()) {
                BackupResult backup = local.backup(direct);
                LOG.info("backup to the bucket: {} in {} s", backup, (System.nanoTime() - t) / 1e9);
            }
            proxy.delay(Duration.ofMillis(delayMs));
            S3Config delayed = config(fixture, proxy.endpoint());
            SplittableRandom random = new SplittableRandom(7);
            StringBuilder report = new StringBuilder();
            for (int round = 0; round < coldStarts; round++) {
                Path empty = Files.createTempDirectory("chromaj-s3-cold-");
                float[] query = new float[dim];
                for (int d = 0; d < dim; d++) {
                    query[d] = (float) random.nextGaussian();
                }
                int before = proxy.requestsSeen();
                long wall = System.nanoTime();
                long cpu = processCpu();
                try (ChromaClient client = ChromaClient.builder()
                        .path(empty)
                        .s3(delayed)
                        .readOnly(true)
                        .maxBlockBytes(blockBytes)
                        .vectorIndexBytes(indexBytes)
                        .blockCacheBytes(cacheBytes)
                        .build()) {
                    ChromaCollection c = client.getCollection("scale");
                    double openMs = (System.nanoTime() - wall) / 1e6;
                    QueryResult r = c.query(QueryRequest.builder()
                            .queryEmbedding(query)
                            .nResults(10)
                            .include()
                            .build());
                    double totalMs = (System.nanoTime() - wall) / 1e6;
                    double cpuMs = (processCpu() - cpu) / 1e6;
                    ClientStats stats = client.stats();
                    String line = String.format(
                            Locale.ROOT,
                            "S3 cold start %d (%d ms per request): open %.0f ms, open + first query %.0f ms wall, %.0f"
                                    + " ms process CPU, %d requests through the proxy, %d hits; %s",
                            round,
                            delayMs,
                            openMs,
                            totalMs,
                            cpuMs,
                            proxy.requestsSeen() - before,
                            r.ids().get(0).size(),
                            stats);
                    LOG.info("{}", line);
                    report.append('\n').append(line);
                }
            }
            LOG.info("results:{}", report);
        } finally {
            fixture.release();
        }
    }

    private static S3Config config(S3Fixture fixture, java.net.URI endpoint) {
        return S3Config.builder()
                .bucket(fixture.bucket())
                .prefix("cold/")
                .endpoint(endpoint)
                .pathStyleAccess(true)
                .region(fixture.region())
                .credentials(fixture.accessKey(), fixture.secretKey())
                .build();
    }

    private static long processCpu() {
        return ProcessHandle.current()
                .info()
                .totalCpuDuration()
                .map(java.time.Duration::toNanos)
                .orElse(0L);
    }
}
