package dev.chromaj.wal;

import dev.chromaj.annotations.Internal;
import dev.chromaj.storage.ObjectInfo;
import dev.chromaj.storage.Storage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a {@link WriteAheadLog} to {@link Storage} so that a machine that loses its local folder can
 * {@link #restore} what was acknowledged.
 *
 * <p>Each log file is uploaded as {@code <keyPrefix><first>-<last>.log} (20-digit sequence numbers): sealed files
 * once, the active file every {@code activeInterval} as far as it is written. An upload covering a longer range of
 * the same file supersedes the earlier one, which is deleted after the new object is written, so at any moment the
 * archive holds every archived entry at least once. An archived object is a valid log file (header and whole
 * frames).
 *
 * <p>Thread-safe. Uploads run on one daemon thread ({@code chromaj-wal-archiver-<dir>}) and in {@link #archiveNow()};
 * a failed background upload is logged and retried at the next interval.
 */
@Internal
public final class WalArchiver implements AutoCloseable {
    /** Default interval between uploads of the active file. */
    public static final Duration DEFAULT_ACTIVE_INTERVAL = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(WalArchiver.class);

    private final WriteAheadLog log;
    private final Storage storage;
    private final String keyPrefix;
    private final ScheduledExecutorService scheduler;
    /** Serializes archive passes; guards {@link #archived}. */
    private final ReentrantLock passLock = new ReentrantLock();
    /** First sequence of a file → last sequence of its newest archived object. */
    private final Map<Long, Long> archived = new TreeMap<>();

    private volatile long archivedThrough;
    private volatile boolean closed;

    /** Archives with the {@link #DEFAULT_ACTIVE_INTERVAL default interval} of 5 s. */
    public WalArchiver(WriteAheadLog log, Storage storage, String keyPrefix) {
        this(log, storage, keyPrefix, DEFAULT_ACTIVE_INTERVAL);
    }

    /**
     * Starts archiving {@code log} under {@code keyPrefix} (e.g. {@code collection/<uuid>/wal/}), uploading the
     * active file every {@code activeInterval}.
     *
     * @throws IllegalStateException when the archive already holds entries beyond the local log's last sequence: the
     *                               local log is behind and must be {@link #restore restored} first
     */
    public WalArchiver(WriteAheadLog log, Storage storage, String keyPrefix, Duration activeInterval) {
        this.log = Objects.requireNonNull(log, "log");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
        Objects.requireNonNull(activeInterval, "activeInterval");
        if (activeInterval.isNegative() || activeInterval.isZero()) {
            throw new IllegalArgumentException("activeInterval must be positive, got " + activeInterval);
        }
        for (Map.Entry<Long, List<ArchivedObject>> e :
                listArchive(storage, keyPrefix).entrySet()) {
            List<ArchivedObject> objects = e.getValue();
            ArchivedObject newest = objects.get(objects.size() - 1);
            archived.put(e.getKey(), newest.last());
            archivedThrough = Math.max(archivedThrough, newest.last());
            // Leftovers of an upload that was interrupted between writing its successor and deleting it.
            for (ArchivedObject superseded : objects.subList(0, objects.size() - 1)) {
                storage.delete(superseded.key());
            }
        }
        if (archivedThrough > log.lastSequence()) {
            throw new IllegalStateException("The WAL archive under '" + keyPrefix + "' holds entries up to "
                    + archivedThrough + " but the local log in " + log.directory() + " ends at " + log.lastSequence()
                    + "; restore it first");
        }
        long nanos = activeInterval.toNanos();
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "chromaj-wal-archiver-" + log.directory().getFileName());
            t.setDaemon(true);
            return t;
        });
        startBackgroundPasses(nanos);
    }

    // backgroundPass catches and logs its own failures; close() stops the task by shutting the scheduler down
    @SuppressWarnings("FutureReturnValueIgnored")
    private void startBackgroundPasses(long everyNanos) {
        scheduler.scheduleWithFixedDelay(this::backgroundPass, everyNanos, everyNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Uploads every file, sealed or active, whose written entries are not yet archived; returns
     * {@link #archivedThrough()}.
     *
     * @throws dev.chromaj.storage.ObjectStorageException when an upload fails (the next pass retries it)
     */
    public long archiveNow() {
        passLock.lock();
        try {
            for (LogFile f : log.state().files()) {
                if (f.isEmpty()) {
                    continue;
                }
                Long done = archived.get(f.first());
                if (done != null && done >= f.last()) {
                    archivedThrough = Math.max(archivedThrough, f.last());
                    continue;
                }
                byte[] bytes;
                try {
                    bytes = readPrefix(f.path(), f.size());
                } catch (NoSuchFileException e) {
                    continue; // purged meanwhile: its entries are compacted and need no archive
                }
                storage.put(keyPrefix + LogFileFormat.archiveName(f.first(), f.last()), bytes);
                if (done != null) {
                    storage.delete(keyPrefix + LogFileFormat.archiveName(f.first(), done));
                }
                archived.put(f.first(), f.last());
                archivedThrough = Math.max(archivedThrough, f.last());
            }
            return archivedThrough;
        } catch (IOException e) {
            throw new WalException("Archiving WAL in " + log.directory() + " failed: " + e, e);
        } finally {
            passLock.unlock();
        }
    }

    /** The highest sequence number known to be in the archive. */
    public long archivedThrough() {
        return archivedThrough;
    }

    /** Stops the background thread after a last upload (logged, not thrown, when it fails). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(30, TimeUnit.SECONDS);
            archiveNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn(
                    "Final archive of WAL in {} failed; entries after {} are only local",
                    log.directory(),
                    archivedThrough,
                    e);
        }
    }

    private void backgroundPass() {
        if (closed) {
            return;
        }
        try {
            archiveNow();
        } catch (RuntimeException e) {
            LOG.warn("Archiving WAL in {} failed; retrying in the next interval", log.directory(), e);
        }
    }

    /**
     * Rebuilds the local log in {@code dir} from the archive when it is missing or behind: downloads the archived
     * files holding entries after {@code afterSequence} (e.g. the compacted log position) and writes them to
     * {@code dir}, so that {@link WriteAheadLog#open} continues after the highest archived sequence (and never at or
     * below {@code afterSequence}). A local log that already reaches both the archive's end and
     * {@code afterSequence} is left alone.
     *
     * @return the last sequence number of the local log after the restore
     * @throws WalException when the archive misses entries after {@code afterSequence}, or an archived object is
     *                      invalid or belongs to another log id
     */
    public static long restore(Storage storage, String keyPrefix, Path dir, long afterSequence, WalOptions options) {
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(options, "options");
        if (afterSequence < 0) {
            throw new IllegalArgumentException("afterSequence must be >= 0, got " + afterSequence);
        }
        Map<Long, List<ArchivedObject>> archive = listArchive(storage, keyPrefix);
        long archivedLast = 0;
        List<ArchivedObject> needed = new ArrayList<>();
        for (List<ArchivedObject> objects : archive.values()) {
            ArchivedObject newest = objects.get(objects.size() - 1);
            archivedLast = Math.max(archivedLast, newest.last());
            if (newest.last() > afterSequence) {
                needed.add(newest);
            }
        }
        try {
            Files.createDirectories(dir);
            if (!LogRecovery.logFiles(dir).isEmpty()) {
                try (WriteAheadLog local = WriteAheadLog.open(dir, options)) {
                    if (local.lastSequence() >= archivedLast && local.lastSequence() >= afterSequence) {
                        return local.lastSequence();
                    }
                    LOG.info(
                            "Local WAL in {} ends at {}, behind the archive ({}) or the position {}; restoring",
                            dir,
                            local.lastSequence(),
                            archivedLast,
                            afterSequence);
                }
                for (Path p : LogRecovery.logFiles(dir)) {
                    Files.delete(p);
                }
            }
            long expected = afterSequence + 1;
            for (ArchivedObject o : needed) {
                if (o.first() > expected) {
                    throw new WalException("The WAL archive under '" + keyPrefix + "' misses sequences " + expected
                            + ".." + (o.first() - 1) + " (next archived object: " + o.key() + ")");
                }
                writeValidated(o, storage.get(o.key()), dir, options);
                expected = o.last() + 1;
            }
            long next = Math.max(afterSequence, archivedLast) + 1;
            WalOptions restoreOptions = options.toBuilder().firstSequence(next).build();
            try (WriteAheadLog restored = WriteAheadLog.open(dir, restoreOptions)) {
                LOG.info(
                        "Restored WAL in {} from '{}': {} archived file(s), entries {}..{}",
                        dir,
                        keyPrefix,
                        needed.size(),
                        restored.firstSequence(),
                        restored.lastSequence());
                return restored.lastSequence();
            }
        } catch (IOException e) {
            throw new WalException("Restore of WAL in " + dir + " from '" + keyPrefix + "' failed: " + e, e);
        }
    }

    /**
     * Deletes the archived objects whose entries are all below {@code sequence} (after a compaction); returns how
     * many it deleted.
     */
    public static int deleteArchivedBelow(Storage storage, String keyPrefix, long sequence) {
        List<String> doomed = new ArrayList<>();
        for (List<ArchivedObject> objects : listArchive(storage, keyPrefix).values()) {
            for (ArchivedObject o : objects) {
                if (o.last() < sequence) {
                    doomed.add(o.key());
                }
            }
        }
        if (!doomed.isEmpty()) {
            storage.deleteAll(doomed);
        }
        return doomed.size();
    }

    /** An archived object: a copy of entries {@code first..last} of one log file. */
    private record ArchivedObject(String key, long first, long last) {}

    /** Archived objects by the first sequence of their file, each list ordered by increasing last sequence. */
    private static Map<Long, List<ArchivedObject>> listArchive(Storage storage, String keyPrefix) {
        Map<Long, List<ArchivedObject>> byFirst = new TreeMap<>();
        Iterator<ObjectInfo> it = storage.list(keyPrefix);
        while (it.hasNext()) {
            String key = it.next().key();
            long[] range = LogFileFormat.parseArchiveName(key.substring(keyPrefix.length()));
            if (range == null) {
                LOG.debug("Ignoring {}: not an archived WAL file", key);
                continue;
            }
            byFirst.computeIfAbsent(range[0], k -> new ArrayList<>()).add(new ArchivedObject(key, range[0], range[1]));
        }
        for (List<ArchivedObject> objects : byFirst.values()) {
            objects.sort((a, b) -> Long.compare(a.last(), b.last()));
        }
        return byFirst;
    }

    /**
     * Writes an archived object as a local log file: to a temporary file first, validated there (header, every
     * frame, nothing after the last), then renamed into place.
     */
    private static void writeValidated(ArchivedObject o, byte[] bytes, Path dir, WalOptions options)
            throws IOException {
        Path target = dir.resolve(LogFileFormat.fileName(o.first()));
        Path tmp = dir.resolve(LogFileFormat.fileName(o.first()) + LogFileFormat.TEMP_SUFFIX);
        Path name = Path.of(o.key());
        try (FileChannel ch = FileChannel.open(
                tmp,
                StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
            LogFileFormat.Header header = LogFileFormat.readHeader(ch, name);
            if (header.firstSequence() != o.first()) {
                throw new WalCorruptionException(name, 0, "header says first sequence " + header.firstSequence());
            }
            if (options.logId().isPresent() && !options.logId().get().equals(header.logId())) {
                throw new WalException("Archived WAL object " + o.key() + " belongs to log " + header.logId()
                        + ", expected " + options.logId().get());
            }
            FrameCursor cursor = new FrameCursor(ch, LogFileFormat.HEADER_SIZE, bytes.length);
            for (long seq = o.first(); seq <= o.last(); seq++) {
                FrameCursor.Stop stop = cursor.next(seq);
                if (stop != FrameCursor.Stop.FRAME) {
                    throw new WalCorruptionException(name, cursor.frameOffset(), stop + " at sequence " + seq);
                }
            }
            if (cursor.next(o.last() + 1) != FrameCursor.Stop.END) {
                throw new WalCorruptionException(
                        name, cursor.frameOffset(), "bytes after the last sequence " + o.last());
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        LogRecovery.fsyncDirectory(dir);
    }

    private static byte[] readPrefix(Path file, long size) throws IOException {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IOException("WAL file " + file + " is too large to archive in one object (" + size + " bytes)");
        }
        ByteBuffer b = ByteBuffer.allocate((int) size);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (b.hasRemaining()) {
                if (ch.read(b, b.position()) < 0) {
                    throw new IOException("WAL file " + file + " is shorter than " + size + " bytes");
                }
            }
        }
        return b.array();
    }
}
