package dev.chromaj;

import dev.chromaj.storage.ObjectInfo;
import dev.chromaj.storage.S3Storage;
import dev.chromaj.storage.testing.FaultInjectingProxy;
import dev.chromaj.storage.testing.RequestChain;
import dev.chromaj.storage.testing.S3Fixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Storage numbers of S3 mode (run by {@code scripts/s3-numbers.sh}, not part of the suite): requests and bytes per
 * compaction; requests, bytes and sequential round trips of a cold open, a cold (first) query and warm queries; bytes
 * and objects stored against the raw data size.
 *
 * <p>Round trips: the loopback proxy in front of S3Proxy delays every request by a fixed latency and records when
 * each request arrived and was answered; {@link RequestChain} turns that log into the longest chain of requests
 * each sent after the previous one was answered (the dependent depth). Elapsed time divided by the latency is
 * printed too, as a cross-check that includes CPU time.
 *
 * <p>Phases: <b>open</b> is {@code ChromaClient.build()} plus {@code getCollection} on an empty local cache (lease,
 * WAL archive restore, version manifest, blockfile roots, live bitmap); <b>cold query</b> is the first
 * {@code query} (k = 10, default includes) of that client, which loads the HNSW graph and reads the hits' records;
 * <b>warm query</b> is the median of later queries with new vectors.
 *
 * <p>Arguments: {@code records (default 100000) dimension (default 128) latencyMillis (default 100)
 * compactions (default 10: compact() after each tenth of the records; 1: add everything, compact once)
 * efConstruction (default 100; lower builds the graph faster, with M 16 the graph has the same size)}.
 * Set {@code -Dchromaj.test.s3proxy.dir=<folder>} to keep S3Proxy's objects on disk instead of the heap.
 */
final class S3CostReportMain {
    private static final int WARM_QUERIES = 21;

    private S3CostReportMain() {}

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int dimension = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        long latency = args.length > 2 ? Long.parseLong(args[2]) : 100;
        int compactionCount = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        int efConstruction = args.length > 4 ? Integer.parseInt(args[4]) : 100;
        S3Fixture s3 = new S3Fixture();
        FaultInjectingProxy proxy = s3.newFaultInjectingProxy();
        String prefix = "numbers/";
        S3Config config = S3TestClients.s3Config(s3, proxy.endpoint(), prefix);
        Path folder = Files.createTempDirectory("chromaj-s3-numbers-");
        Random random = new Random(42);
        long rawBytes = 0;
        int batch = 1_000;
        int compactEvery = Math.max(batch, records / Math.max(1, compactionCount));
        List<long[]> compactions = new ArrayList<>(); // requests, puts, bytes written, ms
        StringBuilder out = new StringBuilder();
        long ingestStart = System.nanoTime();
        long addMillis = 0;
        try (ChromaClient client = ChromaClient.builder()
                .path(folder)
                .s3(config)
                .compactionThreshold(Integer.MAX_VALUE)
                .compactionInterval(Duration.ofHours(1))
                .gcInterval(Duration.ofHours(1))
                .gcKeepVersions(1)
                .gcVersionTtl(Duration.ZERO)
                .walSync(WalSync.interval(Duration.ofMillis(20)))
                .build()) {
            ChromaCollection c = client.createCollection(
                    "numbers",
                    CollectionOptions.builder()
                            .hnsw(HnswParams.builder()
                                    .efConstruction(efConstruction)
                                    .build())
                            .build());
            for (int done = 0; done < records; done += batch) {
                List<ChromaRecord> rs = new ArrayList<>(batch);
                for (int i = done; i < Math.min(records, done + batch); i++) {
                    String doc = "document number " + i + " about topic " + (i % 97);
                    rs.add(ChromaRecord.builder("id-" + i)
                            .embedding(S3TestClients.randomVector(random, dimension))
                            .document(doc)
                            .metadata(Map.of("topic", i % 97, "group", "g" + (i % 7)))
                            .build());
                    rawBytes += 4L * dimension + doc.length() + ("id-" + i).length() + 16;
                }
                long a = System.nanoTime();
                c.add(rs);
                addMillis += (System.nanoTime() - a) / 1_000_000;
                if ((done + batch) % compactEvery == 0 || done + batch >= records) {
                    ClientStats before = client.stats();
                    int requestsBefore = proxy.requestsSeen();
                    long t = System.nanoTime();
                    c.compact();
                    ClientStats after = client.stats();
                    compactions.add(new long[] {
                        proxy.requestsSeen() - requestsBefore,
                        after.storagePuts() - before.storagePuts(),
                        after.bytesWritten() - before.bytesWritten(),
                        (System.nanoTime() - t) / 1_000_000
                    });
                    System.err.printf(
                            Locale.ROOT,
                            "compacted %,d records: %,d ms%n",
                            done + batch,
                            compactions.get(compactions.size() - 1)[3]);
                }
            }
            long[] stored = storedObjects(s3, prefix);
            out.append(String.format(Locale.ROOT, "stored before GC: %,d objects, %,d bytes%n", stored[0], stored[1]));
            GcResult gc = client.collectGarbage();
            out.append(String.format(Locale.ROOT, "GC (keep 1 version): %s%n", gc));
        }
        long ingestMillis = (System.nanoTime() - ingestStart) / 1_000_000;
        long[] stored = storedObjects(s3, prefix);

        proxy.delay(Duration.ofMillis(latency));
        proxy.resetCounters();
        Random queries = new Random(7);
        long t0 = System.nanoTime();
        // The cold client: nothing cached; background archiving, GC and lease renewal far apart so that no
        // background request falls into a measured phase.
        try (ChromaClient cold = ChromaClient.builder()
                .path(folder)
                .s3(config)
                .compactionInterval(Duration.ofHours(1))
                .gcInterval(Duration.ofHours(1))
                .walArchiveInterval(Duration.ofHours(1))
                .leaseTiming(Duration.ofMinutes(30), Duration.ofMinutes(10))
                .build()) {
            ChromaCollection c = cold.getCollection("numbers");
            long openMillis = (System.nanoTime() - t0) / 1_000_000;
            List<FaultInjectingProxy.SeenRequest> openSeen = proxy.seen();
            ClientStats afterOpen = cold.stats();
            proxy.resetCounters();
            long t1 = System.nanoTime();
            QueryResult r = c.query(QueryRequest.builder()
                    .queryEmbedding(randomVector(queries, dimension))
                    .nResults(10)
                    .build());
            long queryMillis = (System.nanoTime() - t1) / 1_000_000;
            List<FaultInjectingProxy.SeenRequest> querySeen = proxy.seen();
            ClientStats afterQuery = cold.stats();
            proxy.resetCounters();
            long[] warm = new long[WARM_QUERIES];
            for (int i = 0; i < WARM_QUERIES; i++) {
                long t2 = System.nanoTime();
                c.query(QueryRequest.builder()
                        .queryEmbedding(randomVector(queries, dimension))
                        .nResults(10)
                        .build());
                warm[i] = (System.nanoTime() - t2) / 1_000;
            }
            List<FaultInjectingProxy.SeenRequest> warmSeen = proxy.seen();
            Arrays.sort(warm);
            ClientStats end = cold.stats();

            out.append(String.format(
                    Locale.ROOT,
                    "records %,d, dimension %d, efConstruction %d, ingest %,d ms (add calls %,d ms)%n",
                    records,
                    dimension,
                    efConstruction,
                    ingestMillis,
                    addMillis));
            for (int i = 0; i < compactions.size(); i++) {
                long[] k = compactions.get(i);
                out.append(String.format(
                        Locale.ROOT,
                        "compaction %d: %d requests (%d puts), %,d bytes written, %,d ms%n",
                        i + 1,
                        k[0],
                        k[1],
                        k[2],
                        k[3]));
            }
            out.append(String.format(
                    Locale.ROOT,
                    "stored after GC: %,d objects, %,d bytes; raw data %,d bytes (ratio %.2f)%n",
                    stored[0],
                    stored[1],
                    rawBytes,
                    (double) stored[1] / rawBytes));
            out.append(String.format(Locale.ROOT, "latency %d ms per request%n", latency));
            phase(out, "open", RequestChain.of(openSeen), openMillis, latency, afterOpen.bytesRead());
            phase(
                    out,
                    "cold query",
                    RequestChain.of(querySeen),
                    queryMillis,
                    latency,
                    afterQuery.bytesRead() - afterOpen.bytesRead());
            out.append(String.format(
                    Locale.ROOT,
                    "  cold query: %d results, HNSW index %,d bytes in memory, block cache %,d bytes" + "%n",
                    r.ids().get(0).size(),
                    afterQuery.vectorIndexBytes(),
                    afterQuery.cacheBytes()));
            out.append(
                    String.format(Locale.ROOT, "cold start (open + first query): %,d ms%n", openMillis + queryMillis));
            RequestChain w = RequestChain.of(warmSeen);
            out.append(String.format(
                    Locale.ROOT,
                    "warm query (%d queries): median %.2f ms, p90 %.2f ms; %d requests, %,d bytes " + "read%n",
                    WARM_QUERIES,
                    warm[WARM_QUERIES / 2] / 1000.0,
                    warm[WARM_QUERIES * 9 / 10] / 1000.0,
                    w.requests(),
                    end.bytesRead() - afterQuery.bytesRead()));
            kinds(out, "open", openSeen);
            kinds(out, "cold query", querySeen);
            timeline(out, "open", openSeen);
            timeline(out, "cold query", querySeen);
            Runtime rt = Runtime.getRuntime();
            out.append(String.format(
                    Locale.ROOT,
                    "heap after the queries: %,d MB used of %,d MB max%n",
                    (rt.totalMemory() - rt.freeMemory()) >> 20,
                    rt.maxMemory() >> 20));
            System.out.print(out);
        }
        System.exit(0);
    }

    private static float[] randomVector(Random random, int dimension) {
        return S3TestClients.randomVector(random, dimension);
    }

    private static void phase(
            StringBuilder out, String name, RequestChain chain, long millis, long latency, long clientBytes) {
        out.append(String.format(
                Locale.ROOT,
                "%s: %d sequential round trips (dependent depth), %d requests, %,d bytes read; "
                        + "%,d ms = %.1f latencies%n",
                name,
                chain.depth(),
                chain.requests(),
                clientBytes,
                millis,
                (double) millis / latency));
    }

    /** Requests of a phase per kind of object, with the depth of each kind's own chain. */
    private static void kinds(StringBuilder out, String name, List<FaultInjectingProxy.SeenRequest> seen) {
        Map<String, List<FaultInjectingProxy.SeenRequest>> byKind = new TreeMap<>();
        for (FaultInjectingProxy.SeenRequest s : seen) {
            byKind.computeIfAbsent(kind(s), k -> new ArrayList<>()).add(s);
        }
        out.append("  ").append(name).append(" by kind:");
        byKind.forEach((kind, list) -> out.append(String.format(
                Locale.ROOT,
                " %s %d (depth %d)",
                kind,
                list.size(),
                RequestChain.of(list).depth())));
        out.append('\n');
    }

    /** Every request of a phase with when it arrived and was answered, relative to the phase's first request. */
    private static void timeline(StringBuilder out, String name, List<FaultInjectingProxy.SeenRequest> seen) {
        List<FaultInjectingProxy.SeenRequest> byStart = new ArrayList<>(seen);
        byStart.sort(Comparator.comparingLong(FaultInjectingProxy.SeenRequest::startNanos));
        long first = byStart.isEmpty() ? 0 : byStart.get(0).startNanos();
        for (FaultInjectingProxy.SeenRequest s : byStart) {
            out.append(String.format(
                    Locale.ROOT,
                    "  %s: %-10s %5d..%5d ms %,12d bytes  %s%s%n",
                    name,
                    kind(s),
                    (s.startNanos() - first) / 1_000_000,
                    (s.endNanos() - first) / 1_000_000,
                    s.responseBytes(),
                    s.path(),
                    s.query() == null ? "" : "?" + s.query()));
        }
    }

    private static String kind(FaultInjectingProxy.SeenRequest s) {
        String p = s.path();
        String what = s.hasQueryParameter("list-type")
                ? "list"
                : p.contains("/block/")
                        ? "block"
                        : p.contains("/root/")
                                ? "root"
                                : p.contains("/version/")
                                        ? "manifest"
                                        : p.contains("/wal/") ? "wal" : p.endsWith("/lease") ? "lease" : "other";
        return s.method() + " " + what;
    }

    private static long[] storedObjects(S3Fixture s3, String prefix) {
        long bytes = 0;
        long objects = 0;
        try (S3Storage storage =
                new S3Storage(s3.configBuilder().keyPrefix(prefix).build())) {
            Iterator<ObjectInfo> it = storage.list("collection/");
            while (it.hasNext()) {
                ObjectInfo o = it.next();
                if (!o.key().contains("/wal/")) {
                    bytes += o.size();
                    objects++;
                }
            }
        }
        return new long[] {objects, bytes};
    }
}
