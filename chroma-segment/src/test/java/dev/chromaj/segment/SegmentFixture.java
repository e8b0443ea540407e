package dev.chromaj.segment;

import dev.chromaj.blockstore.BlockCache;
import dev.chromaj.blockstore.BlockfileOptions;
import dev.chromaj.blockstore.BlockfileStore;
import dev.chromaj.storage.LocalStorage;
import java.nio.file.Path;
import java.util.UUID;

/** A block store on a local temp folder with small blocks, so that few records span many blocks. */
final class SegmentFixture implements AutoCloseable {

    final LocalStorage storage;
    final BlockCache cache;
    final BlockfileStore store;
    final String dir = "collection/" + UUID.randomUUID();

    SegmentFixture(Path folder, long maxBlockBytes) {
        this(folder, maxBlockBytes, 64L << 20);
    }

    SegmentFixture(Path folder, long maxBlockBytes, long cacheBytes) {
        storage = new LocalStorage(folder);
        cache = BlockCache.builder().maxBytes(cacheBytes).build();
        store = new BlockfileStore(storage, cache, new BlockfileOptions(maxBlockBytes, 2));
    }

    @Override
    public void close() {
        store.close();
        cache.close();
        storage.close();
    }
}
