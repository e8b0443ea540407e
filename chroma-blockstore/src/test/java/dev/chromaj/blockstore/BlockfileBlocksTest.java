package dev.chromaj.blockstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Whole decoded blocks: every entry once, in order, with the block's rank and first key; one decode per block. */
class BlockfileBlocksTest {
    private static final String DIR = "collection/blocks";
    private static final int ENTRIES = 3000;
    private final MemoryStorage storage = new MemoryStorage();

    @AfterEach
    void close() {
        storage.close();
    }

    /** The keys of a block and the numbers of its "value-n" strings, in two arrays. */
    private static class KeysAndNumbers implements BlockDecoder<Integer, String, int[][]> {
        final AtomicInteger decodes = new AtomicInteger();

        @Override
        public int[][] decode(Entries<Integer, String> block) {
            decodes.incrementAndGet();
            int[][] out = new int[2][block.size()];
            for (int i = 0; i < block.size(); i++) {
                assertEquals("", block.prefix(i));
                out[0][i] = block.key(i);
                out[1][i] = Integer.parseInt(block.value(i).substring("value-".length()));
            }
            return out;
        }

        @Override
        public long weight(int[][] decoded) {
            return 8L * decoded[0].length;
        }
    }

    /** Writes {@link #ENTRIES} entries {@code 2i -> "value-i"} in blocks of 4 KiB. */
    private BlockfileRoot writeEntries() {
        try (BlockCache cache = BlockCache.builder().maxBytes(0).build();
                BlockfileStore store = new BlockfileStore(storage, cache, new BlockfileOptions(4096, 2))) {
            BlockfileWriter<Integer, String> w = store.create(DIR, KeyType.U32, ValueType.STRING);
            for (int i = 0; i < ENTRIES; i++) {
                w.set("", 2 * i, "value-" + i);
            }
            return w.commit();
        }
    }

    @Test
    void blocksHoldEveryEntryInOrderAndAreDecodedOnce() {
        BlockfileRoot root = writeEntries();
        try (BlockCache cache = BlockCache.builder().maxBytes(64 << 20).build();
                BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.forLocal())) {
            BlockfileReader<Integer, String> reader = store.open(DIR, root.id(), KeyType.U32, ValueType.STRING);
            KeysAndNumbers decoder = new KeysAndNumbers();
            BlockfileBlocks<Integer, int[][]> blocks = reader.blocks("keys-and-numbers", decoder);
            assertTrue(blocks.blockCount() > 5, "several blocks: " + blocks.blockCount());
            int next = 0;
            for (int b = 0; b < blocks.blockCount(); b++) {
                int[][] block = blocks.get(b);
                assertEquals(next, blocks.entriesBefore(b));
                assertEquals(block[0].length, blocks.entries(b));
                assertEquals(2 * next, blocks.firstKey(b));
                assertEquals("", blocks.firstPrefix(b));
                for (int i = 0; i < block[0].length; i++) {
                    assertEquals(2 * next, block[0][i]);
                    assertEquals(next, block[1][i]);
                    next++;
                }
                assertSame(block, blocks.get(b), "cached");
            }
            assertEquals(ENTRIES, next);
            assertEquals(blocks.blockCount(), decoder.decodes.get());
            // another instance with the same name shares the cached forms
            assertSame(
                    blocks.get(1),
                    reader.blocks("keys-and-numbers", new KeysAndNumbers()).get(1));
            assertThrows(IllegalArgumentException.class, () -> reader.blocks("a#b", decoder));
            assertThrows(IllegalArgumentException.class, () -> reader.blocks("", decoder));
        }
    }

    @Test
    void scanBlocksDecodesEveryBlockInOrderOnTheExecutorWithoutCachingAndRethrowsAFailure() {
        BlockfileRoot root = writeEntries();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try (BlockCache cache = BlockCache.builder().maxBytes(64 << 20).build();
                BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.forLocal())) {
            BlockfileReader<Integer, String> reader = store.open(DIR, root.id(), KeyType.U32, ValueType.STRING);
            // the first and the last block are in the cache before the scan
            assertEquals("value-0", reader.get("", 0));
            assertEquals("value-" + (ENTRIES - 1), reader.get("", 2 * (ENTRIES - 1)));
            String firstBlock = reader.rootIndex().blockKeys[0];
            String lastBlock = reader.rootIndex().blockKeys[reader.blockCount() - 1];
            AtomicInteger onPool = new AtomicInteger();
            AtomicInteger onCacheThreads = new AtomicInteger();
            KeysAndNumbers decoder = new KeysAndNumbers() {
                @Override
                public int[][] decode(Entries<Integer, String> block) {
                    String thread = Thread.currentThread().getName();
                    if (thread.startsWith("pool-")) {
                        onPool.incrementAndGet();
                    } else if (thread.startsWith("chromaj-block-cache-")) {
                        onCacheThreads.incrementAndGet();
                    }
                    return super.decode(block);
                }
            };
            java.util.Iterator<int[][]> it = reader.scanBlocks(3, decoder, pool);
            int next = 0;
            int blocks = 0;
            while (it.hasNext()) {
                int[][] block = it.next();
                blocks++;
                for (int i = 0; i < block[0].length; i++) {
                    assertEquals(2 * next, block[0][i]);
                    assertEquals(next, block[1][i]);
                    next++;
                }
            }
            assertEquals(ENTRIES, next);
            assertEquals(reader.blockCount(), blocks);
            assertEquals(2, onPool.get(), "the cached blocks decoded on the executor");
            assertEquals(blocks - 2, onCacheThreads.get(), "blocks read from storage decoded as they are read");
            assertThrows(java.util.NoSuchElementException.class, it::next);
            for (String key : reader.rootIndex().blockKeys) {
                boolean wasCached = key.equals(firstBlock) || key.equals(lastBlock);
                assertEquals(wasCached, cache.peek(key) != null, "blocks read by the scan are not cached: " + key);
            }

            // a decoder failing on the third block (blocks are decoded concurrently, so it is told by its first key):
            // the first two are returned, the third's next() throws the decoder's exception
            int thirdFirstKey =
                    reader.blocks("first-keys", new KeysAndNumbers()).firstKey(2);
            BlockDecoder<Integer, String, Integer> failing = new BlockDecoder<>() {
                @Override
                public Integer decode(Entries<Integer, String> block) {
                    if (block.key(0) == thirdFirstKey) {
                        throw new IllegalStateException("bad block at key " + block.key(0));
                    }
                    return block.size();
                }

                @Override
                public long weight(Integer decoded) {
                    return 4;
                }
            };
            java.util.Iterator<Integer> failingScan = reader.scanBlocks(1, failing, pool);
            failingScan.next();
            failingScan.next();
            IllegalStateException e = assertThrows(IllegalStateException.class, failingScan::next);
            assertTrue(e.getMessage().startsWith("bad block at key "), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> reader.scanBlocks(0, decoder, pool));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void scanBlocksHandsByteValuesOverFromStorageAndFromTheCacheAlike() {
        java.util.List<String> expected = new java.util.ArrayList<>();
        BlockfileRoot root;
        try (BlockCache cache = BlockCache.builder().maxBytes(0).build();
                BlockfileStore store = new BlockfileStore(storage, cache, new BlockfileOptions(4096, 2))) {
            BlockfileWriter<Integer, byte[]> w = store.create(DIR, KeyType.U32, ValueType.BYTES);
            for (String prefix : new String[] {"a", "b/c"}) {
                for (int i = 0; i < 1500; i++) {
                    byte[] value = new byte[i % 53];
                    for (int j = 0; j < value.length; j++) {
                        value[j] = (byte) (31 * i + j);
                    }
                    w.set(prefix, i, value);
                    expected.add(prefix + "|" + i + "|" + java.util.Arrays.toString(value));
                }
            }
            root = w.commit();
        }
        /* Each entry as prefix|key|value, checking that byteLength, copyBytes (at an offset) and value agree. */
        BlockDecoder<Integer, byte[], java.util.List<String>> listing = new BlockDecoder<>() {
            @Override
            public java.util.List<String> decode(Entries<Integer, byte[]> block) {
                java.util.List<String> out = new java.util.ArrayList<>();
                for (int i = 0; i < block.size(); i++) {
                    byte[] value = block.value(i);
                    assertEquals(value.length, block.byteLength(i));
                    byte[] copied = new byte[value.length + 3];
                    block.copyBytes(i, copied, 3);
                    assertTrue(java.util.Arrays.equals(value, 0, value.length, copied, 3, copied.length));
                    out.add(block.prefix(i) + "|" + block.key(i) + "|" + java.util.Arrays.toString(value));
                }
                return out;
            }

            @Override
            public long weight(java.util.List<String> decoded) {
                return 64L * decoded.size();
            }
        };
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try (BlockCache cache = BlockCache.builder().maxBytes(64 << 20).build();
                BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.forLocal())) {
            BlockfileReader<Integer, byte[]> reader = store.open(DIR, root.id(), KeyType.U32, ValueType.BYTES);
            assertTrue(reader.blockCount() > 5, "several blocks: " + reader.blockCount());
            java.util.List<String> fromStorage = new java.util.ArrayList<>();
            reader.scanBlocks(4, listing, pool).forEachRemaining(fromStorage::addAll);
            assertEquals(expected, fromStorage);
            reader.scan().forEachRemaining(e -> {}); // every block into the cache
            java.util.List<String> fromCache = new java.util.ArrayList<>();
            reader.scanBlocks(4, listing, pool).forEachRemaining(fromCache::addAll);
            assertEquals(expected, fromCache);
        } finally {
            pool.shutdownNow();
        }
    }
}
