package dev.chromaj;

import dev.chromaj.blockstore.BlockCache;
import dev.chromaj.blockstore.BlockfileOptions;
import dev.chromaj.blockstore.BlockfileStore;
import dev.chromaj.segment.SegmentManifest;
import dev.chromaj.storage.ObjectInfo;
import dev.chromaj.storage.Storage;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Test-side view of the objects in a storage, computed without the engine: which objects exist, and which ones the
 * version manifests present in storage reference (read through a fresh blockfile store, so no engine state is
 * trusted).
 */
final class StorageLayout {
    private StorageLayout() {}

    /** Every key under {@code prefix}. */
    static Set<String> keys(Storage storage, String prefix) {
        Set<String> keys = new TreeSet<>();
        Iterator<ObjectInfo> it = storage.list(prefix);
        while (it.hasNext()) {
            keys.add(it.next().key());
        }
        return keys;
    }

    /** Keys of the segment objects (blocks, roots, manifests) of a collection, without its archived WAL. */
    static Set<String> segmentObjects(Storage storage, UUID collection) {
        Set<String> keys = new TreeSet<>();
        for (String key : keys(storage, "collection/" + collection + "/")) {
            if (!key.contains("/wal/")) {
                keys.add(key);
            }
        }
        return keys;
    }

    /** Version numbers whose manifest is in storage. */
    static Set<Long> manifestVersions(Storage storage, UUID collection) {
        Set<Long> versions = new TreeSet<>();
        for (String key : keys(storage, VersionManifest.prefix(collection))) {
            String name = key.substring(key.lastIndexOf('/') + 1);
            versions.add(Long.parseLong(name.substring(0, name.length() - ".json".length())));
        }
        return versions;
    }

    /** The manifests in storage plus every root and block they reference. */
    static Set<String> referencedByManifests(Storage storage, UUID collection) {
        Set<String> expected = new TreeSet<>();
        String dir = "collection/" + collection;
        try (BlockCache cache = BlockCache.builder().maxBytes(64L << 20).build();
                BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.defaults())) {
            for (String key : keys(storage, VersionManifest.prefix(collection))) {
                expected.add(key);
                VersionManifest manifest = VersionManifest.parse(key, storage.get(key));
                SegmentManifest segments = manifest.segments();
                if (segments != null) {
                    for (UUID root : segments.roots().values()) {
                        expected.addAll(store.objectKeys(dir, root));
                    }
                }
            }
        }
        return expected;
    }
}
