package dev.chromaj.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.storage.ObjectInfo;
import dev.chromaj.storage.Storage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archive and restore against a {@link Storage}; each backend gets a subclass that provides the storage (the local
 * folder here, S3 through the shared fixture).
 */
abstract class WalArchiveRoundTripTest {
    private static final Duration NEVER = Duration.ofHours(1);

    @TempDir
    Path tmp;

    private Storage storage;
    private String prefix;
    private UUID logId;
    private WalOptions options;

    /** A fresh, empty storage for one test; closed by the test. */
    abstract Storage openStorage(Path scratch) throws Exception;

    @BeforeEach
    void setUp() throws Exception {
        storage = openStorage(tmp.resolve("storage"));
        logId = UUID.randomUUID();
        prefix = "collection/" + logId + "/wal/";
        options = WalOptions.builder().fileSizeLimit(4096).logId(logId).build();
    }

    @AfterEach
    void tearDown() {
        storage.close();
    }

    private static byte[] payload(long seq) {
        byte[] p = new byte[1 + (int) (seq * 37 % 500)];
        new Random(seq).nextBytes(p);
        return p;
    }

    private static void appendRange(WriteAheadLog log, long from, long to) {
        for (long s = from; s <= to; s++) {
            assertEquals(s, log.append(payload(s)));
        }
    }

    private static void assertHolds(WriteAheadLog log, long from, long to) {
        List<WalEntry> entries = WriteAheadLogTest.readAll(log, from);
        assertEquals(to - from + 1, entries.size());
        for (WalEntry e : entries) {
            assertArrayEquals(payload(e.sequence()), e.payload(), "payload of " + e.sequence());
        }
        assertEquals(from, entries.get(0).sequence());
        assertEquals(to, log.lastSequence());
    }

    private List<String> archivedKeys() {
        List<String> keys = new ArrayList<>();
        Iterator<ObjectInfo> it = storage.list(prefix);
        it.forEachRemaining(o -> keys.add(o.key().substring(prefix.length())));
        return keys;
    }

    @Test
    void wholeLocalFolderLossIsRestoredFromTheArchive() {
        Path dir = tmp.resolve("local/wal/" + logId);
        try (WriteAheadLog log = WriteAheadLog.open(dir, options);
                WalArchiver archiver = new WalArchiver(log, storage, prefix, NEVER)) {
            appendRange(log, 1, 120);
            assertEquals(120, archiver.archiveNow());
            assertEquals(120, archiver.archivedThrough());
        }
        WriteAheadLogTest.deleteRecursively(tmp.resolve("local"));

        assertEquals(120, WalArchiver.restore(storage, prefix, dir, 0, options));
        try (WriteAheadLog log = WriteAheadLog.open(dir, options)) {
            assertHolds(log, 1, 120);
            assertEquals(121, log.append(payload(121)), "numbering continues after the archive");
        }
    }

    @Test
    void activeFileUploadsSupersedeEarlierPartialOnes() {
        Path dir = tmp.resolve("wal");
        try (WriteAheadLog log = WriteAheadLog.open(
                        dir, WalOptions.builder().logId(logId).build());
                WalArchiver archiver = new WalArchiver(log, storage, prefix, NEVER)) {
            appendRange(log, 1, 5);
            archiver.archiveNow();
            assertEquals(List.of(LogFileFormat.archiveName(1, 5)), archivedKeys());
            appendRange(log, 6, 9);
            archiver.archiveNow();
            assertEquals(List.of(LogFileFormat.archiveName(1, 9)), archivedKeys());
            archiver.archiveNow();
            assertEquals(List.of(LogFileFormat.archiveName(1, 9)), archivedKeys(), "nothing new, nothing uploaded");
        }
    }

    @Test
    void backgroundThreadArchivesTheActiveFile() throws Exception {
        Path dir = tmp.resolve("wal");
        try (WriteAheadLog log = WriteAheadLog.open(dir, options);
                WalArchiver archiver = new WalArchiver(log, storage, prefix, Duration.ofMillis(20))) {
            appendRange(log, 1, 30);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (archiver.archivedThrough() < 30 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(30, archiver.archivedThrough());
        }
    }

    @Test
    void restoreAfterACompactedPositionSkipsOldFilesAndNeverReusesNumbers() {
        Path dir = tmp.resolve("wal");
        try (WriteAheadLog log = WriteAheadLog.open(dir, options);
                WalArchiver archiver = new WalArchiver(log, storage, prefix, NEVER)) {
            appendRange(log, 1, 200);
            archiver.archiveNow();
            log.purgeBelow(150);
            WalArchiver.deleteArchivedBelow(storage, prefix, 150);
            for (String key : archivedKeys()) {
                assertTrue(LogFileFormat.parseArchiveName(key)[1] >= 150, key);
            }
        }
        WriteAheadLogTest.deleteRecursively(dir);
        assertEquals(200, WalArchiver.restore(storage, prefix, dir, 149, options));
        try (WriteAheadLog log = WriteAheadLog.open(dir, options)) {
            assertTrue(log.firstSequence() <= 150);
            assertHolds(log, 150, 200);
        }

        // a compacted position beyond the archive (the archive lagged): the new log starts after it
        Path other = tmp.resolve("other");
        assertEquals(250, WalArchiver.restore(storage, prefix, other, 250, options));
        try (WriteAheadLog log = WriteAheadLog.open(other, options)) {
            assertEquals(251, log.append(payload(251)));
        }
    }

    @Test
    void localLogBehindTheArchiveIsReplacedAndOneAheadIsKept() {
        Path dir = tmp.resolve("wal");
        Path stale = tmp.resolve("stale");
        try (WriteAheadLog log = WriteAheadLog.open(dir, options);
                WalArchiver archiver = new WalArchiver(log, storage, prefix, NEVER)) {
            appendRange(log, 1, 40);
            archiver.archiveNow();
        }
        try (WriteAheadLog log = WriteAheadLog.open(stale, options)) {
            appendRange(log, 1, 10);
        }
        assertEquals(40, WalArchiver.restore(storage, prefix, stale, 0, options));
        try (WriteAheadLog log = WriteAheadLog.open(stale, options)) {
            assertHolds(log, 1, 40);
            appendRange(log, 41, 45);
        }
        assertEquals(45, WalArchiver.restore(storage, prefix, stale, 0, options), "local ahead: left alone");
    }

    @Test
    void archiverRefusesALocalLogBehindTheArchive() {
        try (WriteAheadLog log = WriteAheadLog.open(tmp.resolve("a"), options);
                WalArchiver archiver = new WalArchiver(log, storage, prefix, NEVER)) {
            appendRange(log, 1, 10);
            archiver.archiveNow();
        }
        try (WriteAheadLog fresh = WriteAheadLog.open(tmp.resolve("b"), options)) {
            IllegalStateException e =
                    assertThrows(IllegalStateException.class, () -> new WalArchiver(fresh, storage, prefix, NEVER));
            assertTrue(e.getMessage().contains("restore it first"), e.getMessage());
        }
    }

    @Test
    void restoreReportsAGapInTheArchive() {
        Path dir = tmp.resolve("wal");
        try (WriteAheadLog log = WriteAheadLog.open(dir, options);
                WalArchiver archiver = new WalArchiver(log, storage, prefix, NEVER)) {
            appendRange(log, 1, 120);
            archiver.archiveNow();
        }
        List<String> keys = archivedKeys();
        assertTrue(keys.size() >= 3, keys.toString());
        storage.delete(prefix + keys.get(1));
        WalException e = assertThrows(
                WalException.class, () -> WalArchiver.restore(storage, prefix, tmp.resolve("restored"), 0, options));
        assertTrue(e.getMessage().contains("misses sequences"), e.getMessage());
    }

    @Test
    void restoreRejectsACorruptArchivedObject() {
        Path dir = tmp.resolve("wal");
        try (WriteAheadLog log = WriteAheadLog.open(dir, options);
                WalArchiver archiver = new WalArchiver(log, storage, prefix, NEVER)) {
            appendRange(log, 1, 10);
            archiver.archiveNow();
        }
        String key = prefix + archivedKeys().get(0);
        byte[] bytes = storage.get(key);
        bytes[bytes.length - 5] ^= 1;
        storage.put(key, bytes);
        Path restored = tmp.resolve("restored");
        assertThrows(WalCorruptionException.class, () -> WalArchiver.restore(storage, prefix, restored, 0, options));
    }
}
