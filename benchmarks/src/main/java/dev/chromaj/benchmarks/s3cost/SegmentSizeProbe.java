package dev.chromaj.benchmarks.s3cost;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.ClientStats;
import dev.chromaj.CollectionStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Stored bytes per segment against the raw bytes of the small workload's records, and the PUTs and bytes one
 * compaction of random updates and of appends writes, on a local folder (no network). Arguments: records, max block
 * bytes, changes per compaction. Prints one line per step.
 */
public final class SegmentSizeProbe {
    private SegmentSizeProbe() {}

    /** Runs the probe; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        int records = Integer.parseInt(args[0]);
        int blockBytes = Integer.parseInt(args[1]);
        int changes = Integer.parseInt(args[2]);
        WorkloadRecords gen = new WorkloadRecords(42);
        Path dir = Files.createTempDirectory("probe");
        try (ChromaClient client = ChromaClient.builder()
                .path(dir)
                .maxBlockBytes(blockBytes)
                .compactionInterval(Duration.ofHours(1))
                .compactionThreshold(Integer.MAX_VALUE)
                .build()) {
            ChromaCollection c = client.createCollection("probe");
            long raw = 0;
            for (int i = 0; i < records; i += 1000) {
                List<ChromaRecord> batch = gen.records(i, Math.min(1000, records - i), 0);
                for (ChromaRecord r : batch) {
                    raw += WorkloadRecords.rawBytes(r);
                }
                c.add(batch);
            }
            long t = System.nanoTime();
            c.compact();
            print("initial", c.stats(), raw, (System.nanoTime() - t) / 1_000_000);
            SplittableRandom r = new SplittableRandom(7);
            ClientStats before = client.stats();
            List<ChromaRecord> updates = new ArrayList<>();
            for (int i = 0; i < changes; i++) {
                updates.add(gen.record(r.nextInt(records), 1));
            }
            c.upsert(updates);
            t = System.nanoTime();
            c.compact();
            ClientStats after = client.stats();
            System.out.printf(
                    Locale.ROOT,
                    "%d random updates: %d puts, %,d bytes written, %d ms%n",
                    changes,
                    after.storagePuts() - before.storagePuts(),
                    after.bytesWritten() - before.bytesWritten(),
                    (System.nanoTime() - t) / 1_000_000);
            before = after;
            c.add(gen.records(records, changes, 0));
            t = System.nanoTime();
            c.compact();
            after = client.stats();
            System.out.printf(
                    Locale.ROOT,
                    "%d adds: %d puts, %,d bytes written, %d ms%n",
                    changes,
                    after.storagePuts() - before.storagePuts(),
                    after.bytesWritten() - before.bytesWritten(),
                    (System.nanoTime() - t) / 1_000_000);
            print("end", c.stats(), raw, 0);
        }
    }

    private static void print(String what, CollectionStats s, long raw, long millis) {
        System.out.printf(
                Locale.ROOT,
                "%s: %d records, raw %,d bytes, stored %,d (%.2fx), blocks %d, %s, %d ms%n",
                what,
                s.records(),
                raw,
                s.totalBytes(),
                (double) s.totalBytes() / raw,
                s.blockCount(),
                s.segmentBytes(),
                millis);
    }
}
