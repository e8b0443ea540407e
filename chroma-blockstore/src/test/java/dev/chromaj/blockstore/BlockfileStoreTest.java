package dev.chromaj.blockstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.testing.TestRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Writer, fork and reader behaviour beyond the model test: sharing, large entries, types, format, GC keys. */
class BlockfileStoreTest {
    private static final String DIR = "collection/5f0c";
    private final MemoryStorage storage = new MemoryStorage();
    private final BlockCache cache = BlockCache.builder().maxBytes(8 << 20).build();
    private final BlockfileStore store = new BlockfileStore(storage, cache, new BlockfileOptions(4096, 3));

    @AfterEach
    void close() {
        store.close();
        cache.close();
        storage.close();
    }

    private BlockfileRoot writeNumbers(int n) {
        BlockfileWriter<Integer, String> w = store.create(DIR, KeyType.U32, ValueType.STRING);
        for (int i = 0; i < n; i++) {
            w.set("p", i, "value-" + i);
        }
        return w.commit();
    }

    /** A reader of {@code root} through a new, empty cache of {@code cacheBytes}: every block read is cold. */
    private <T> T withColdReader(
            BlockfileRoot root, long cacheBytes, BiFunction<BlockfileReader<Integer, String>, BlockCache, T> body) {
        try (BlockCache cold = BlockCache.builder().maxBytes(cacheBytes).build();
                BlockfileStore coldStore = new BlockfileStore(storage, cold, new BlockfileOptions(4096, 1))) {
            BlockfileReader<Integer, String> reader = coldStore.open(DIR, root.id(), KeyType.U32, ValueType.STRING);
            return body.apply(reader, cold);
        }
    }

    private static void assertNumbers(int n, Iterator<BlockfileEntry<Integer, String>> it) {
        for (int i = 0; i < n; i++) {
            assertTrue(it.hasNext(), "entry " + i);
            BlockfileEntry<Integer, String> e = it.next();
            assertEquals("p", e.prefix());
            assertEquals(i, e.key());
            assertEquals("value-" + i, e.value());
        }
        assertFalse(it.hasNext());
    }

    @Test
    void scanAllIssuesEveryBlockReadAtOnceAndLeavesTheCacheAlone() {
        BlockfileRoot root = writeNumbers(5000);
        int blocks = root.blockIds().size();
        assertTrue(blocks > 10, "blocks: " + blocks);
        long before = storage.asyncGets();
        withColdReader(root, 8 << 20, (reader, cold) -> {
            long opened = storage.asyncGets();
            Iterator<BlockfileEntry<Integer, String>> it = reader.scanAll(blocks);
            assertEquals(blocks, storage.asyncGets() - opened, "every block read issued before the first entry");
            assertNumbers(5000, it);
            for (UUID block : root.blockIds()) {
                assertFalse(cold.inMemory(BlockfileStore.blockKey(DIR, block)), "block " + block);
            }
            return null;
        });
        assertEquals(blocks + 1, storage.asyncGets() - before, "the root and each block read once");
    }

    @Test
    void scanAllWithASmallWindowReadsAheadOnlyThatFar() {
        BlockfileRoot root = writeNumbers(5000);
        long before = storage.asyncGets();
        withColdReader(root, 8 << 20, (reader, cold) -> {
            long opened = storage.asyncGets();
            Iterator<BlockfileEntry<Integer, String>> it = reader.scanAll(2);
            assertEquals(2, storage.asyncGets() - opened);
            assertTrue(it.hasNext());
            assertEquals(3, storage.asyncGets() - opened, "entering block 0 issues block 2");
            assertNumbers(5000, it);
            return null;
        });
        assertEquals(root.blockIds().size() + 1, storage.asyncGets() - before);
        assertThrows(IllegalArgumentException.class, () -> withColdReader(root, 8 << 20, (r, cold) -> r.scanAll(0)));
    }

    @Test
    void prefetchAllLoadsEveryBlockIntoTheCacheAtOnceWhenTheBlockfileFits() {
        BlockfileRoot root = writeNumbers(5000);
        int blocks = root.blockIds().size();
        long before = storage.asyncGets();
        withColdReader(root, 8 << 20, (reader, cold) -> {
            long opened = storage.asyncGets();
            assertTrue(reader.prefetchAll());
            assertEquals(blocks, storage.asyncGets() - opened);
            assertNumbers(5000, reader.scan());
            assertEquals("value-4321", reader.get("p", 4321));
            return null;
        });
        assertEquals(blocks + 1, storage.asyncGets() - before, "the scan and the lookup found the blocks cached");
        withColdReader(root, 4L * blocks * 4096 - 1, (reader, cold) -> {
            long opened = storage.asyncGets();
            assertFalse(reader.prefetchAll(), "more than a quarter of the cache");
            assertEquals(0, storage.asyncGets() - opened);
            return null;
        });
    }

    @Test
    void scanReadsSeveralBlocksAheadOfItsCursor() {
        BlockfileRoot root = writeNumbers(5000);
        int blocks = root.blockIds().size();
        long before = storage.asyncGets();
        withColdReader(root, 8 << 20, (reader, cold) -> {
            long opened = storage.asyncGets();
            Iterator<BlockfileEntry<Integer, String>> it = reader.scan();
            // 8 MiB cache, 4 KiB blocks: an eighth of the cache holds 256 blocks, read-ahead is capped at 16
            assertEquals(Math.min(blocks, 17), storage.asyncGets() - opened);
            assertNumbers(5000, it);
            return null;
        });
        assertEquals(blocks + 1, storage.asyncGets() - before, "the root and each block read once");
    }

    @Test
    void forkRewritesOnlyTheBlockThatChangedAndSharesTheRest() {
        BlockfileRoot parent = writeNumbers(5000);
        assertTrue(parent.blockIds().size() > 10, "blocks: " + parent.blockIds().size());
        Map<String, byte[]> before = new HashMap<>(storage.objects());

        BlockfileWriter<Integer, String> fork = store.fork(DIR, parent.id(), KeyType.U32, ValueType.STRING);
        fork.set("p", 2500, "changed");
        BlockfileRoot child = fork.commit();

        List<UUID> shared = new ArrayList<>(child.blockIds());
        shared.retainAll(parent.blockIds());
        assertEquals(parent.blockIds().size() - 1, shared.size(), "all but one block shared");
        assertEquals(parent.blockIds().size(), child.blockIds().size());
        // the parent's objects are untouched, the fork only added one block and one root
        before.forEach((k, v) -> assertArrayEquals(v, storage.objects().get(k), k));
        assertEquals(before.size() + 2, storage.objects().size());

        BlockfileReader<Integer, String> oldReader = store.open(DIR, parent.id(), KeyType.U32, ValueType.STRING);
        BlockfileReader<Integer, String> newReader = store.open(DIR, child.id(), KeyType.U32, ValueType.STRING);
        assertEquals("value-2500", oldReader.get("p", 2500));
        assertEquals("changed", newReader.get("p", 2500));
        assertEquals(5000, newReader.count());
    }

    @Test
    void computedValuesAreWrittenLikeSetValuesInNewBlockfilesAndForks() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        BlockfileWriter.Computed<Integer, String> computed = BlockfileWriter.Computed.of(k -> {
            calls.incrementAndGet();
            return "computed-" + k;
        });
        BlockfileWriter<Integer, String> w = store.create(DIR, KeyType.U32, ValueType.STRING);
        for (int i = 0; i < 3000; i++) {
            if (i % 2 == 0) {
                w.setComputed("p", i, computed);
            } else {
                w.set("p", i, "value-" + i);
            }
        }
        w.setComputed("p", 1, computed); // the last change of an entry wins, computed or not
        w.set("p", 2, "set-after-computed");
        assertEquals(0, calls.get(), "nothing computed before the commit");
        BlockfileRoot parent = w.commit();
        BlockfileReader<Integer, String> p = store.open(DIR, parent.id(), KeyType.U32, ValueType.STRING);
        assertEquals("computed-0", p.get("p", 0));
        assertEquals("computed-1", p.get("p", 1));
        assertEquals("set-after-computed", p.get("p", 2));
        assertEquals("value-3", p.get("p", 3));
        assertEquals(3000, p.count());

        calls.set(0);
        BlockfileWriter<Integer, String> fork = store.fork(DIR, parent.id(), KeyType.U32, ValueType.STRING);
        BlockfileWriter.Computed<Integer, String> forked = BlockfileWriter.Computed.of(k -> {
            calls.incrementAndGet();
            return "forked-" + k;
        });
        fork.setComputed("p", 5, forked);
        fork.setComputed("p", 2999, forked);
        fork.setComputed("p", 5000, forked);
        fork.delete("p", 7);
        BlockfileRoot child = fork.commit();
        assertTrue(calls.get() >= 3, "each computed value is computed when its block is written");
        BlockfileReader<Integer, String> c = store.open(DIR, child.id(), KeyType.U32, ValueType.STRING);
        assertEquals("forked-5", c.get("p", 5));
        assertEquals("forked-2999", c.get("p", 2999));
        assertEquals("forked-5000", c.get("p", 5000));
        assertNull(c.get("p", 7));
        assertEquals("value-9", c.get("p", 9));
        assertEquals(3000, c.count());
        List<UUID> shared = new ArrayList<>(child.blockIds());
        shared.retainAll(parent.blockIds());
        assertTrue(shared.size() >= parent.blockIds().size() - 3, "only the touched blocks are rewritten");
    }

    @Test
    void forkThatEmptiesABlockDropsItAndSplitsAnOverfullOne() {
        BlockfileRoot parent = writeNumbers(3000);
        BlockfileReader<Integer, String> p = store.open(DIR, parent.id(), KeyType.U32, ValueType.STRING);
        RootIndex index = p.rootIndex();
        int first = (Integer) index.firstKeys.get(3);
        int end = (Integer) index.firstKeys.get(4);
        BlockfileWriter<Integer, String> fork = store.fork(DIR, parent.id(), KeyType.U32, ValueType.STRING);
        for (int k = first; k < end; k++) {
            fork.delete("p", k);
        }
        for (int k = 0; k < 200; k++) {
            fork.set("p", 10_000 + k, "x".repeat(40));
        }
        BlockfileRoot child = fork.commit();
        BlockfileReader<Integer, String> c = store.open(DIR, child.id(), KeyType.U32, ValueType.STRING);
        assertEquals(3000 - (end - first) + 200, c.count());
        assertFalse(child.blockIds().contains(parent.blockIds().get(3)));
        assertTrue(child.blockIds()
                .containsAll(parent.blockIds().subList(5, parent.blockIds().size() - 2)));
        assertNull(c.get("p", first));
        assertEquals("x".repeat(40), c.get("p", 10_199));
        for (long b = 0; b < c.rootIndex().blockCount(); b++) {
            assertTrue(
                    c.rootIndex().blockBytes[(int) b] < 4096 + 2048,
                    "block " + b + " is " + c.rootIndex().blockBytes[(int) b] + " bytes");
        }
    }

    @Test
    void anEntryLargerThanTheMaximumBlockSizeIsStoredAndRead() {
        // random letters: about 4.7 bits each, so even compressed the entry is far above the 4 KiB block size
        long seed = TestRandom.seed();
        Random random = TestRandom.random();
        char[] letters = new char[20 << 20];
        for (int i = 0; i < letters.length; i++) {
            letters[i] = (char) ('a' + random.nextInt(26));
        }
        String big = new String(letters);
        BlockfileWriter<String, String> w = store.create(DIR, KeyType.STRING, ValueType.STRING);
        w.set("", "a", "small");
        w.set("", "big", big);
        w.set("", "c", "small too");
        BlockfileRoot root = w.commit();
        BlockfileReader<String, String> r = store.open(DIR, root.id(), KeyType.STRING, ValueType.STRING);
        assertEquals(big, r.get("", "big"));
        assertEquals("small", r.get("", "a"));
        assertEquals(3, root.count());
        assertTrue(root.bytes() > 10 << 20, "stored bytes " + root.bytes() + ", seed " + seed);
        DataRecord record = new DataRecord("r", new float[] {1f}, big, Map.of("k", "v"), null);
        BlockfileWriter<Integer, DataRecord> records = store.create(DIR + "r", KeyType.U32, ValueType.DATA_RECORD);
        records.set("", 7, record);
        BlockfileReader<Integer, DataRecord> rr =
                store.open(DIR + "r", records.commit().id(), KeyType.U32, ValueType.DATA_RECORD);
        assertEquals(record, rr.get("", 7));
    }

    @Test
    void anEmptyBlockfileCommitsReadsAndForks() {
        BlockfileRoot root = store.create(DIR, KeyType.U32, ValueType.ROARING).commit();
        assertEquals(0, root.count());
        assertEquals(List.of(), root.blockIds());
        BlockfileReader<Integer, org.roaringbitmap.RoaringBitmap> r =
                store.open(DIR, root.id(), KeyType.U32, ValueType.ROARING);
        assertNull(r.get("", 1));
        assertFalse(r.scan().hasNext());
        assertFalse(r.range("", 0, 5).hasNext());
        assertEquals(0, r.rank("", 5));
        BlockfileWriter<Integer, org.roaringbitmap.RoaringBitmap> fork =
                store.fork(DIR, root.id(), KeyType.U32, ValueType.ROARING);
        fork.set("", 1, org.roaringbitmap.RoaringBitmap.bitmapOf(1, 2, 3));
        BlockfileReader<Integer, org.roaringbitmap.RoaringBitmap> r2 =
                store.open(DIR, fork.commit().id(), KeyType.U32, ValueType.ROARING);
        assertEquals(org.roaringbitmap.RoaringBitmap.bitmapOf(1, 2, 3), r2.get("", 1));
    }

    @Test
    void openingWithOtherTypesFailsNamingBoth() {
        BlockfileRoot root = writeNumbers(10);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> store.open(DIR, root.id(), KeyType.STRING, ValueType.STRING));
        assertTrue(
                e.getMessage().contains("U32 -> STRING")
                        && e.getMessage().contains("opened as STRING -> STRING")
                        && e.getMessage().contains(BlockfileStore.rootKey(DIR, root.id())),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> store.fork(DIR, root.id(), KeyType.U32, ValueType.BYTES));
    }

    @Test
    void badInputIsRejectedAndChangesNothing() {
        BlockfileWriter<Integer, String> w = store.create(DIR, KeyType.U32, ValueType.STRING);
        w.set("", 1, "one");
        IllegalArgumentException nullValue = assertThrows(IllegalArgumentException.class, () -> w.set("", 2, null));
        assertTrue(nullValue.getMessage().contains("value must not be null"), nullValue.getMessage());
        IllegalArgumentException nullPrefix = assertThrows(IllegalArgumentException.class, () -> w.set(null, 2, "x"));
        assertTrue(nullPrefix.getMessage().contains("prefix"), nullPrefix.getMessage());
        @SuppressWarnings({"rawtypes", "unchecked"})
        BlockfileWriter<Object, Object> raw = (BlockfileWriter) w;
        IllegalArgumentException wrongKey = assertThrows(IllegalArgumentException.class, () -> raw.set("", "2", "x"));
        assertTrue(wrongKey.getMessage().contains("key must be a Integer for key type U32"), wrongKey.getMessage());
        assertEquals(1, w.pendingChanges());
        assertThrows(IllegalArgumentException.class, () -> store.create("/abs", KeyType.U32, ValueType.STRING));
        assertThrows(IllegalArgumentException.class, () -> new BlockfileOptions(0, 1));
        w.commit();
        IllegalStateException twice = assertThrows(IllegalStateException.class, w::commit);
        assertTrue(twice.getMessage().contains("committed"), twice.getMessage());
    }

    @Test
    void objectKeysNameTheRootAndEveryBlock() {
        BlockfileRoot root = writeNumbers(2000);
        BlockfileReader<Integer, String> r = store.open(DIR, root.id(), KeyType.U32, ValueType.STRING);
        Set<String> keys = r.objectKeys();
        assertEquals(keys, store.objectKeys(DIR, root.id()));
        assertEquals(root.blockIds().size() + 1, keys.size());
        assertTrue(keys.contains(DIR + "/root/" + root.id()));
        for (UUID id : root.blockIds()) {
            assertTrue(keys.contains(DIR + "/block/" + id));
        }
        assertEquals(storage.objects().keySet(), new HashSet<>(keys));
        long bytes = 0;
        for (byte[] b : storage.objects().values()) {
            bytes += b.length;
        }
        assertEquals(bytes, root.bytes());
    }

    @Test
    void dataRecordsRoundTripWithEveryFieldShape() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("s", "text é");
        metadata.put("l", -42L);
        metadata.put("d", 2.5);
        metadata.put("b", true);
        metadata.put("ls", List.of("a", "b"));
        metadata.put("ll", List.of(1L, Long.MIN_VALUE));
        metadata.put("ld", List.of(0.5, -1e300));
        metadata.put("lb", List.of(false));
        List<DataRecord> records = List.of(
                new DataRecord("a", new float[] {1, 2, 3}, "doc", metadata, "uri://a"),
                new DataRecord("b", null, null, null, null),
                new DataRecord("c", new float[] {4, 5, 6}, "", Map.of(), ""));
        for (boolean sameDimension : List.of(true, false)) {
            String dir = DIR + "/records-" + sameDimension;
            BlockfileWriter<String, DataRecord> w = store.create(dir, KeyType.STRING, ValueType.DATA_RECORD);
            for (DataRecord r : records) {
                w.set("", r.id(), r);
            }
            DataRecord odd = new DataRecord("d", new float[] {7, 8}, "x", null, null);
            if (!sameDimension) {
                w.set("", "d", odd);
            }
            BlockfileRoot root = w.commit();
            BlockfileReader<String, DataRecord> reader =
                    store.open(dir, root.id(), KeyType.STRING, ValueType.DATA_RECORD);
            for (DataRecord r : records) {
                assertEquals(r, reader.get("", r.id()));
            }
            if (!sameDimension) {
                assertEquals(odd, reader.get("", "d"));
            }
            DataRecord got = reader.get("", "a");
            got.embedding()[0] = 99;
            assertEquals(1f, reader.get("", "a").embedding()[0], "returned values are copies");
            assertEquals(metadata, reader.get("", "a").metadata());
            Schema schema = blockSchema(storage.objects()
                    .get(reader.objectKeys().stream()
                            .filter(k -> k.contains("/block/"))
                            .findFirst()
                            .orElseThrow()));
            ArrowType embedding = schema.findField("value").getChildren().get(1).getType();
            assertEquals(sameDimension ? new ArrowType.FixedSizeList(3) : ArrowType.List.INSTANCE, embedding);
        }
    }

    @Test
    void blocksAndRootsAreArrowIpcFilesWithTypesInTheSchemaMetadata() {
        BlockfileRoot root = writeNumbers(50);
        Schema block = blockSchema(storage.objects()
                .get(BlockfileStore.blockKey(DIR, root.blockIds().get(0))));
        assertEquals(
                List.of("prefix", "key", "value"),
                block.getFields().stream().map(f -> f.getName()).toList());
        assertEquals(new ArrowType.Int(32, false), block.findField("key").getType());
        assertEquals("U32", block.getCustomMetadata().get("chromaj.key_type"));
        assertEquals("STRING", block.getCustomMetadata().get("chromaj.value_type"));
        assertEquals("1", block.getCustomMetadata().get("chromaj.format"));
        Schema rootSchema = blockSchema(storage.objects().get(BlockfileStore.rootKey(DIR, root.id())));
        assertEquals(
                List.of("first_prefix", "first_key", "block_id", "entry_count", "block_bytes"),
                rootSchema.getFields().stream().map(f -> f.getName()).toList());
        assertEquals("4096", rootSchema.getCustomMetadata().get("chromaj.max_block_bytes"));
        assertEquals("50", rootSchema.getCustomMetadata().get("chromaj.count"));
    }

    private static Schema blockSchema(byte[] object) {
        ObjectFrame.Body body = ObjectFrame.verify("test", object, object[6]);
        try (BufferAllocator allocator = new RootAllocator();
                ArrowFileReader reader = new ArrowFileReader(
                        new ByteSliceChannel(body.bytes(), body.offset(), body.length()), allocator)) {
            return reader.getVectorSchemaRoot().getSchema();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void readersAreSafeToShareBetweenThreads() throws Exception {
        BlockfileRoot root = writeNumbers(4000);
        try (BlockCache tiny = BlockCache.builder().maxBytes(32 << 10).build();
                BlockfileStore small = new BlockfileStore(storage, tiny, new BlockfileOptions(4096, 1))) {
            BlockfileReader<Integer, String> r = small.open(DIR, root.id(), KeyType.U32, ValueType.STRING);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int offset = t;
                    results.add(pool.submit(() -> {
                        int ok = 0;
                        for (int i = offset; i < 4000; i += 3) {
                            ok += ("value-" + i).equals(r.get("p", i)) ? 1 : 0;
                        }
                        Iterator<BlockfileEntry<Integer, String>> it = r.range("p", 100, 200);
                        while (it.hasNext()) {
                            it.next();
                            ok++;
                        }
                        return ok;
                    }));
                }
                for (int t = 0; t < 4; t++) {
                    int expectedGets = (4000 - t + 2) / 3;
                    assertEquals(expectedGets + 100, results.get(t).get());
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void bitmapsListsAndBytesComeBackAsIndependentCopies() {
        BlockfileWriter<Integer, int[]> w = store.create(DIR, KeyType.U32, ValueType.U32_LIST);
        w.set("", 1, new int[] {-1, 0, 7});
        BlockfileReader<Integer, int[]> r = store.open(DIR, w.commit().id(), KeyType.U32, ValueType.U32_LIST);
        int[] got = r.get("", 1);
        got[0] = 5;
        assertArrayEquals(new int[] {-1, 0, 7}, r.get("", 1));
        assertInstanceOf(int[].class, r.scan().next().value());
    }

    @Test
    void storeClosesItsArrowAllocatorWithoutLeaks() {
        writeNumbers(1000);
        assertEquals(0, store.allocator().getAllocatedMemory());
        store.close();
        assertThrows(IllegalStateException.class, () -> store.allocator().buffer(8));
    }
}
