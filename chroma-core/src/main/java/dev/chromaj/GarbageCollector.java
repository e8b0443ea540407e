package dev.chromaj;

import dev.chromaj.catalog.CollectionEntry;
import dev.chromaj.catalog.VersionEntry;
import dev.chromaj.storage.BucketLayout;
import dev.chromaj.storage.ObjectInfo;
import dev.chromaj.wal.WalArchiver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what no kept version needs: versions outside the keep window (the newest {@code gcKeepVersions}, every
 * version superseded less than {@code gcVersionTtl} ago, and the version current readers use), the blocks and roots only they
 * referenced, orphans of failed compactions, archived WAL objects below the compacted position, and every object of
 * deleted collections. Works on local storage and S3 alike.
 *
 * <p>Each collection is collected while holding its compaction lock, so no compaction of it is writing objects that
 * are not referenced yet.
 *
 * <p>Why orphans need no grace period: an object no kept version references is either garbage of a compaction that
 * failed (it will never be referenced: a retry forks the committed version again and writes new objects under new
 * random names) or was written by a compaction that is still running. The compaction lock rules out the latter in
 * this process, and only one process writes a folder (folder lock) or an S3 prefix ({@link WriterLease}; a writer
 * that lost its lease is fenced by {@link FencedStorage} before its lease can be taken over). A grace period would
 * only protect a second concurrent writer, which the design excludes; read-only clients in other processes cannot
 * pin versions here, they are protected by the keep window (newest {@code gcKeepVersions} and the TTL).
 */
final class GarbageCollector {
    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);

    private final Engine engine;

    GarbageCollector(Engine engine) {
        this.engine = engine;
    }

    // the task catches and logs its own failures; the engine stops it by shutting the executor down
    @SuppressWarnings("FutureReturnValueIgnored")
    void start(ScheduledExecutorService executor) {
        long millis = engine.config.gcInterval().toMillis();
        executor.scheduleWithFixedDelay(
                () -> {
                    try {
                        run();
                    } catch (RuntimeException e) {
                        LOG.warn("Garbage collection failed, will retry: {}", e.toString());
                    }
                },
                millis,
                millis,
                TimeUnit.MILLISECONDS);
    }

    /** One full pass over every collection and over deleted collections. */
    synchronized GcResult run() {
        return run(ProgressListener.none());
    }

    /**
     * {@link #run()}, reporting progress in steps: one per collection, then one for the data of deleted
     * collections.
     */
    synchronized GcResult run(ProgressListener progress) {
        SafeObserver observer = engine.observer;
        if (observer == null) {
            return collectAll(progress);
        }
        long started = System.nanoTime();
        boolean succeeded = false;
        try {
            GcResult result = collectAll(progress);
            succeeded = true;
            return result;
        } finally {
            observer.operationCompleted(
                    ChromaObserver.Operation.GARBAGE_COLLECTION, 0, System.nanoTime() - started, succeeded);
        }
    }

    private GcResult collectAll(ProgressListener progress) {
        long versions = 0;
        long objects = 0;
        long bytes = 0;
        long walObjects = 0;
        List<CollectionEntry> entries = engine.catalog.allCollections();
        long steps = entries.size() + 1L;
        long done = 0;
        long started = System.nanoTime();
        LOG.info("Garbage collection of {} collection(s) of {}", entries.size(), engine);
        progress.onProgress(done, steps);
        for (CollectionEntry entry : entries) {
            CollectionEngine collection;
            try {
                collection = engine.collection(entry.id());
            } catch (NotFoundException e) {
                progress.onProgress(++done, steps); // deleted meanwhile: its data goes with the last step
                continue;
            }
            GcResult r = collection.collectGarbage(this);
            versions += r.versionsDeleted();
            objects += r.objectsDeleted();
            bytes += r.bytesDeleted();
            walObjects += r.walObjectsDeleted();
            progress.onProgress(++done, steps);
        }
        GcResult deleted = engine.collectDeletedCollections();
        progress.onProgress(steps, steps);
        GcResult result =
                new GcResult(versions, objects + deleted.objectsDeleted(), bytes + deleted.bytesDeleted(), walObjects);
        LOG.info(
                "Garbage collection deleted {} version(s), {} object(s) ({} bytes) and {} log object(s) in {} ms",
                result.versionsDeleted(),
                result.objectsDeleted(),
                result.bytesDeleted(),
                result.walObjectsDeleted(),
                (System.nanoTime() - started) / 1_000_000);
        return result;
    }

    /**
     * Collects one collection; called by {@link CollectionEngine#collectGarbage} with its compaction lock held.
     * {@code current} is the version readers use now.
     */
    GcResult collect(CollectionEngine collection, Version current) {
        UUID id = collection.id;
        List<VersionEntry> all = new ArrayList<>(engine.catalog.listVersions(id));
        all.sort(Comparator.comparingLong(VersionEntry::version).reversed());
        Instant ttlCutoff = Instant.now().minus(engine.config.gcVersionTtl());
        List<VersionEntry> kept = new ArrayList<>();
        List<VersionEntry> dropped = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            VersionEntry v = all.get(i);
            // A version stops being current when its successor is committed; a follower in another process may
            // still read it until it switches (within its follow interval), so it is kept for the TTL after that.
            Instant superseded = i == 0 ? null : all.get(i - 1).createdAt();
            boolean keep = i < engine.config.gcKeepVersions()
                    || superseded == null
                    || superseded.isAfter(ttlCutoff)
                    || v.version() == current.number()
                    || collection.isPinned(v.version());
            (keep ? kept : dropped).add(v);
        }
        Set<String> referenced = new HashSet<>();
        referenced.add(VersionManifest.key(id, 0));
        for (VersionEntry v : kept) {
            referenced.add(v.manifestKey());
            VersionManifest m = v.version() == current.number() && current.manifest() != null
                    ? null
                    : VersionManifest.read(engine.storage, v.manifestKey());
            var segments = m == null ? current.manifest() : m.segments();
            if (segments != null) {
                referenced.addAll(segments.objectKeys(engine.blockfiles, collection.dir));
            }
        }
        if (current.manifest() != null) {
            referenced.addAll(current.manifest().objectKeys(engine.blockfiles, collection.dir));
            referenced.add(VersionManifest.key(id, current.number()));
        }
        List<String> doomed = new ArrayList<>();
        long bytes = 0;
        for (String prefix : BucketLayout.immutablePrefixes(collection.dir)) {
            Iterator<ObjectInfo> it = engine.storage.list(prefix);
            while (it.hasNext()) {
                ObjectInfo o = it.next();
                if (!referenced.contains(o.key())) {
                    doomed.add(o.key());
                    bytes += o.size();
                }
            }
        }
        // The catalog forgets dropped versions first: a crash after this leaves only unreferenced objects.
        if (!dropped.isEmpty()) {
            List<Long> numbers = new ArrayList<>();
            for (VersionEntry v : dropped) {
                numbers.add(v.version());
            }
            engine.catalog.deleteVersions(id, numbers);
        }
        if (!doomed.isEmpty()) {
            engine.storage.deleteAll(doomed);
        }
        long walDeleted = 0;
        if (engine.config.s3Mode()) {
            walDeleted = WalArchiver.deleteArchivedBelow(
                    engine.storage, BucketLayout.walPrefix(id), current.logPosition() + 1);
        }
        if (!doomed.isEmpty() || !dropped.isEmpty()) {
            LOG.debug(
                    "GC of {}: dropped {} versions, deleted {} objects ({} bytes)",
                    collection,
                    dropped.size(),
                    doomed.size(),
                    bytes);
        }
        return new GcResult(dropped.size(), doomed.size(), bytes, walDeleted);
    }

    /** Deletes every object of collections the catalog no longer has. */
    GcResult collectDeletedCollections() {
        Set<UUID> known = new HashSet<>();
        for (CollectionEntry e : engine.catalog.allCollections()) {
            known.add(e.id());
        }
        List<String> doomed = new ArrayList<>();
        long bytes = 0;
        Iterator<ObjectInfo> it = engine.storage.list(BucketLayout.COLLECTIONS);
        while (it.hasNext()) {
            ObjectInfo o = it.next();
            String idText = BucketLayout.collectionIdOf(o.key());
            if (idText == null) {
                continue;
            }
            UUID id;
            try {
                id = UUID.fromString(idText);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (!known.contains(id)) {
                doomed.add(o.key());
                bytes += o.size();
            }
        }
        if (!doomed.isEmpty()) {
            engine.storage.deleteAll(doomed);
        }
        return new GcResult(0, doomed.size(), bytes, 0);
    }
}
