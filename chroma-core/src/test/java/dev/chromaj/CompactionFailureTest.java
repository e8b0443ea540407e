package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compaction that keeps failing must not go unnoticed: {@code compact()} throws a {@link ChromaException}, the
 * failure shows in {@link CollectionStats#compactionFailure()} until the next success, and the background compactor
 * logs it at ERROR once it persists (rate-limited). The failure is injected by making the local backend unable to
 * store blocks: a plain file where the collection's block folder must be created.
 */
class CompactionFailureTest {
    @TempDir
    Path dir;

    private static ChromaRecord rec(String id) {
        return ChromaRecord.builder(id)
                .embedding(new float[] {1, 2})
                .document("doc " + id)
                .build();
    }

    /** Blocks every block put of the collection; returns the file to delete to heal it. */
    private Path breakBlockStorage(ChromaCollection c) throws IOException {
        Path collectionDir = dir.resolve("data").resolve("collection").resolve(c.id().toString());
        Files.createDirectories(collectionDir);
        return Files.writeString(collectionDir.resolve("block"), "not a folder");
    }

    @Test
    void explicitCompactionThrowsAndStatsShowTheFailureUntilTheNextSuccess() throws IOException {
        try (ChromaClient client = CollectionStates.quietClient(dir)) {
            ChromaCollection c = client.createCollection("failing");
            c.add(List.of(rec("a"), rec("b")));
            Path blocker = breakBlockStorage(c);

            ChromaException first = assertThrows(ChromaException.class, c::compact);
            assertTrue(first.getMessage().contains("block"), first.getMessage());
            CompactionFailure failure = c.stats().compactionFailure().orElseThrow();
            assertEquals(1, failure.consecutiveFailures());
            assertTrue(failure.message().contains("StorageException"), failure.message());
            assertThrows(ChromaException.class, c::compact);
            assertEquals(2, c.stats().compactionFailure().orElseThrow().consecutiveFailures());

            // Nothing acknowledged is lost meanwhile: reads see the tail, writes are still accepted.
            c.add(List.of(rec("c")));
            assertEquals(3, c.count());
            assertEquals(3, c.stats().walRecords());
            assertEquals(0, c.stats().version());

            Files.delete(blocker);
            c.compact();
            CollectionStats healed = c.stats();
            assertTrue(healed.compactionFailure().isEmpty());
            assertEquals(0, healed.walRecords());
            assertEquals(3, healed.compactedRecords());
            assertEquals(
                    List.of("a", "b", "c"), c.get(GetRequest.builder().build()).ids());
        }
    }

    @Test
    void persistentBackgroundFailureIsLoggedAtErrorOnceAndShownInStats() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        // slf4j-simple writes to the current System.err; keep printing to the real one too.
        System.setErr(new PrintStream(new TeeStream(original, captured), true, StandardCharsets.UTF_8));
        try (ChromaClient client = ChromaClient.builder()
                .path(dir)
                .compactionInterval(Duration.ofMillis(20))
                .compactionThreshold(1_000_000)
                .build()) {
            ChromaCollection c = client.createCollection("background");
            Path blocker = breakBlockStorage(c);
            c.add(List.of(rec("a")));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (c.stats()
                            .compactionFailure()
                            .map(CompactionFailure::consecutiveFailures)
                            .orElse(0)
                    < CompactionHealth.PERSISTENT_AFTER + 3) {
                assertTrue(System.nanoTime() < deadline, "background compaction did not fail repeatedly");
                Thread.sleep(10);
            }
            String log = captured.toString(StandardCharsets.UTF_8);
            assertEquals(
                    CompactionHealth.PERSISTENT_AFTER - 1,
                    count(log, "WARN dev.chromaj.CollectionEngine" + " - Compaction of Collection[background"),
                    log);
            assertEquals(
                    1, count(log, "ERROR dev.chromaj.CollectionEngine - Compaction of Collection[background"), log);
            assertTrue(log.contains("keeps failing with the same error"), log);
            assertEquals(1, c.count());

            Files.delete(blocker);
            while (c.stats().compactionFailure().isPresent() || c.stats().walRecords() > 0) {
                assertTrue(System.nanoTime() < deadline, "background compaction did not recover");
                Thread.sleep(10);
            }
            assertEquals(1, c.stats().compactedRecords());
        } finally {
            System.setErr(original);
        }
    }

    @Test
    void healthReportsWarningsThenOneErrorThenRateLimits() {
        CompactionHealth health = new CompactionHealth();
        Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
        RuntimeException storage = new IllegalStateException("put failed", new IOException("disk"));
        assertTrue(health.current().isEmpty());
        assertEquals(CompactionHealth.Report.WARN, health.failed(storage, t0));
        assertEquals(CompactionHealth.Report.WARN, health.failed(storage, t0.plusSeconds(10)));
        assertEquals(CompactionHealth.Report.ERROR, health.failed(storage, t0.plusSeconds(20)));
        assertEquals(CompactionHealth.Report.QUIET, health.failed(storage, t0.plusSeconds(30)));
        assertEquals(
                CompactionHealth.Report.QUIET,
                health.failed(
                        storage,
                        t0.plusSeconds(20).plus(CompactionHealth.ERROR_INTERVAL).minusSeconds(1)));
        assertEquals(
                CompactionHealth.Report.ERROR,
                health.failed(storage, t0.plusSeconds(20).plus(CompactionHealth.ERROR_INTERVAL)));
        CompactionFailure f = health.current().orElseThrow();
        assertEquals(6, f.consecutiveFailures());
        assertEquals("IllegalStateException: put failed", f.message());

        // Another cause starts a new run of warnings; the consecutive count goes on.
        assertEquals(
                CompactionHealth.Report.WARN,
                health.failed(new IllegalArgumentException("other"), t0.plusSeconds(5000)));
        assertEquals(7, health.current().orElseThrow().consecutiveFailures());

        assertEquals(7, health.succeeded());
        assertTrue(health.current().isEmpty());
        assertEquals(0, health.succeeded());
        assertEquals(CompactionHealth.Report.WARN, health.failed(storage, t0.plusSeconds(6000)));
    }

    @Test
    void statsKeepTheirOldConstructor() {
        CollectionStats stats = new CollectionStats(1, 1, 0, 1, java.util.Map.of("record", 10L), 2);
        assertFalse(stats.compactionFailure().isPresent());
        assertEquals(10, stats.totalBytes());
    }

    private static int count(String text, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** Writes to two streams. */
    private static final class TeeStream extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        TeeStream(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
