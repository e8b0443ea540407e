package dev.chromaj.benchmarks.e2e;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.WalSync;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code add} of 100-record batches through the public API, on {@code ChromaClient.persistent}-style clients
 * (default settings, so background compaction runs as it would in production): one writer, 4 writers on 4
 * collections, 4 writers on one collection; with {@link WalSync#EVERY_WRITE} (the default) and with a 5 ms sync
 * interval (engine cost without the fsync). A raw 64 KiB write + fdatasync into a preallocated file on the same disk
 * (what the WAL does) is the floor for EVERY_WRITE; an appending write + fsync is shown beside it. Every round writes to fresh collections; scenarios are interleaved.
 *
 * <p>Arguments ({@code key=value}): {@code rounds} (5), {@code warmup} (1), {@code batches} per writer and round
 * (100), {@code batchSize} (100), {@code writers} (4), {@code seed} (42), {@code out} (target/e2e/add.md).
 */
public final class AddBenchmark {
    private AddBenchmark() {}

    public static void main(String[] argv) {
        BenchmarkProgram.run(argv, AddBenchmark::run);
    }

    private static void run(BenchArgs args) throws Exception {
        int rounds = args.integer("rounds", 5);
        int warmup = args.integer("warmup", 1);
        int batches = args.integer("batches", 100);
        int batchSize = args.integer("batchSize", 100);
        int writers = args.integer("writers", 4);
        RecordGenerator generator = new RecordGenerator(args.longValue("seed", 42));
        // Records are generated before timing: the benchmark measures add, not the generator.
        List<List<ChromaRecord>> data = new ArrayList<>();
        for (int b = 0; b < batches * writers; b++) {
            data.add(generator.batch(b * batchSize, batchSize, 0));
        }
        try (TempFolder folder = new TempFolder("chromaj-add-");
                ChromaClient durable = ChromaClient.persistent(folder.resolve("every-write"));
                ChromaClient relaxed = ChromaClient.builder()
                        .path(folder.resolve("interval"))
                        .walSync(WalSync.interval(Duration.ofMillis(5)))
                        .build();
                FileChannel raw = FileChannel.open(
                        folder.resolve("raw-fsync.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileChannel preallocated = FileChannel.open(
                        folder.resolve("raw-preallocated.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            List<Scenario> scenarios = new ArrayList<>();
            for (ChromaClient client : List.of(durable, relaxed)) {
                String sync = client == durable ? "EVERY_WRITE" : "interval 5 ms";
                scenarios.add(writers(client, sync + ", 1 writer", 1, false, batches, data));
                scenarios.add(writers(
                        client,
                        sync + ", " + writers + " writers, " + writers + " collections",
                        writers,
                        false,
                        batches,
                        data));
                scenarios.add(writers(
                        client, sync + ", " + writers + " writers, 1 collection", writers, true, batches, data));
            }
            scenarios.add(rawFsync(raw, batches));
            scenarios.add(rawPreallocatedFsync(preallocated, batches));
            InterleavedRounds runner = new InterleavedRounds(warmup, rounds);
            Map<String, InterleavedRounds.ScenarioResult> results = runner.run(scenarios);

            Report report = new Report(
                    "add of " + batchSize + "-record batches (128-d, 3 metadata fields, " + "8-word documents)");
            report.line("Each writer adds " + batches + " batches per round to a fresh collection (default client "
                    + "settings: compaction threshold 1,000 records, so background compaction runs during the "
                    + "writes; after each round its collections are compacted, untimed, so that no scenario "
                    + "inherits another's backlog). " + rounds + " rounds after " + warmup
                    + " warm-up round, interleaved; latency is "
                    + "per add call, the median and p99 of each round, then the median over rounds.");
            List<List<String>> rows = new ArrayList<>();
            for (InterleavedRounds.ScenarioResult r : results.values()) {
                rows.add(List.of(
                        r.name(),
                        InterleavedRounds.fmt(r.medianMillis()),
                        InterleavedRounds.fmt(r.p99Millis()),
                        InterleavedRounds.fmt(r.minRoundMedianMillis()) + "–"
                                + InterleavedRounds.fmt(r.maxRoundMedianMillis()),
                        r.name().startsWith("raw") ? "-" : String.format(Locale.ROOT, "%,.0f", r.recordsPerSecond()),
                        String.valueOf(r.samples())));
            }
            report.table(
                    List.of(
                            "scenario",
                            "median ms",
                            "p99 ms",
                            "round medians ms",
                            "records/s (all writers)",
                            "samples"),
                    rows);
            report.loadConditions(runner.loadAverages());
            report.writeTo(args.string("out", "target/e2e/add.md"));
        }
    }

    /**
     * {@code writers} threads each adding {@code batches} batches; to one shared fresh collection when
     * {@code shared}, else to one fresh collection each.
     */
    private static Scenario writers(
            ChromaClient client, String name, int writers, boolean shared, int batches, List<List<ChromaRecord>> data) {
        return new Scenario() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public RoundSample runRound(int round) throws Exception {
                String base = "w" + Integer.toHexString(name.hashCode()) + "-r" + round;
                List<ChromaCollection> collections = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    collections.add(shared && w > 0 ? collections.get(0) : client.createCollection(base + "-" + w));
                }
                ExecutorService pool = Executors.newFixedThreadPool(writers);
                try {
                    CountDownLatch start = new CountDownLatch(1);
                    List<Future<Latencies>> futures = new ArrayList<>();
                    for (int w = 0; w < writers; w++) {
                        ChromaCollection collection = collections.get(w);
                        int first = w * batches;
                        futures.add(pool.submit(() -> {
                            Latencies latencies = new Latencies();
                            start.await();
                            for (int b = 0; b < batches; b++) {
                                List<ChromaRecord> batch = data.get(first + b);
                                long t0 = System.nanoTime();
                                collection.add(batch);
                                latencies.add(System.nanoTime() - t0);
                            }
                            return latencies;
                        }));
                    }
                    long t0 = System.nanoTime();
                    start.countDown();
                    Latencies all = new Latencies();
                    long records = 0;
                    for (Future<Latencies> f : futures) {
                        all.addAll(f.get());
                    }
                    long wall = System.nanoTime() - t0;
                    for (int w = 0; w < writers; w++) {
                        for (int b = 0; b < batches; b++) {
                            records += data.get(w * batches + b).size();
                        }
                    }
                    // Untimed: fold what this round wrote, so that its compaction backlog does not run into the
                    // next scenario's round (each scenario pays for its own background compaction only).
                    for (ChromaCollection collection : collections) {
                        collection.compact();
                    }
                    return new RoundSample(all, (long) writers * batches, records, wall);
                } finally {
                    pool.shutdown();
                }
            }
        };
    }

    /**
     * The floor of EVERY_WRITE as the WAL does it: a 64 KiB write into space already written with zeroes (and
     * forced), then an fdatasync that has no size change to commit.
     */
    private static Scenario rawPreallocatedFsync(FileChannel channel, int batches) throws java.io.IOException {
        long size = 64L << 20;
        ByteBuffer zeroes = ByteBuffer.allocate(1 << 20);
        for (long pos = 0; pos < size; pos += zeroes.capacity()) {
            zeroes.clear();
            while (zeroes.hasRemaining()) {
                channel.write(zeroes, pos + zeroes.position());
            }
        }
        channel.force(true);
        ByteBuffer frame = ByteBuffer.allocate(64 << 10);
        long[] position = {0};
        return Scenario.timed("raw 64 KiB write + fdatasync, preallocated file (WAL floor)", 0, batches, batches, i -> {
            frame.clear();
            if (position[0] + frame.capacity() > size) {
                position[0] = 0;
            }
            while (frame.hasRemaining()) {
                position[0] += channel.write(frame, position[0]);
            }
            channel.force(false);
        });
    }

    /** The floor of a plain append: a 64 KiB positional write at the end of a file and an fsync. */
    private static Scenario rawFsync(FileChannel channel, int batches) {
        ByteBuffer frame = ByteBuffer.allocate(64 << 10);
        long[] position = {0};
        return Scenario.timed("raw 64 KiB appending write + fsync", 0, batches, batches, i -> {
            frame.clear();
            while (frame.hasRemaining()) {
                position[0] += channel.write(frame, position[0]);
            }
            channel.force(false);
            if (position[0] > (256L << 20)) {
                channel.truncate(0);
                position[0] = 0;
            }
        });
    }
}
