package dev.chromaj.index.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.testing.TestRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class QuantizedHnswIndexTest {

    private static final int DIM = 32;

    @ParameterizedTest
    @EnumSource(DistanceSpace.class)
    void recallAtTenWithReRankIsAtLeast95Percent(DistanceSpace space) {
        long seed = TestRandom.seed();
        Random random = new Random(seed);
        float[][] data = ClusteredVectors.generate(random, 4000, DIM, 20);
        HnswIndex index = quantizedIndex(space, data);
        Map<Integer, float[]> live = new HashMap<>();
        for (int i = 0; i < data.length; i++) {
            index.add(i, data[i]);
            live.put(i, data[i]);
        }
        double recall = meanReRankedRecall(index, space, live, random, 100);
        assertTrue(recall >= 0.95, "recall " + recall + " (seed " + seed + ", space " + space + ")");
    }

    @Test
    void holdsCodesNotFloats() {
        long seed = TestRandom.seed();
        float[][] data = ClusteredVectors.generate(new Random(seed), 8192, 128, 10);
        HnswIndex floats = new HnswIndex(128, DistanceSpace.L2, HnswConfig.defaults(), data.length);
        HnswIndex codes = quantizedIndex(DistanceSpace.L2, data);
        int[] offsets = new int[data.length];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = i;
        }
        floats.addAll(offsets, data, 2);
        codes.addAll(offsets, data, 2);
        // codes take one byte per component: a quarter of the float store
        assertTrue(
                Math.abs(floats.vectorMemoryBytes() - 4 * codes.vectorMemoryBytes()) <= 64L * 16,
                floats.vectorMemoryBytes() + " vs " + codes.vectorMemoryBytes());
        assertTrue(codes.vectorMemoryBytes() <= 8192L * 128 + 16 * 1024, "" + codes.vectorMemoryBytes());
        assertTrue(
                floats.memoryBytes() - codes.memoryBytes() >= 3L * 8192 * 128 - 16 * 1024,
                floats.memoryBytes() + " vs " + codes.memoryBytes());
        HnswGraphSnapshot snapshot = codes.export();
        assertTrue(snapshot.nodes().stream().allMatch(n -> n.vector() == null && n.code().length == 128));
    }

    @Test
    void exportRestoreDeleteUpdateAndRebuildKeepCodes() {
        long seed = TestRandom.seed();
        Random random = new Random(seed);
        float[][] data = ClusteredVectors.generate(random, 3000, DIM, 10);
        HnswIndex index = quantizedIndex(DistanceSpace.COSINE, data);
        Map<Integer, float[]> live = new HashMap<>();
        for (int i = 0; i < 2000; i++) {
            index.add(i, data[i]);
            live.put(i, data[i]);
        }
        HnswIndex restored = HnswIndex.restore(index.export());
        float[] query = data[5];
        assertEquals(index.search(query, 10), restored.search(query, 10));
        assertEquals(index.quantizer(), restored.quantizer());
        // extend the restored graph: deletes, updates and inserts
        for (int i = 0; i < 600; i++) {
            restored.delete(i);
            live.remove(i);
        }
        for (int i = 600; i < 800; i++) {
            restored.add(i, data[2000 + i]);
            live.put(i, data[2000 + i]);
        }
        for (int i = 2000; i < 2200; i++) {
            restored.add(i, data[i]);
            live.put(i, data[i]);
        }
        assertNull(restored.vector(3));
        assertEquals(live.size(), restored.size());
        double recall = meanReRankedRecall(restored, DistanceSpace.COSINE, live, random, 50);
        assertTrue(recall >= 0.95, "recall " + recall + " after changes (seed " + seed + ")");
        assertTrue(restored.shouldRebuild());
        HnswIndex rebuilt = restored.rebuilt();
        assertEquals(0, rebuilt.deletedCount());
        assertEquals(restored.quantizer(), rebuilt.quantizer());
        for (int i = 600; i < 610; i++) {
            assertEquals(List.of(restored.vector(i)).get(0).length, rebuilt.vector(i).length);
            assertTrue(java.util.Arrays.equals(restored.vector(i), rebuilt.vector(i)), "code of " + i + " kept");
        }
        double rebuiltRecall = meanReRankedRecall(rebuilt, DistanceSpace.COSINE, live, random, 50);
        assertTrue(rebuiltRecall >= 0.95, "recall " + rebuiltRecall + " after rebuild (seed " + seed + ")");
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void copyIsIndependentAndAnswersLikeTheOriginal(Form form) {
        long seed = TestRandom.seed();
        Random random = new Random(seed);
        float[][] data = ClusteredVectors.generate(random, 1500, DIM, 10);
        HnswIndex index = switch (form) {
            case INT8 -> quantizedIndex(DistanceSpace.L2, data);
            case INT4 -> quantizedIndex(DistanceSpace.L2, data, 4);
            case FLOAT -> new HnswIndex(DIM, DistanceSpace.L2, HnswConfig.defaults(), data.length);
        };
        for (int i = 0; i < 1000; i++) {
            index.add(i, data[i]);
        }
        index.delete(7);
        HnswIndex copy = index.copy(HnswConfig.defaults().withEfSearch(50));
        assertEquals(50, copy.config().efSearch());
        assertEquals(index.memoryBytes(), copy.memoryBytes());
        assertEquals(index.nodeCount(), copy.nodeCount());
        for (int node = 0; node < index.nodeCount(); node++) {
            assertTrue(java.util.Arrays.deepEquals(index.nodeNeighbours(node), copy.nodeNeighbours(node)));
            assertEquals(index.nodeOffset(node), copy.nodeOffset(node));
            assertEquals(index.nodeDeleted(node), copy.nodeDeleted(node));
        }
        for (int q = 0; q < 20; q++) {
            float[] query = data[random.nextInt(1000)];
            assertEquals(
                    index.search(query, 10, 100, (java.util.function.IntPredicate) null),
                    copy.search(query, 10, 100, (java.util.function.IntPredicate) null));
        }
        // extending the copy leaves the original as it was
        int before = index.nodeCount();
        for (int i = 1000; i < 1500; i++) {
            copy.add(i, data[i]);
        }
        copy.delete(3);
        assertEquals(before, index.nodeCount());
        assertTrue(index.contains(3));
        assertEquals(1498, copy.size());
        assertEquals(999, index.size());
    }

    @Test
    void int4IndexHoldsHalfByteCodesThroughExportRestoreAndRebuild() {
        long seed = TestRandom.seed();
        Random random = new Random(seed);
        int dim = 33; // odd: the last byte of every code holds one component and a zero nibble
        float[][] data = ClusteredVectors.generate(random, 4096, dim, 10);
        HnswIndex index = quantizedIndex(DistanceSpace.L2, data, 4);
        HnswIndex floats = new HnswIndex(dim, DistanceSpace.L2, HnswConfig.defaults(), data.length);
        int[] offsets = new int[data.length];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = i;
        }
        index.addAll(offsets, data, 2);
        floats.addAll(offsets, data, 2);
        // 17 bytes per 33-component vector (ceil(33 / 2)), against 132 for floats: the chunks hold exactly that
        long perVector = (dim + 1L) / 2;
        long slack = 64L * 16;
        assertTrue(
                index.vectorMemoryBytes() >= data.length * perVector
                        && index.vectorMemoryBytes() <= data.length * perVector + slack,
                "" + index.vectorMemoryBytes());
        assertTrue(floats.vectorMemoryBytes() >= 7 * index.vectorMemoryBytes(), "" + floats.vectorMemoryBytes());
        HnswGraphSnapshot snapshot = index.export();
        assertTrue(snapshot.nodes().stream().allMatch(n -> n.vector() == null && n.code().length == perVector));
        HnswIndex restored = HnswIndex.restore(snapshot);
        assertEquals(index.quantizer(), restored.quantizer());
        Map<Integer, float[]> live = new HashMap<>();
        for (int i = 0; i < data.length; i++) {
            live.put(i, data[i]);
        }
        for (int q = 0; q < 20; q++) {
            float[] query = data[random.nextInt(data.length)];
            assertEquals(index.search(query, 10), restored.search(query, 10), "seed " + seed);
        }
        for (int i = 0; i < 1000; i++) {
            restored.delete(i);
            live.remove(i);
        }
        HnswIndex rebuilt = restored.rebuilt();
        for (int i = 1000; i < 1020; i++) {
            assertTrue(java.util.Arrays.equals(restored.vector(i), rebuilt.vector(i)), "code of " + i + " kept");
        }
        double recall = meanReRankedRecall(rebuilt, DistanceSpace.L2, live, random, 50, 100);
        assertTrue(recall >= 0.95, "recall " + recall + " after rebuild (seed " + seed + ")");
    }

    @Test
    void restoreRejectsACodeOfTheWrongLength() {
        float[][] data = ClusteredVectors.generate(new Random(1), 10, 8, 2);
        HnswIndex index = quantizedIndex(DistanceSpace.L2, data, 4);
        index.add(0, data[0]);
        HnswGraphSnapshot s = index.export();
        HnswGraphSnapshot.Node node = s.nodes().get(0);
        HnswGraphSnapshot bad = new HnswGraphSnapshot(
                s.dimension(),
                s.space(),
                s.config(),
                s.entryPoint(),
                s.maxLevel(),
                List.of(new HnswGraphSnapshot.Node(node.offset(), false, null, node.neighbours(), new byte[8])),
                s.quantizer());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> HnswIndex.restore(bad));
        assertTrue(e.getMessage().contains("code must have 4 bytes"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(
            value = Form.class,
            names = {"INT8", "INT4"})
    void restoreFromBlocksEqualsRestoreFromTheSnapshot(Form form) {
        long seed = TestRandom.seed();
        Random random = new Random(seed);
        float[][] data = ClusteredVectors.generate(random, 2500, DIM, 10);
        HnswIndex index = quantizedIndex(DistanceSpace.L2, data, form == Form.INT8 ? 8 : 4);
        for (int i = 0; i < 2000; i++) {
            index.add(i, data[i]);
        }
        for (int i = 0; i < 300; i++) {
            index.add(i, data[2000 + i]); // updates: the old nodes stay as deleted ones
        }
        for (int i = 300; i < 400; i++) {
            index.delete(i);
        }
        HnswGraphSnapshot s = index.export();
        // links and codes split into blocks of different, uneven sizes
        HnswIndex fromBlocks = restoreFromBlocks(s, 97, 131);
        HnswIndex fromSnapshot = HnswIndex.restore(s);
        assertEquals(fromSnapshot.size(), fromBlocks.size());
        assertEquals(fromSnapshot.deletedCount(), fromBlocks.deletedCount());
        assertEquals(fromSnapshot.memoryBytes(), fromBlocks.memoryBytes());
        for (int q = 0; q < 50; q++) {
            float[] query = data[random.nextInt(data.length)];
            assertEquals(fromSnapshot.search(query, 10), fromBlocks.search(query, 10), "seed " + seed);
        }
        for (int i = 0; i < 2000; i += 37) {
            assertTrue(java.util.Arrays.equals(fromSnapshot.vector(i), fromBlocks.vector(i)), "code of " + i);
        }
        // the restored index accepts further changes like any other
        fromBlocks.add(5000, data[2400]);
        assertEquals(5000, fromBlocks.search(data[2400], 1).get(0).offset(), "seed " + seed);
    }

    @Test
    void restoreFromBlocksRejectsGapsShortAndLongInputsDuplicateOffsetsAndBadLinks() {
        float[][] data = ClusteredVectors.generate(new Random(3), 300, 8, 2);
        HnswIndex index = quantizedIndex(DistanceSpace.L2, data);
        for (int i = 0; i < 300; i++) {
            index.add(i, data[i]);
        }
        HnswGraphSnapshot s = index.export();
        List<HnswGraphSnapshot.LinkBlock> links = linkBlocks(s, 100);
        List<HnswGraphSnapshot.CodeBlock> codes = codeBlocks(s, 100);
        assertRestoreFails(s, links.subList(0, 2), codes, "links end at node 200 of 300");
        assertRestoreFails(s, links, codes.subList(1, 3), "codes must be dense from node 0");
        assertRestoreFails(s, links, codes.subList(0, 2), "codes end at node 200 of 300");
        List<HnswGraphSnapshot.LinkBlock> tooMany = new ArrayList<>(links);
        tooMany.add(links.get(2));
        assertRestoreFails(s, tooMany, codes, "links run past node 299");
        HnswGraphSnapshot.LinkBlock b = links.get(1);
        int[] twiceOffset = b.offsets().clone();
        twiceOffset[5] = twiceOffset[4];
        assertRestoreFails(
                s,
                List.of(
                        links.get(0),
                        new HnswGraphSnapshot.LinkBlock(
                                b.first(), twiceOffset, b.levelStart(), b.listStart(), b.links()),
                        links.get(2)),
                codes,
                "must be unique among live nodes");
        int[] badLinks = b.links().clone();
        badLinks[0] = 300;
        assertRestoreFails(
                s,
                List.of(
                        links.get(0),
                        new HnswGraphSnapshot.LinkBlock(
                                b.first(), b.offsets(), b.levelStart(), b.listStart(), badLinks),
                        links.get(2)),
                codes,
                "must name nodes present on level 0, got 300");
    }

    private static void assertRestoreFails(
            HnswGraphSnapshot s,
            List<HnswGraphSnapshot.LinkBlock> links,
            List<HnswGraphSnapshot.CodeBlock> codes,
            String message) {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> restoreFromBlocks(s, links, codes));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    /** {@code s} restored through the block form, its links in blocks of {@code linkBlock} nodes, codes of {@code codeBlock}. */
    static HnswIndex restoreFromBlocks(HnswGraphSnapshot s, int linkBlock, int codeBlock) {
        return restoreFromBlocks(s, linkBlocks(s, linkBlock), codeBlocks(s, codeBlock));
    }

    /** {@code s}'s header with {@code links} and {@code codes} restored through the block form. */
    static HnswIndex restoreFromBlocks(
            HnswGraphSnapshot s, List<HnswGraphSnapshot.LinkBlock> links, List<HnswGraphSnapshot.CodeBlock> codes) {
        return HnswIndex.restore(
                s.dimension(),
                s.space(),
                s.config(),
                s.quantizer(),
                s.nodes().size(),
                s.entryPoint(),
                s.maxLevel(),
                node -> s.nodes().get(node).deleted(),
                links.iterator(),
                codes.iterator());
    }

    static List<HnswGraphSnapshot.LinkBlock> linkBlocks(HnswGraphSnapshot s, int size) {
        List<HnswGraphSnapshot.LinkBlock> blocks = new ArrayList<>();
        List<HnswGraphSnapshot.Node> nodes = s.nodes();
        for (int first = 0; first < nodes.size(); first += size) {
            int count = Math.min(size, nodes.size() - first);
            int[] offsets = new int[count];
            int[] levelStart = new int[count + 1];
            List<Integer> listStart = new ArrayList<>();
            List<Integer> links = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                HnswGraphSnapshot.Node node = nodes.get(first + i);
                offsets[i] = node.offset();
                for (int[] list : node.neighbours()) {
                    listStart.add(links.size());
                    for (int id : list) {
                        links.add(id);
                    }
                }
                levelStart[i + 1] = listStart.size();
            }
            listStart.add(links.size());
            blocks.add(new HnswGraphSnapshot.LinkBlock(
                    first,
                    offsets,
                    levelStart,
                    listStart.stream().mapToInt(Integer::intValue).toArray(),
                    links.stream().mapToInt(Integer::intValue).toArray()));
        }
        return blocks;
    }

    static List<HnswGraphSnapshot.CodeBlock> codeBlocks(HnswGraphSnapshot s, int size) {
        List<HnswGraphSnapshot.CodeBlock> blocks = new ArrayList<>();
        List<HnswGraphSnapshot.Node> nodes = s.nodes();
        int length = s.quantizer().codeLength();
        for (int first = 0; first < nodes.size(); first += size) {
            int count = Math.min(size, nodes.size() - first);
            byte[] codes = new byte[count * length];
            for (int i = 0; i < count; i++) {
                System.arraycopy(nodes.get(first + i).code(), 0, codes, i * length, length);
            }
            blocks.add(new HnswGraphSnapshot.CodeBlock(first, codes));
        }
        return blocks;
    }

    enum Form {
        FLOAT,
        INT8,
        INT4
    }

    static HnswIndex quantizedIndex(DistanceSpace space, float[][] data) {
        return quantizedIndex(space, data, 8);
    }

    static HnswIndex quantizedIndex(DistanceSpace space, float[][] data, int bits) {
        float[][] stored = data;
        if (space == DistanceSpace.COSINE) {
            stored = new float[data.length][];
            for (int i = 0; i < data.length; i++) {
                stored[i] = data[i].clone();
                VectorKernels.normalize(stored[i]);
            }
        }
        ScalarQuantizer q = ScalarQuantizer.train(data[0].length, space, stored, bits);
        return new HnswIndex(data[0].length, space, HnswConfig.defaults(), data.length, q);
    }

    /** Recall@10 of the top 40 code candidates re-ranked with the exact vectors. */
    private static double meanReRankedRecall(
            HnswIndex index, DistanceSpace space, Map<Integer, float[]> live, Random random, int queries) {
        return meanReRankedRecall(index, space, live, random, queries, 40);
    }

    /** Recall@10 of the top {@code candidates} code candidates re-ranked with the exact vectors. */
    private static double meanReRankedRecall(
            HnswIndex index,
            DistanceSpace space,
            Map<Integer, float[]> live,
            Random random,
            int queries,
            int candidates) {
        List<float[]> vectors = new ArrayList<>(live.values());
        double sum = 0;
        for (int q = 0; q < queries; q++) {
            float[] query = vectors.get(random.nextInt(vectors.size())).clone();
            for (int i = 0; i < query.length; i++) {
                query[i] += (float) random.nextGaussian() * 0.1f;
            }
            List<ScoredOffset> found = index.search(query, candidates);
            List<ScoredOffset> reRanked = new ArrayList<>();
            for (ScoredOffset c : found) {
                reRanked.add(new ScoredOffset(
                        c.offset(), (float) ClusteredVectors.distance(space, query, live.get(c.offset()))));
            }
            reRanked.sort(Comparator.comparingDouble(ScoredOffset::distance));
            sum += ClusteredVectors.recall(
                    reRanked.subList(0, Math.min(10, reRanked.size())),
                    ClusteredVectors.exactTopK(space, query, live, 10, null));
        }
        return sum / queries;
    }
}
