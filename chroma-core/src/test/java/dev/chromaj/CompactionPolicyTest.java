package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.testing.TestRandom;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The size- and age-based {@link CompactionPolicy}: its decisions, the builder knobs that set it, and the background
 * compactor driven by a fake clock (ticks run on the test thread, so the outcome is deterministic).
 */
class CompactionPolicyTest {
    private static final long MINUTE = Duration.ofMinutes(1).toNanos();

    @TempDir
    Path dir;

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void dueWhenAnyLimitIsReached() {
        CompactionPolicy p = new CompactionPolicy(100, 1_000, Duration.ofMinutes(10));
        assertFalse(p.due(0, 0, Duration.ofDays(1)), "an empty tail is never due");
        assertFalse(p.due(99, 999, Duration.ofMinutes(9)));
        assertTrue(p.due(100, 0, Duration.ZERO), "record limit");
        assertTrue(p.due(1, 1_000, Duration.ZERO), "byte limit");
        assertTrue(p.due(1, 1, Duration.ofMinutes(10)), "age limit");
        assertTrue(p.dueBySize(100, 0));
        assertFalse(p.dueBySize(99, 999));
    }

    @Test
    void checkIntervalIsHalfTheAgeBetweenOneMillisecondAndOneSecond() {
        assertEquals(Duration.ofSeconds(1), CompactionPolicy.objectStorage().checkInterval());
        assertEquals(Duration.ofSeconds(1), CompactionPolicy.local().checkInterval());
        assertEquals(
                Duration.ofMillis(10),
                CompactionPolicy.local().withMaxTailAge(Duration.ofMillis(20)).checkInterval());
        assertEquals(
                Duration.ofMillis(1),
                CompactionPolicy.local().withMaxTailAge(Duration.ofNanos(10)).checkInterval());
    }

    @Test
    void invalidLimitsAreRejectedNamingTheField() {
        InvalidArgumentException e =
                assertThrows(InvalidArgumentException.class, () -> new CompactionPolicy(0, 1, Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("maxTailRecords must be positive, got 0"), e.getMessage());
        e = assertThrows(InvalidArgumentException.class, () -> new CompactionPolicy(1, -5, Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("maxTailBytes must be positive, got -5"), e.getMessage());
        e = assertThrows(InvalidArgumentException.class, () -> new CompactionPolicy(1, 1, Duration.ZERO));
        assertTrue(e.getMessage().contains("maxTailAge must be positive"), e.getMessage());
        e = assertThrows(InvalidArgumentException.class, () -> new CompactionPolicy(1, 1, null));
        assertTrue(e.getMessage().contains("maxTailAge"), e.getMessage());
        e = assertThrows(
                InvalidArgumentException.class, () -> ChromaClient.builder().compactionPolicy(null));
        assertTrue(e.getMessage().contains("compactionPolicy"), e.getMessage());
    }

    @Test
    void theOldKnobsOverrideThePolicyAndDefaultsDependOnTheStorage() {
        try (ChromaClient client = ChromaClient.builder().path(dir.resolve("a")).build()) {
            assertEquals(CompactionPolicy.local(), client.engine().config.compactionPolicy());
        }
        try (ChromaClient client = ChromaClient.builder()
                .path(dir.resolve("b"))
                .compactionThreshold(7)
                .compactionInterval(Duration.ofMinutes(3))
                .build()) {
            assertEquals(
                    new CompactionPolicy(7, 32L << 20, Duration.ofMinutes(3)),
                    client.engine().config.compactionPolicy());
        }
        try (ChromaClient client = ChromaClient.builder()
                .path(dir.resolve("c"))
                .compactionInterval(Duration.ofMinutes(3))
                .compactionPolicy(new CompactionPolicy(5, 6, Duration.ofHours(2)))
                .build()) {
            assertEquals(
                    new CompactionPolicy(5, 6, Duration.ofMinutes(3)),
                    client.engine().config.compactionPolicy(),
                    "compactionInterval overrides the age of the policy whatever the order of the calls");
        }
    }

    @Test
    void aTrickleOfWritesMakesOneVersionPerMaxTailAge() {
        // one write a minute for three hours, age limit one hour: three versions, not one per write
        try (ChromaClient client = fakeClockClient(new CompactionPolicy(10_000, 1L << 30, Duration.ofHours(1)))) {
            ChromaCollection c = client.createCollection("trickle");
            CollectionEngine engine = client.engine().collection(c.id());
            List<Long> versionsAt = new ArrayList<>();
            for (int minute = 0; minute < 180; minute++) {
                c.upsert(List.of(record("r" + (minute % 20), minute)));
                now.addAndGet(MINUTE);
                client.engine().compactor().tick();
                engine.awaitCompaction();
                if (c.stats().version() > versionsAt.size()) {
                    versionsAt.add((long) minute);
                }
            }
            assertEquals(3, c.stats().version());
            // the first write (minute 0) is an hour old after minute 59's tick; then every 60 minutes
            assertEquals(List.of(59L, 119L, 179L), versionsAt);
            assertEquals(0, c.stats().walRecords());
            assertEquals(20, c.count());
        }
    }

    @Test
    void aBurstReachesTheRecordLimitBeforeTheAge() {
        Random random = TestRandom.random();
        try (ChromaClient client = fakeClockClient(new CompactionPolicy(50, 1L << 30, Duration.ofHours(1)))) {
            ChromaCollection c = client.createCollection("burst");
            CollectionEngine engine = client.engine().collection(c.id());
            int written = 0;
            int expectedVersions = 0;
            int tail = 0;
            for (int step = 0; step < 40; step++) {
                int n = 1 + random.nextInt(20);
                List<ChromaRecord> batch = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    batch.add(record("r" + written++, step));
                }
                c.add(batch);
                tail += n;
                if (tail >= 50) {
                    expectedVersions++;
                    tail = 0;
                }
                // no time passes: only the size limit can trigger; the write's own request may compact first
                client.engine().compactor().tick();
                engine.awaitCompaction();
                assertEquals(expectedVersions, c.stats().version(), "step " + step);
                assertEquals(tail, c.stats().walRecords(), "step " + step);
            }
            assertEquals(written, c.count());
        }
    }

    @Test
    void theByteLimitCountsEncodedLogRecords() {
        try (ChromaClient client = fakeClockClient(new CompactionPolicy(1_000_000, 20_000, Duration.ofHours(1)))) {
            ChromaCollection c = client.createCollection("bytes");
            CollectionEngine engine = client.engine().collection(c.id());
            c.add(List.of(ChromaRecord.builder("small")
                    .embedding(new float[] {1, 2, 3})
                    .document("x")
                    .build()));
            client.engine().compactor().tick();
            engine.awaitCompaction();
            assertEquals(0, c.stats().version());
            c.add(List.of(ChromaRecord.builder("large")
                    .embedding(new float[] {1, 2, 3})
                    .document("y".repeat(30_000))
                    .build()));
            client.engine().compactor().tick();
            engine.awaitCompaction();
            assertEquals(1, c.stats().version());
            assertEquals(0, c.stats().walRecords());
        }
    }

    @Test
    void theAgeCountsFromTheOldestUncompactedWrite() {
        try (ChromaClient client = fakeClockClient(new CompactionPolicy(1_000_000, 1L << 30, Duration.ofMinutes(10)))) {
            ChromaCollection c = client.createCollection("age");
            CollectionEngine engine = client.engine().collection(c.id());
            long start = now.get();
            c.add(List.of(record("a", 0)));
            now.addAndGet(9 * MINUTE);
            c.add(List.of(record("b", 0)));
            assertFalse(engine.compactionDue(now.get()));
            assertFalse(engine.compactionDue(start + 10 * MINUTE - 1));
            assertTrue(engine.compactionDue(start + 10 * MINUTE));
            now.set(start + 10 * MINUTE);
            client.engine().compactor().tick();
            engine.awaitCompaction();
            assertEquals(1, c.stats().version());
            assertFalse(engine.compactionDue(now.get() + 60 * MINUTE), "nothing left to compact");
        }
    }

    @Test
    void aBackgroundCompactionCollectsTheVersionItSupersededATtlLater() throws Exception {
        try (ChromaClient client = ChromaClient.builder()
                .path(dir)
                .compactionPolicy(new CompactionPolicy(1_000, 1L << 30, Duration.ofMinutes(1)))
                .ticker(now::get)
                .gcVersionTtl(Duration.ZERO)
                .gcInterval(Duration.ofHours(1))
                .build()) {
            ChromaCollection c = client.createCollection("gc-after");
            CollectionEngine engine = client.engine().collection(c.id());
            String first = VersionManifest.key(c.id(), 1);
            String second = VersionManifest.key(c.id(), 2);
            c.add(List.of(record("a", 0)));
            now.addAndGet(MINUTE);
            client.engine().compactor().tick();
            engine.awaitCompaction();
            c.add(List.of(record("b", 0)));
            now.addAndGet(MINUTE);
            client.engine().compactor().tick();
            engine.awaitCompaction();
            assertEquals(2, c.stats().version());
            // no collectGarbage() call: the compaction scheduled one a TTL (zero) plus a second after it
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (client.engine().storage.head(first).isPresent() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertFalse(client.engine().storage.head(first).isPresent(), "the superseded version was collected");
            assertTrue(client.engine().storage.head(second).isPresent(), "the current version stays");
            assertEquals(2, c.count());
        }
    }

    @Test
    void aSupersededVersionIsKeptForTheTtlAfterItWasReplaced() {
        try (ChromaClient client = ChromaClient.builder()
                .path(dir)
                .compactionInterval(Duration.ofHours(1))
                .gcVersionTtl(Duration.ofHours(1))
                .build()) {
            ChromaCollection c = client.createCollection("ttl");
            for (int v = 0; v < 3; v++) {
                c.add(List.of(record("r" + v, 0)));
                c.compact();
            }
            assertEquals(0, client.collectGarbage().versionsDeleted(), "versions 1 and 2 were replaced just now");
        }
        try (ChromaClient client = ChromaClient.builder()
                .path(dir)
                .compactionInterval(Duration.ofHours(1))
                .gcVersionTtl(Duration.ZERO)
                .build()) {
            GcResult r = client.collectGarbage();
            assertEquals(2, r.versionsDeleted(), "keep 1 (default) and no TTL: only the current version stays");
            assertEquals(3, client.getCollection("ttl").count());
        }
    }

    private ChromaClient fakeClockClient(CompactionPolicy policy) {
        return ChromaClient.builder()
                .path(dir)
                .compactionPolicy(policy)
                .ticker(now::get)
                .blockCacheBytes(16L << 20)
                .build();
    }

    private static ChromaRecord record(String id, int generation) {
        return ChromaRecord.builder(id)
                .embedding(new float[] {generation, id.hashCode() % 7, 1})
                .document("doc " + id + " " + generation)
                .build();
    }
}
