package dev.chromaj.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.HnswConfig;
import dev.chromaj.index.vector.HnswIndex;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HnswIndexCacheTest {

    private static HnswIndex index(int vectors) {
        HnswIndex index = new HnswIndex(8, DistanceSpace.L2, HnswConfig.defaults(), vectors);
        for (int i = 0; i < vectors; i++) {
            index.add(i, new float[] {i, 1, 2, 3, 4, 5, 6, 7});
        }
        return index;
    }

    @Test
    void loadsOnceAndServesLaterRequestsFromMemory() {
        HnswIndexCache cache = new HnswIndexCache(1L << 30);
        UUID key = UUID.randomUUID();
        AtomicInteger loads = new AtomicInteger();
        HnswIndex first = cache.get(key, "c", () -> {
            loads.incrementAndGet();
            return index(10);
        });
        assertSame(first, cache.get(key, "c", () -> index(10)));
        assertEquals(1, loads.get());
        assertEquals(1, cache.loads());
        assertEquals(first.memoryBytes(), cache.bytes());
    }

    @Test
    void clearDropsEveryIndexAndItsBytes() {
        HnswIndexCache cache = new HnswIndexCache(1L << 30);
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        cache.get(a, "a", () -> index(10));
        cache.get(b, "b", () -> index(10));
        cache.clear();
        assertEquals(0, cache.size());
        assertEquals(0, cache.bytes());
        assertEquals(0, cache.vectorBytes());
        assertNull(cache.peek(a));
        assertNull(cache.peek(b));
    }

    @Test
    void leastRecentlyUsedIndexesAreUnloadedOverBudget() {
        long one = index(100).memoryBytes();
        HnswIndexCache cache = new HnswIndexCache(one * 2 + one / 2);
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        cache.get(a, "a", () -> index(100));
        cache.get(b, "b", () -> index(100));
        cache.get(a, "a", () -> index(100)); // a is now the most recently used
        cache.get(c, "c", () -> index(100));
        assertNotNull(cache.peek(a));
        assertNull(cache.peek(b));
        assertNotNull(cache.peek(c));
        assertEquals(1, cache.evictions());
        assertTrue(cache.bytes() <= cache.budgetBytes());
    }

    @Test
    void anIndexLargerThanTheBudgetStillServesAlone() {
        HnswIndexCache cache = new HnswIndexCache(1);
        UUID key = UUID.randomUUID();
        HnswIndex index = cache.get(key, "c", () -> index(10));
        assertSame(index, cache.peek(key));
        assertEquals(1, cache.size());
    }

    @Test
    void failedLoadIsRetried() {
        HnswIndexCache cache = new HnswIndexCache(1L << 30);
        UUID key = UUID.randomUUID();
        assertThrows(
                IllegalStateException.class,
                () -> cache.get(key, "c", () -> {
                    throw new IllegalStateException("storage down");
                }));
        assertEquals(0, cache.size());
        assertNotNull(cache.get(key, "c", () -> index(3)));
    }

    @Test
    void publishingAVersionUnloadsTheCollectionsOlderGraphs() {
        HnswIndexCache cache = new HnswIndexCache(1L << 30);
        UUID old = UUID.randomUUID();
        UUID current = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        cache.get(old, "c1", () -> index(5));
        cache.get(other, "c2", () -> index(5));
        cache.handOver(current, "c1", index(6));
        assertNotNull(cache.peek(old), "kept until the new version is published");
        SegmentManifest published = new SegmentManifest(
                Map.of(
                        "vector.header",
                        current,
                        "vector.graph",
                        UUID.randomUUID(),
                        "vector.vectors",
                        UUID.randomUUID()),
                6,
                6,
                Map.of(),
                3);
        cache.retainOnly("c1", published);
        assertNull(cache.peek(old));
        assertNotNull(cache.peek(current));
        assertNotNull(cache.peek(other));
        assertEquals(2, cache.size());
    }

    @Test
    void budgetMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new HnswIndexCache(0));
        assertTrue(e.getMessage().contains("budget"), e.getMessage());
    }
}
