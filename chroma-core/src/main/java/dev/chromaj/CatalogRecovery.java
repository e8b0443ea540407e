package dev.chromaj;

import dev.chromaj.catalog.CollectionEntry;
import dev.chromaj.catalog.VersionEntry;
import dev.chromaj.storage.ObjectInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds an empty catalog from the version manifests in storage: with S3 for a fresh machine or a lost local
 * folder, on a local folder when its catalog file was deleted or lost. The newest manifest of each collection wins;
 * collections whose newest manifest marks them deleted stay deleted. Writes after a collection's compacted position
 * come from its WAL when the collection is opened (restored from the archive with S3, the folder's own otherwise).
 */
final class CatalogRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(CatalogRecovery.class);

    private final Engine engine;

    CatalogRecovery(Engine engine) {
        this.engine = engine;
    }

    /** Returns the number of collections recovered; logs at INFO what it rebuilt when storage held any manifest. */
    int recover() {
        long start = System.nanoTime();
        Map<UUID, NavigableMap<Long, ObjectInfo>> manifests = scan();
        if (manifests.isEmpty()) {
            return 0;
        }
        LOG.info(
                "Rebuilding the catalog of {} from the version manifests of {} collections in storage",
                engine,
                manifests.size());
        int recovered = 0;
        for (Map.Entry<UUID, NavigableMap<Long, ObjectInfo>> e : manifests.entrySet()) {
            if (importCollection(e.getKey(), e.getValue()) != null) {
                recovered++;
            }
        }
        LOG.info(
                "Rebuilt the catalog of {}: {} collections ({} deleted ones left deleted) in {} ms",
                engine,
                recovered,
                manifests.size() - recovered,
                (System.nanoTime() - start) / 1_000_000);
        return recovered;
    }

    /** Every version manifest in storage, by collection and version number. */
    Map<UUID, NavigableMap<Long, ObjectInfo>> scan() {
        Map<UUID, NavigableMap<Long, ObjectInfo>> manifests = new HashMap<>();
        Iterator<ObjectInfo> it = engine.storage.list("collection/");
        while (it.hasNext()) {
            ObjectInfo info = it.next();
            String key = info.key();
            // collection/<uuid>/version/<n>.json
            String[] parts = key.split("/", -1);
            if (parts.length != 4 || !parts[2].equals("version") || !parts[3].endsWith(".json")) {
                continue;
            }
            try {
                UUID id = UUID.fromString(parts[1]);
                long version = Long.parseLong(parts[3].substring(0, parts[3].length() - ".json".length()));
                manifests.computeIfAbsent(id, k -> new TreeMap<>()).put(version, info);
            } catch (IllegalArgumentException e) {
                LOG.warn("Ignoring unexpected object {} while recovering the catalog", key);
            }
        }
        return manifests;
    }

    /**
     * Writes one collection, as its newest manifest describes it, with its versions into the catalog. Returns the
     * entry, or null when the newest manifest marks the collection deleted (nothing is imported then).
     */
    CollectionEntry importCollection(UUID id, NavigableMap<Long, ObjectInfo> manifests) {
        return importCollection(
                id,
                manifests,
                VersionManifest.read(
                        engine.storage, manifests.lastEntry().getValue().key()));
    }

    /** {@link #importCollection(UUID, NavigableMap)} when the newest manifest was read already. */
    CollectionEntry importCollection(UUID id, NavigableMap<Long, ObjectInfo> manifests, VersionManifest newest) {
        if (newest.deleted()) {
            return null;
        }
        List<VersionEntry> versions = new ArrayList<>();
        for (Map.Entry<Long, ObjectInfo> v : manifests.entrySet()) {
            if (v.getKey() > 0 && v.getKey() <= newest.version()) {
                String key = v.getValue().key();
                long logPosition = v.getKey().equals(newest.version())
                        ? newest.logPosition()
                        : VersionManifest.read(engine.storage, key).logPosition();
                versions.add(new VersionEntry(id, v.getKey(), key, logPosition, newest.createdAt()));
            }
        }
        CollectionEntry entry = newest.toEntry();
        engine.catalog.importCollection(entry, versions);
        return entry;
    }
}
