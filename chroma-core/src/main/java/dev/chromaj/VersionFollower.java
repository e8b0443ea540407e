package dev.chromaj;

import dev.chromaj.catalog.CollectionEntry;
import dev.chromaj.storage.BucketLayout;
import dev.chromaj.storage.ObjectInfo;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a read-only client up to date with the writer: every {@code followInterval} it brings the catalog up to
 * date and switches each open collection to the version the catalog names, opens new collections and drops deleted
 * ones.
 *
 * <p>With S3 the reader's catalog is its own, so the follower first imports what changed in the bucket. One HEAD
 * request of {@link BucketLayout#MANIFEST_HEAD}, which the writer rewrites after every manifest, tells whether
 * anything changed since the last import; only then (or when the head is missing, as with a writer of an older
 * release, and at least every {@value #FULL_SCAN_EVERY} polls) the manifests are listed as {@link CatalogRecovery#scan}
 * does (the collection folders, then each one's version folder: one request per collection, however many blocks it
 * has) to find the newest version manifest of every collection, and only collections whose newest manifest changed
 * (number or ETag) are read again. Locally the reader shares the writer's catalog file, which already shows every commit.
 *
 * <p>Thread-safe: polls are serialized.
 */
final class VersionFollower {
    private static final Logger LOG = LoggerFactory.getLogger(VersionFollower.class);

    private final Engine engine;
    private final CatalogRecovery recovery;
    /** Polls after which the follower lists the collections even though the manifest head did not change. */
    static final int FULL_SCAN_EVERY = 20;

    /** Key and ETag of the newest manifest last imported, per collection (S3 only). */
    private final Map<UUID, String> imported = new HashMap<>();
    /** ETag of the manifest head when every change it announced was imported; null: list at the next poll. */
    private String importedHead;
    /** Polls since the last listing. */
    private int pollsSinceScan;

    VersionFollower(Engine engine) {
        this.engine = engine;
        this.recovery = new CatalogRecovery(engine);
    }

    // the task catches and logs its own failures; the engine stops it by shutting the executor down
    @SuppressWarnings("FutureReturnValueIgnored")
    void start(ScheduledExecutorService executor) {
        long millis = engine.config.followInterval().toMillis();
        executor.scheduleWithFixedDelay(
                () -> {
                    try {
                        poll();
                    } catch (RuntimeException e) {
                        if (!engine.isClosed()) {
                            LOG.warn("Following the writer's versions failed, will retry: {}", e.toString());
                        }
                    }
                },
                millis,
                millis,
                TimeUnit.MILLISECONDS);
    }

    /** Catches up now; returns the number of collections whose state changed. */
    synchronized int poll() {
        if (engine.config.s3Mode()) {
            importChanges();
        }
        return engine.followCatalog();
    }

    private void importChanges() {
        String head = engine.storage
                .head(BucketLayout.MANIFEST_HEAD)
                .map(ObjectInfo::etag)
                .orElse(null);
        if (head != null && head.equals(importedHead) && ++pollsSinceScan < FULL_SCAN_EVERY) {
            return; // no manifest was written since the last import
        }
        pollsSinceScan = 0;
        importedHead = importAll() ? head : null;
    }

    /** Lists the manifests and imports what changed; false when a collection could not be imported yet. */
    private boolean importAll() {
        boolean complete = true;
        Map<UUID, NavigableMap<Long, ObjectInfo>> manifests = recovery.scan();
        Set<UUID> gone = new HashSet<>();
        for (CollectionEntry e : engine.catalog.allCollections()) {
            if (!manifests.containsKey(e.id())) {
                gone.add(e.id());
            }
        }
        Map<UUID, VersionManifest> changed = new HashMap<>();
        for (Map.Entry<UUID, NavigableMap<Long, ObjectInfo>> e : manifests.entrySet()) {
            if (!tag(e.getValue()).equals(imported.get(e.getKey()))) {
                String key = e.getValue().lastEntry().getValue().key();
                VersionManifest newest = VersionManifest.read(engine.storage, key);
                if (newest.deleted()) {
                    gone.add(e.getKey());
                    imported.put(e.getKey(), tag(e.getValue()));
                } else {
                    changed.put(e.getKey(), newest);
                }
            }
        }
        // Deletions first, so a new collection may take a deleted one's name.
        for (UUID id : gone) {
            if (engine.catalog.getCollection(id).isPresent()) {
                engine.catalog.deleteCollection(id);
            }
        }
        for (Map.Entry<UUID, VersionManifest> e : changed.entrySet()) {
            NavigableMap<Long, ObjectInfo> versions = manifests.get(e.getKey());
            try {
                recovery.importCollection(e.getKey(), versions, e.getValue());
                imported.put(e.getKey(), tag(versions));
            } catch (RuntimeException ex) {
                // e.g. the writer's GC removed an older manifest between the listing and the read: next poll
                LOG.debug("Could not import collection {} yet: {}", e.getKey(), ex.toString());
                complete = false;
            }
        }
        imported.keySet().retainAll(manifests.keySet());
        return complete;
    }

    private static String tag(NavigableMap<Long, ObjectInfo> versions) {
        ObjectInfo newest = versions.lastEntry().getValue();
        return newest.key() + "@" + newest.etag();
    }
}
