package dev.chromaj.blockstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The adaptive split of the block cache between decoded and compressed blocks: nothing compressed while the blocks
 * read fit decoded; the compressed part grows when evicted blocks are read again, and the hit rate with it; it shrinks
 * back when the lookups return to a small set; a pinned share does not move.
 */
class CacheSplitTest {
    private static final String DIR = "collection/split";
    private static final int N = 4000;
    /** 512 KiB of cache against ~1.9 MB of decoded records in ~16 KiB blocks. */
    private static final long CACHE = 512 << 10;

    private final MemoryStorage storage = new MemoryStorage();

    @AfterEach
    void close() {
        storage.close();
    }

    private static DataRecord record(int i) {
        return new DataRecord(
                "id-" + i, null, "document " + i + " lorem ipsum".repeat(40), Map.of("n", (long) i), null);
    }

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

    /** Lookups of one round and what they cost: cache hits, misses and storage reads. */
    private record Round(long hits, long misses, long reads) {
        double hitRate() {
            return (double) hits / (hits + misses);
        }
    }

    /** Reads one record of each of the blocks {@code [0, blocks)}, {@code rounds} times; counts the last round. */
    private Round rounds(BlockCache cache, BlockfileReader<Integer, DataRecord> r, int blocks, int rounds) {
        Round last = null;
        for (int round = 0; round < rounds; round++) {
            BlockCache.Stats before = cache.stats();
            long reads = storage.gets();
            for (int b = 0; b < blocks; b++) {
                int k = (Integer) r.rootIndex().firstKeys.get(b) + 1;
                assertEquals(record(k), r.get("", k));
                cache.cleanUp(); // evictions in lookup order, so that the run is repeatable
            }
            BlockCache.Stats after = cache.stats();
            last = new Round(after.hits() - before.hits(), after.misses() - before.misses(), storage.gets() - reads);
        }
        return last;
    }

    /** Whether the decoded tier holds the blocks {@code [0, blocks)}. */
    private static boolean decoded(BlockCache cache, BlockfileRoot root, int blocks) {
        for (int b = 0; b < blocks; b++) {
            if (!cache.inMemory(BlockfileStore.blockKey(DIR, root.blockIds().get(b)))) {
                return false;
            }
        }
        return true;
    }

    /** The decoded bytes the cache holds after one read of each of the blocks {@code [0, blocks)}. */
    private long decodedWeight(BlockCache cache, BlockfileReader<Integer, DataRecord> r, int blocks) {
        rounds(cache, r, blocks, 1);
        return cache.stats().bytes();
    }

    @Test
    void aWorkingSetThatFitsDecodedKeepsNothingCompressed() {
        BlockfileRoot root = writeRecords();
        try (BlockCache cache = BlockCache.builder().maxBytes(CACHE).build();
                BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.forLocal())) {
            assertTrue(cache.adaptiveSplit(), "adaptive by default");
            BlockfileReader<Integer, DataRecord> r = store.open(DIR, root.id(), KeyType.U32, ValueType.DATA_RECORD);
            int blocks = 12;
            assertTrue(decodedWeight(cache, r, blocks) < CACHE / 2, "the working set fits decoded");
            Round last = rounds(cache, r, blocks, 5);
            assertEquals(new Round(blocks, 0, 0), last, "every lookup a hit, nothing read");
            assertEquals(0, cache.encodedMaxBytes());
            assertEquals(0, cache.encodedBytes(), "no compressed copy kept");
            assertArrayEquals(new long[] {0, 0}, cache.splitMoves());
            for (int b = 0; b < blocks; b++) {
                assertTrue(
                        cache.inMemory(
                                BlockfileStore.blockKey(DIR, root.blockIds().get(b))),
                        "decoded hit");
            }
        }
    }

    @Test
    void aWorkingSetLargerThanTheCacheDecodedGrowsTheCompressedPartAndTheHitRate() {
        BlockfileRoot root = writeRecords();
        Round decodedOnly;
        int blocks;
        try (BlockCache cache =
                        BlockCache.builder().maxBytes(CACHE).encodedShare(0).build();
                BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.forLocal())) {
            BlockfileReader<Integer, DataRecord> r = store.open(DIR, root.id(), KeyType.U32, ValueType.DATA_RECORD);
            blocks = r.blockCount() * 2 / 3;
            decodedOnly = rounds(cache, r, blocks, 6);
            assertEquals(0, cache.encodedBytes());
        }
        try (BlockCache cache = BlockCache.builder().maxBytes(CACHE).build();
                BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.forLocal())) {
            BlockfileReader<Integer, DataRecord> r = store.open(DIR, root.id(), KeyType.U32, ValueType.DATA_RECORD);
            Round auto = rounds(cache, r, blocks, 6);
            assertTrue(cache.encodedMaxBytes() > CACHE / 2, "grown: " + cache.encodedMaxBytes());
            assertTrue(cache.encodedMaxBytes() <= (long) (CACHE * BlockCache.MAX_AUTO_ENCODED_SHARE));
            assertTrue(cache.encodedBytes() > 0 && cache.encodedBytes() <= cache.encodedMaxBytes());
            assertTrue(cache.splitMoves()[0] > 0, "grew");
            assertTrue(decodedOnly.reads() > blocks / 4, "decoded only, blocks are read again: " + decodedOnly);
            // Nearly all in memory once grown.
            assertTrue(auto.reads() * 10 < decodedOnly.reads(), auto + " against " + decodedOnly + " decoded only");
            assertTrue(
                    auto.hitRate() > decodedOnly.hitRate() + 0.2,
                    "hit rate " + auto.hitRate() + " against " + decodedOnly.hitRate() + " decoded only");
            // Once the compressed part holds the working set, probing a smaller one (one step back per as many
            // decodes as the near list spans steps) costs almost no read again.
            long reads = storage.gets();
            long shrinks = cache.splitMoves()[1];
            rounds(cache, r, blocks, 30);
            long probed = storage.gets() - reads;
            assertTrue(
                    probed <= 2,
                    probed + " reads in 30 rounds of " + blocks + " lookups, shrinks "
                            + (cache.splitMoves()[1] - shrinks));
        }
    }

    @Test
    void randomLookupsOverASetTheCompressedPartHoldsReadAlmostNothingAgain() {
        BlockfileRoot root = writeRecords();
        try (BlockCache cache = BlockCache.builder().maxBytes(CACHE).build();
                BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.forLocal())) {
            BlockfileReader<Integer, DataRecord> r = store.open(DIR, root.id(), KeyType.U32, ValueType.DATA_RECORD);
            int blocks = r.blockCount() / 2;
            rounds(cache, r, blocks, 4);
            assertTrue(cache.encodedMaxBytes() > CACHE / 2, "grown: " + cache.encodedMaxBytes());
            // Uniform lookups over the set: most miss the small decoded part, and many of those are blocks it evicted
            // just before (decodes a larger decoded part would have saved). Each such decode shrinking the compressed
            // part a whole step made it evict blocks of the set, read again (26 reads in these 8000 lookups, 920
            // shrinks and 26 grows). Weighed per step, 0 to 2 (Caffeine's admission is not fully deterministic).
            java.util.SplittableRandom random = new java.util.SplittableRandom(5);
            long reads = storage.gets();
            long[] moves = cache.splitMoves();
            for (int i = 0; i < 8000; i++) {
                int k = (Integer) r.rootIndex().firstKeys.get(random.nextInt(blocks)) + 1;
                assertEquals(record(k), r.get("", k));
                cache.cleanUp();
            }
            long[] after = cache.splitMoves();
            assertTrue(
                    storage.gets() - reads <= 4,
                    (storage.gets() - reads) + " reads in 8000 lookups of " + blocks + " blocks; grows "
                            + (after[0] - moves[0]) + ", shrinks " + (after[1] - moves[1]));
        }
    }

    @Test
    void theCompressedPartShrinksBackWhenTheLookupsReturnToASmallSet() {
        BlockfileRoot root = writeRecords();
        try (BlockCache cache = BlockCache.builder().maxBytes(CACHE).build();
                BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.forLocal())) {
            BlockfileReader<Integer, DataRecord> r = store.open(DIR, root.id(), KeyType.U32, ValueType.DATA_RECORD);
            rounds(cache, r, r.blockCount() * 2 / 3, 4);
            long grown = cache.encodedMaxBytes();
            assertTrue(grown > CACHE / 2, "grown: " + grown);
            // A small set: more than the decoded part left by the grown split, well within the whole cache.
            // One step back per 64 decodes a larger decoded part would have saved (the near list spans 64 steps).
            int small = 10;
            // Until three rounds in a row are all decoded hits (at most 1000 rounds).
            int n = 0;
            int stable = 0;
            Round last = null;
            while (n < 1000 && stable < 3) {
                last = rounds(cache, r, small, 1);
                n++;
                stable = last.equals(new Round(small, 0, 0)) && decoded(cache, root, small) ? stable + 1 : 0;
            }
            assertEquals(3, stable, "the small set is not held decoded after " + n + " rounds");
            assertTrue(cache.encodedMaxBytes() < grown, cache.encodedMaxBytes() + " not below " + grown);
            assertTrue(cache.splitMoves()[1] > 0, "shrank");
            assertEquals(new Round(small, 0, 0), last, "all hits, nothing read");
            for (int b = 0; b < small; b++) {
                assertTrue(
                        cache.inMemory(
                                BlockfileStore.blockKey(DIR, root.blockIds().get(b))),
                        "block " + b + " is a decoded hit");
            }
        }
    }

    @Test
    void aPinnedShareDoesNotMove() {
        BlockfileRoot root = writeRecords();
        for (double share : new double[] {0, 0.5}) {
            try (BlockCache cache = BlockCache.builder()
                            .maxBytes(CACHE)
                            .encodedShare(share)
                            .build();
                    BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.forLocal())) {
                assertFalse(cache.adaptiveSplit());
                BlockfileReader<Integer, DataRecord> r = store.open(DIR, root.id(), KeyType.U32, ValueType.DATA_RECORD);
                rounds(cache, r, r.blockCount() * 2 / 3, 3);
                assertEquals((long) (CACHE * share), cache.encodedMaxBytes());
                assertEquals(share > 0, cache.encodedBytes() > 0, "share " + share);
                assertArrayEquals(new long[] {0, 0}, cache.splitMoves());
            }
        }
    }

    @Test
    void badSettingsAreRejectedNamingTheOption() {
        for (double bad : new double[] {0, 1, -0.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> BlockCache.builder().autoEncodedShare(bad, 4));
            assertTrue(e.getMessage().startsWith("autoEncodedShare maxShare must be in (0, 1)"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> BlockCache.builder().autoEncodedShare(0.5, 0));
        assertTrue(e.getMessage().startsWith("autoEncodedShare readCost must be >= 1"), e.getMessage());
    }

    @Test
    void readsOfRememberedKeysGrowTheTargetAndDecodesANearerTierWouldSaveShrinkIt() {
        CacheSplit split = new CacheSplit(256_000, 0.5, 4);
        assertEquals(CacheSplit.Ghost.NONE, split.take("a"));
        assertFalse(split.answered(CacheSplit.Ghost.NONE, false), "a first read says nothing");
        split.evicted("a", 1000);
        assertEquals(CacheSplit.Ghost.FAR, split.take("a"), "no near room at a target of 0");
        assertEquals(CacheSplit.Ghost.NONE, split.take("a"), "taken once");
        assertTrue(split.answered(CacheSplit.Ghost.FAR, false));
        assertEquals(4000, split.target(), "a read again: readCost steps of maxBytes / 256");
        for (int i = 0; i < 100; i++) {
            split.answered(CacheSplit.Ghost.FAR, false);
        }
        assertEquals(128_000, split.target(), "capped at maxShare");
        assertFalse(split.answered(CacheSplit.Ghost.FAR, true), "the compressed tier answered an old eviction");
        // The near list spans max(readCost steps, maxBytes / 8) = 32 steps: one step back per 32 decodes it saw.
        for (int i = 0; i < 31; i++) {
            split.evicted("b" + i, 1000);
            assertEquals(CacheSplit.Ghost.NEAR, split.take("b" + i));
            assertFalse(split.answered(CacheSplit.Ghost.NEAR, true), "decode " + i);
        }
        assertEquals(128_000, split.target());
        split.evicted("b", 1000);
        assertEquals(CacheSplit.Ghost.NEAR, split.take("b"));
        assertTrue(split.answered(CacheSplit.Ghost.NEAR, true));
        assertEquals(127_000, split.target(), "32 decodes a larger decoded tier would have saved: one step back");
        assertArrayEquals(new long[] {32, 1}, split.moves());
    }

    @Test
    void aReadResetsTheDecodesCountedTowardsTheNextShrink() {
        CacheSplit split = new CacheSplit(256_000, 0.5, 4);
        for (int i = 0; i < 40; i++) {
            split.answered(CacheSplit.Ghost.FAR, false);
        }
        assertEquals(128_000, split.target());
        for (int i = 0; i < 31; i++) {
            split.evicted("b" + i, 1000);
            split.take("b" + i);
            split.answered(CacheSplit.Ghost.NEAR, true);
        }
        // A read again at the cap moves nothing, so the votes stand: the next decode shrinks.
        assertFalse(split.answered(CacheSplit.Ghost.FAR, false));
        split.evicted("c", 1000);
        split.take("c");
        assertTrue(split.answered(CacheSplit.Ghost.NEAR, true));
        assertEquals(127_000, split.target());
        // Below the cap a read grows the target and starts the count again: 32 more decodes for the next step.
        assertTrue(split.answered(CacheSplit.Ghost.FAR, false));
        assertEquals(128_000, split.target());
        for (int i = 0; i < 31; i++) {
            split.evicted("d" + i, 1000);
            split.take("d" + i);
            assertFalse(split.answered(CacheSplit.Ghost.NEAR, true), "decode " + i);
        }
        split.evicted("e", 1000);
        split.take("e");
        assertTrue(split.answered(CacheSplit.Ghost.NEAR, true));
        assertEquals(127_000, split.target());
    }

    @Test
    void theNearListHoldsTheBytesTheDecodedTierGaveUpAndPassesOlderKeysOn() {
        CacheSplit split = new CacheSplit(256_000, 0.5, 4);
        split.answered(CacheSplit.Ghost.FAR, false); // target 4000
        split.evicted("a", 3000);
        split.evicted("b", 3000); // 6000 > 4000: "a" moves to far
        assertEquals(CacheSplit.Ghost.FAR, split.take("a"));
        assertEquals(CacheSplit.Ghost.NEAR, split.take("b"));
        for (int i = 0; i < 2000; i++) {
            split.evicted("k" + i, 1000); // far keeps 4 × 256_000 bytes of them
        }
        assertEquals(CacheSplit.Ghost.NONE, split.take("k0"), "forgotten");
        assertEquals(CacheSplit.Ghost.FAR, split.take("k1500"));
    }
}
