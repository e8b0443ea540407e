package dev.chromaj.benchmarks.blockstore;

import dev.chromaj.blockstore.BlockCache;
import dev.chromaj.blockstore.BlockfileOptions;
import dev.chromaj.blockstore.BlockfileRoot;
import dev.chromaj.blockstore.BlockfileStore;
import dev.chromaj.blockstore.BlockfileWriter;
import dev.chromaj.blockstore.KeyType;
import dev.chromaj.blockstore.ValueType;
import dev.chromaj.storage.BucketLayout;
import dev.chromaj.storage.LocalStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/** A LocalStorage in a temporary folder with one u32 → u32 blockfile of {@code n} entries (keys 0..n-1). */
final class BenchmarkBlockfile implements AutoCloseable {
    static final String DIR = "collection/bench";

    final Path folder;
    final LocalStorage storage;
    final BlockCache cache;
    final BlockfileStore store;
    final BlockfileRoot root;

    BenchmarkBlockfile(int n, long maxBlockBytes, long cacheBytes) throws IOException {
        folder = Files.createTempDirectory("chromaj-blockstore-bench");
        storage = new LocalStorage(folder);
        cache = BlockCache.builder().maxBytes(cacheBytes).build();
        store = new BlockfileStore(storage, cache, new BlockfileOptions(maxBlockBytes, 2));
        BlockfileWriter<Integer, Integer> w = store.create(DIR, KeyType.U32, ValueType.U32);
        for (int i = 0; i < n; i++) {
            w.set("", i, i * 7);
        }
        root = w.commit();
    }

    static String uniqueDir() {
        return BucketLayout.collectionDir(UUID.randomUUID());
    }

    @Override
    public void close() throws IOException {
        store.close();
        cache.close();
        storage.close();
        deleteRecursively(folder);
    }

    static void deleteRecursively(Path folder) throws IOException {
        try (Stream<Path> walk = Files.walk(folder)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
