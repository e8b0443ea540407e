package dev.chromaj.benchmarks.s3cost;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.ClientStats;
import dev.chromaj.QueryRequest;
import dev.chromaj.QueryResult;
import dev.chromaj.S3Config;
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

/**
 * The small workload on S3Proxy (in this JVM), one simulated hour compressed into minutes, its requests counted by the
 * client's storage counters and extrapolated to a 30-day month at S3 Standard us-east-1 list prices (PUT, COPY, POST,
 * LIST $0.005 per 1,000; GET $0.0004 per 1,000; DELETE free; storage $0.023 per GB-month; as listed on
 * aws.amazon.com/s3/pricing in 2026).
 *
 * <p>Workload: {@code records} records of {@link WorkloadRecords} (384-d, ~500-byte documents, 5 metadata fields);
 * every simulated second one upsert of 10 existing records (uniform ids, next generation); a compaction every
 * {@code compactEvery} simulated seconds (what {@code compactionInterval} does in real time); queries (k = 10)
 * whose vectors are near the embedding of a record drawn by Zipf(1.1), 5 per simulated second, of which every
 * {@code querySample}-th is run and the counts scaled; one GC pass at the end of the hour. Requests that depend
 * only on wall-clock intervals are added from their intervals: lease renewal (one PUT per 10 s), WAL archive (one
 * PUT per 5 s while writes arrive), two read-only followers (one LIST per 5 s each). What the followers read when a
 * version changes (a manifest GET, then the blocks their queries miss) is not counted.
 *
 * <p>Arguments: records (20000), compactEvery seconds (10), querySample (20), compression on/off (on), gcVersionTtl
 * seconds (43200 = the default 12 h), simulated seconds (3600).
 */
public final class S3WorkloadBenchmark {
    private static final double PUT_PRICE = 0.005 / 1000;
    private static final double GET_PRICE = 0.0004 / 1000;
    private static final double GB_MONTH_PRICE = 0.023;
    private static final double HOURS_PER_MONTH = 720;

    private S3WorkloadBenchmark() {}

    /** Runs the benchmark; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        int records = arg(args, 0, 20_000);
        int compactEvery = arg(args, 1, 10);
        int querySample = arg(args, 2, 20);
        boolean compress = args.length <= 3 || !args[3].equals("off");
        int gcTtlSeconds = arg(args, 4, 43_200);
        int seconds = arg(args, 5, 3600);
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
                "workload: %,d records x %d-d, upsert 10/s, compaction every %d s, 5 queries/s (1 in %d run), "
                        + "compression %s, gcVersionTtl %d s, %d simulated s%n",
                records,
                WorkloadRecords.DIMENSION,
                compactEvery,
                querySample,
                compress ? "on" : "off",
                gcTtlSeconds,
                seconds);
        long raw = 0;
        long loadStart = System.nanoTime();
        try (S3Storage bucket = fixture.newStorage("bench/")) {
            long collectionBytes;
            try (ChromaClient client = builder(folder.resolve("writer"), s3, compress, gcTtlSeconds)
                    .build()) {
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
            // the hour, through a client whose block cache holds 20% of the collection's bytes
            long cacheBytes = collectionBytes / 5;
            SplittableRandom random = new SplittableRandom(7);
            ZipfSampler zipf = new ZipfSampler(records, 1.1, 11);
            int[] generation = new int[records];
            List<Long> latencies = new ArrayList<>();
            long hourStart = System.nanoTime();
            ClientStats before;
            ClientStats after;
            long queryGets = 0;
            long cacheHits = 0;
            long cacheMisses = 0;
            int queriesRun = 0;
            long maxBucket = 0;
            try (ChromaClient client = builder(folder.resolve("writer"), s3, compress, gcTtlSeconds)
                    .blockCacheBytes(Math.max(1 << 20, cacheBytes))
                    .build()) {
                ChromaCollection c = client.getCollection("workload");
                // warm-up: the graph and the hot blocks, not counted
                for (int q = 0; q < 200; q++) {
                    query(c, gen, zipf, random);
                }
                before = client.stats();
                for (int s = 1; s <= seconds; s++) {
                    List<ChromaRecord> batch = new ArrayList<>(10);
                    Set<Integer> ids = new HashSet<>();
                    while (ids.size() < 10) {
                        int id = random.nextInt(records);
                        if (ids.add(id)) {
                            batch.add(gen.record(id, ++generation[id]));
                        }
                    }
                    c.upsert(batch);
                    for (int q = 0; q < 5; q++) {
                        if ((s * 5 + q) % querySample != 0) {
                            continue;
                        }
                        ClientStats b = client.stats();
                        long t = System.nanoTime();
                        query(c, gen, zipf, random);
                        latencies.add(System.nanoTime() - t);
                        ClientStats a = client.stats();
                        queryGets += a.storageGets() - b.storageGets();
                        cacheHits += a.cacheHits() - b.cacheHits();
                        cacheMisses += a.cacheMisses() - b.cacheMisses();
                        queriesRun++;
                    }
                    if (s % compactEvery == 0) {
                        c.compact();
                    }
                    if (s % 600 == 0) {
                        maxBucket = Math.max(maxBucket, bucketBytes(bucket));
                    }
                }
                c.compact();
                maxBucket = Math.max(maxBucket, bucketBytes(bucket));
                client.collectGarbage();
                after = client.stats();
            }
            long afterGc = bucketBytes(bucket);
            double hourSeconds = (System.nanoTime() - hourStart) / 1e9;
            long gets = after.storageGets() - before.storageGets();
            long puts = after.storagePuts() - before.storagePuts();
            long deletes = after.storageDeletes() - before.storageDeletes();
            long others = (after.storageRequests() - before.storageRequests()) - gets - puts - deletes;
            // scale the sampled queries' GETs up to 5 queries per second
            long scaledQueryGets = Math.round((double) queryGets * querySample);
            long writerGets = gets - queryGets + scaledQueryGets;
            long leasePuts = seconds / 10;
            long archivePuts = seconds / 5;
            long followerLists = 2L * seconds / 5;
            long putsPerHour = puts + leasePuts + archivePuts;
            long listsPerHour = others + followerLists;
            double month = HOURS_PER_MONTH * 3600.0 / seconds;
            double putMonth = (putsPerHour + listsPerHour) * month;
            double getMonth = writerGets * month;
            double storageGb = afterGc / 1e9;
            double dollars = putMonth * PUT_PRICE + getMonth * GET_PRICE + storageGb * GB_MONTH_PRICE;
            long[] sorted =
                    latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf(
                    Locale.ROOT,
                    "hour run in %.0f s: compaction/GC PUT %,d, GET %,d (queries %,d sampled -> %,d), LIST/HEAD %,d, "
                            + "DELETE %,d, bytes written %,d%n",
                    hourSeconds,
                    puts,
                    gets,
                    queryGets,
                    scaledQueryGets,
                    others,
                    deletes,
                    after.bytesWritten() - before.bytesWritten());
            System.out.printf(
                    Locale.ROOT,
                    "from intervals: lease PUT %,d, WAL archive PUT %,d, follower LIST %,d%n",
                    leasePuts,
                    archivePuts,
                    followerLists);
            System.out.printf(
                    Locale.ROOT,
                    "per month: PUT+LIST %,.0f, GET %,.0f, total %,.0f requests; storage %.3f GB; $%.2f "
                            + "(PUT/LIST $%.2f, GET $%.2f, storage $%.2f)%n",
                    putMonth,
                    getMonth,
                    putMonth + getMonth,
                    storageGb,
                    dollars,
                    putMonth * PUT_PRICE,
                    getMonth * GET_PRICE,
                    storageGb * GB_MONTH_PRICE);
            System.out.printf(
                    Locale.ROOT,
                    "bucket: max %,d bytes during the hour (%.2fx raw), %,d after GC (%.2fx raw)%n",
                    maxBucket,
                    (double) maxBucket / raw,
                    afterGc,
                    (double) afterGc / raw);
            System.out.printf(
                    Locale.ROOT,
                    "queries: %d run, block cache %,d bytes (20%% of the collection), hit rate %.1f%%, "
                            + "p50 %.1f ms, p99 %.1f ms%n",
                    queriesRun,
                    cacheBytes,
                    100.0 * cacheHits / Math.max(1, cacheHits + cacheMisses),
                    percentile(sorted, 0.50) / 1e6,
                    percentile(sorted, 0.99) / 1e6);
            // cold start: a new machine (empty folder) opens the bucket and answers one query
            long t = System.nanoTime();
            try (ChromaClient client = builder(folder.resolve("fresh"), s3, compress, gcTtlSeconds)
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
            fixture.afterAll(null);
        }
    }

    private static ChromaClient.Builder builder(Path path, S3Config s3, boolean compress, int gcTtlSeconds) {
        return ChromaClient.builder()
                .path(path)
                .s3(s3)
                .blockCompression(compress)
                .compactionInterval(Duration.ofHours(24))
                .compactionThreshold(Integer.MAX_VALUE)
                .gcInterval(Duration.ofHours(24))
                .gcVersionTtl(Duration.ofSeconds(gcTtlSeconds));
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
