package dev.chromaj.benchmarks.e2e;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.GetRequest;
import dev.chromaj.GetResult;
import dev.chromaj.QueryRequest;
import dev.chromaj.QueryResult;
import dev.chromaj.WalSync;
import dev.chromaj.Where;
import dev.chromaj.WhereDocument;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code get} by id, filtered {@code get} and exact {@code query} through the public API, on a compacted 100 k
 * collection, the same collection plus 1 k operations in the log tail (500 new records, 500 updates), and a
 * compacted 10 k collection. Background compaction is off so the tail stays; scenarios are interleaved.
 *
 * <p>Arguments ({@code key=value}): {@code records} (100000), {@code small} (10000), {@code tail} (1000),
 * {@code rounds} (5), {@code warmup} (1), {@code budgetMillis} per scenario and round (300), {@code seed} (42),
 * {@code out} (target/e2e/read.md).
 */
public final class ReadBenchmark {
    private ReadBenchmark() {}

    public static void main(String[] argv) {
        BenchmarkProgram.run(argv, ReadBenchmark::run);
    }

    private static void run(BenchArgs args) throws Exception {
        int records = args.integer("records", 100_000);
        int small = args.integer("small", 10_000);
        int tailOps = args.integer("tail", 1_000);
        int rounds = args.integer("rounds", 5);
        int warmup = args.integer("warmup", 1);
        long budget = args.longValue("budgetMillis", 300);
        RecordGenerator generator = new RecordGenerator(args.longValue("seed", 42));
        CollectionLoader loader = new CollectionLoader(generator);
        try (TempFolder folder = new TempFolder("chromaj-read-");
                ChromaClient client = ChromaClient.builder()
                        .path(folder.path())
                        .walSync(WalSync.interval(Duration.ofMillis(5)))
                        .compactionThreshold(Integer.MAX_VALUE)
                        .compactionInterval(Duration.ofDays(1))
                        .build()) {
            ChromaCollection compacted = loader.compacted(client, "compacted", records);
            ChromaCollection withTail = loader.compacted(client, "with-tail", records);
            loader.tail(withTail, records, tailOps);
            ChromaCollection smaller = loader.compacted(client, "small", small);

            List<Scenario> scenarios = new ArrayList<>();
            String big = records / 1000 + " k";
            scenarios.addAll(gets(compacted, big + " compacted", records, budget));
            scenarios.addAll(gets(withTail, big + " + " + tailOps + " tail", records, budget));
            scenarios.addAll(queries(smaller, small / 1000 + " k compacted", generator, budget));
            scenarios.addAll(queries(compacted, big + " compacted", generator, budget));
            scenarios.addAll(queries(withTail, big + " + " + tailOps + " tail", generator, budget));

            InterleavedRounds runner = new InterleavedRounds(warmup, rounds);
            Map<String, InterleavedRounds.ScenarioResult> results = runner.run(scenarios);
            Report report = new Report("get and query latency");
            report.line("Collections loaded through the public API and compacted; the tail collection then gets "
                    + tailOps / 2 + " new records and " + (tailOps - tailOps / 2) + " upserts of compacted records "
                    + "that stay in the log tail. get includes documents and metadatas (the default); query is "
                    + "exact, nResults 10, one query vector, default include. Filters: category == c (10 %), "
                    + "2020 <= year < 2023 (10 %), year $in 3 values (10 %), document $contains one word (~12 %). "
                    + rounds + " rounds after " + warmup + " warm-up round, " + budget + " ms per scenario and "
                    + "round, interleaved; medians over rounds.");
            List<List<String>> rows = new ArrayList<>();
            for (InterleavedRounds.ScenarioResult r : results.values()) {
                rows.add(List.of(
                        r.name(),
                        InterleavedRounds.fmt(r.medianMillis()),
                        InterleavedRounds.fmt(r.p99Millis()),
                        InterleavedRounds.fmt(r.minRoundMedianMillis()) + "–"
                                + InterleavedRounds.fmt(r.maxRoundMedianMillis()),
                        String.valueOf(r.samples())));
            }
            report.table(List.of("operation", "median ms", "p99 ms", "round medians ms", "samples"), rows);
            report.loadConditions(runner.loadAverages());
            report.writeTo(args.string("out", "target/e2e/read.md"));
        }
    }

    private static List<Scenario> gets(ChromaCollection c, String label, int records, long budget) {
        SplittableRandom random = new SplittableRandom(7);
        List<Scenario> out = new ArrayList<>();
        out.add(Scenario.timed(
                "get 1 id, " + label,
                budget,
                20,
                100_000,
                i -> expect(c.get(List.of(RecordGenerator.id(random.nextInt(records)))), 1, 1)));
        out.add(Scenario.timed("get 100 ids, " + label, budget, 20, 100_000, i -> {
            List<String> ids = RecordGenerator.distinctIds(random, records, 100);
            expect(c.get(ids), 100, 100);
        }));
        out.add(filtered(
                "get category == c limit 100, " + label,
                c,
                budget,
                100,
                100,
                i -> GetRequest.builder()
                        .where(Where.eq("category", RecordGenerator.category(i % 10)))
                        .limit(100)));
        out.add(filtered(
                "get 2020 <= year < 2023 limit 100, " + label,
                c,
                budget,
                100,
                100,
                i -> GetRequest.builder()
                        .where(Where.and(Where.gte("year", 2020), Where.lt("year", 2023)))
                        .limit(100)));
        out.add(filtered(
                "get year $in 3 values limit 100, " + label,
                c,
                budget,
                100,
                100,
                i -> GetRequest.builder()
                        .where(Where.in("year", List.of(2001 + i % 3, 2011, 2021)))
                        .limit(100)));
        out.add(filtered(
                "get document $contains limit 100, " + label,
                c,
                budget,
                100,
                100,
                i -> GetRequest.builder()
                        .whereDocument(WhereDocument.contains(i % 2 == 0 ? "vector" : "graph"))
                        .limit(100)));
        out.add(filtered(
                "get category == c (all ~10 %), " + label,
                c,
                budget,
                records / 20,
                records / 5,
                i -> GetRequest.builder().where(Where.eq("category", RecordGenerator.category(i % 10)))));
        return out;
    }

    private interface RequestFactory {
        GetRequest.Builder request(int iteration);
    }

    private static Scenario filtered(
            String name, ChromaCollection c, long budget, int min, int max, RequestFactory factory) {
        return Scenario.timed(
                name, budget, 5, 100_000, i -> expect(c.get(factory.request(i).build()), min, max));
    }

    private static List<Scenario> queries(ChromaCollection c, String label, RecordGenerator generator, long budget) {
        List<Scenario> out = new ArrayList<>();
        out.add(Scenario.timed(
                "query k=10, " + label,
                budget,
                5,
                100_000,
                i -> expectHits(c.query(QueryRequest.builder()
                        .queryEmbedding(generator.queryVector(i))
                        .nResults(10)
                        .build()))));
        out.add(Scenario.timed(
                "query k=10 where category == c, " + label,
                budget,
                5,
                100_000,
                i -> expectHits(c.query(QueryRequest.builder()
                        .queryEmbedding(generator.queryVector(i))
                        .nResults(10)
                        .where(Where.eq("category", RecordGenerator.category(i % 10)))
                        .build()))));
        return out;
    }

    static void expect(GetResult result, int min, int max) {
        int n = result.ids().size();
        if (n < min || n > max) {
            throw new IllegalStateException("expected " + min + ".." + max + " records, got " + n);
        }
    }

    static void expectHits(QueryResult result) {
        if (result.ids().get(0).size() != 10) {
            throw new IllegalStateException(
                    "expected 10 neighbours, got " + result.ids().get(0).size());
        }
    }
}
