package dev.chromaj;

import dev.chromaj.catalog.CollectionEntry;
import dev.chromaj.catalog.VersionEntry;
import dev.chromaj.storage.BucketLayout;
import dev.chromaj.storage.ObjectInfo;
import dev.chromaj.storage.ObjectStorageException;
import dev.chromaj.storage.Storage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds an empty catalog from the version manifests in storage: with S3 for a fresh machine or a lost local
 * folder, on a local folder when its catalog file was deleted or lost. The newest manifest of each collection wins;
 * collections whose newest manifest marks them deleted stay deleted. Writes after a collection's compacted position
 * come from its WAL when the collection is opened (restored from the archive with S3, the folder's own otherwise).
 *
 * <p>Cost: one listing of the collection folders ({@link Storage#listFolders}, 1,000 collections per request), one
 * listing of each collection's {@code version/} folder (concurrently, at most {@value #LISTINGS_IN_FLIGHT} at a time),
 * then every manifest read concurrently: the newest of each collection first, then the older ones of the collections
 * not deleted (their log positions go into the version list). Blocks, roots and WAL files are never listed, so the
 * cost does not grow with the size of the collections.
 */
final class CatalogRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogRecovery.class);

    /** Version folders listed at the same time (each listing is one request per 1,000 versions). */
    static final int LISTINGS_IN_FLIGHT = 16;

    private final Engine engine;

    CatalogRecovery(Engine engine) {
        this.engine = engine;
    }

    /** Returns the number of collections recovered; logs at INFO what it rebuilt when storage held any manifest. */
    int recover() {
        long start = System.nanoTime();
        Map<UUID, NavigableMap<Long, ObjectInfo>> manifests = scan(engine.storage);
        if (manifests.isEmpty()) {
            return 0;
        }
        LOG.info(
                "Rebuilding the catalog of {} from the version manifests of {} collections in storage",
                engine,
                manifests.size());
        List<String> newestKeys = new ArrayList<>();
        for (NavigableMap<Long, ObjectInfo> versions : manifests.values()) {
            newestKeys.add(versions.lastEntry().getValue().key());
        }
        Map<String, VersionManifest> newest = readAll(engine.storage, newestKeys);
        List<String> olderKeys = new ArrayList<>();
        for (NavigableMap<Long, ObjectInfo> versions : manifests.values()) {
            VersionManifest m = newest.get(versions.lastEntry().getValue().key());
            if (!m.deleted()) {
                olderKeys.addAll(olderKeys(versions, m));
            }
        }
        Map<String, VersionManifest> older = readAll(engine.storage, olderKeys);
        int recovered = 0;
        for (Map.Entry<UUID, NavigableMap<Long, ObjectInfo>> e : manifests.entrySet()) {
            VersionManifest m = newest.get(e.getValue().lastEntry().getValue().key());
            if (importCollection(e.getKey(), e.getValue(), m, older) != null) {
                recovered++;
            }
        }
        LOG.info(
                "Rebuilt the catalog of {}: {} collections ({} deleted ones left deleted) from {} manifests in {} ms",
                engine,
                recovered,
                manifests.size() - recovered,
                newestKeys.size() + olderKeys.size(),
                (System.nanoTime() - start) / 1_000_000);
        return recovered;
    }

    /** Every version manifest in storage, by collection and version number. */
    Map<UUID, NavigableMap<Long, ObjectInfo>> scan() {
        return scan(engine.storage);
    }

    /**
     * Every version manifest in {@code storage}, by collection and version number: the collection folders, then each
     * one's version folder (listed concurrently); nothing else is listed.
     */
    static Map<UUID, NavigableMap<Long, ObjectInfo>> scan(Storage storage) {
        List<UUID> ids = new ArrayList<>();
        Iterator<String> folders = storage.listFolders(BucketLayout.COLLECTIONS);
        while (folders.hasNext()) {
            String folder = folders.next();
            String id = folder.substring(BucketLayout.COLLECTIONS.length(), folder.length() - 1);
            try {
                ids.add(UUID.fromString(id));
            } catch (IllegalArgumentException e) {
                LOG.warn("Ignoring unexpected folder {} while recovering the catalog", folder);
            }
        }
        Map<UUID, NavigableMap<Long, ObjectInfo>> manifests = new HashMap<>();
        if (ids.size() <= 1) {
            for (UUID id : ids) {
                put(manifests, id, versions(storage, id));
            }
            return manifests;
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(LISTINGS_IN_FLIGHT, ids.size()), r -> {
            Thread t = new Thread(r, "chromaj-catalog-listing-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            Map<UUID, CompletableFuture<NavigableMap<Long, ObjectInfo>>> listings = new LinkedHashMap<>();
            for (UUID id : ids) {
                listings.put(id, CompletableFuture.supplyAsync(() -> versions(storage, id), pool));
            }
            for (Map.Entry<UUID, CompletableFuture<NavigableMap<Long, ObjectInfo>>> e : listings.entrySet()) {
                put(manifests, e.getKey(), join(e.getValue()));
            }
        } finally {
            pool.shutdownNow();
        }
        return manifests;
    }

    private static void put(
            Map<UUID, NavigableMap<Long, ObjectInfo>> manifests, UUID id, NavigableMap<Long, ObjectInfo> versions) {
        if (!versions.isEmpty()) {
            manifests.put(
                    id, versions); // a folder without manifests (blocks of a collection never committed) is not one
        }
    }

    /** The version manifests of one collection, by version number. */
    private static NavigableMap<Long, ObjectInfo> versions(Storage storage, UUID id) {
        NavigableMap<Long, ObjectInfo> versions = new TreeMap<>();
        Iterator<ObjectInfo> it = storage.list(BucketLayout.versionPrefix(id));
        while (it.hasNext()) {
            ObjectInfo info = it.next();
            BucketLayout.VersionKey parsed = BucketLayout.parseVersionKey(info.key());
            if (parsed == null || !parsed.collectionId().equals(id)) {
                LOG.warn("Ignoring unexpected object {} while recovering the catalog", info.key());
                continue;
            }
            versions.put(parsed.version(), info);
        }
        return versions;
    }

    /**
     * Writes one collection, as its newest manifest describes it, with its versions into the catalog; the older
     * manifests (for their log positions) are read concurrently. Returns the entry, or null when the newest manifest
     * marks the collection deleted (nothing is imported then).
     */
    CollectionEntry importCollection(UUID id, NavigableMap<Long, ObjectInfo> manifests, VersionManifest newest) {
        Map<String, VersionManifest> older =
                newest.deleted() ? Map.of() : readAll(engine.storage, olderKeys(manifests, newest));
        return importCollection(id, manifests, newest, older);
    }

    /** {@link #importCollection(UUID, NavigableMap, VersionManifest)} with the older manifests read already. */
    private CollectionEntry importCollection(
            UUID id,
            NavigableMap<Long, ObjectInfo> manifests,
            VersionManifest newest,
            Map<String, VersionManifest> older) {
        if (newest.deleted()) {
            return null;
        }
        List<VersionEntry> versions = new ArrayList<>();
        for (Map.Entry<Long, ObjectInfo> v : manifests.entrySet()) {
            if (v.getKey() > 0 && v.getKey() <= newest.version()) {
                String key = v.getValue().key();
                long logPosition = v.getKey().equals(newest.version())
                        ? newest.logPosition()
                        : older.get(key).logPosition();
                versions.add(new VersionEntry(id, v.getKey(), key, logPosition, newest.createdAt()));
            }
        }
        CollectionEntry entry = newest.toEntry();
        engine.catalog.importCollection(entry, versions);
        return entry;
    }

    /** The keys of the manifests older than {@code newest} whose log positions the version list needs. */
    private static List<String> olderKeys(NavigableMap<Long, ObjectInfo> manifests, VersionManifest newest) {
        List<String> keys = new ArrayList<>();
        for (Map.Entry<Long, ObjectInfo> v : manifests.entrySet()) {
            if (v.getKey() > 0 && v.getKey() < newest.version()) {
                keys.add(v.getValue().key());
            }
        }
        return keys;
    }

    /** Reads and checks the manifests, all requests in flight at once (the storage bounds them). */
    static Map<String, VersionManifest> readAll(Storage storage, List<String> keys) {
        Map<String, CompletableFuture<byte[]>> reads = new LinkedHashMap<>();
        for (String key : keys) {
            reads.put(key, storage.getAsync(key));
        }
        Map<String, VersionManifest> out = new HashMap<>();
        for (Map.Entry<String, CompletableFuture<byte[]>> e : reads.entrySet()) {
            out.put(e.getKey(), VersionManifest.parse(e.getKey(), join(e.getValue())));
        }
        return out;
    }

    /** The result, with a storage failure translated as a synchronous read would be. */
    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                    && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof ObjectStorageException se) {
                throw Errors.translate(se);
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recovering the catalog", e);
        }
    }
}
