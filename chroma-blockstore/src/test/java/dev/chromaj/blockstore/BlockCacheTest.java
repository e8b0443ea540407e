package dev.chromaj.blockstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The block cache: one read per concurrent miss, the byte bound, and the disk tier. */
class BlockCacheTest {
    private static final String DIR = "collection/cache";
    private final MemoryStorage storage = new MemoryStorage();

    @TempDir
    Path diskDir;

    @AfterEach
    void close() {
        storage.close();
    }

    /**
     * Writes 4000 u32 → string entries in ~4 KiB blocks with a separate store, so no cache is warm; uncompressed, so
     * that a test can find and damage a value's bytes in place.
     */
    private BlockfileRoot writeNumbers() {
        try (BlockCache cache = BlockCache.builder().maxBytes(0).build();
                BlockfileStore store =
                        new BlockfileStore(storage, cache, new BlockfileOptions(4096, 2).withCompression(false))) {
            BlockfileWriter<Integer, String> w = store.create(DIR, KeyType.U32, ValueType.STRING);
            for (int i = 0; i < 4000; i++) {
                w.set("", i, "value-" + i);
            }
            return w.commit();
        }
    }

    @Test
    void concurrentMissesOnOneBlockReadStorageOnce() throws Exception {
        BlockfileRoot root = writeNumbers();
        try (BlockCache cache = BlockCache.builder().maxBytes(64 << 20).build();
                BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.forLocal())) {
            BlockfileReader<Integer, String> r = store.open(DIR, root.id(), KeyType.U32, ValueType.STRING);
            String blockKey = BlockfileStore.blockKey(DIR, root.blockIds().get(2));
            int key = (Integer) r.rootIndex().firstKeys.get(2);
            storage.getDelayMillis = 300;
            int threads = 8;
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<String>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        return r.get("", key);
                    }));
                }
                start.countDown();
                for (Future<String> f : results) {
                    assertEquals("value-" + key, f.get());
                }
            } finally {
                pool.shutdown();
            }
            assertEquals(1, storage.getsOf(blockKey));
            BlockCache.Stats stats = cache.stats();
            assertEquals(threads + 1, stats.hits() + stats.misses(), stats.toString()); // + the root
            assertEquals(2, stats.loads(), stats.toString());
        }
    }

    @Test
    void theByteBoundHoldsAndEvictionsAreCounted() {
        BlockfileRoot root = writeNumbers();
        long bound = 48 << 10;
        try (BlockCache cache = BlockCache.builder().maxBytes(bound).build();
                BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.forLocal())) {
            BlockfileReader<Integer, String> r = store.open(DIR, root.id(), KeyType.U32, ValueType.STRING);
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < 4000; i += 7) {
                    assertEquals("value-" + i, r.get("", i));
                    cache.cleanUp();
                    assertTrue(cache.stats().bytes() <= bound, cache.stats().toString());
                }
            }
            BlockCache.Stats stats = cache.stats();
            assertTrue(stats.evictions() > 0, stats.toString());
            assertTrue(stats.bytes() > 0, stats.toString());
            assertTrue(stats.hits() > stats.misses(), stats.toString());
        }
    }

    @Test
    void theDiskTierServesBlocksEvictedFromMemory() {
        BlockfileRoot root = writeNumbers();
        try (BlockCache cache = BlockCache.builder()
                        .maxBytes(64 << 20)
                        .encodedShare(0) // the disk tier, not the encoded one, serves what memory evicts
                        .diskTier(diskDir, 64 << 20)
                        .build();
                BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.forLocal())) {
            BlockfileReader<Integer, String> r = store.open(DIR, root.id(), KeyType.U32, ValueType.STRING);
            String blockKey = BlockfileStore.blockKey(DIR, root.blockIds().get(0));
            assertEquals("value-1", r.get("", 1));
            assertEquals(1, storage.getsOf(blockKey));
            cache.disk().awaitWrites();
            cache.evictFromMemory(blockKey);
            assertFalse(cache.inMemory(blockKey));

            assertEquals("value-2", r.get("", 2));
            assertEquals(1, storage.getsOf(blockKey), "served from disk, not storage");
            assertEquals(1, cache.stats().diskHits());
        }
    }

    @Test
    void aDamagedDiskFileIsRefetchedFromStorageAndNeverReturned() throws IOException {
        BlockfileRoot root = writeNumbers();
        try (BlockCache cache = BlockCache.builder()
                        .maxBytes(64 << 20)
                        .encodedShare(0) // the disk tier, not the encoded one, serves what memory evicts
                        .diskTier(diskDir, 64 << 20)
                        .build();
                BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.forLocal())) {
            BlockfileReader<Integer, String> r = store.open(DIR, root.id(), KeyType.U32, ValueType.STRING);
            String blockKey = BlockfileStore.blockKey(DIR, root.blockIds().get(0));
            assertEquals("value-1", r.get("", 1));
            cache.disk().awaitWrites();
            Path file = cache.disk().fileOf(blockKey);
            byte[] bytes = Files.readAllBytes(file);
            // Damage a value byte (a readable but wrong value if the checksum were not checked).
            int at = indexOf(bytes, "value-1".getBytes(StandardCharsets.UTF_8));
            bytes[at + 6] = '9';
            Files.write(file, bytes);
            cache.evictFromMemory(blockKey);

            assertEquals("value-1", r.get("", 1));
            assertEquals(2, storage.getsOf(blockKey), "re-fetched from storage");
            assertEquals(0, cache.stats().diskHits());
            cache.disk().awaitWrites();
            cache.evictFromMemory(blockKey);
            assertEquals("value-1", r.get("", 1));
            assertEquals(1, cache.stats().diskHits(), "the re-fetched copy went back to disk");
        }
    }

    @Test
    void theDiskTierKeepsToItsByteBoundAndReusesFilesAfterARestart() throws IOException {
        BlockfileRoot root = writeNumbers();
        long diskBound = 16 << 10;
        try (BlockCache cache = BlockCache.builder()
                        .maxBytes(0)
                        .diskTier(diskDir, diskBound)
                        .build();
                BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.forLocal())) {
            BlockfileReader<Integer, String> r = store.open(DIR, root.id(), KeyType.U32, ValueType.STRING);
            for (int i = 0; i < 4000; i += 50) {
                assertEquals("value-" + i, r.get("", i));
            }
            cache.disk().awaitWrites();
            assertTrue(folderBytes() <= diskBound, "disk tier holds " + folderBytes() + " bytes");
        }
        long firstRunReads = storage.gets();
        // The restart gets room for every block, so the new run's own writes never evict an adopted file before it
        // is read (which blocks stay within the first run's bound is Caffeine's admission policy's choice).
        try (BlockCache cache = BlockCache.builder()
                        .maxBytes(64 << 20)
                        .diskTier(diskDir, 16 * diskBound)
                        .build();
                BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.forLocal())) {
            BlockfileReader<Integer, String> r = store.open(DIR, root.id(), KeyType.U32, ValueType.STRING);
            for (int i = 0; i < 4000; i += 50) {
                assertEquals("value-" + i, r.get("", i));
            }
            assertTrue(cache.stats().diskHits() >= 1, "files of the previous run are reused: " + cache.stats());
            assertTrue(storage.gets() - firstRunReads < firstRunReads, "fewer storage reads than the first run");
        }
    }

    private long folderBytes() throws IOException {
        try (Stream<Path> files = Files.list(diskDir)) {
            return files.mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @Test
    void aMissingObjectFailsWithItsKeyAndIsNotCached() {
        try (BlockCache cache = BlockCache.builder().maxBytes(1 << 20).build();
                BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.forLocal())) {
            UUID id = UUID.randomUUID();
            dev.chromaj.storage.ObjectNotFoundException e = assertThrows(
                    dev.chromaj.storage.ObjectNotFoundException.class,
                    () -> store.open(DIR, id, KeyType.U32, ValueType.STRING));
            assertTrue(e.getMessage().contains(BlockfileStore.rootKey(DIR, id)), e.getMessage());
            cache.cleanUp();
            assertEquals(0, cache.stats().bytes());
        }
    }

    @Test
    void builderRejectsBadBounds() {
        assertThrows(IllegalArgumentException.class, () -> BlockCache.builder().maxBytes(-1));
        assertThrows(IllegalArgumentException.class, () -> BlockCache.builder().diskTier(diskDir, 0));
        IllegalStateException e = assertThrows(
                IllegalStateException.class, () -> BlockCache.builder().build());
        assertTrue(e.getMessage().contains("maxBytes"));
        try (BlockCache cache = BlockCache.builder().maxBytes(10).build()) {
            assertNotNull(cache.stats());
            assertEquals(10, cache.maxBytes());
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            if (i + needle.length < haystack.length && haystack[i + needle.length] == 'v') {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
