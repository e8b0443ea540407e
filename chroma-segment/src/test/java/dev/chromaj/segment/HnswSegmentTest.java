package dev.chromaj.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.blockstore.BlockfileRoot;
import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.ExactSearch;
import dev.chromaj.index.vector.HnswConfig;
import dev.chromaj.index.vector.HnswIndex;
import dev.chromaj.index.vector.ScoredOffset;
import dev.chromaj.segment.log.LogOperation;
import dev.chromaj.segment.log.RecordChange;
import dev.chromaj.testing.TestRandom;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

class HnswSegmentTest {
    private static final int DIM = 16;
    private static final int N = 2000;

    @TempDir
    Path folder;

    private SegmentFixture fx;
    private HnswSettings settings;
    private float[][] projection;
    private Random random;
    /** The current embedding of every live id. */
    private final Map<String, float[]> model = new HashMap<>();

    @BeforeEach
    void setUp() {
        random = TestRandom.random();
        fx = new SegmentFixture(folder, 16 << 10);
        settings = new HnswSettings(new HnswIndexCache(1L << 30), DistanceSpace.L2, 16, 100, 100, 2);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private String label() {
        return "space " + settings.space();
    }

    private float[] vector() {
        return vector(DIM);
    }

    /**
     * A vector of {@code dimension}: above {@link #DIM}, a {@code DIM}-dimensional one mapped by a fixed random
     * projection plus a little noise (a low intrinsic dimension, like real embeddings).
     */
    private float[] vector(int dimension) {
        if (dimension > DIM) {
            if (projection == null || projection[0].length != dimension) {
                projection = new float[DIM][dimension];
                for (float[] row : projection) {
                    for (int i = 0; i < dimension; i++) {
                        row[i] = (float) (random.nextGaussian() / Math.sqrt(DIM));
                    }
                }
            }
            float[] latent = vector(DIM);
            float[] v = new float[dimension];
            for (int j = 0; j < DIM; j++) {
                for (int i = 0; i < dimension; i++) {
                    v[i] += latent[j] * projection[j][i];
                }
            }
            for (int i = 0; i < dimension; i++) {
                v[i] += (float) random.nextGaussian() * 0.01f;
            }
            return v;
        }
        float[] v = new float[dimension];
        int cluster = random.nextInt(8);
        for (int i = 0; i < dimension; i++) {
            v[i] = (i % 8 == cluster ? 3f : 0f) + (float) random.nextGaussian();
        }
        return v;
    }

    private List<LogOperation> adds(int from, int to) {
        return adds(from, to, DIM);
    }

    private List<LogOperation> adds(int from, int to, int dimension) {
        List<LogOperation> ops = new ArrayList<>();
        for (int i = from; i < to; i++) {
            float[] v = vector(dimension);
            ops.add(new LogOperation.Add("id-" + i, RecordChange.of(v, null, Map.of("n", i), null)));
            model.put("id-" + i, v);
        }
        return ops;
    }

    private SegmentManifest write(SegmentManifest previous, List<LogOperation> ops) {
        CollectionSegments base = CollectionSegments.open(fx.store, fx.dir, previous, settings);
        SegmentWriter writer = SegmentWriter.fork(fx.store, fx.dir, previous);
        MaterializedBatch batch = Materializer.materialize(ops, writer, writer.nextOffset());
        writer.apply(batch);
        return HnswSegmentWriter.write(fx.store, fx.dir, base, batch, writer.commit(), settings);
    }

    private CollectionSegments open(SegmentManifest m) {
        return CollectionSegments.open(fx.store, fx.dir, m, settings);
    }

    /** Exact top k of the model, as offsets of {@code segments}, restricted to {@code allowed} (null: all). */
    private List<Integer> exact(CollectionSegments segments, float[] query, int k, RoaringBitmap allowed) {
        Map<String, Integer> offsets = segments.offsetsOf(model.keySet());
        int[] ids = new int[offsets.size()];
        float[][] vectors = new float[offsets.size()][];
        int i = 0;
        for (Map.Entry<String, Integer> e : offsets.entrySet()) {
            ids[i] = e.getValue();
            vectors[i++] = model.get(e.getKey());
        }
        List<Integer> out = new ArrayList<>();
        for (ScoredOffset s : ExactSearch.search(
                DistanceSpace.L2, query, k, ids, vectors, allowed == null ? null : allowed::contains)) {
            out.add(s.offset());
        }
        return out;
    }

    private double recall(CollectionSegments segments, int queries) {
        int found = 0;
        int total = 0;
        for (int q = 0; q < queries; q++) {
            float[] query = vector();
            Set<Integer> truth = new HashSet<>(exact(segments, query, 10, null));
            for (ScoredOffset s : segments.vectors().graphNearest(query, 10, null, DistanceSpace.L2)) {
                if (truth.contains(s.offset())) {
                    found++;
                }
            }
            total += truth.size();
        }
        return (double) found / total;
    }

    @Test
    void largeVersionIsSearchedThroughItsGraphWithHighRecall() {
        SegmentManifest m = write(null, adds(0, N));
        assertTrue(m.roots().containsKey("vector.graph"));
        assertTrue(m.segmentBytes().get("vector") > 0L);
        CollectionSegments segments = open(m);
        assertTrue(segments.vectors().hasGraph());
        double recall = recall(segments, 50);
        assertTrue(recall >= 0.9, label() + ": recall " + recall);
    }

    @Test
    void smallVersionHasAGraphButIsSearchedExactly() {
        SegmentManifest m = write(null, adds(0, 50));
        assertTrue(m.roots().containsKey("vector.header"));
        CollectionSegments segments = open(m);
        assertFalse(segments.vectors().usesGraph(DIM, 5));
        float[] query = vector();
        List<Integer> got = segments.nearest(query, 5, null, DistanceSpace.L2).stream()
                .map(ScoredOffset::offset)
                .toList();
        assertEquals(exact(segments, query, 5, null), got);
    }

    @Test
    void aThousandHighDimensionalRecordsAreSearchedThroughTheGraphWithHighRecall() {
        int dimension = 1536;
        SegmentManifest m = write(null, adds(0, 1000, dimension));
        CollectionSegments segments = open(m);
        assertTrue(segments.vectors().usesGraph(dimension, 10));
        int found = 0;
        int total = 0;
        for (int q = 0; q < 20; q++) {
            float[] query = vector(dimension);
            Set<Integer> truth = new HashSet<>(exact(segments, query, 10, null));
            for (ScoredOffset s : segments.nearest(query, 10, null, DistanceSpace.L2)) {
                found += truth.contains(s.offset()) ? 1 : 0;
            }
            total += truth.size();
        }
        assertTrue(found >= 0.95 * total, "recall " + found + " of " + total + ", seed " + TestRandom.seed());
        // a selective filter stays exact (the index's planner scans the allowed offsets)
        RoaringBitmap allowed = RoaringBitmap.bitmapOf(3, 77, 150, 401, 402, 999);
        float[] query = vector(dimension);
        assertEquals(
                exact(segments, query, 4, allowed),
                segments.nearest(query, 4, allowed, DistanceSpace.L2).stream()
                        .map(ScoredOffset::offset)
                        .toList());
    }

    @Test
    void fiftyHighDimensionalRecordsAreSearchedExactly() {
        int dimension = 1536;
        SegmentManifest m = write(null, adds(0, 50, dimension));
        CollectionSegments segments = open(m);
        assertTrue(segments.vectors().hasGraph());
        assertFalse(segments.vectors().usesGraph(dimension, 10));
        for (int q = 0; q < 5; q++) {
            float[] query = vector(dimension);
            assertEquals(
                    exact(segments, query, 10, null),
                    segments.nearest(query, 10, null, DistanceSpace.L2).stream()
                            .map(ScoredOffset::offset)
                            .toList());
        }
    }

    @Test
    void versionWithoutEmbeddingsHasNoGraph() {
        List<LogOperation> ops = List.of(new LogOperation.Add("a", RecordChange.of(null, "text", null, null)));
        SegmentManifest m = write(null, ops);
        assertNull(HnswSegment.roots(m));
    }

    @Test
    void reloadedGraphAnswersExactlyLikeTheOneCompactionHandedOver() {
        SegmentManifest m = write(null, adds(0, N));
        HnswIndex handedOver = settings.cache().peek(HnswSegment.roots(m).header());
        assertNotNull(handedOver, "the compaction hands its index to the cache");
        HnswSettings fresh = new HnswSettings(new HnswIndexCache(1L << 30), DistanceSpace.L2, 16, 100, 100, 2);
        CollectionSegments reloaded = CollectionSegments.open(fx.store, fx.dir, m, fresh);
        CollectionSegments original = open(m);
        for (int q = 0; q < 30; q++) {
            float[] query = vector();
            assertEquals(
                    original.vectors().graphNearest(query, 10, null, DistanceSpace.L2),
                    reloaded.vectors().graphNearest(query, 10, null, DistanceSpace.L2),
                    label());
        }
        assertEquals(1, fresh.cache().loads());
        assertSame(handedOver, original.vectors().index());
    }

    @Test
    void extendingTheGraphRewritesOnlyChangedBlocksAndKeepsRecall() {
        SegmentManifest first = write(null, adds(0, N));
        long before = fx.storage.stats().bytesWritten();
        SegmentManifest second = write(first, adds(N, N + 20));
        long extension = fx.storage.stats().bytesWritten() - before;
        // the live nodes' vectors are the embeddings: blocks of old records' embeddings are shared
        BlockfileRoot vectorsBefore = SegmentFile.EMBEDDINGS
                .open(fx.store, fx.dir, first.roots().get(SegmentFile.EMBEDDINGS.name()))
                .root();
        BlockfileRoot vectorsAfter = SegmentFile.EMBEDDINGS
                .open(fx.store, fx.dir, second.roots().get(SegmentFile.EMBEDDINGS.name()))
                .root();
        Set<Object> shared = new HashSet<>(vectorsBefore.blockIds());
        shared.retainAll(vectorsAfter.blockIds());
        assertTrue(
                shared.size() >= vectorsBefore.blockIds().size() - 1,
                "vector blocks of old nodes are shared: " + shared.size() + " of "
                        + vectorsBefore.blockIds().size());
        assertTrue(
                extension * 2 < first.totalBytes(),
                "extension wrote " + extension + " bytes, first version " + first.totalBytes());
        CollectionSegments segments = open(second);
        assertEquals(
                N + 20,
                settings.cache().peek(HnswSegment.roots(second).header()).size());
        double recall = recall(segments, 50);
        assertTrue(recall >= 0.9, label() + ": recall " + recall);
    }

    @Test
    void deletedAndUpdatedRecordsNeverReturnStaleVectors() {
        SegmentManifest m = write(null, adds(0, N));
        List<LogOperation> ops = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String id = "id-" + random.nextInt(N);
            if (!model.containsKey(id) || ops.stream().anyMatch(o -> o.id().equals(id))) {
                continue;
            }
            if (i % 2 == 0) {
                ops.add(new LogOperation.Delete(id));
                model.remove(id);
                deleted.add(id);
            } else {
                float[] v = vector();
                ops.add(new LogOperation.Update(id, RecordChange.of(v, null, null, null)));
                model.put(id, v);
            }
        }
        Map<String, Integer> deletedOffsets = open(m).offsetsOf(deleted);
        SegmentManifest next = write(m, ops);
        CollectionSegments segments = open(next);
        for (LogOperation op : ops) {
            float[] query = op instanceof LogOperation.Update u ? u.change().embedding() : vector();
            List<ScoredOffset> hits = segments.vectors().graphNearest(query, 10, null, DistanceSpace.L2);
            for (ScoredOffset h : hits) {
                assertFalse(deletedOffsets.containsValue(h.offset()), label() + ": deleted offset " + h.offset());
            }
            if (op instanceof LogOperation.Update) {
                int offset = segments.offsetOf(op.id()).getAsInt();
                assertEquals(offset, hits.get(0).offset(), label() + ": updated " + op.id() + " is its own nearest");
                assertEquals(0f, hits.get(0).distance(), 0f);
            }
        }
        assertTrue(recall(segments, 30) >= 0.9, label());
    }

    @Test
    void manyDeletesRebuildTheGraphWithoutDeletedNodes() {
        SegmentManifest m = write(null, adds(0, N));
        List<LogOperation> ops = new ArrayList<>();
        for (int i = 0; i < N / 2; i++) {
            ops.add(new LogOperation.Delete("id-" + i));
            model.remove("id-" + i);
        }
        SegmentManifest next = write(m, ops);
        HnswIndex index = settings.cache().peek(HnswSegment.roots(next).header());
        assertEquals(0, index.deletedCount());
        assertEquals(N / 2, index.size());
        assertNotEquals(m.roots().get("vector.vectors"), next.roots().get("vector.vectors"));
        HnswIndex reloaded = HnswSegment.load(fx.store, fx.dir, HnswSegment.roots(next));
        assertEquals(N / 2, reloaded.size());
        assertEquals(0, reloaded.deletedCount());
    }

    @Test
    void filteredSearchAtHighSelectivityEqualsExactFilteredSearch() {
        SegmentManifest m = write(null, adds(0, N));
        CollectionSegments segments = open(m);
        RoaringBitmap allowed = new RoaringBitmap();
        for (int i = 0; i < N; i += 50) {
            allowed.add(i);
        }
        for (int q = 0; q < 20; q++) {
            float[] query = vector();
            List<Integer> got = segments.nearest(query, 10, allowed, DistanceSpace.L2).stream()
                    .map(ScoredOffset::offset)
                    .toList();
            assertEquals(exact(segments, query, 10, allowed), got, label());
        }
    }

    @Test
    void metadataOnlyChangesKeepTheGraphFiles() {
        SegmentManifest m = write(null, adds(0, N));
        List<LogOperation> ops =
                List.of(new LogOperation.Update("id-1", RecordChange.of(null, null, Map.of("n", -1), null)));
        SegmentManifest next = write(m, ops);
        for (SegmentFile<?, ?> file : HnswSegment.FILES) {
            assertEquals(m.roots().get(file.name()), next.roots().get(file.name()), file.name());
        }
        assertEquals(m.segmentBytes().get("vector"), next.segmentBytes().get("vector"));
    }

    @Test
    void versionWrittenWithoutAGraphGetsOneHoldingAllItsEmbeddings() {
        SegmentWriter writer = SegmentWriter.fork(fx.store, fx.dir, null);
        writer.apply(Materializer.materialize(adds(0, N), writer, writer.nextOffset()));
        SegmentManifest legacy = writer.commit();
        assertNull(HnswSegment.roots(legacy));
        assertFalse(open(legacy).vectors().hasGraph());
        SegmentManifest next = write(legacy, adds(N, N + 10));
        assertEquals(
                N + 10, settings.cache().peek(HnswSegment.roots(next).header()).size());
        double recall = recall(open(next), 30);
        assertTrue(recall >= 0.9, label() + ": recall " + recall);
    }

    @Test
    void corruptHeaderIsDetected() {
        HnswGraphCodec.Header header = new HnswGraphCodec.Header(
                4, DistanceSpace.COSINE, new HnswConfig(8, 50, 100, 7), 3, 2, 0, 1, RoaringBitmap.bitmapOf(2));
        byte[] bytes = HnswGraphCodec.encodeHeader(header);
        HnswGraphCodec.Header back = HnswGraphCodec.decodeHeader(bytes, "test");
        assertEquals(header.config().m(), back.config().m());
        assertEquals(header.deleted(), back.deleted());
        assertEquals(DistanceSpace.COSINE, back.space());
        bytes[10] ^= 1;
        byte[] corrupt = bytes;
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> HnswGraphCodec.decodeHeader(corrupt, "graph x"));
        assertTrue(e.getMessage().contains("graph x") && e.getMessage().contains("checksum"), e.getMessage());
    }

    /**
     * The stored header of each distance space, byte for byte, as written since format 1: a space's code must never
     * change, or existing graphs would be read with another distance.
     */
    @Test
    void headerBytesOfEverySpaceAreStable() {
        Map<DistanceSpace, String> expected = new EnumMap<>(DistanceSpace.class);
        expected.put(
                DistanceSpace.L2,
                "0000000100000004000000000800000032000000000000000700000003000000020000000000000001000000123a300000010000000000000010000000020000000000aed972da");
        expected.put(
                DistanceSpace.COSINE,
                "0000000100000004010000000800000032000000000000000700000003000000020000000000000001000000123a3000000100000000000000100000000200000000008cdac1ca");
        expected.put(
                DistanceSpace.IP,
                "0000000100000004020000000800000032000000000000000700000003000000020000000000000001000000123a300000010000000000000010000000020000000000eade14fa");
        for (DistanceSpace space : DistanceSpace.values()) {
            HnswGraphCodec.Header header = new HnswGraphCodec.Header(
                    4, space, new HnswConfig(8, 50, 100, 7), 3, 2, 0, 1, RoaringBitmap.bitmapOf(2));
            byte[] bytes = HnswGraphCodec.encodeHeader(header);
            assertEquals(expected.get(space), HexFormat.of().formatHex(bytes), space.name());
            assertEquals(space, HnswGraphCodec.decodeHeader(bytes, "test").space());
        }
    }

    @Test
    void nodeCodecRoundTripsLinksInOrder() {
        int[][] links = {{5, 300000, 0, 17}, {}, {1 << 30}};
        HnswGraphCodec.NodeLinks back = HnswGraphCodec.decodeNode(HnswGraphCodec.encodeNode(123456, links), "n");
        assertEquals(123456, back.offset());
        assertTrue(java.util.Arrays.deepEquals(links, back.neighbours()));
        byte[] truncated = java.util.Arrays.copyOf(HnswGraphCodec.encodeNode(1, links), 5);
        assertThrows(IllegalStateException.class, () -> HnswGraphCodec.decodeNode(truncated, "n"));
    }
}
