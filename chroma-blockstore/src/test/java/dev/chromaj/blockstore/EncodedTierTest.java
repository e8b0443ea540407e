package dev.chromaj.blockstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The encoded tier of the block cache: blocks the decoded part has no room for are kept as stored (compressed) and
 * decoded again on the next lookup, without a storage read, and counted as hits; without an encoded share they are
 * read again.
 */
class EncodedTierTest {
    private static final String DIR = "collection/encoded";
    private static final int N = 4000;
    private final MemoryStorage storage = new MemoryStorage();

    @AfterEach
    void close() {
        storage.close();
    }

    private static DataRecord record(int i) {
        return new DataRecord(
                "id-" + i, null, "document " + i + " lorem ipsum".repeat(40), Map.of("n", (long) i), null);
    }

    /** N compressible records in blocks of ~16 KiB, written with a store of its own. */
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

    /** Reads one record of every block, {@code rounds} times; returns the storage reads of the later rounds. */
    private long laterReads(BlockCache cache, BlockfileRoot root, int rounds) {
        try (BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.forLocal())) {
            BlockfileReader<Integer, DataRecord> r = store.open(DIR, root.id(), KeyType.U32, ValueType.DATA_RECORD);
            assertTrue(r.blockCount() > 40, "blocks: " + r.blockCount());
            long after = 0;
            for (int round = 0; round < rounds; round++) {
                for (int b = 0; b < r.blockCount(); b++) {
                    int k = (Integer) r.rootIndex().firstKeys.get(b) + 1;
                    assertEquals(record(k), r.get("", k));
                }
                cache.cleanUp();
                if (round == 0) {
                    after = storage.gets();
                }
            }
            return storage.gets() - after;
        }
    }

    @Test
    void blocksWithoutRoomDecodedAreKeptCompressed() {
        BlockfileRoot root = writeRecords();
        // 512 KiB: a quarter (128 KiB) for decoded blocks, less than the ~1.9 MB of records decoded; the rest holds
        // them compressed.
        try (BlockCache cache =
                BlockCache.builder().maxBytes(512 << 10).encodedShare(0.75).build()) {
            assertEquals(0, laterReads(cache, root, 3), "every block is in memory, most of them compressed");
            BlockCache.Stats stats = cache.stats();
            assertTrue(stats.hits() >= 2 * stats.misses() - 2, "decoded again from memory counts as a hit: " + stats);
        }
    }

    @Test
    void withoutAnEncodedShareTheBlocksAreReadAgain() {
        BlockfileRoot root = writeRecords();
        try (BlockCache cache =
                BlockCache.builder().maxBytes(512 << 10).encodedShare(0).build()) {
            assertTrue(laterReads(cache, root, 3) > 40, "the decoded blocks do not fit: read again");
        }
        assertThrows(IllegalArgumentException.class, () -> BlockCache.builder().encodedShare(1));
    }
}
