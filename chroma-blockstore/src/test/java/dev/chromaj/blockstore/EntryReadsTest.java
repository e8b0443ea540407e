package dev.chromaj.blockstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Point reads of record and embedding blocks keep the entries they read, not the blocks: a second read of the same
 * keys reads nothing from storage although the cache is far smaller than the blocks, values are exact and the
 * caller's own, and lookups of many keys of one block (or scans) still cache the block.
 */
class EntryReadsTest {
    private static final String DIR = "collection/entries";
    private static final int N = 4000;
    private static final int DIM = 8;
    private final MemoryStorage storage = new MemoryStorage();

    @AfterEach
    void close() {
        storage.close();
    }

    private static DataRecord record(int i) {
        float[] e = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            e[d] = i + d / 10f;
        }
        return new DataRecord("id-" + i, e, "document of record " + i + " ".repeat(200), Map.of("n", (long) i), null);
    }

    /** N records in blocks of ~16 KiB (about 60 records each), written with a store of its own. */
    private BlockfileRoot writeRecords() {
        try (BlockCache cache = BlockCache.builder().maxBytes(0).build();
                BlockfileStore store = new BlockfileStore(storage, cache, new BlockfileOptions(16 << 10, 2))) {
            BlockfileWriter<Integer, DataRecord> w = store.create(DIR, KeyType.U32, ValueType.DATA_RECORD);
            for (int i = 0; i < N; i++) {
                w.set("", i, record(i));
            }
            return w.commit();
        }
    }

    @Test
    void scatteredPointReadsCacheEntriesAndReadNothingTheSecondTime() {
        BlockfileRoot root = writeRecords();
        // A cache of 256 KiB: about 16 of the ~60 blocks, but hundreds of records.
        try (BlockCache cache = BlockCache.builder().maxBytes(256 << 10).build();
                BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.forLocal())) {
            BlockfileReader<Integer, DataRecord> r = store.open(DIR, root.id(), KeyType.U32, ValueType.DATA_RECORD);
            assertTrue(r.blockCount() > 40, "blocks: " + r.blockCount());
            // Two keys of every block, as hits spread over the collection are.
            List<Integer> hot = new ArrayList<>();
            for (int b = 0; b < r.blockCount(); b++) {
                int first = (Integer) r.rootIndex().firstKeys.get(b);
                hot.add(first);
                hot.add(first + 1);
            }
            Map<Integer, DataRecord> first = r.getMany("", hot);
            assertEquals(hot.size(), first.size());
            for (int k : hot) {
                assertEquals(record(k), first.get(k));
            }
            long readsAfterFirst = storage.gets();
            assertEquals(r.blockCount(), readsAfterFirst - 1, "one read per block (and the root)");
            cache.cleanUp();
            for (int round = 0; round < 3; round++) {
                Map<Integer, DataRecord> again = r.getMany("", hot);
                assertEquals(first, again);
                for (int k : hot.subList(0, 20)) {
                    assertEquals(record(k), r.get("", k));
                }
            }
            assertEquals(readsAfterFirst, storage.gets(), "the hot entries stay cached: no storage read");
            assertTrue(
                    cache.stats().bytes() < 128 << 10,
                    "entries, not blocks, are cached: " + cache.stats().bytes() + " bytes");
            // The caller's copy: changing it does not change what the next read returns.
            r.get("", hot.get(0)).embedding()[0] = -1f;
            assertArrayEquals(
                    record(hot.get(0)).embedding(), r.get("", hot.get(0)).embedding());
            // An absent key inside a block's range is answered, and cached, as absent.
            assertNull(r.get("", N + 7));
            assertFalse(r.getMany("", List.of(N + 7, N + 8)).containsKey(N + 7));
        }
    }

    @Test
    void denseLookupsAndScansCacheTheBlock() {
        BlockfileRoot root = writeRecords();
        try (BlockCache cache = BlockCache.builder().maxBytes(64 << 20).build();
                BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.forLocal())) {
            BlockfileReader<Integer, DataRecord> r = store.open(DIR, root.id(), KeyType.U32, ValueType.DATA_RECORD);
            String block0 = BlockfileStore.blockKey(DIR, root.blockIds().get(0));
            List<Integer> dense = new ArrayList<>();
            for (int k = 0; k < 20; k++) {
                dense.add(k);
            }
            assertEquals(20, r.getMany("", dense).size());
            assertTrue(cache.inMemory(block0), "many keys of one block cache the block");
            // Once the block is cached, point reads of its other keys are hits: no storage read.
            long reads = storage.gets();
            assertEquals(record(30), r.get("", 30));
            assertEquals(reads, storage.gets());
            // A scan caches blocks as before.
            String block5 = BlockfileStore.blockKey(DIR, root.blockIds().get(5));
            r.scan().forEachRemaining(e -> {});
            assertTrue(cache.inMemory(block5));
        }
    }

    @Test
    void storageReadsAreCountedByKind() {
        BlockfileRoot root = writeRecords();
        try (BlockCache cache = BlockCache.builder().maxBytes(64 << 20).build();
                BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.forLocal())) {
            BlockfileReader<Integer, DataRecord> r = store.open(DIR, root.id(), KeyType.U32, ValueType.DATA_RECORD);
            r.get("", 1);
            r.get("", N - 1);
            Map<String, BlockCache.StorageReads> reads = cache.storageReads();
            assertEquals(Set.of("root", "U32->DATA_RECORD"), reads.keySet());
            assertEquals(1, reads.get("root").objects());
            assertEquals(2, reads.get("U32->DATA_RECORD").objects());
            assertTrue(reads.get("U32->DATA_RECORD").bytes() > 0);
        }
    }
}
