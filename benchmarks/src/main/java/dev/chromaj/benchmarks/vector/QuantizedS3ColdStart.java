package dev.chromaj.benchmarks.vector;

import dev.chromaj.BackupResult;
import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ClientStats;
import dev.chromaj.QueryRequest;
import dev.chromaj.QueryResult;
import dev.chromaj.S3Config;
import dev.chromaj.storage.BucketLayout;
import dev.chromaj.storage.testing.FaultInjectingProxy;
import dev.chromaj.storage.testing.S3Fixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cold start of a collection on S3: copies a local folder built by {@link QuantizedScaleBenchmark} (its collection
 * {@code scale}) into an S3Proxy bucket with {@link ChromaClient#backup(S3Config)}, then, behind a
 * {@link FaultInjectingProxy} that delays every request, times a read-only client on an empty local folder: open,
 * {@code getCollection}, first query (wall and process CPU, requests seen by the proxy; per phase, the requests by
 * kind, the most in flight at once and the mean in flight).
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
                long openedAt;
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
                    openedAt = System.nanoTime();
                    double openMs = (openedAt - wall) / 1e6;
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
                    String requests = describe(proxy.seen(), wall, openedAt);
                    LOG.info("{}; {}", line, requests);
                    report.append('\n').append(line).append("\n  ").append(requests);
                }
            }
            LOG.info("results:{}", report);
        } finally {
            fixture.release();
        }
    }

    /**
     * The requests of one cold start by phase (open, then the first query) and kind, with the most requests in flight
     * at once and the mean in flight (summed request time over the phase's wall time) in each phase.
     */
    static String describe(List<FaultInjectingProxy.SeenRequest> seen, long start, long openedAt) {
        StringBuilder out = new StringBuilder();
        long end = Long.MIN_VALUE;
        for (FaultInjectingProxy.SeenRequest r : seen) {
            end = Math.max(end, r.endNanos());
        }
        for (int phase = 0; phase < 2; phase++) {
            long from = phase == 0 ? start : openedAt;
            long to = phase == 0 ? openedAt : Math.max(openedAt + 1, end);
            Map<String, Integer> kinds = new TreeMap<>();
            List<long[]> events = new ArrayList<>();
            long busy = 0;
            for (FaultInjectingProxy.SeenRequest r : seen) {
                if (r.startNanos() < from || r.startNanos() >= to) {
                    continue;
                }
                String kind =
                        r.method() + " " + BucketLayout.kindOf(r.path()).name().toLowerCase(Locale.ROOT);
                if ("GET".equals(r.method()) && r.hasQueryParameter("list-type")) {
                    kind = r.hasQueryParameter("delimiter") ? "LIST folders" : "LIST objects";
                }
                kinds.merge(kind, 1, Integer::sum);
                events.add(new long[] {r.startNanos(), 1});
                events.add(new long[] {r.endNanos(), -1});
                busy += r.endNanos() - r.startNanos();
            }
            events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
            int inFlight = 0;
            int peak = 0;
            for (long[] e : events) {
                inFlight += (int) e[1];
                peak = Math.max(peak, inFlight);
            }
            out.append(String.format(
                    Locale.ROOT,
                    "%s: %s, peak %d in flight, mean %.1f; ",
                    phase == 0 ? "open" : "first query",
                    kinds,
                    peak,
                    busy / (double) Math.max(1, to - from)));
        }
        return out.toString();
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
