package dev.chromaj;

import dev.chromaj.catalog.Catalog;
import dev.chromaj.catalog.CollectionEntry;
import dev.chromaj.catalog.VersionEntry;
import dev.chromaj.segment.log.LogCodec;
import dev.chromaj.storage.BucketLayout;
import dev.chromaj.storage.LocalStorage;
import dev.chromaj.storage.ObjectInfo;
import dev.chromaj.storage.ObjectNotFoundException;
import dev.chromaj.storage.S3Storage;
import dev.chromaj.storage.Storage;
import dev.chromaj.wal.WalArchiver;
import dev.chromaj.wal.WalOptions;
import dev.chromaj.wal.WriteAheadLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consistent online backup of a writer client's store, into a new local folder or an empty bucket prefix.
 *
 * <p>What a backup holds: for every collection, the version it had and every write acknowledged on top of it at one
 * moment during the capture. The capture pins each collection's published view (its compacted version plus the
 * uncompacted log tail, the same state a read pins) under the collection's write lock. The pin keeps the version's
 * objects from garbage collection while they are copied; blocks and roots are immutable, so copying them later still
 * copies exactly that version. The tail is written from the pinned view into a new log in the backup (sequence
 * numbers after the version's log position), not copied from the live log files, which rotate and are purged by
 * compaction meanwhile. The backup's catalog is written from the captured entries, so it names exactly the copied
 * versions. Writers, compactions and reads carry on during the whole backup.
 *
 * <p>A folder backup is staged next to the destination and renamed into place when complete, so the destination
 * either does not exist or holds a whole backup. A bucket backup has no catalog (a writer opened on an empty folder
 * rebuilds it from the version manifests) and ends with a marker object {@value #BUCKET_MARKER}; it is removed
 * again when the backup fails.
 */
final class Backup {
    private static final Logger LOG = LoggerFactory.getLogger(Backup.class);
    /** The object written last into a bucket backup: a backup without it is incomplete. */
    static final String BUCKET_MARKER = "backup.json";
    /** Objects fetched at once while copying: hides S3 latency, bounds memory to a few blocks. */
    private static final int COPY_WINDOW = 8;
    /** Log entries written to a backup's log per append. */
    private static final int LOG_BATCH = 1_000;

    /** What {@link Engine#captureForBackup()} pinned: tenants with their databases, and every collection. */
    record Capture(Map<String, List<String>> databases, List<CollectionEngine.BackupSnapshot> collections) {}

    private final Engine engine;
    private long objects;
    private long bytes;
    private long records;
    private long logEntries;

    Backup(Engine engine) {
        this.engine = engine;
    }

    // ---- into a folder ----

    BackupResult toFolder(Path destination) {
        Errors.requireArgument(destination, "destination");
        engine.ensureOpen();
        Path dest = destination.toAbsolutePath().normalize();
        checkFolder(dest);
        long start = System.nanoTime();
        Path staging = dest.resolveSibling("." + dest.getFileName() + ".backup-" + UUID.randomUUID());
        Capture capture = engine.captureForBackup();
        LOG.info("Backing up {} collections of {} to {}", capture.collections().size(), engine, dest);
        try {
            runSeam();
            Files.createDirectories(staging);
            try (LocalStorage target = new LocalStorage(staging.resolve("data"))) {
                for (CollectionEngine.BackupSnapshot s : capture.collections()) {
                    copyCollection(s, target);
                }
            }
            for (CollectionEngine.BackupSnapshot s : capture.collections()) {
                List<byte[]> tail = tailPayloads(s);
                if (!tail.isEmpty()) {
                    writeLog(
                            s.entry(),
                            tail,
                            staging.resolve("wal").resolve(s.entry().id().toString()));
                }
            }
            writeCatalog(capture, staging);
            bytes += Files.size(staging.resolve(Catalog.FILE_NAME));
            if (Files.isDirectory(dest)) {
                Files.delete(dest); // checked empty; a folder created meanwhile with content fails the move
            }
            Files.move(staging, dest, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteFolder(staging);
            throw new StorageException("Backup of " + engine + " to " + dest + " failed: " + e, e);
        } catch (RuntimeException e) {
            deleteFolder(staging);
            throw Errors.translate(e);
        } finally {
            engine.endBackup(capture);
        }
        return finish(dest.toString(), capture, start);
    }

    /** A destination must be a new or empty folder outside the client's own folder. */
    private void checkFolder(Path dest) {
        Path source = engine.config.path().toAbsolutePath().normalize();
        if (dest.startsWith(source)) {
            throw new InvalidArgumentException(
                    "Expected the backup destination to be outside the client's folder " + source + ", got " + dest);
        }
        if (Files.exists(dest)) {
            if (!Files.isDirectory(dest)) {
                throw new InvalidArgumentException(
                        "Expected the backup destination to be a new or empty folder, got the file " + dest);
            }
            try (Stream<Path> entries = Files.list(dest)) {
                if (entries.findAny().isPresent()) {
                    throw new InvalidArgumentException(
                            "Expected the backup destination to be a new or empty folder, got " + dest
                                    + ", which is not empty: back up into a new folder");
                }
            } catch (IOException e) {
                throw new StorageException("Cannot list the backup destination " + dest + ": " + e, e);
            }
        }
        if (dest.getParent() == null) {
            throw new InvalidArgumentException("Expected the backup destination to be a folder, got " + dest);
        }
    }

    private void writeCatalog(Capture capture, Path folder) {
        try (Catalog catalog = Catalog.open(folder)) {
            for (Map.Entry<String, List<String>> t : capture.databases().entrySet()) {
                if (!catalog.tenantExists(t.getKey())) {
                    catalog.createTenant(t.getKey());
                }
                for (String database : t.getValue()) {
                    if (!catalog.databaseExists(t.getKey(), database)) {
                        catalog.createDatabase(t.getKey(), database);
                    }
                }
            }
            Instant now = Instant.now();
            for (CollectionEngine.BackupSnapshot s : capture.collections()) {
                CollectionEntry e = s.entry();
                List<VersionEntry> versions = e.version() == 0
                        ? List.of()
                        : List.of(new VersionEntry(
                                e.id(), e.version(), VersionManifest.key(e.id(), e.version()), e.logPosition(), now));
                catalog.importCollection(e, versions);
            }
        }
    }

    // ---- into a bucket prefix ----

    BackupResult toBucket(S3Config destination) {
        Errors.requireArgument(destination, "destination");
        engine.ensureOpen();
        String where = "s3://" + destination.bucket() + "/" + destination.prefix();
        checkBucket(destination, where);
        long start = System.nanoTime();
        try (Storage target = new S3Storage(S3Configs.toStorageConfig(destination, engine.config.s3Retries()))) {
            Iterator<ObjectInfo> existing = target.list("");
            if (existing.hasNext()) {
                throw new InvalidArgumentException("Expected the backup destination " + where
                        + " to be an empty prefix, but it holds objects (for example "
                        + existing.next().key()
                        + "): back up into a new prefix");
            }
            Capture capture = engine.captureForBackup();
            LOG.info(
                    "Backing up {} collections of {} to {}",
                    capture.collections().size(),
                    engine,
                    where);
            try {
                runSeam();
                for (CollectionEngine.BackupSnapshot s : capture.collections()) {
                    copyCollection(s, target);
                    List<byte[]> tail = tailPayloads(s);
                    if (!tail.isEmpty()) {
                        archiveLog(s.entry(), tail, target);
                    }
                }
                byte[] marker = marker(capture).getBytes(StandardCharsets.UTF_8);
                target.put(BUCKET_MARKER, marker);
                objects++;
                bytes += marker.length;
            } catch (RuntimeException e) {
                removeQuietly(target, where);
                throw e;
            } finally {
                engine.endBackup(capture);
            }
            return finish(where, capture, start);
        } catch (RuntimeException e) {
            throw Errors.translate(e);
        }
    }

    /** The destination must not overlap the client's own prefix (a backup into itself would copy its own copies). */
    private void checkBucket(S3Config dest, String where) {
        S3Config source = engine.config.s3();
        if (source == null
                || !source.bucket().equals(dest.bucket())
                || !Objects.equals(source.endpoint(), dest.endpoint())) {
            return;
        }
        if (dest.prefix().startsWith(source.prefix()) || source.prefix().startsWith(dest.prefix())) {
            throw new InvalidArgumentException("Expected the backup destination " + where
                    + " not to overlap the client's prefix s3://" + source.bucket() + "/" + source.prefix());
        }
    }

    /** Writes the tail as an archived log object, exactly as a writer's archiver would: a restore replays it. */
    private void archiveLog(CollectionEntry entry, List<byte[]> tail, Storage target) {
        Path tmp;
        try {
            tmp = Files.createTempDirectory("chromaj-backup-log-");
        } catch (IOException e) {
            throw new StorageException("Cannot create a temporary folder for the backup's log: " + e, e);
        }
        try {
            Path dir = tmp.resolve(entry.id().toString());
            writeLog(entry, tail, dir);
            try (WriteAheadLog log = WriteAheadLog.open(dir, logOptions(entry));
                    WalArchiver archiver =
                            new WalArchiver(log, target, BucketLayout.walPrefix(entry.id()), Duration.ofHours(1))) {
                archiver.archiveNow();
            }
            objects++;
        } finally {
            deleteFolder(tmp);
        }
    }

    private String marker(Capture capture) {
        return String.format(
                Locale.ROOT,
                "{\"format\": 1, \"createdAt\": \"%s\", \"library\": \"%s\", \"collections\": %d, \"records\": %d}",
                Instant.now(),
                Engine.VERSION,
                capture.collections().size(),
                records);
    }

    /** Deletes what a failed bucket backup wrote: the prefix was empty when it started. */
    private static void removeQuietly(Storage target, String where) {
        try {
            List<String> keys = new ArrayList<>();
            target.list("").forEachRemaining(o -> keys.add(o.key()));
            target.deleteAll(keys);
        } catch (RuntimeException e) {
            LOG.warn("Could not remove the incomplete backup in {}: {}", where, e.toString());
        }
    }

    // ---- shared ----

    private void runSeam() {
        Runnable seam = engine.afterBackupCapture;
        if (seam != null) {
            seam.run();
        }
    }

    /**
     * Copies the pinned version's blocks and roots and writes its manifest (from the captured entry, so that it agrees
     * with the backup's catalog); version 0's manifest is copied too, as garbage collection expects it.
     */
    private void copyCollection(CollectionEngine.BackupSnapshot snapshot, Storage target) {
        CollectionEntry e = snapshot.entry();
        CollectionView view = snapshot.pin().view();
        Version version = view.version();
        String dir = BucketLayout.collectionDir(e.id());
        if (version.manifest() != null) {
            copy(new ArrayList<>(version.manifest().objectKeys(engine.blockfiles, dir)), target);
            String first = VersionManifest.key(e.id(), 0);
            try {
                byte[] data = engine.storage.get(first);
                target.put(first, data);
                objects++;
                bytes += data.length;
            } catch (ObjectNotFoundException missing) {
                LOG.debug("Collection {} has no manifest {}; the backup has none either", e.id(), first);
            }
        }
        VersionManifest manifest = VersionManifest.of(e, version);
        byte[] data = manifest.toBytes();
        target.put(manifest.key(), data);
        objects++;
        bytes += data.length;
        records += view.count();
    }

    /** Copies objects a window at a time: the gets of a window run in parallel. */
    private void copy(List<String> keys, Storage target) {
        for (int i = 0; i < keys.size(); i += COPY_WINDOW) {
            List<String> window = keys.subList(i, Math.min(keys.size(), i + COPY_WINDOW));
            List<CompletableFuture<byte[]>> gets = new ArrayList<>(window.size());
            for (String key : window) {
                gets.add(engine.storage.getAsync(key));
            }
            for (int j = 0; j < window.size(); j++) {
                byte[] data = join(gets.get(j));
                target.put(window.get(j), data);
                objects++;
                bytes += data.length;
            }
        }
    }

    private static byte[] join(CompletableFuture<byte[]> get) {
        try {
            return get.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** The pinned tail, one payload per acknowledged write, in log order. */
    private List<byte[]> tailPayloads(CollectionEngine.BackupSnapshot snapshot) {
        List<TailOverlay.Entry> entries = snapshot.pin().view().tail().entries();
        List<byte[]> payloads = new ArrayList<>(entries.size());
        for (TailOverlay.Entry entry : entries) {
            payloads.add(LogCodec.encode(entry.operations()));
        }
        return payloads;
    }

    /** A new log in {@code dir} holding {@code tail}, numbered from the version's log position on. */
    private void writeLog(CollectionEntry entry, List<byte[]> tail, Path dir) {
        try (WriteAheadLog log = WriteAheadLog.open(dir, logOptions(entry))) {
            for (int i = 0; i < tail.size(); i += LOG_BATCH) {
                log.append(tail.subList(i, Math.min(tail.size(), i + LOG_BATCH)));
            }
        }
        for (byte[] payload : tail) {
            bytes += payload.length;
        }
        logEntries += tail.size();
    }

    private static WalOptions logOptions(CollectionEntry entry) {
        return WalOptions.builder()
                .logId(entry.id())
                .firstSequence(entry.logPosition() + 1)
                .build();
    }

    private BackupResult finish(String where, Capture capture, long start) {
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        BackupResult result =
                new BackupResult(where, capture.collections().size(), records, logEntries, objects, bytes, took);
        LOG.info(
                "Backed up {} collections ({} records, {} log entries; {} objects, {} bytes) of {} to {} in {} ms",
                result.collections(),
                records,
                logEntries,
                objects,
                bytes,
                engine,
                where,
                took.toMillis());
        return result;
    }

    private static void deleteFolder(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("Could not delete the incomplete backup folder {}: {}", dir, e.toString());
        }
    }
}
