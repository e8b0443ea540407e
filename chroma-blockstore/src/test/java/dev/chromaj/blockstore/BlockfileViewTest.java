package dev.chromaj.blockstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Decoded views: values equal to the decoded reader values, one decode per block, weighed within the cache bound. */
class BlockfileViewTest {
    private static final String DIR = "collection/view";
    private static final int ENTRIES = 3000;
    private final MemoryStorage storage = new MemoryStorage();

    @AfterEach
    void close() {
        storage.close();
    }

    /** Parses "value-n" into n, counting decodes; weighs each decoded value at {@code weight} bytes. */
    private static final class CountingDecoder implements ValueDecoder<Integer, String, Integer> {
        final AtomicInteger decodes = new AtomicInteger();
        final AtomicBoolean failing = new AtomicBoolean();
        private final long weight;

        CountingDecoder(long weight) {
            this.weight = weight;
        }

        @Override
        public Integer decode(String prefix, Integer key, String value) {
            if (failing.get()) {
                throw new IllegalStateException("cannot decode " + prefix + "/" + key);
            }
            decodes.incrementAndGet();
            return Integer.parseInt(value.substring("value-".length()));
        }

        @Override
        public long weight(Integer decoded) {
            return weight;
        }
    }

    /** Writes u32 → "value-n" entries under two prefixes in ~4 KiB blocks, with a store whose cache stays cold. */
    private BlockfileRoot write() {
        try (BlockCache cache = BlockCache.builder().maxBytes(0).build();
                BlockfileStore store = new BlockfileStore(storage, cache, new BlockfileOptions(4096, 2))) {
            BlockfileWriter<Integer, String> w = store.create(DIR, KeyType.U32, ValueType.STRING);
            for (int i = 0; i < ENTRIES; i++) {
                w.set(i % 3 == 0 ? "a" : "b", i, "value-" + i);
            }
            return w.commit();
        }
    }

    private static String prefix(int key) {
        return key % 3 == 0 ? "a" : "b";
    }

    @Test
    void viewsReturnTheDecodedValuesOfTheReaderAndNullForAbsentKeys() {
        BlockfileRoot root = write();
        try (BlockCache cache = BlockCache.builder().maxBytes(64 << 20).build();
                BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.forLocal())) {
            BlockfileReader<Integer, String> reader = store.open(DIR, root.id(), KeyType.U32, ValueType.STRING);
            BlockfileView<Integer, Integer> view = reader.view("number", new CountingDecoder(16));
            assertTrue(root.blockIds().size() > 5, "the data spans several blocks");
            for (int i = 0; i < ENTRIES; i += 7) {
                assertEquals("value-" + view.get(prefix(i), i), reader.get(prefix(i), i));
                assertNull(view.get(prefix(i).equals("a") ? "b" : "a", i), "the key under the other prefix");
            }
            assertNull(view.get("a", ENTRIES + 3));
            assertNull(view.get("c", 0));

            List<Integer> keys = Arrays.asList(2999, 4, ENTRIES + 1, 1, 1501, 7, 1500);
            assertEquals(Arrays.asList(2999, 4, null, 1, 1501, 7, null), view.getAll("b", keys));
            assertEquals(Map.of(1, 1, 4, 4, 7, 7, 1501, 1501, 2999, 2999), view.getMany("b", keys));
            assertEquals(List.of(), view.getAll("b", List.of()));
            assertThrows(IllegalArgumentException.class, () -> view.get("\uD800", 1), "ill-formed prefix");
            assertThrows(IllegalArgumentException.class, () -> view.get(null, 1));
        }
    }

    @Test
    void ascendingLookupsFindEveryKeyInAnyOrderAndStayUnderTheirPrefix() {
        BlockfileRoot root = write();
        try (BlockCache cache = BlockCache.builder().maxBytes(64 << 20).build();
                BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.forLocal())) {
            BlockfileReader<Integer, String> reader = store.open(DIR, root.id(), KeyType.U32, ValueType.STRING);
            BlockfileView<Integer, Integer> view = reader.view("number", new CountingDecoder(16));
            BlockfileView<Integer, Integer>.AscendingLookup a = view.ascending("a");
            BlockfileView<Integer, Integer>.AscendingLookup b = view.ascending("b");
            for (int i = 0; i < ENTRIES; i++) {
                assertEquals(i % 3 == 0 ? Integer.valueOf(i) : null, a.get(i), "a " + i);
                assertEquals(i % 3 == 0 ? null : Integer.valueOf(i), b.get(i), "b " + i);
            }
            // The last "a" entry is followed by the first "b" entry: the next entry must not cross the prefix.
            assertEquals(2997, a.get(2997));
            assertNull(a.get(1));
            for (int i = ENTRIES - 1; i >= 0; i -= 11) {
                assertEquals(i % 3 == 0 ? null : Integer.valueOf(i), b.get(i), "descending b " + i);
            }
            for (int stride : new int[] {2, 7, 40, 333}) {
                BlockfileView<Integer, Integer>.AscendingLookup skipping = view.ascending("b");
                for (int i = 1; i < ENTRIES; i += stride) {
                    assertEquals(
                            i % 3 == 0 ? null : Integer.valueOf(i), skipping.get(i), "stride " + stride + ": " + i);
                }
            }
            assertNull(b.get(ENTRIES + 5));
            assertNull(view.ascending("c").get(1));
            assertThrows(IllegalArgumentException.class, () -> view.ascending("\uDC00"));
        }
    }

    @Test
    void eachBlockIsDecodedOnceAndWarmLookupsReadAndDecodeNothing() {
        BlockfileRoot root = write();
        try (BlockCache cache = BlockCache.builder().maxBytes(64 << 20).build();
                BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.forLocal())) {
            BlockfileReader<Integer, String> reader = store.open(DIR, root.id(), KeyType.U32, ValueType.STRING);
            CountingDecoder decoder = new CountingDecoder(16);
            BlockfileView<Integer, Integer> view = reader.view("number", decoder);
            for (int i = 0; i < ENTRIES; i++) {
                assertEquals(i, view.get(prefix(i), i));
            }
            assertEquals(ENTRIES, decoder.decodes.get(), "every entry decoded exactly once");
            long gets = storage.gets();
            for (int round = 0; round < 3; round++) {
                for (int i = ENTRIES - 1; i >= 0; i--) {
                    assertEquals(i, view.get(prefix(i), i));
                }
            }
            assertEquals(ENTRIES, decoder.decodes.get(), "warm lookups decode nothing");
            assertEquals(gets, storage.gets(), "warm lookups read nothing");
            Integer first = view.get("b", 1);
            assertSame(first, view.get("b", 1), "the cached decoded value is shared");

            CountingDecoder other = new CountingDecoder(16);
            reader.view("number", other).get("b", 1);
            assertEquals(0, other.decodes.get(), "a view with the same name shares the decoded blocks");
            reader.view("other", other).get("b", 1);
            assertTrue(other.decodes.get() > 0, "a view with another name decodes for itself");
        }
    }

    @Test
    void decodedBlocksAreWeighedAndTheCacheBoundHolds() {
        BlockfileRoot root = write();
        long bound = 48 << 10;
        try (BlockCache cache = BlockCache.builder().maxBytes(bound).build();
                BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.forLocal())) {
            BlockfileReader<Integer, String> reader = store.open(DIR, root.id(), KeyType.U32, ValueType.STRING);
            CountingDecoder decoder = new CountingDecoder(256);
            BlockfileView<Integer, Integer> view = reader.view("heavy", decoder);
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < ENTRIES; i += 5) {
                    assertEquals(i, view.get(prefix(i), i));
                    cache.cleanUp();
                    assertTrue(cache.stats().bytes() <= bound, cache.stats().toString());
                }
            }
            assertTrue(cache.stats().evictions() > 0, cache.stats().toString());
            assertTrue(decoder.decodes.get() > ENTRIES, "evicted blocks are decoded again: " + decoder.decodes);
        }
    }

    @Test
    void concurrentLookupsUnderEvictionReturnTheRightValues() throws Exception {
        BlockfileRoot root = write();
        try (BlockCache cache = BlockCache.builder().maxBytes(32 << 10).build();
                BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.forLocal())) {
            BlockfileReader<Integer, String> reader = store.open(DIR, root.id(), KeyType.U32, ValueType.STRING);
            BlockfileView<Integer, Integer> view = reader.view("number", new CountingDecoder(64));
            ExecutorService threads = Executors.newFixedThreadPool(6);
            try {
                List<Future<?>> runs = new ArrayList<>();
                for (int t = 0; t < 6; t++) {
                    int first = t;
                    runs.add(threads.submit(() -> {
                        for (int i = first; i < ENTRIES; i += 3) {
                            assertEquals(i, view.get(prefix(i), i));
                            List<Integer> pair = List.of(i, (i + 1500) % ENTRIES);
                            List<Integer> got = view.getAll(prefix(i), pair);
                            assertEquals(i, got.get(0));
                        }
                        return null;
                    }));
                }
                for (Future<?> run : runs) {
                    run.get();
                }
            } finally {
                threads.shutdownNow();
            }
            assertTrue(cache.stats().evictions() > 0, cache.stats().toString());
        }
    }

    @Test
    void aFailedDecodeFailsTheLookupAndIsNotCached() throws InterruptedException {
        BlockfileRoot root = write();
        try (BlockCache cache = BlockCache.builder().maxBytes(64 << 20).build();
                BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.forLocal())) {
            BlockfileReader<Integer, String> reader = store.open(DIR, root.id(), KeyType.U32, ValueType.STRING);
            CountingDecoder decoder = new CountingDecoder(16);
            BlockfileView<Integer, Integer> view = reader.view("number", decoder);
            decoder.failing.set(true);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> view.get("b", 2));
            assertTrue(e.getMessage().startsWith("cannot decode "), e.getMessage());
            assertThrows(IllegalStateException.class, () -> view.getAll("b", List.of(2, 5)));
            decoder.failing.set(false);
            assertEquals(2, afterFailureIsDropped(() -> view.get("b", 2)));
            assertEquals("value-2", reader.get("b", 2), "the block itself stays readable");
        }
    }

    /**
     * The lookup's result once the failed load has left the cache: Caffeine drops a failed future when it completes,
     * which may run just after the failing caller was woken.
     */
    private static Integer afterFailureIsDropped(Supplier<Integer> lookup) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                return lookup.get();
            } catch (IllegalStateException e) {
                if (attempt == 1000) {
                    throw e;
                }
                Thread.sleep(1);
            }
        }
    }

    @Test
    void viewNamesMustBeUsableInCacheKeys() {
        BlockfileRoot root = write();
        try (BlockCache cache = BlockCache.builder().maxBytes(1 << 20).build();
                BlockfileStore store = new BlockfileStore(storage, cache, BlockfileOptions.forLocal())) {
            BlockfileReader<Integer, String> reader = store.open(DIR, root.id(), KeyType.U32, ValueType.STRING);
            List<String> bad = new ArrayList<>(Arrays.asList("", "a#b", "a/b", null));
            for (String name : bad) {
                assertThrows(
                        IllegalArgumentException.class,
                        () -> reader.view(name, new CountingDecoder(1)),
                        String.valueOf(name));
            }
            assertThrows(IllegalArgumentException.class, () -> reader.view("ok", null));
        }
    }
}
