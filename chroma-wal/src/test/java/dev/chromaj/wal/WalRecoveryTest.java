package dev.chromaj.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.testing.TestRandom;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recovery from crafted files: torn tails are truncated, anything else invalid is reported with file and offset. */
class WalRecoveryTest {
    private static final int PAYLOAD = 100;
    private static final int FRAME = LogFileFormat.FRAME_HEADER_SIZE + PAYLOAD;

    @TempDir
    Path tmp;

    /** A log of {@code n} entries of 100 bytes each (byte value = sequence) in one file; returns that file. */
    private Path writeLog(Path dir, int n) throws IOException {
        try (WriteAheadLog log = WriteAheadLog.open(dir, WalOptions.defaults())) {
            for (int i = 1; i <= n; i++) {
                log.append(payload(i));
            }
        }
        return dir.resolve(LogFileFormat.fileName(1));
    }

    private static final WalOptions SMALL_FILES =
            WalOptions.builder().fileSizeLimit(1024).build();

    /** A log of 30 entries in files of at most 1 KiB; returns its first (sealed) file. */
    private static Path writeSealedFiles(Path dir) throws Exception {
        try (WriteAheadLog log = WriteAheadLog.open(dir, SMALL_FILES)) {
            for (int i = 1; i <= 30; i++) {
                log.append(payload(i));
            }
        }
        return WriteAheadLogTest.logFiles(dir).get(0);
    }

    private static byte[] payload(int seq) {
        byte[] p = new byte[PAYLOAD];
        java.util.Arrays.fill(p, (byte) seq);
        return p;
    }

    private static long frameOffset(int seq) {
        return LogFileFormat.HEADER_SIZE + (long) (seq - 1) * FRAME;
    }

    private static void flipByte(Path file, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ 0x5A)).rewind();
            ch.write(b, offset);
        }
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    private static void appendBytes(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes, StandardOpenOption.APPEND);
    }

    private void assertRecoveredTo(Path dir, int last) {
        try (WriteAheadLog log = WriteAheadLog.open(dir, WalOptions.defaults())) {
            assertEquals(last, log.lastSequence());
            List<WalEntry> all = WriteAheadLogTest.readAll(log, 1);
            assertEquals(last, all.size());
            for (int i = 0; i < last; i++) {
                assertArrayEquals(payload(i + 1), all.get(i).payload());
            }
            assertEquals(last + 1, log.append(payload(last + 1)), "appends continue after the truncation");
        }
        try (WriteAheadLog log = WriteAheadLog.open(dir, WalOptions.defaults())) {
            assertEquals(last + 1, WriteAheadLogTest.readAll(log, 1).size());
        }
    }

    @Test
    void aLogEndingBelowTheFirstSequenceStillNeededRestartsAtThatFloor() throws IOException {
        Path dir = tmp.resolve("wal");
        writeLog(dir, 5);
        WalOptions floor = WalOptions.builder().firstSequence(9).build();
        try (WriteAheadLog log = WriteAheadLog.open(dir, floor)) {
            assertEquals(8, log.lastSequence(), "entries 1..5 were applied by the owner: numbering resumes at 9");
            assertEquals(9, log.append(payload(9)));
        }
        try (WriteAheadLog log = WriteAheadLog.open(dir, floor)) {
            List<WalEntry> all = WriteAheadLogTest.readAll(log, 1);
            assertEquals(1, all.size());
            assertEquals(9, all.get(0).sequence());
        }
        // A log at or past the floor is kept as it is.
        try (WriteAheadLog log =
                WriteAheadLog.open(dir, WalOptions.builder().firstSequence(5).build())) {
            assertEquals(9, log.lastSequence());
        }
    }

    @Test
    void partialLastFrameIsTruncated() throws IOException {
        Path dir = tmp.resolve("wal");
        Path file = writeLog(dir, 10);
        truncate(file, frameOffset(10) + 40);
        assertRecoveredTo(dir, 9);
        assertEquals(frameOffset(11), Files.size(file), "torn bytes gone, entry 10 rewritten");
    }

    @Test
    void partialFrameHeaderIsTruncated() throws IOException {
        Path dir = tmp.resolve("wal");
        Path file = writeLog(dir, 5);
        truncate(file, frameOffset(5) + 7);
        assertRecoveredTo(dir, 4);
    }

    @Test
    void lastFrameWithBadChecksumIsATornTail() throws IOException {
        Path dir = tmp.resolve("wal");
        Path file = writeLog(dir, 6);
        flipByte(file, frameOffset(6) + LogFileFormat.FRAME_HEADER_SIZE + 50);
        assertRecoveredTo(dir, 5);
    }

    @Test
    void zeroFilledTailIsUnwrittenSpaceThatAppendsContinueInto() throws IOException {
        Path dir = tmp.resolve("wal");
        Path file = writeLog(dir, 4);
        appendBytes(file, new byte[3 * FRAME + 17]);
        long size = Files.size(file);
        try (WriteAheadLog log = WriteAheadLog.open(dir, WalOptions.defaults())) {
            assertEquals(4, log.lastSequence());
            assertEquals(size, Files.size(file), "preallocated zeroes are kept, not truncated, at open");
        }
        assertEquals(frameOffset(5), Files.size(file), "close leaves exactly the frames");
        assertRecoveredTo(dir, 4);
    }

    @Test
    void tornFrameFollowedByPreallocatedZeroesIsTruncated() throws IOException {
        Path dir = tmp.resolve("wal");
        Path file = writeLog(dir, 6);
        flipByte(file, frameOffset(6) + LogFileFormat.FRAME_HEADER_SIZE + 50);
        appendBytes(file, new byte[1 << 20]);
        assertRecoveredTo(dir, 5);
    }

    @Test
    void zeroesInsideASealedFileAreCorruption() throws Exception {
        Path dir = tmp.resolve("wal");
        WalOptions options = SMALL_FILES;
        Path first = writeSealedFiles(dir);
        appendBytes(first, new byte[2 * FRAME]);
        WalCorruptionException e = assertThrows(WalCorruptionException.class, () -> WriteAheadLog.open(dir, options));
        assertEquals(first, e.file());
    }

    @Test
    void headerOnlyFileOpensEmpty() throws IOException {
        Path dir = tmp.resolve("wal");
        Path file = writeLog(dir, 3);
        truncate(file, LogFileFormat.HEADER_SIZE);
        assertRecoveredTo(dir, 0);
    }

    @Test
    void flippedByteMidFileIsCorruptionNamingFileAndOffset() throws IOException {
        Path dir = tmp.resolve("wal");
        Path file = writeLog(dir, 10);
        long size = Files.size(file);
        flipByte(file, frameOffset(4) + LogFileFormat.FRAME_HEADER_SIZE + 10);
        WalCorruptionException e =
                assertThrows(WalCorruptionException.class, () -> WriteAheadLog.open(dir, WalOptions.defaults()));
        assertEquals(file, e.file());
        assertEquals(frameOffset(4), e.offset());
        assertTrue(
                e.getMessage().contains(file.toString()) && e.getMessage().contains("offset " + frameOffset(4)),
                e.getMessage());
        assertEquals(size, Files.size(file), "a corrupt log is left untouched");
        // the directory is not left marked as open
        assertThrows(WalCorruptionException.class, () -> WriteAheadLog.open(dir, WalOptions.defaults()));
    }

    @Test
    void damagedLengthFieldMidFileIsCorruption() throws IOException {
        Path dir = tmp.resolve("wal");
        Path file = writeLog(dir, 10);
        flipByte(file, frameOffset(3)); // high byte of the length: larger than any payload may be
        WalCorruptionException e =
                assertThrows(WalCorruptionException.class, () -> WriteAheadLog.open(dir, WalOptions.defaults()));
        assertEquals(frameOffset(3), e.offset());
    }

    @Test
    void lengthRunningPastTheEndMidFileIsCorruptionNotATornTail() throws IOException {
        Path dir = tmp.resolve("wal");
        Path file = writeLog(dir, 10);
        flipByte(file, frameOffset(3) + 2); // the frame now claims ~6 MB, past the end of the file
        WalCorruptionException e =
                assertThrows(WalCorruptionException.class, () -> WriteAheadLog.open(dir, WalOptions.defaults()));
        assertEquals(frameOffset(3), e.offset());
        assertEquals(frameOffset(11), Files.size(file), "nothing truncated");
    }

    @Test
    void corruptionInASealedFileIsReportedEvenAtItsEnd() throws Exception {
        Path dir = tmp.resolve("wal");
        WalOptions options = SMALL_FILES;
        Path first = writeSealedFiles(dir);
        flipByte(first, Files.size(first) - 3); // inside the last frame of a sealed file
        WalCorruptionException e = assertThrows(WalCorruptionException.class, () -> WriteAheadLog.open(dir, options));
        assertEquals(first, e.file());
    }

    @Test
    void damagedHeaderIsCorruptionAtOffsetZero() throws IOException {
        Path dir = tmp.resolve("wal");
        Path file = writeLog(dir, 3);
        flipByte(file, 12);
        WalCorruptionException e =
                assertThrows(WalCorruptionException.class, () -> WriteAheadLog.open(dir, WalOptions.defaults()));
        assertEquals(0, e.offset());
        assertEquals(file, e.file());
    }

    @Test
    void missingMiddleFileIsCorruption() throws Exception {
        Path dir = tmp.resolve("wal");
        WalOptions options = WalOptions.builder().fileSizeLimit(1024).build();
        try (WriteAheadLog log = WriteAheadLog.open(dir, options)) {
            for (int i = 1; i <= 40; i++) {
                log.append(payload(i));
            }
        }
        List<Path> files = WriteAheadLogTest.logFiles(dir);
        assertTrue(files.size() >= 3);
        Files.delete(files.get(1));
        WalCorruptionException e = assertThrows(WalCorruptionException.class, () -> WriteAheadLog.open(dir, options));
        assertEquals(files.get(2), e.file());
        assertTrue(e.getMessage().contains("previous file ends at"), e.getMessage());
    }

    /** 4 KiB of random bytes, never ending in a zero byte (so they are not mistaken for preallocated space). */
    private static byte[] garbage(long seed) {
        byte[] g = new byte[4096];
        new java.util.Random(seed).nextBytes(g);
        g[g.length - 1] |= 1;
        return g;
    }

    private static Path quarantineFile(Path file, long offset) {
        return file.resolveSibling(file.getFileName() + ".corrupt-" + offset);
    }

    @Test
    void randomGarbageAfterTheLastFrameIsMovedAsideAndEveryEntryKept() throws IOException {
        long base = TestRandom.seed();
        for (int round = 0; round < 20; round++) {
            long seed = base + round;
            Path dir = tmp.resolve("wal-" + round);
            Path file = writeLog(dir, 12);
            byte[] garbage = garbage(seed);
            appendBytes(file, garbage);
            try {
                assertRecoveredTo(dir, 12);
                Path moved = quarantineFile(file, frameOffset(13));
                assertTrue(Files.exists(moved), "quarantine file " + moved);
                assertArrayEquals(garbage, Files.readAllBytes(moved), "the damaged bytes are kept as they were");
                assertEquals(frameOffset(14), Files.size(file), "log cut at the damage, one entry appended since");
            } catch (AssertionError e) {
                throw new AssertionError("round " + round + ": " + e.getMessage(), e);
            }
        }
    }

    @Test
    void garbageFollowedByPreallocatedZeroesIsMovedAsideWithoutTheZeroes() throws IOException {
        Path dir = tmp.resolve("wal");
        Path file = writeLog(dir, 5);
        byte[] garbage = garbage(42);
        appendBytes(file, garbage);
        appendBytes(file, new byte[1 << 20]);
        assertRecoveredTo(dir, 5);
        assertArrayEquals(garbage, Files.readAllBytes(quarantineFile(file, frameOffset(6))));
    }

    @Test
    void frameClaimingAnImpossibleLengthAtTheEndIsMovedAside() throws IOException {
        for (int length : new int[] {-1, Integer.MAX_VALUE, LogFileFormat.MAX_PAYLOAD + 1}) {
            Path dir = tmp.resolve("wal" + length);
            Path file = writeLog(dir, 7);
            ByteBuffer frame = ByteBuffer.allocate(LogFileFormat.FRAME_HEADER_SIZE + 10);
            frame.putInt(length).putLong(8).putInt(1234).put(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
            appendBytes(file, frame.array());
            assertRecoveredTo(dir, 7);
            assertArrayEquals(frame.array(), Files.readAllBytes(quarantineFile(file, frameOffset(8))));
        }
    }

    @Test
    void garbageFollowedByValidFramesRefusesToOpenAndChangesNothing() throws IOException {
        Path dir = tmp.resolve("wal");
        Path file = writeLog(dir, 10);
        // frames 4 to 6 overwritten: the next intact frame holds sequence 7, not the 5 after the damaged 4
        byte[] garbage = new byte[(int) (frameOffset(7) - frameOffset(4))];
        new java.util.Random(7).nextBytes(garbage);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(garbage), frameOffset(4));
        }
        byte[] before = Files.readAllBytes(file);
        WalCorruptionException e =
                assertThrows(WalCorruptionException.class, () -> WriteAheadLog.open(dir, WalOptions.defaults()));
        assertEquals(file, e.file());
        assertEquals(frameOffset(4), e.offset());
        assertTrue(
                e.getMessage().contains("valid entries follow the damage")
                        && e.getMessage().contains("truncate it to " + frameOffset(4) + " bytes"),
                e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file), "a refused log is left untouched");
        try (var list = Files.list(dir)) {
            assertEquals(List.of(file), list.toList(), "no quarantine file");
        }
    }

    @Test
    void garbageInASealedFileRefusesToOpenNamingTheLaterFiles() throws Exception {
        Path dir = tmp.resolve("wal");
        Path first = writeSealedFiles(dir);
        List<Path> files = WriteAheadLogTest.logFiles(dir);
        long size = Files.size(first);
        appendBytes(first, garbage(3));
        WalCorruptionException e =
                assertThrows(WalCorruptionException.class, () -> WriteAheadLog.open(dir, SMALL_FILES));
        assertEquals(first, e.file());
        assertEquals(size, e.offset());
        assertTrue(
                e.getMessage().contains("truncate it to " + size + " bytes")
                        && e.getMessage()
                                .contains(files.get(1).getFileName() + " to "
                                        + files.get(files.size() - 1).getFileName()),
                e.getMessage());
        assertEquals(files, WriteAheadLogTest.logFiles(dir));
        assertEquals(size + 4096, Files.size(first), "nothing truncated");
    }

    @Test
    void followingTheAdviceOfARefusedOpenOpensTheLogWithTheEntriesBeforeTheDamage() throws Exception {
        Path dir = tmp.resolve("wal");
        Path first = writeSealedFiles(dir);
        List<Path> files = WriteAheadLogTest.logFiles(dir);
        long damagedAt = LogFileFormat.HEADER_SIZE + 2L * FRAME; // the third frame of the first file
        flipByte(first, damagedAt + LogFileFormat.FRAME_HEADER_SIZE + 3);
        WalCorruptionException e =
                assertThrows(WalCorruptionException.class, () -> WriteAheadLog.open(dir, SMALL_FILES));
        assertEquals(damagedAt, e.offset());
        truncate(first, damagedAt);
        Path aside = Files.createDirectory(tmp.resolve("aside"));
        for (Path later : files.subList(1, files.size())) {
            Files.move(later, aside.resolve(later.getFileName()));
        }
        try (WriteAheadLog log = WriteAheadLog.open(dir, SMALL_FILES)) {
            assertEquals(2, log.lastSequence());
            assertEquals(3, log.append(payload(3)));
        }
    }

    @Test
    void readerReportsCorruptionFoundAfterOpen() throws IOException {
        Path dir = tmp.resolve("wal");
        try (WriteAheadLog log = WriteAheadLog.open(dir, WalOptions.defaults())) {
            for (int i = 1; i <= 5; i++) {
                log.append(payload(i));
            }
            flipByte(dir.resolve(LogFileFormat.fileName(1)), frameOffset(2) + LogFileFormat.FRAME_HEADER_SIZE);
            try (WalReader r = log.readFrom(1)) {
                assertEquals(1, r.next().sequence());
                WalCorruptionException e = assertThrows(WalCorruptionException.class, r::next);
                assertEquals(frameOffset(2), e.offset());
            }
        }
    }
}
