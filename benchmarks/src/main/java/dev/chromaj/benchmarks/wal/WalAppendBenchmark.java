package dev.chromaj.benchmarks.wal;

import dev.chromaj.wal.WalOptions;
import dev.chromaj.wal.WalSyncPolicy;
import dev.chromaj.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Append latency and throughput of the write-ahead log with the default sync policy (fsync before returning, group
 * commit) for batches of 100 records of 128-d float vectors, with 1 and 8 writer threads.
 *
 * <p>Two encodings of a batch: {@code batch} appends one 60,000-byte payload (100 x 512 B of vector plus ~88 B of id
 * and metadata per record); {@code records} appends 100 payloads of 600 B in one call. All writer threads share
 * one log, as concurrent writers of one collection do.
 *
 * <p>Arguments: {@code [dir (default target/wal-bench)] [seconds per run (default 10)] [threads list (default 1,8)]
 * [layouts (default batch,records)] [sync: everyWrite (default) or interval (100 ms, to isolate the write cost)]}.
 * The directory must be on the disk to measure; it is emptied first.
 */
public final class WalAppendBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(WalAppendBenchmark.class);
    private static final int RECORDS = 100;
    private static final int DIMENSION = 128;
    private static final int RECORD_BYTES = 600;

    private WalAppendBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/wal-bench");
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int[] threadCounts = Arrays.stream((args.length > 2 ? args[2] : "1,8").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        List<String> layouts = List.of((args.length > 3 ? args[3] : "batch,records").split(","));
        String sync = args.length > 4 ? args[4] : "everyWrite";
        WalOptions options = switch (sync) {
            case "everyWrite" -> WalOptions.defaults();
            case "interval" ->
                WalOptions.builder()
                        .sync(WalSyncPolicy.interval(Duration.ofMillis(100)))
                        .build();
            default -> throw new IllegalArgumentException("sync must be everyWrite or interval, got " + sync);
        };
        LOG.info(
                "WAL append benchmark: dir {}, {} s per run, threads {}, {} records of {}-d vectors per batch, {}",
                dir.toAbsolutePath(),
                seconds,
                Arrays.toString(threadCounts),
                RECORDS,
                DIMENSION,
                options);
        List<String> rows = new ArrayList<>();
        rows.add(String.format(
                Locale.ROOT,
                "%-8s %7s %9s %9s %9s %11s %12s %10s",
                "layout",
                "threads",
                "p50 ms",
                "p99 ms",
                "mean ms",
                "batches/s",
                "records/s",
                "fsyncs/op"));
        for (String layout : layouts) {
            for (int threads : threadCounts) {
                run(dir, options, layout, threads, 2, false);
                rows.add(run(dir, options, layout, threads, seconds, true));
            }
        }
        LOG.info("Results ({} sync policy):\n{}", sync, String.join("\n", rows));
    }

    private static List<byte[]> batch(String layout, Random random) {
        if (layout.equals("batch")) {
            return List.of(record(random, RECORDS * RECORD_BYTES));
        }
        List<byte[]> records = new ArrayList<>(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
            records.add(record(random, RECORD_BYTES));
        }
        return records;
    }

    /** Random floats (incompressible like real embeddings) padded with id-like bytes. */
    private static byte[] record(Random random, int bytes) {
        ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        while (b.remaining() >= 4) {
            b.putFloat(random.nextFloat() * 2 - 1);
        }
        return b.array();
    }

    private static String run(Path root, WalOptions options, String layout, int threads, int seconds, boolean report)
            throws Exception {
        Path dir = root.resolve(layout + "-" + threads);
        deleteRecursively(dir);
        try (WriteAheadLog log = WriteAheadLog.open(dir, options)) {
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch start = new CountDownLatch(1);
            long[][] latencies = new long[threads][];
            int[] counts = new int[threads];
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread w = new Thread(
                        () -> {
                            Random random = new Random(id);
                            List<List<byte[]>> batches = new ArrayList<>();
                            for (int i = 0; i < 16; i++) {
                                batches.add(batch(layout, random));
                            }
                            long[] lat = new long[1 << 16];
                            int n = 0;
                            try {
                                start.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                            while (!stop.get()) {
                                List<byte[]> b = batches.get(n & 15);
                                long t0 = System.nanoTime();
                                log.append(b);
                                long dt = System.nanoTime() - t0;
                                if (n == lat.length) {
                                    lat = Arrays.copyOf(lat, lat.length * 2);
                                }
                                lat[n++] = dt;
                            }
                            latencies[id] = lat;
                            counts[id] = n;
                        },
                        "wal-bench-writer-" + t);
                workers.add(w);
                w.start();
            }
            long syncsBefore = log.syncCount();
            long t0 = System.nanoTime();
            start.countDown();
            Thread.sleep(seconds * 1000L);
            stop.set(true);
            for (Thread w : workers) {
                w.join();
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            long syncs = log.syncCount() - syncsBefore;
            int total = Arrays.stream(counts).sum();
            long[] all = new long[total];
            int at = 0;
            for (int t = 0; t < threads; t++) {
                System.arraycopy(latencies[t], 0, all, at, counts[t]);
                at += counts[t];
            }
            Arrays.sort(all);
            double mean = Arrays.stream(all).average().orElse(0) / 1e6;
            String row = String.format(
                    Locale.ROOT,
                    "%-8s %7d %9.3f %9.3f %9.3f %11.0f %12.0f %10.2f",
                    layout,
                    threads,
                    all[total / 2] / 1e6,
                    all[(int) (total * 0.99)] / 1e6,
                    mean,
                    total / elapsed,
                    total * (double) RECORDS / elapsed,
                    syncs / (double) total);
            if (report) {
                LOG.info("{}", row);
            }
            return row;
        } finally {
            deleteRecursively(dir);
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
