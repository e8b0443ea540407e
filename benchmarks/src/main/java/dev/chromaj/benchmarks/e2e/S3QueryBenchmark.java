package dev.chromaj.benchmarks.e2e;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ClientStats;
import dev.chromaj.GetRequest;
import dev.chromaj.QueryRequest;
import dev.chromaj.S3Config;
import dev.chromaj.WalSync;
import dev.chromaj.Where;
import dev.chromaj.storage.testing.S3Fixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The same reads on a compacted collection in local storage and in S3 (S3Proxy in this JVM on 127.0.0.1, from
 * chroma-storage's test fixture), warm caches: the S3/local ratio of median latencies, per round, then the median.
 * Storage GETs during the measured rounds show whether the cache was warm.
 *
 * <p>Arguments ({@code key=value}): {@code records} (100000), {@code rounds} (7), {@code warmup} (1),
 * {@code budgetMillis} (300), {@code seed} (42), {@code out} (target/e2e/s3.md).
 */
public final class S3QueryBenchmark {
    private S3QueryBenchmark() {}

    public static void main(String[] argv) {
        BenchmarkProgram.run(argv, S3QueryBenchmark::run);
    }

    private static void run(BenchArgs args) throws Exception {
        int records = args.integer("records", 100_000);
        int rounds = args.integer("rounds", 7);
        int warmup = args.integer("warmup", 1);
        long budget = args.longValue("budgetMillis", 300);
        RecordGenerator generator = new RecordGenerator(args.longValue("seed", 42));
        CollectionLoader loader = new CollectionLoader(generator);
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
        try (TempFolder folder = new TempFolder("chromaj-s3-");
                ChromaClient local = client(ChromaClient.builder().path(folder.resolve("local")));
                ChromaClient remote =
                        client(ChromaClient.builder().path(folder.resolve("s3")).s3(s3))) {
            ChromaCollection onDisk = loader.compacted(local, "bench", records);
            ChromaCollection onS3 = loader.compacted(remote, "bench", records);
            List<Scenario> scenarios = new ArrayList<>();
            List<String> operations = new ArrayList<>();
            for (ChromaCollection c : List.of(onDisk, onS3)) {
                String where = c == onDisk ? "local" : "S3";
                SplittableRandom random = new SplittableRandom(11);
                scenarios.add(Scenario.timed(
                        "query k=10, " + where,
                        budget,
                        5,
                        100_000,
                        i -> ReadBenchmark.expectHits(c.query(QueryRequest.builder()
                                .queryEmbedding(generator.queryVector(i))
                                .nResults(10)
                                .build()))));
                scenarios.add(Scenario.timed(
                        "query k=10 where category == c, " + where,
                        budget,
                        5,
                        100_000,
                        i -> ReadBenchmark.expectHits(c.query(QueryRequest.builder()
                                .queryEmbedding(generator.queryVector(i))
                                .nResults(10)
                                .where(Where.eq("category", RecordGenerator.category(i % 10)))
                                .build()))));
                scenarios.add(Scenario.timed("get 100 ids, " + where, budget, 5, 100_000, i -> {
                    List<String> ids = RecordGenerator.distinctIds(random, records, 100);
                    ReadBenchmark.expect(c.get(ids), 100, 100);
                }));
                scenarios.add(Scenario.timed(
                        "get category == c limit 100, " + where,
                        budget,
                        5,
                        100_000,
                        i -> ReadBenchmark.expect(
                                c.get(GetRequest.builder()
                                        .where(Where.eq("category", RecordGenerator.category(i % 10)))
                                        .limit(100)
                                        .build()),
                                100,
                                100)));
            }
            for (Scenario s : scenarios.subList(0, scenarios.size() / 2)) {
                operations.add(s.name().substring(0, s.name().length() - ", local".length()));
            }
            // Warm both: every block the reads touch is cached before the measured rounds.
            for (Scenario s : scenarios) {
                s.runRound(-1);
            }
            ClientStats before = remote.stats();
            InterleavedRounds runner = new InterleavedRounds(warmup, rounds);
            Map<String, InterleavedRounds.ScenarioResult> results = runner.run(scenarios);
            ClientStats after = remote.stats();

            Report report = new Report("local storage vs S3 (warm cache)");
            report.line(records / 1000 + " k compacted records in each client; S3 is " + fixture.backend()
                    + " on 127.0.0.1 (in-memory). Both clients use the default 256 MiB block cache. " + rounds
                    + " rounds after " + warmup + " warm-up round, " + budget + " ms per scenario and round, "
                    + "local and S3 interleaved; the ratio is the median over rounds of S3 median / local median.");
            List<List<String>> rows = new ArrayList<>();
            for (String op : operations) {
                InterleavedRounds.ScenarioResult l = results.get(op + ", local");
                InterleavedRounds.ScenarioResult r = results.get(op + ", S3");
                double[] lm = l.roundMedians();
                double[] rm = r.roundMedians();
                double[] ratios = new double[lm.length];
                for (int i = 0; i < lm.length; i++) {
                    ratios[i] = rm[i] / lm[i];
                }
                rows.add(List.of(
                        op,
                        InterleavedRounds.fmt(l.medianMillis()),
                        InterleavedRounds.fmt(r.medianMillis()),
                        String.format(Locale.ROOT, "%.2f", Latencies.median(ratios)),
                        InterleavedRounds.fmt(l.p99Millis()),
                        InterleavedRounds.fmt(r.p99Millis())));
            }
            report.table(
                    List.of("operation", "local median ms", "S3 median ms", "S3/local", "local p99 ms", "S3 p99 ms"),
                    rows);
            report.line("S3 client during the measured rounds: " + (after.storageGets() - before.storageGets())
                    + " storage GETs, " + (after.cacheMisses() - before.cacheMisses()) + " cache misses, "
                    + (after.cacheHits() - before.cacheHits()) + " cache hits.");
            report.loadConditions(runner.loadAverages());
            report.writeTo(args.string("out", "target/e2e/s3.md"));
        }
    }

    private static ChromaClient client(ChromaClient.Builder builder) {
        return builder.walSync(WalSync.interval(Duration.ofMillis(5)))
                .compactionThreshold(Integer.MAX_VALUE)
                .compactionInterval(Duration.ofDays(1))
                .build();
    }
}
