package dev.chromaj.benchmarks.e2e;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ClientStats;
import dev.chromaj.WalSync;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compaction throughput through the public API: {@code compact()} of a 100 k-record log tail (added in 100-record
 * batches) into an empty collection, and of a 1 k-record tail onto a compacted 100 k collection (the steady state
 * of background compaction). Background compaction is off; only {@code compact()} is timed.
 *
 * <p>Arguments ({@code key=value}): {@code records} (100000), {@code increment} (1000), {@code increments} per
 * round (5), {@code rounds} (3), {@code warmup} (1), {@code seed} (42), {@code out} (target/e2e/compaction.md).
 */
public final class CompactionBenchmark {
    private CompactionBenchmark() {}

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
                ChromaClient client = ChromaClient.builder()
                        .path(folder.path())
                        .walSync(WalSync.interval(Duration.ofMillis(5)))
                        .compactionThreshold(Integer.MAX_VALUE)
                        .compactionInterval(Duration.ofDays(1))
                        .build()) {
            ChromaCollection base = loader.compacted(client, "base", records);
            int[] next = {records};
            Map<String, List<long[]>> written = new HashMap<>();
            Scenario full = new Scenario() {
                @Override
                public String name() {
                    return "compact " + records / 1000 + " k tail into an empty collection";
                }

                @Override
                public RoundSample runRound(int round) {
                    ChromaCollection c = client.createCollection("full-" + round);
                    loader.add(c, 0, records);
                    ClientStats before = client.stats();
                    long t0 = System.nanoTime();
                    c.compact();
                    long wall = System.nanoTime() - t0;
                    written.get(name()).add(delta(before, client.stats()));
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
                        ClientStats before = client.stats();
                        long t0 = System.nanoTime();
                        base.compact();
                        long took = System.nanoTime() - t0;
                        written.get(name()).add(delta(before, client.stats()));
                        latencies.add(took);
                        wall += took;
                    }
                    return new RoundSample(latencies, increments, (long) increments * increment, wall);
                }
            };
            written.put(full.name(), new ArrayList<>());
            written.put(incremental.name(), new ArrayList<>());
            InterleavedRounds runner = new InterleavedRounds(warmup, rounds);
            Map<String, InterleavedRounds.ScenarioResult> results = runner.run(List.of(full, incremental));
            Report report = new Report("compaction throughput");
            report.line("Records added through the public API in 100-record batches with background compaction "
                    + "off, then compact() timed (objects, version manifest, catalog switch, WAL purge). "
                    + rounds + " rounds after " + warmup + " warm-up round, interleaved; medians over rounds. The "
                    + "incremental collection grows by " + increment + " records per compaction.");
            List<List<String>> rows = new ArrayList<>();
            for (InterleavedRounds.ScenarioResult r : results.values()) {
                rows.add(List.of(
                        r.name(),
                        InterleavedRounds.fmt(r.medianMillis()),
                        InterleavedRounds.fmt(r.minRoundMedianMillis()) + "–"
                                + InterleavedRounds.fmt(r.maxRoundMedianMillis()),
                        String.format(Locale.ROOT, "%,.0f", r.recordsPerSecond()),
                        perCompaction(written.get(r.name())),
                        String.valueOf(r.samples())));
            }
            report.table(
                    List.of(
                            "compaction",
                            "median ms",
                            "round medians ms",
                            "records/s",
                            "storage puts / MiB written per compaction",
                            "samples"),
                    rows);
            report.loadConditions(runner.loadAverages());
            report.writeTo(args.string("out", "target/e2e/compaction.md"));
        }
    }

    /** Storage puts and bytes written between two stats. */
    private static long[] delta(ClientStats before, ClientStats after) {
        return new long[] {after.storagePuts() - before.storagePuts(), after.bytesWritten() - before.bytesWritten()};
    }

    /** Median puts and MiB written per compaction, warm-up included. */
    private static String perCompaction(List<long[]> deltas) {
        double puts = Latencies.median(deltas.stream().mapToDouble(d -> d[0]).toArray());
        double mib = Latencies.median(
                deltas.stream().mapToDouble(d -> d[1] / 1048576.0).toArray());
        return String.format(Locale.ROOT, "%.0f / %.1f", puts, mib);
    }
}
