package dev.chromaj.benchmarks.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.WalSync;

/**
 * Compaction throughput through the public API: {@code compact()} of a 100 k-record log tail (added in 100-record
 * batches) into an empty collection, and of a 1 k-record tail onto a compacted 100 k collection (the steady state
 * of background compaction). Background compaction is off; only {@code compact()} is timed.
 *
 * <p>Arguments ({@code key=value}): {@code records} (100000), {@code increment} (1000), {@code increments} per
 * round (5), {@code rounds} (3), {@code warmup} (1), {@code seed} (42), {@code out} (target/e2e/compaction.md).
 */
public final class CompactionBenchmark {
    private CompactionBenchmark() {
    }

    public static void main(String[] argv) {
        BenchmarkProgram.run(argv, CompactionBenchmark::run);
    }

    private static void run(BenchArgs args) throws Exception {
        int records = args.integer("records", 100_000);
        int increment = args.integer("increment", 1_000);
        int increments = args.integer("increments", 5);
        int rounds = args.integer("rounds", 3);
        int warmup = args.integer("warmup", 1);
        CollectionLoader loader = new CollectionLoader(new RecordGenerator(args.longValue("seed", 42)));
        try (TempFolder folder = new TempFolder("chromaj-compaction-");
             ChromaClient client = ChromaClient.builder().path(folder.path())
                     .walSync(WalSync.interval(Duration.ofMillis(5)))
                     .compactionThreshold(Integer.MAX_VALUE).compactionInterval(Duration.ofDays(1)).build()) {
            ChromaCollection base = loader.compacted(client, "base", records);
            int[] next = {records};
            Scenario full = new Scenario() {
                @Override
                public String name() {
                    return "compact " + records / 1000 + " k tail into an empty collection";
                }

                @Override
                public RoundSample runRound(int round) {
                    ChromaCollection c = client.createCollection("full-" + round);
                    loader.add(c, 0, records);
                    long t0 = System.nanoTime();
                    c.compact();
                    long wall = System.nanoTime() - t0;
                    Latencies latencies = new Latencies();
                    latencies.add(wall);
                    client.deleteCollection(c.name());
                    return new RoundSample(latencies, 1, records, wall);
                }
            };
            Scenario incremental = new Scenario() {
                @Override
                public String name() {
                    return "compact " + increment + " tail onto " + records / 1000 + " k compacted";
                }

                @Override
                public RoundSample runRound(int round) {
                    Latencies latencies = new Latencies();
                    long wall = 0;
                    for (int i = 0; i < increments; i++) {
                        loader.add(base, next[0], increment);
                        next[0] += increment;
                        long t0 = System.nanoTime();
                        base.compact();
                        long took = System.nanoTime() - t0;
                        latencies.add(took);
                        wall += took;
                    }
                    return new RoundSample(latencies, increments, (long) increments * increment, wall);
                }
            };
            InterleavedRounds runner = new InterleavedRounds(warmup, rounds);
            Map<String, InterleavedRounds.ScenarioResult> results = runner.run(List.of(full, incremental));
            Report report = new Report("compaction throughput");
            report.line("Records added through the public API in 100-record batches with background compaction "
                    + "off, then compact() timed (objects, version manifest, catalog switch, WAL purge). "
                    + rounds + " rounds after " + warmup + " warm-up round, interleaved; medians over rounds. The "
                    + "incremental collection grows by " + increment + " records per compaction.");
            List<List<String>> rows = new ArrayList<>();
            for (InterleavedRounds.ScenarioResult r : results.values()) {
                rows.add(List.of(r.name(), InterleavedRounds.fmt(r.medianMillis()),
                        InterleavedRounds.fmt(r.minRoundMedianMillis()) + "–"
                                + InterleavedRounds.fmt(r.maxRoundMedianMillis()),
                        String.format("%,.0f", r.recordsPerSecond()), String.valueOf(r.samples())));
            }
            report.table(List.of("compaction", "median ms", "round medians ms", "records/s", "samples"), rows);
            report.loadConditions(runner.loadAverages());
            report.writeTo(args.string("out", "target/e2e/compaction.md"));
        }
    }
}
