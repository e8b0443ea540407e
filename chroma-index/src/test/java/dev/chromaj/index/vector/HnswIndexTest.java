package dev.chromaj.index.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.testing.TestRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HnswIndexTest {

    private static final int DIM = 24;

    // a fixed data set per space: the ordinal only varies the seed, reordering the enum just changes the data
    @SuppressWarnings("EnumOrdinal")
    @ParameterizedTest
    @EnumSource(DistanceSpace.class)
    void recallAtTenIsHighWithDefaultParameters(DistanceSpace space) {
        long seed = 7L + space.ordinal();
        Random random = new Random(seed);
        float[][] data = ClusteredVectors.generate(random, 4000, DIM, 20);
        HnswIndex index = new HnswIndex(DIM, space, HnswConfig.defaults(), data.length);
        Map<Integer, float[]> live = new HashMap<>();
        for (int i = 0; i < data.length; i++) {
            index.add(i, data[i]);
            live.put(i, data[i]);
        }
        double recall = meanRecall(index, space, live, random, 100, null);
        assertTrue(recall >= 0.9, "recall " + recall + " (seed " + seed + ", space " + space + ")");
        assertEquals(4000, index.size());
        assertEquals(0, index.deletedCount());
    }

    @Test
    void resultsAreSortedLiveAndCarryTheirDistance() {
        long seed = 11;
        Random random = new Random(seed);
        float[][] data = ClusteredVectors.generate(random, 500, DIM, 5);
        HnswIndex index = new HnswIndex(DIM, DistanceSpace.L2, HnswConfig.defaults(), 0);
        for (int i = 0; i < data.length; i++) {
            index.add(i * 3, data[i]);
        }
        float[] query = data[17];
        List<ScoredOffset> top = index.search(query, 10);
        assertEquals(10, top.size());
        assertEquals(new ScoredOffset(51, 0f), top.get(0));
        for (int i = 0; i < top.size(); i++) {
            ScoredOffset s = top.get(i);
            assertEquals(ClusteredVectors.distance(DistanceSpace.L2, query, data[s.offset() / 3]), s.distance(), 1e-4);
            if (i > 0) {
                assertTrue(top.get(i - 1).distance() <= s.distance());
            }
        }
    }

    @Test
    void selectiveFiltersReturnExactFilteredResults() {
        long seed = 13;
        Random random = new Random(seed);
        float[][] data = ClusteredVectors.generate(random, 3000, DIM, 10);
        HnswIndex index = new HnswIndex(DIM, DistanceSpace.COSINE, HnswConfig.defaults(), data.length);
        index.addAll(IntStream.range(0, data.length).toArray(), data, 2);
        Map<Integer, float[]> live = new HashMap<>();
        for (int i = 0; i < data.length; i++) {
            live.put(i, data[i]);
        }
        for (double selectivity : new double[] {0.01, 0.1}) {
            int[] allowed = IntStream.range(0, data.length)
                    .filter(i -> random.nextDouble() < selectivity)
                    .toArray();
            Set<Integer> allowedSet = new HashSet<>();
            for (int a : allowed) {
                allowedSet.add(a);
            }
            assertTrue(allowed.length <= index.bruteForceThreshold(100), "planner must scan at " + selectivity);
            for (int q = 0; q < 20; q++) {
                float[] query = data[random.nextInt(data.length)];
                List<ScoredOffset> found = index.search(query, 10, 100, OffsetSet.of(allowed));
                List<Integer> truth = ClusteredVectors.exactTopK(DistanceSpace.COSINE, query, live, 10, allowedSet);
                assertEquals(
                        truth,
                        found.stream().map(ScoredOffset::offset).toList(),
                        "seed " + seed + ", selectivity " + selectivity);
            }
        }
    }

    @Test
    void graphFilteredSearchKeepsRecallAtEverySelectivity() {
        long seed = 17;
        Random random = new Random(seed);
        float[][] data = ClusteredVectors.generate(random, 4000, DIM, 20);
        HnswIndex index = new HnswIndex(DIM, DistanceSpace.L2, HnswConfig.defaults(), data.length);
        index.addAll(IntStream.range(0, data.length).toArray(), data, 2);
        Map<Integer, float[]> live = new HashMap<>();
        for (int i = 0; i < data.length; i++) {
            live.put(i, data[i]);
        }
        for (double selectivity : new double[] {0.01, 0.1, 0.5}) {
            Set<Integer> allowed = new HashSet<>();
            for (int i = 0; i < data.length; i++) {
                if (random.nextDouble() < selectivity) {
                    allowed.add(i);
                }
            }
            double recall = meanRecall(index, DistanceSpace.L2, live, random, 50, allowed);
            assertTrue(recall >= 0.95, "recall " + recall + " at selectivity " + selectivity + " (seed " + seed + ")");
        }
    }

    @Test
    void randomAddUpdateDeleteSequencesNeverReturnStaleOrDeletedOffsets() {
        long seed = TestRandom.seed();
        Random random = TestRandom.random();
        HnswIndex index = new HnswIndex(DIM, DistanceSpace.L2, new HnswConfig(8, 60, 80, seed), 0);
        Map<Integer, float[]> live = new HashMap<>();
        float[][] pool = ClusteredVectors.generate(random, 3000, DIM, 15);
        int nextOffset = 0;
        for (int step = 0; step < 4000; step++) {
            int op = random.nextInt(10);
            if (op < 6 || live.isEmpty()) {
                float[] v = pool[random.nextInt(pool.length)].clone();
                index.add(nextOffset, v);
                live.put(nextOffset++, v);
            } else if (op < 8) {
                int offset = random.nextInt(nextOffset);
                float[] v = pool[random.nextInt(pool.length)].clone();
                index.add(offset, v);
                live.put(offset, v);
            } else {
                int offset = random.nextInt(nextOffset + 5);
                index.delete(offset);
                live.remove(offset);
            }
            if (step % 97 == 0) {
                float[] query = pool[random.nextInt(pool.length)];
                assertConsistent(index, live, query, "step " + step);
            }
        }
        assertEquals(live.size(), index.size());
        for (int offset = 0; offset < nextOffset; offset++) {
            assertEquals(live.containsKey(offset), index.contains(offset), "offset " + offset);
        }
        double recall = meanRecall(index, DistanceSpace.L2, live, random, 100, null);
        assertTrue(recall >= 0.9, "recall " + recall + " after churn");
    }

    @Test
    void deletingManyKeepsRecallAndRebuildRestoresACleanGraph() {
        long seed = 19;
        Random random = new Random(seed);
        float[][] data = ClusteredVectors.generate(random, 3000, DIM, 20);
        HnswIndex index = new HnswIndex(DIM, DistanceSpace.IP, HnswConfig.defaults(), data.length);
        index.addAll(IntStream.range(0, data.length).toArray(), data, 2);
        Map<Integer, float[]> live = new HashMap<>();
        for (int i = 0; i < data.length; i++) {
            live.put(i, data[i]);
        }
        assertFalse(index.shouldRebuild());
        for (int i = 0; i < data.length; i++) {
            if (random.nextDouble() < 0.4) {
                index.delete(i);
                live.remove(i);
            }
        }
        assertTrue(index.shouldRebuild());
        assertEquals(data.length - live.size(), index.deletedCount());
        double recall = meanRecall(index, DistanceSpace.IP, live, random, 100, null);
        assertTrue(recall >= 0.9, "recall " + recall + " after deletes (seed " + seed + ")");

        HnswIndex rebuilt = index.rebuilt();
        assertEquals(live.size(), rebuilt.size());
        assertEquals(0, rebuilt.deletedCount());
        assertFalse(rebuilt.shouldRebuild());
        double rebuiltRecall = meanRecall(rebuilt, DistanceSpace.IP, live, random, 100, null);
        assertTrue(rebuiltRecall >= 0.9, "recall " + rebuiltRecall + " after rebuild (seed " + seed + ")");
    }

    @Test
    void concurrentAddAllBuildsAValidGraphWithGoodRecall() {
        long seed = 23;
        Random random = new Random(seed);
        float[][] data = ClusteredVectors.generate(random, 6000, DIM, 30);
        HnswIndex index = new HnswIndex(DIM, DistanceSpace.L2, HnswConfig.defaults(), data.length);
        index.addAll(IntStream.range(0, data.length).toArray(), data, 4);
        assertEquals(data.length, index.size());
        HnswGraphSnapshot snapshot = index.export();
        assertEquals(data.length, snapshot.nodes().size());
        for (int i = 0; i < snapshot.nodes().size(); i++) {
            HnswGraphSnapshot.Node node = snapshot.nodes().get(i);
            assertFalse(node.deleted());
            assertTrue(node.level() <= snapshot.maxLevel());
            for (int l = 0; l <= node.level(); l++) {
                int[] links = node.neighbours()[l];
                assertTrue(links.length <= (l == 0 ? 32 : 16));
                assertTrue(l > 0 || links.length > 0, "node " + i + " has no layer-0 links");
                Set<Integer> distinct = new HashSet<>();
                for (int id : links) {
                    assertTrue(id != i && distinct.add(id), "self or duplicate link at node " + i);
                    assertTrue(snapshot.nodes().get(id).level() >= l);
                }
            }
        }
        Map<Integer, float[]> live = new HashMap<>();
        for (int i = 0; i < data.length; i++) {
            live.put(i, data[i]);
        }
        double recall = meanRecall(index, DistanceSpace.L2, live, random, 100, null);
        assertTrue(recall >= 0.9, "recall " + recall + " (seed " + seed + ")");
    }

    @Test
    void searchesDuringConcurrentInsertsReturnOnlyInsertedOffsetsWithTheirDistances() throws Exception {
        long seed = 29;
        Random random = new Random(seed);
        float[][] data = ClusteredVectors.generate(random, 5000, DIM, 20);
        HnswIndex index = new HnswIndex(DIM, DistanceSpace.L2, HnswConfig.defaults(), 0);
        AtomicBoolean done = new AtomicBoolean();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Map<Integer, Boolean> everSeen = new ConcurrentHashMap<>();
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int readerSeed = t;
            Thread reader = new Thread(() -> {
                Random r = new Random(readerSeed);
                try {
                    while (!done.get()) {
                        float[] query = data[r.nextInt(data.length)];
                        for (ScoredOffset s : index.search(query, 10)) {
                            everSeen.put(s.offset(), true);
                            double expected = ClusteredVectors.distance(DistanceSpace.L2, query, data[s.offset()]);
                            if (Math.abs(expected - s.distance()) > 1e-3) {
                                throw new AssertionError(
                                        "offset " + s.offset() + " distance " + s.distance() + " expected " + expected);
                            }
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            reader.start();
            readers.add(reader);
        }
        index.addAll(IntStream.range(0, data.length).toArray(), data, 2);
        done.set(true);
        for (Thread reader : readers) {
            reader.join();
        }
        assertTrue(failures.isEmpty(), () -> "reader failed: " + failures.get(0));
        assertFalse(everSeen.isEmpty());
        Map<Integer, float[]> live = new HashMap<>();
        for (int i = 0; i < data.length; i++) {
            live.put(i, data[i]);
        }
        double recall = meanRecall(index, DistanceSpace.L2, live, random, 100, null);
        assertTrue(recall >= 0.9, "recall " + recall + " (seed " + seed + ")");
    }

    @Test
    void snapshotRoundTripReturnsIdenticalResultsAndAcceptsFurtherChanges() {
        long seed = 31;
        Random random = new Random(seed);
        float[][] data = ClusteredVectors.generate(random, 3000, DIM, 15);
        HnswIndex index = new HnswIndex(DIM, DistanceSpace.COSINE, HnswConfig.defaults(), data.length);
        index.addAll(IntStream.range(0, 2000).toArray(), java.util.Arrays.copyOf(data, 2000), 2);
        Map<Integer, float[]> live = new HashMap<>();
        for (int i = 0; i < 2000; i++) {
            live.put(i, data[i]);
        }
        for (int i = 0; i < 2000; i += 7) {
            index.delete(i);
            live.remove(i);
        }
        for (int i = 1; i < 2000; i += 11) {
            if (live.containsKey(i)) {
                index.add(i, data[2999 - i]);
                live.put(i, data[2999 - i]);
            }
        }
        HnswIndex restored = HnswIndex.restore(index.export());
        assertEquals(index.size(), restored.size());
        assertEquals(index.deletedCount(), restored.deletedCount());
        for (int q = 0; q < 50; q++) {
            float[] query = data[random.nextInt(data.length)];
            assertEquals(index.search(query, 10), restored.search(query, 10), "seed " + seed + ", query " + q);
        }

        for (int i = 2000; i < 3000; i++) {
            restored.add(i, data[i]);
            live.put(i, data[i]);
        }
        for (int i = 3; i < 3000; i += 13) {
            restored.delete(i);
            live.remove(i);
        }
        assertEquals(live.size(), restored.size());
        for (int q = 0; q < 30; q++) {
            assertConsistent(restored, live, data[random.nextInt(data.length)], "seed " + seed);
        }
        double recall = meanRecall(restored, DistanceSpace.COSINE, live, random, 100, null);
        assertTrue(recall >= 0.9, "recall " + recall + " after extending a restored graph (seed " + seed + ")");
    }

    @Test
    void emptyIndexReturnsNothingAndDeleteOfUnknownOffsetIsANoOp() {
        HnswIndex index = new HnswIndex(3, DistanceSpace.L2, HnswConfig.defaults(), 0);
        assertEquals(List.of(), index.search(new float[3], 5));
        index.delete(42);
        assertEquals(0, index.size());
        assertFalse(index.contains(42));
        assertNull(index.vector(42));
        index.add(42, new float[] {1f, 2f, 3f});
        assertTrue(index.contains(42));
        assertEquals(List.of(new ScoredOffset(42, 0f)), index.search(new float[] {1f, 2f, 3f}, 5));
        assertEquals(HnswIndex.restore(index.export()).search(new float[3], 1), index.search(new float[3], 1));
    }

    @Test
    void badInputIsRejectedWithoutChangingTheIndex() {
        HnswIndex index = new HnswIndex(3, DistanceSpace.L2, HnswConfig.defaults(), 0);
        IllegalArgumentException dim = assertThrows(IllegalArgumentException.class, () -> index.add(0, new float[4]));
        assertEquals("vector must have dimension 3, got 4", dim.getMessage());
        assertThrows(IllegalArgumentException.class, () -> index.add(-1, new float[3]));
        IllegalArgumentException duplicate = assertThrows(
                IllegalArgumentException.class,
                () -> index.addAll(new int[] {1, 2, 1}, new float[][] {new float[3], new float[3], new float[3]}, 2));
        assertTrue(duplicate.getMessage().contains("unique"), duplicate.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> index.addAll(new int[] {1, 2}, new float[][] {new float[3], new float[2]}, 2));
        assertEquals(0, index.size());
        assertThrows(IllegalArgumentException.class, () -> index.search(new float[3], 0));
        assertThrows(IllegalArgumentException.class, () -> index.search(new float[2], 1));
        assertThrows(IllegalArgumentException.class, () -> new HnswConfig(1, 100, 100, 0));
        assertThrows(
                IllegalArgumentException.class, () -> new HnswIndex(0, DistanceSpace.L2, HnswConfig.defaults(), 0));
    }

    @Test
    void memoryEstimateCoversVectorsAndLinks() {
        Random random = new Random(37);
        float[][] data = ClusteredVectors.generate(random, 5000, DIM, 10);
        HnswIndex index = new HnswIndex(DIM, DistanceSpace.L2, HnswConfig.defaults(), data.length);
        index.addAll(IntStream.range(0, data.length).toArray(), data, 2);
        long bytes = index.memoryBytes();
        long payload = (long) data.length * (DIM * 4 + 33 * 4);
        assertTrue(bytes >= payload, bytes + " < " + payload);
        assertTrue(bytes <= payload * 2, bytes + " > 2 x " + payload);
    }

    /** Every result is live, carries the distance to its current vector, and results are sorted. */
    private static void assertConsistent(HnswIndex index, Map<Integer, float[]> live, float[] query, String where) {
        List<ScoredOffset> top = index.search(query, 10);
        assertEquals(Math.min(10, live.size()), top.size(), where);
        float previous = Float.NEGATIVE_INFINITY;
        for (ScoredOffset s : top) {
            float[] current = live.get(s.offset());
            assertTrue(current != null, "deleted offset " + s.offset() + " returned, " + where);
            assertEquals(
                    ClusteredVectors.distance(index.space(), query, current),
                    s.distance(),
                    1e-3,
                    "stale vector for offset " + s.offset() + ", " + where);
            assertTrue(s.distance() >= previous, where);
            previous = s.distance();
        }
    }

    private static double meanRecall(
            HnswIndex index,
            DistanceSpace space,
            Map<Integer, float[]> live,
            Random random,
            int queries,
            Set<Integer> allowed) {
        List<float[]> vectors = new ArrayList<>(live.values());
        double sum = 0;
        for (int q = 0; q < queries; q++) {
            float[] base = vectors.get(random.nextInt(vectors.size()));
            float[] query = base.clone();
            for (int i = 0; i < query.length; i++) {
                query[i] += (float) random.nextGaussian() * 0.1f;
            }
            List<ScoredOffset> found =
                    allowed == null ? index.search(query, 10) : index.search(query, 10, 100, allowed::contains);
            sum += ClusteredVectors.recall(found, ClusteredVectors.exactTopK(space, query, live, 10, allowed));
        }
        return sum / queries;
    }
}
