package dev.chromaj.benchmarks.s3cost;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.ClientStats;
import dev.chromaj.CompactionPolicy;
import dev.chromaj.CostReport;
import dev.chromaj.QueryRequest;
import dev.chromaj.QueryResult;
import dev.chromaj.S3Config;
import dev.chromaj.S3Prices;
import dev.chromaj.storage.ObjectInfo;
import dev.chromaj.storage.S3Storage;
import dev.chromaj.storage.testing.S3Fixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The small workload on S3Proxy (in this JVM), hours of simulated time compressed into minutes, its requests counted
 * by the client's storage counters and extrapolated to a 30-day month with {@link CostReport} at
 * {@link S3Prices#usEast1Standard()}.
 *
 * <p>Workload: {@code records} records of {@link WorkloadRecords} (384-d, ~500-byte documents, 5 metadata fields),
 * loaded and compacted first; then every simulated second one upsert of 10 existing records (uniform ids, next
 * generation) and 5 queries (k = 10, default includes) whose vectors are near the embedding of a record drawn by
 * Zipf(1.1), every one of them run ({@code querySample} 1, the default) or every {@code querySample}-th, its GETs
 * scaled (then the first query after each compaction is run too and counted once: what it loads once, such as the new
 * version's blocks, the scaling would multiply; still an approximation, since each block of the new version is read
 * once by whichever query needs it first); the writer's block cache holds
 * {@code cachePercent}% of the collection's stored bytes. Compaction follows {@link CompactionPolicy#objectStorage()}
 * (or the limits given) in simulated time: the benchmark asks the policy each simulated second (tail bytes estimated
 * from the records' raw sizes). Garbage collection with the defaults (keep 1 version, a superseded version kept 10
 * minutes): a pass 600 simulated seconds after each compaction. Requests that depend only on wall-clock intervals
 * are added from the simulated time at the new defaults: lease renewal (one PUT per 30 s), WAL archive (one PUT and
 * one DELETE per 30 s while writes arrive), two read-only followers (one HEAD per 30 s each; after each compaction,
 * and every 20 polls, one LIST per 1,000 objects, and after each compaction one manifest GET and one GET per root).
 * The followers' own queries are not part of the workload. The writer's real lease renewals during the run (one per
 * 30 s of wall time) are counted too: a small over-count.
 *
 * <p>With {@code -Dorg.slf4j.simpleLogger.log.dev.chromaj=debug} (slf4j-simple) the log shows every block read from
 * storage ({@code BlockCache}) after a {@code phase} line naming the step that read it (upsert, query, compaction,
 * gc), for a breakdown of the reads by step and blockfile kind.
 *
 * <p>Arguments: records (20000), querySample (1: every query), compression on/off (on), simulated seconds (10800), maxTailAge
 * seconds (3600), maxTailRecords (50000), cachePercent (20), compressed share of the writer's block cache in percent
 * or {@code auto} (the default: the adaptive split; 75 is {@code blockCacheCompressedShare(0.75)}, the setting of the
 * first 2026-12-06 measurements; 0 keeps decoded blocks only).
 */
public final class S3WorkloadBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(S3WorkloadBenchmark.class);

    private static final int INTERVAL_SECONDS = 30;
    private static final int GC_AFTER_COMPACTION_SECONDS = 600;

    private S3WorkloadBenchmark() {}

    /**
     * Runs the benchmark (see the class comment for the arguments) and ends the JVM with its outcome: the in-JVM S3Proxy's server threads are not daemons, so
     * the process would otherwise outlive the benchmark.
     */
    public static void main(String[] args) {
        int status = 0;
        try {
            run(args);
        } catch (Throwable t) {
            LOG.error("S3 workload benchmark failed", t);
            status = 1;
        }
        System.exit(status);
    }

    private static void run(String[] args) throws Exception {
        int records = arg(args, 0, 20_000);
        int querySample = arg(args, 1, 1);
        boolean compress = args.length <= 2 || !args[2].equals("off");
        int seconds = arg(args, 3, 10_800);
        int maxTailAge = arg(args, 4, 3_600);
        int maxTailRecords = arg(args, 5, 50_000);
        int cachePercent = arg(args, 6, 20);
        // -1: the adaptive split (blockCacheCompressedShare not called)
        int compressedPercent = args.length > 7 && !args[7].equals("auto") ? Integer.parseInt(args[7]) : -1;
        CompactionPolicy policy = CompactionPolicy.objectStorage()
                .withMaxTailAge(Duration.ofSeconds(maxTailAge))
                .withMaxTailRecords(maxTailRecords);
        if (System.getProperty("chromaj.test.s3") == null) {
            System.setProperty("chromaj.test.s3", "s3proxy");
        }
        S3Fixture fixture = new S3Fixture();
        S3Config s3 = S3Config.builder()
                .bucket(fixture.bucket())
                .prefix("bench/")
                .endpoint(fixture.endpoint())
                .pathStyleAccess(true)
                .region(fixture.region())
                .credentials(fixture.accessKey(), fixture.secretKey())
                .build();
        WorkloadRecords gen = new WorkloadRecords(42);
        Path folder = Files.createTempDirectory("s3-workload");
        System.out.printf(
                Locale.ROOT,
                "workload: %,d records x %d-d, upsert 10/s, 5 queries/s (1 in %d run), compression %s, %s, cache %d%%,"
                        + " %d simulated s%n",
                records,
                WorkloadRecords.DIMENSION,
                querySample,
                compress ? "on" : "off",
                policy,
                cachePercent,
                seconds);
        long raw = 0;
        long loadStart = System.nanoTime();
        try (S3Storage bucket = fixture.newStorage("bench/")) {
            long collectionBytes;
            try (ChromaClient client =
                    builder(folder.resolve("writer"), s3, compress).build()) {
                ChromaCollection c = client.createCollection("workload");
                for (int i = 0; i < records; i += 1000) {
                    List<ChromaRecord> batch = gen.records(i, Math.min(1000, records - i), 0);
                    for (ChromaRecord r : batch) {
                        raw += WorkloadRecords.rawBytes(r);
                    }
                    c.add(batch);
                }
                c.compact();
                client.collectGarbage();
                collectionBytes = c.stats().totalBytes();
                System.out.printf(
                        Locale.ROOT,
                        "loaded in %.1f s: raw %,d bytes; collection %,d bytes (%.2fx raw) %s; bucket %,d bytes%n",
                        (System.nanoTime() - loadStart) / 1e9,
                        raw,
                        collectionBytes,
                        (double) collectionBytes / raw,
                        c.stats().segmentBytes(),
                        bucketBytes(bucket));
            }
            long cacheBytes = collectionBytes * cachePercent / 100;
            SplittableRandom random = new SplittableRandom(7);
            ZipfSampler zipf = new ZipfSampler(records, 1.1, 11);
            int[] generation = new int[records];
            List<Long> latencies = new ArrayList<>();
            long hourStart = System.nanoTime();
            long queryGets = 0;
            long oneOffGets = 0;
            long cacheHits = 0;
            long cacheMisses = 0;
            int queriesRun = 0;
            int compactions = 0;
            long maxBucket = 0;
            long followerGets = 0;
            long followerLists = 0;
            long followerHeads = 0;
            CostReport before;
            CostReport after;
            ChromaClient.Builder writerBuilder =
                    builder(folder.resolve("writer"), s3, compress).blockCacheBytes(Math.max(1 << 20, cacheBytes));
            if (compressedPercent >= 0) {
                writerBuilder.blockCacheCompressedShare(compressedPercent / 100.0);
            }
            try (ChromaClient client = writerBuilder.build()) {
                ChromaCollection c = client.getCollection("workload");
                // warm-up: the graph and the hot blocks, not counted
                for (int q = 0; q < 200; q++) {
                    query(c, gen, zipf, random);
                }
                before = client.costReport(S3Prices.usEast1Standard());
                int oldestWrite = -1;
                long tailBytes = 0;
                int gcAt = -1;
                boolean firstAfterCompaction = false;
                for (int s = 1; s <= seconds; s++) {
                    List<ChromaRecord> batch = new ArrayList<>(10);
                    Set<Integer> ids = new HashSet<>();
                    while (ids.size() < 10) {
                        int id = random.nextInt(records);
                        if (ids.add(id)) {
                            ChromaRecord r = gen.record(id, ++generation[id]);
                            tailBytes += WorkloadRecords.rawBytes(r);
                            batch.add(r);
                        }
                    }
                    LOG.debug("phase upsert");
                    c.upsert(batch);
                    if (oldestWrite < 0) {
                        oldestWrite = s;
                    }
                    for (int q = 0; q < 5; q++) {
                        if (firstAfterCompaction && q == 0 && querySample > 1) {
                            // The first query after a compaction loads what is new once (the new version's blocks
                            // that were not written through, the vector index): run it, counted once, not scaled.
                            firstAfterCompaction = false;
                            long b = client.stats().storageGets();
                            LOG.debug("phase query");
                            query(c, gen, zipf, random);
                            oneOffGets += client.stats().storageGets() - b;
                            continue;
                        }
                        if ((s * 5 + q) % querySample != 0) {
                            continue;
                        }
                        ClientStats b = client.stats();
                        LOG.debug("phase query");
                        long t = System.nanoTime();
                        query(c, gen, zipf, random);
                        latencies.add(System.nanoTime() - t);
                        ClientStats a = client.stats();
                        queryGets += a.storageGets() - b.storageGets();
                        cacheHits += a.cacheHits() - b.cacheHits();
                        cacheMisses += a.cacheMisses() - b.cacheMisses();
                        queriesRun++;
                    }
                    long tailRecords = c.stats().walRecords();
                    boolean compacted = false;
                    if (policy.due(tailRecords, tailBytes, Duration.ofSeconds(s - oldestWrite))) {
                        LOG.debug("phase compaction");
                        c.compact();
                        compactions++;
                        compacted = true;
                        firstAfterCompaction = true;
                        oldestWrite = -1;
                        tailBytes = 0;
                        maxBucket = Math.max(maxBucket, bucketBytes(bucket));
                        gcAt = s + GC_AFTER_COMPACTION_SECONDS;
                    }
                    if (s == gcAt) {
                        LOG.debug("phase gc");
                        client.collectGarbage();
                    }
                    if (s % INTERVAL_SECONDS == 0) {
                        followerHeads += 2;
                    }
                    if (compacted || s % (INTERVAL_SECONDS * 20) == 0) {
                        long[] objects = objectsAndRoots(bucket);
                        followerLists += 2 * ((objects[0] + 999) / 1000);
                        if (compacted) {
                            followerGets += 2 * (1 + objects[1]);
                        }
                    }
                }
                if (gcAt > seconds) {
                    client.collectGarbage(); // the pass due after the last compaction
                }
                after = client.costReport(S3Prices.usEast1Standard());
                ClientStats split = client.stats();
                System.out.printf(
                        Locale.ROOT,
                        "writer block cache: compressed share %s, compressed part %,d of at most %,d bytes%n",
                        compressedPercent < 0 ? "auto" : compressedPercent + "%",
                        split.cacheCompressedBytes(),
                        split.cacheCompressedMaxBytes());
            }
            long afterGc = bucketBytes(bucket);
            double wallSeconds = (System.nanoTime() - hourStart) / 1e9;
            CostReport writer = after.since(before);
            // The sampled queries' GETs stand for the queries not run; the first query after each compaction (run
            // outside the sample when sampling) is counted once: its GETs are in writer.gets() as they are.
            long scaledQueryGets = Math.round((double) queryGets * querySample);
            long leasePuts = seconds / INTERVAL_SECONDS;
            long archivePuts = seconds / INTERVAL_SECONDS;
            long archiveDeletes = seconds / INTERVAL_SECONDS;
            // storage: the current version all the time, the superseded one for the 10 minutes after each compaction
            double period = (double) seconds / Math.max(1, compactions);
            double storedAverage =
                    afterGc + (maxBucket - afterGc) * Math.min(1.0, GC_AFTER_COMPACTION_SECONDS / period);
            CostReport month = new CostReport(
                    Duration.ofSeconds(seconds),
                    writer.gets() - queryGets + scaledQueryGets + followerGets,
                    writer.heads() + followerHeads,
                    writer.puts() + leasePuts + archivePuts,
                    writer.lists() + followerLists,
                    writer.deletes() + archiveDeletes,
                    writer.bytesRead(),
                    writer.bytesWritten(),
                    Math.round(storedAverage),
                    after.storedObjects(),
                    S3Prices.usEast1Standard());
            long[] sorted =
                    latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf(
                    Locale.ROOT,
                    "%d simulated s in %.0f s wall: %d compactions; writer PUT %,d, GET %,d (queries %,d sampled -> %,d;"
                            + " first queries after a compaction %,d, counted once), HEAD %,d, LIST %,d, DELETE %,d,"
                            + " bytes written %,d%n",
                    seconds,
                    wallSeconds,
                    compactions,
                    writer.puts(),
                    writer.gets(),
                    queryGets,
                    scaledQueryGets,
                    oneOffGets,
                    writer.heads(),
                    writer.lists(),
                    writer.deletes(),
                    writer.bytesWritten());
            System.out.printf(
                    Locale.ROOT,
                    "from intervals: lease PUT %,d, WAL archive PUT %,d + DELETE %,d; followers HEAD %,d, LIST %,d,"
                            + " GET %,d%n",
                    leasePuts,
                    archivePuts,
                    archiveDeletes,
                    followerHeads,
                    followerLists,
                    followerGets);
            System.out.println(month.format());
            System.out.printf(
                    Locale.ROOT,
                    "bucket: %,d bytes after GC (%.2fx raw), %,d right after a compaction (%.2fx raw), time-weighted"
                            + " %,.0f (%.2fx raw)%n",
                    afterGc,
                    (double) afterGc / raw,
                    maxBucket,
                    (double) maxBucket / raw,
                    storedAverage,
                    storedAverage / raw);
            System.out.printf(
                    Locale.ROOT,
                    "queries: %d run, block cache %,d bytes (%d%% of the collection), hit rate %.1f%%, "
                            + "p50 %.1f ms, p99 %.1f ms%n",
                    queriesRun,
                    cacheBytes,
                    cachePercent,
                    100.0 * cacheHits / Math.max(1, cacheHits + cacheMisses),
                    percentile(sorted, 0.50) / 1e6,
                    percentile(sorted, 0.99) / 1e6);
            // cold start: a new machine (empty folder) opens the bucket and answers one query
            long t = System.nanoTime();
            try (ChromaClient client = builder(folder.resolve("fresh"), s3, compress)
                    .readOnly(true)
                    .build()) {
                ChromaCollection c = client.getCollection("workload");
                long opened = System.nanoTime() - t;
                query(c, gen, zipf, random);
                System.out.printf(
                        Locale.ROOT,
                        "cold start (read-only client, empty folder): open %.2f s, open + first query %.2f s%n",
                        opened / 1e9,
                        (System.nanoTime() - t) / 1e9);
            }
        } finally {
            fixture.release();
        }
    }

    /** The bucket's object count and root count. */
    private static long[] objectsAndRoots(S3Storage bucket) {
        long objects = 0;
        long roots = 0;
        Iterator<ObjectInfo> it = bucket.list("");
        while (it.hasNext()) {
            objects++;
            if (it.next().key().contains("/root/")) {
                roots++;
            }
        }
        return new long[] {objects, roots};
    }

    /**
     * A writer that never compacts or collects on its own (the benchmark does, in simulated time), archives its log
     * only on close (the archive PUTs are counted from the simulated time). Its TTL is zero: a superseded version
     * goes at the pass the benchmark runs 10 simulated minutes after each compaction (or at the end of the run); the
     * storage figure charges it for those 10 minutes.
     */
    private static ChromaClient.Builder builder(Path path, S3Config s3, boolean compress) {
        return ChromaClient.builder()
                .path(path)
                .s3(s3)
                .blockCompression(compress)
                .compactionPolicy(new CompactionPolicy(Long.MAX_VALUE, Long.MAX_VALUE, Duration.ofDays(365)))
                .walArchiveInterval(Duration.ofDays(1))
                .gcInterval(Duration.ofHours(24))
                .gcVersionTtl(Duration.ZERO);
    }

    private static void query(ChromaCollection c, WorkloadRecords gen, ZipfSampler zipf, SplittableRandom random) {
        int target = zipf.next();
        float[] v = gen.record(target, 0).embedding().clone();
        for (int d = 0; d < v.length; d++) {
            v[d] += (float) ((random.nextDouble() - 0.5) * 0.01);
        }
        QueryResult r =
                c.query(QueryRequest.builder().queryEmbedding(v).nResults(10).build());
        if (r.ids().get(0).isEmpty()) {
            throw new IllegalStateException("a query returned no hits");
        }
    }

    private static long bucketBytes(S3Storage bucket) {
        long bytes = 0;
        Iterator<ObjectInfo> it = bucket.list("");
        while (it.hasNext()) {
            bytes += it.next().size();
        }
        return bytes;
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))];
    }

    private static int arg(String[] args, int i, int fallback) {
        return args.length > i ? Integer.parseInt(args[i]) : fallback;
    }

    /** Zipf(s) over {@code 0..n-1} by inverse transform on the cumulative weights; rank 0 is the hottest. */
    private static final class ZipfSampler {
        private final double[] cumulative;
        private final SplittableRandom random;
        private final int[] permutation;

        ZipfSampler(int n, double s, long seed) {
            cumulative = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += 1 / Math.pow(i + 1, s);
                cumulative[i] = sum;
            }
            for (int i = 0; i < n; i++) {
                cumulative[i] /= sum;
            }
            random = new SplittableRandom(seed);
            // hot records spread over the collection, not the first offsets only
            permutation = new int[n];
            for (int i = 0; i < n; i++) {
                permutation[i] = i;
            }
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int tmp = permutation[i];
                permutation[i] = permutation[j];
                permutation[j] = tmp;
            }
        }

        int next() {
            int at = Arrays.binarySearch(cumulative, random.nextDouble());
            int rank = at >= 0 ? at : Math.min(cumulative.length - 1, -at - 1);
            return permutation[rank];
        }
    }
}
