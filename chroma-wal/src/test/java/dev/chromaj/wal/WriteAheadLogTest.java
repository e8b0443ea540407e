package dev.chromaj.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteAheadLogTest {
    @TempDir
    Path tmp;

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static List<WalEntry> readAll(WriteAheadLog log, long from) {
        List<WalEntry> out = new ArrayList<>();
        try (WalReader r = log.readFrom(from)) {
            r.forEachRemaining(out::add);
        }
        return out;
    }

    static List<Path> logFiles(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
    }

    @Test
    void preallocationThreadEndsWhenTheLastOpenLogCloses() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (WriteAheadLog b = WriteAheadLog.open(tmp.resolve("b"))) {
            try (WriteAheadLog a = WriteAheadLog.open(tmp.resolve("a"))) {
                a.append(new byte[100]); // a first write preallocates the file ahead of the writes
                b.append(new byte[100]);
                boolean leftByOtherTests =
                        before.stream().anyMatch(t -> t.getName().equals(PreallocationThread.NAME));
                assertTrue(
                        leftByOtherTests || !preallocatorsStartedSince(before).isEmpty(),
                        "the thread runs while logs are open");
            }
            b.append(new byte[100]);
        }
        List<Thread> alive = preallocatorsStartedSince(before);
        for (Thread t : alive) {
            t.join(5_000);
        }
        assertEquals(List.of(), preallocatorsStartedSince(before), "ended with the last log");
        try (WriteAheadLog again = WriteAheadLog.open(tmp.resolve("a"))) {
            again.append(new byte[100]);
            assertEquals(2, again.lastSequence(), "a log opened later starts the thread again");
        }
    }

    private static List<Thread> preallocatorsStartedSince(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t) && t.getName().equals(PreallocationThread.NAME))
                .toList();
    }

    @Test
    void newLogIsEmptyAndNumbersFromOne() {
        try (WriteAheadLog log = WriteAheadLog.open(tmp.resolve("wal"), WalOptions.defaults())) {
            assertEquals(0, log.lastSequence());
            assertEquals(1, log.firstSequence());
            assertFalse(log.readFrom(0).hasNext());
            assertEquals(1, log.append(bytes("a")));
            assertArrayEquals(new long[] {2, 3, 4}, log.append(List.of(bytes("b"), bytes("c"), new byte[0])));
            assertEquals(4, log.lastSequence());
            List<WalEntry> all = readAll(log, 1);
            assertEquals(4, all.size());
            assertEquals("a", new String(all.get(0).payload(), StandardCharsets.UTF_8));
            assertEquals(0, all.get(3).payload().length);
            assertEquals(
                    List.of(3L, 4L),
                    readAll(log, 3).stream().map(WalEntry::sequence).toList());
        }
    }

    @Test
    void entriesSurviveReopenAndNumberingContinues() {
        Path dir = tmp.resolve("wal");
        try (WriteAheadLog log = WriteAheadLog.open(dir, WalOptions.defaults())) {
            for (int i = 1; i <= 10; i++) {
                log.append(bytes("e" + i));
            }
        }
        try (WriteAheadLog log = WriteAheadLog.open(dir, WalOptions.defaults())) {
            assertEquals(10, log.lastSequence());
            assertEquals(11, log.append(bytes("e11")));
            List<WalEntry> all = readAll(log, 1);
            assertEquals(11, all.size());
            for (int i = 0; i < 11; i++) {
                assertEquals(i + 1, all.get(i).sequence());
                assertEquals("e" + (i + 1), new String(all.get(i).payload(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void filesRotateAtTheSizeLimitAndReadAcrossThem() throws Exception {
        Path dir = tmp.resolve("wal");
        WalOptions options = WalOptions.builder().fileSizeLimit(2048).build();
        byte[] payload = new byte[300];
        long bytes;
        try (WriteAheadLog log = WriteAheadLog.open(dir, options)) {
            for (int i = 0; i < 40; i++) {
                Arrays.fill(payload, (byte) i);
                log.append(payload);
            }
            assertTrue(logFiles(dir).size() >= 6, "files: " + logFiles(dir));
            for (Path f : logFiles(dir)) {
                assertTrue(Files.size(f) <= 2048, f + " has " + Files.size(f) + " bytes");
            }
            bytes = log.sizeBytes();
        }
        // the active file may hold preallocated zeroes while open; close leaves every file exactly its frames
        assertEquals(logFiles(dir).stream().mapToLong(WriteAheadLogTest::size).sum(), bytes);
        try (WriteAheadLog log = WriteAheadLog.open(dir, options)) {
            List<WalEntry> all = readAll(log, 0);
            assertEquals(40, all.size());
            for (int i = 0; i < 40; i++) {
                assertEquals(i + 1, all.get(i).sequence());
                assertEquals((byte) i, all.get(i).payload()[299]);
            }
            assertEquals(
                    List.of(25L, 26L),
                    readAll(log, 25).stream().limit(2).map(WalEntry::sequence).toList());
        }
    }

    @Test
    void batchLargerThanTheLimitGetsAFileOfItsOwn() {
        WalOptions options = WalOptions.builder().fileSizeLimit(1024).build();
        try (WriteAheadLog log = WriteAheadLog.open(tmp.resolve("wal"), options)) {
            log.append(new byte[10]);
            long[] seqs = log.append(List.of(new byte[2000], new byte[2000]));
            assertArrayEquals(new long[] {2, 3}, seqs);
            log.append(new byte[10]);
            assertEquals(4, readAll(log, 1).size());
            assertEquals(2000, readAll(log, 3).get(0).payload().length);
        }
    }

    @Test
    void purgeDeletesWholeFilesAndNumberingSurvivesPurgingEverything() throws Exception {
        Path dir = tmp.resolve("wal");
        WalOptions options = WalOptions.builder().fileSizeLimit(1024).build();
        try (WriteAheadLog log = WriteAheadLog.open(dir, options)) {
            for (int i = 0; i < 30; i++) {
                log.append(new byte[200]);
            }
            int before = logFiles(dir).size();
            log.purgeBelow(15);
            assertTrue(logFiles(dir).size() < before);
            assertTrue(log.firstSequence() <= 15 && log.firstSequence() > 1, "first " + log.firstSequence());
            assertEquals(15, readAll(log, 15).get(0).sequence());
            assertEquals(log.firstSequence(), readAll(log, 0).get(0).sequence());

            log.purgeBelow(31);
            assertEquals(31, log.firstSequence());
            assertEquals(30, log.lastSequence());
            assertEquals(1, logFiles(dir).size());
            assertFalse(log.readFrom(0).hasNext());
        }
        try (WriteAheadLog log = WriteAheadLog.open(dir, options)) {
            assertEquals(30, log.lastSequence());
            assertEquals(31, log.firstSequence());
            assertEquals(31, log.append(bytes("after purge")));
        }
    }

    @Test
    void firstSequenceOptionNumbersANewLog() {
        WalOptions options = WalOptions.builder().firstSequence(500).build();
        try (WriteAheadLog log = WriteAheadLog.open(tmp.resolve("wal"), options)) {
            assertEquals(499, log.lastSequence());
            assertEquals(500, log.append(bytes("x")));
        }
    }

    @Test
    void readerSeesEverythingAppendedBeforeItWhileAppendsContinue() throws Exception {
        WalOptions options = WalOptions.builder()
                .fileSizeLimit(4096)
                .sync(WalSyncPolicy.interval(Duration.ofMillis(5)))
                .build();
        try (WriteAheadLog log = WriteAheadLog.open(tmp.resolve("wal"), options)) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                while (!stop.get()) {
                    log.append(new byte[100]);
                }
            });
            writer.start();
            try {
                for (int round = 0; round < 50; round++) {
                    long before = log.lastSequence();
                    long expected = log.firstSequence();
                    try (WalReader r = log.readFrom(0)) {
                        while (r.hasNext()) {
                            assertEquals(expected++, r.next().sequence());
                        }
                    }
                    assertTrue(expected - 1 >= before, "read up to " + (expected - 1) + ", appended " + before);
                }
            } finally {
                stop.set(true);
                writer.join();
            }
        }
    }

    @Test
    void concurrentAppendersShareFsyncs() throws Exception {
        int threads = 8;
        int perThread = 100;
        try (WriteAheadLog log = WriteAheadLog.open(tmp.resolve("wal"), WalOptions.defaults())) {
            long syncsBefore = log.syncCount();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<Long>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    List<Long> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        mine.add(log.append(bytes(id + ":" + i)));
                    }
                    return mine;
                }));
            }
            start.countDown();
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> f : futures) {
                List<Long> mine = f.get(60, TimeUnit.SECONDS);
                for (int i = 1; i < mine.size(); i++) {
                    assertTrue(mine.get(i) > mine.get(i - 1), "a thread's sequences increase");
                }
                all.addAll(mine);
            }
            pool.shutdown();
            long syncs = log.syncCount() - syncsBefore;
            assertEquals((long) threads * perThread, all.stream().distinct().count());
            assertEquals((long) threads * perThread, log.lastSequence());
            assertTrue(
                    syncs < (long) threads * perThread, "fsyncs " + syncs + " for " + threads * perThread + " appends");
            List<WalEntry> entries = readAll(log, 1);
            assertEquals(threads * perThread, entries.size());
            for (WalEntry e : entries) {
                String[] parts = new String(e.payload(), StandardCharsets.UTF_8).split(":", -1);
                assertTrue(Integer.parseInt(parts[0]) < threads && Integer.parseInt(parts[1]) < perThread);
            }
        }
    }

    @Test
    void everyWriteAppendIsForcedBeforeReturning() {
        try (WriteAheadLog log = WriteAheadLog.open(tmp.resolve("wal"), WalOptions.defaults())) {
            long before = log.syncCount();
            log.append(bytes("x"));
            log.append(bytes("y"));
            assertEquals(before + 2, log.syncCount());
        }
    }

    @Test
    void intervalPolicyReturnsWithoutFsyncAndSyncsInTheBackground() throws Exception {
        WalOptions options = WalOptions.builder()
                .sync(WalSyncPolicy.interval(Duration.ofMillis(20)))
                .build();
        try (WriteAheadLog log = WriteAheadLog.open(tmp.resolve("wal"), options)) {
            long before = log.syncCount();
            for (int i = 0; i < 20; i++) {
                log.append(bytes("x" + i));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (log.syncCount() == before && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(log.syncCount() > before, "a background fsync happened");
            assertTrue(log.syncCount() - before < 20);
        }
    }

    @Test
    void invalidInputIsRejectedAndAppendsNothing() {
        try (WriteAheadLog log = WriteAheadLog.open(tmp.resolve("wal"), WalOptions.defaults())) {
            List<byte[]> withNull = new ArrayList<>();
            withNull.add(bytes("ok"));
            withNull.add(null);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> log.append(withNull));
            assertTrue(e.getMessage().contains("payloads[1]"), e.getMessage());
            assertEquals(0, log.lastSequence());
            assertEquals(0, log.append(List.of()).length);
            assertThrows(IllegalArgumentException.class, () -> log.readFrom(-1));
        }
        assertThrows(IllegalArgumentException.class, () -> WalOptions.builder().fileSizeLimit(10));
        assertThrows(IllegalArgumentException.class, () -> WalOptions.builder().firstSequence(0));
        assertThrows(IllegalArgumentException.class, () -> WalSyncPolicy.interval(Duration.ZERO));
    }

    @Test
    void secondOpenOfTheSameDirectoryInOneProcessFails() {
        Path dir = tmp.resolve("wal");
        WriteAheadLog first = WriteAheadLog.open(dir, WalOptions.defaults());
        try {
            WalException e = assertThrows(WalException.class, () -> WriteAheadLog.open(dir, WalOptions.defaults()));
            assertTrue(e.getMessage().contains("already open"), e.getMessage());
        } finally {
            first.close();
        }
        WriteAheadLog.open(dir, WalOptions.defaults()).close();
    }

    @Test
    void openingWithAnotherLogIdFails() {
        Path dir = tmp.resolve("wal");
        UUID id = UUID.randomUUID();
        try (WriteAheadLog log =
                WriteAheadLog.open(dir, WalOptions.builder().logId(id).build())) {
            log.append(bytes("x"));
            assertEquals(id, log.logId());
        }
        UUID other = UUID.randomUUID();
        WalException e = assertThrows(
                WalException.class,
                () -> WriteAheadLog.open(dir, WalOptions.builder().logId(other).build()));
        assertTrue(e.getMessage().contains(id.toString()) && e.getMessage().contains(other.toString()));
        try (WriteAheadLog log = WriteAheadLog.open(dir, WalOptions.defaults())) {
            assertEquals(id, log.logId());
        }
    }

    @Test
    void closedLogRejectsAppendsAndDestroyDeletesTheDirectory() {
        Path dir = tmp.resolve("wal");
        WriteAheadLog log = WriteAheadLog.open(dir, WalOptions.defaults());
        log.append(bytes("x"));
        log.close();
        assertThrows(WalException.class, () -> log.append(bytes("y")));
        WriteAheadLog again = WriteAheadLog.open(dir, WalOptions.defaults());
        again.destroy();
        assertFalse(Files.exists(dir));
    }

    @Test
    void writeOrdersEntriesAndCommitMakesThemDurableOnce() {
        try (WriteAheadLog log = WriteAheadLog.open(tmp.resolve("wal"), WalOptions.defaults())) {
            long syncs = log.syncCount();
            assertArrayEquals(new long[] {1, 2}, log.write(List.of(bytes("a"), bytes("b"))));
            assertArrayEquals(new long[] {3}, log.write(List.of(bytes("c"))));
            assertEquals(syncs, log.syncCount(), "write does not force");
            assertEquals(3, readAll(log, 1).size(), "written entries are in the log's order for readers");
            log.commit(3);
            assertEquals(syncs + 1, log.syncCount(), "one fsync covers every entry written before it");
            log.commit(1);
            log.commit(3);
            assertEquals(syncs + 1, log.syncCount(), "committing durable entries forces nothing");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> log.commit(4));
            assertTrue(e.getMessage().contains("sequence 4 was not written"), e.getMessage());
            assertArrayEquals(new long[0], log.write(List.of()));
        }
    }

    @Test
    void commitUnderAnIntervalPolicyDoesNotForce() {
        WalOptions options = WalOptions.builder()
                .sync(WalSyncPolicy.interval(Duration.ofHours(1)))
                .build();
        try (WriteAheadLog log = WriteAheadLog.open(tmp.resolve("wal"), options)) {
            long syncs = log.syncCount();
            long[] seq = log.write(List.of(bytes("a")));
            log.commit(seq[0]);
            assertEquals(syncs, log.syncCount());
        }
    }

    @Test
    void activeFileIsPreallocatedAndItsStateOnDiskRecovers() throws Exception {
        Path dir = tmp.resolve("wal");
        byte[] payload = new byte[1000];
        long frames;
        try (WriteAheadLog log = WriteAheadLog.open(dir, WalOptions.defaults())) {
            for (int i = 1; i <= 20; i++) {
                Arrays.fill(payload, (byte) i);
                log.append(payload);
            }
            frames = log.sizeBytes();
            Path file = logFiles(dir).get(0);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (size(file) < frames + WriteAheadLog.PREALLOCATION_CHUNK / 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(
                    size(file) >= frames + WriteAheadLog.PREALLOCATION_CHUNK / 2,
                    "the active file is extended ahead of the writes: " + size(file) + " bytes for " + frames);
            // what a process killed now leaves on disk: the frames, then zeroes
            Path copy = tmp.resolve("copy");
            Files.createDirectories(copy);
            Files.copy(file, copy.resolve(file.getFileName()));
            try (WriteAheadLog recovered = WriteAheadLog.open(copy, WalOptions.defaults())) {
                List<WalEntry> all = readAll(recovered, 1);
                assertEquals(20, all.size());
                for (int i = 0; i < 20; i++) {
                    assertEquals(i + 1, all.get(i).payload()[0]);
                }
                assertEquals(21, recovered.append(bytes("after")));
                assertEquals(21, readAll(recovered, 1).size());
            }
            try (WriteAheadLog again = WriteAheadLog.open(copy, WalOptions.defaults())) {
                assertEquals(21, again.lastSequence());
            }
        }
        assertEquals(
                frames,
                logFiles(dir).stream().mapToLong(WriteAheadLogTest::size).sum(),
                "close truncates the preallocated space");
    }

    @Test
    void anInterruptedAppenderNeitherFailsNorBreaksTheLogForOthers() throws Exception {
        try (WriteAheadLog log = WriteAheadLog.open(tmp.resolve("wal"), WalOptions.defaults())) {
            AtomicBoolean stillInterrupted = new AtomicBoolean();
            long[] sequence = new long[1];
            Thread t = new Thread(() -> {
                Thread.currentThread().interrupt();
                sequence[0] = log.append(bytes("interrupted"));
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            });
            t.start();
            t.join();
            assertEquals(1, sequence[0]);
            assertTrue(stillInterrupted.get(), "the caller's interrupt status is kept");
            assertEquals(2, log.append(bytes("next")));
            assertEquals(2, readAll(log, 1).size());
        }
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
