package dev.chromaj.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.blockstore.BlockfileRoot;
import dev.chromaj.blockstore.BlockfileWriter;
import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.ExactSearch;
import dev.chromaj.index.vector.HnswIndex;
import dev.chromaj.index.vector.ScoredOffset;
import dev.chromaj.segment.log.LogOperation;
import dev.chromaj.segment.log.RecordChange;
import dev.chromaj.testing.TestRandom;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.roaringbitmap.RoaringBitmap;

/** Int8-quantized graphs: codes in memory and in {@code vector.codes}, floats only in the re-rank. */
class QuantizedHnswSegmentTest {
    private static final int DIM = 32;
    private static final int N = 3000;

    @TempDir
    Path folder;

    private SegmentFixture fx;
    private HnswSettings settings;
    private Random random;
    private long seed;
    private float[][] centers;
    /** The current embedding of every live id. */
    private final Map<String, float[]> model = new HashMap<>();

    @BeforeEach
    void setUp() {
        seed = TestRandom.seed();
        random = new Random(seed);
        fx = new SegmentFixture(folder, 16 << 10);
        settings = settings(DistanceSpace.L2, new HnswIndexCache(1L << 30));
        centers = new float[20][DIM];
        for (float[] c : centers) {
            for (int i = 0; i < DIM; i++) {
                c[i] = random.nextFloat() * 2f - 1f;
            }
        }
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private static HnswSettings settings(DistanceSpace space, HnswIndexCache cache) {
        return new HnswSettings(cache, space, 16, 100, 100, 2, HnswSettings.Quantization.INT8);
    }

    private float[] vector() {
        float[] center = centers[random.nextInt(centers.length)];
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = center[i] + (float) random.nextGaussian() * 0.2f;
        }
        return v;
    }

    private List<LogOperation> adds(int from, int to) {
        List<LogOperation> ops = new ArrayList<>();
        for (int i = from; i < to; i++) {
            float[] v = vector();
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

    private List<ScoredOffset> exact(CollectionSegments segments, float[] query, int k, RoaringBitmap allowed) {
        Map<String, Integer> offsets = segments.offsetsOf(model.keySet());
        int[] ids = new int[offsets.size()];
        float[][] vectors = new float[offsets.size()][];
        int i = 0;
        for (Map.Entry<String, Integer> e : offsets.entrySet()) {
            ids[i] = e.getValue();
            vectors[i++] = model.get(e.getKey());
        }
        return ExactSearch.search(settings.space(), query, k, ids, vectors, allowed == null ? null : allowed::contains);
    }

    private double recall(CollectionSegments segments, int queries) {
        int found = 0;
        int total = 0;
        for (int q = 0; q < queries; q++) {
            float[] query = vector();
            Set<Integer> truth = new HashSet<>();
            exact(segments, query, 10, null).forEach(s -> truth.add(s.offset()));
            for (ScoredOffset s : segments.nearest(query, 10, null, settings.space())) {
                if (truth.contains(s.offset())) {
                    found++;
                }
            }
            total += truth.size();
        }
        return (double) found / total;
    }

    @ParameterizedTest
    @EnumSource(DistanceSpace.class)
    void recallAtTenIsAtLeast95PercentAndDistancesAreExact(DistanceSpace space) {
        settings = settings(space, new HnswIndexCache(1L << 30));
        SegmentManifest m = write(null, adds(0, N));
        assertNotNull(m.roots().get(HnswSegment.CODES.name()));
        CollectionSegments segments = open(m);
        assertTrue(segments.vectors().usesGraph(DIM, 10));
        double recall = recall(segments, 50);
        assertTrue(recall >= 0.95, space + ": recall " + recall + " (seed " + seed + ")");
        // the distances returned are the full-precision ones of the re-rank
        float[] query = vector();
        List<ScoredOffset> got = segments.nearest(query, 10, null, space);
        Map<Integer, Float> exactDistance = new HashMap<>();
        exact(segments, query, N, null).forEach(s -> exactDistance.put(s.offset(), s.distance()));
        for (ScoredOffset s : got) {
            assertEquals(exactDistance.get(s.offset()), s.distance(), 1e-4f, space + " offset " + s.offset());
        }
    }

    @Test
    void indexHoldsCodesAndReloadsFromCodesWithIdenticalResults() {
        SegmentManifest m = write(null, adds(0, N));
        HnswIndex handedOver = settings.cache().peek(HnswSegment.roots(m).header());
        assertNotNull(handedOver.quantizer());
        // codes, not floats: one byte per component (plus chunk slack), links on top
        assertTrue(handedOver.vectorMemoryBytes() < 2L * N * DIM, "" + handedOver.vectorMemoryBytes());
        assertEquals(
                0L,
                HnswSegment.VECTORS
                        .open(fx.store, fx.dir, m.roots().get(HnswSegment.VECTORS.name()))
                        .count(),
                "no float vector is stored in the graph files");
        HnswSettings fresh = settings(DistanceSpace.L2, new HnswIndexCache(1L << 30));
        CollectionSegments reloaded = CollectionSegments.open(fx.store, fx.dir, m, fresh);
        CollectionSegments original = open(m);
        for (int q = 0; q < 20; q++) {
            float[] query = vector();
            assertEquals(
                    original.nearest(query, 10, null, DistanceSpace.L2),
                    reloaded.nearest(query, 10, null, DistanceSpace.L2));
        }
        assertEquals(1, fresh.cache().loads());
        HnswIndex loaded = reloaded.vectors().index();
        assertEquals(handedOver.quantizer(), loaded.quantizer());
        assertEquals(handedOver.memoryBytes(), loaded.memoryBytes());
    }

    @Test
    void incrementalAddsUpdatesAndDeletesKeepCodesAndRecall() {
        SegmentManifest first = write(null, adds(0, N));
        // adds
        SegmentManifest second = write(first, adds(N, N + 200));
        BlockfileRoot codesBefore = HnswSegment.CODES
                .open(fx.store, fx.dir, first.roots().get(HnswSegment.CODES.name()))
                .root();
        BlockfileRoot codesAfter = HnswSegment.CODES
                .open(fx.store, fx.dir, second.roots().get(HnswSegment.CODES.name()))
                .root();
        Set<Object> shared = new HashSet<>(codesBefore.blockIds());
        shared.retainAll(codesAfter.blockIds());
        assertTrue(
                shared.size() >= codesBefore.blockIds().size() - 1,
                "code blocks of old nodes are shared: " + shared.size() + " of "
                        + codesBefore.blockIds().size());
        // updates and deletes
        List<LogOperation> ops = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            float[] v = vector();
            ops.add(new LogOperation.Update("id-" + i, RecordChange.of(v, null, null, null)));
            model.put("id-" + i, v);
        }
        for (int i = 300; i < 500; i++) {
            ops.add(new LogOperation.Delete("id-" + i));
            model.remove("id-" + i);
        }
        SegmentManifest third = write(second, ops);
        CollectionSegments segments = open(third);
        double recall = recall(segments, 50);
        assertTrue(recall >= 0.95, "recall " + recall + " after updates and deletes (seed " + seed + ")");
        Set<Integer> deleted = new HashSet<>();
        for (int i = 300; i < 500; i++) {
            deleted.add(i);
        }
        for (int q = 0; q < 20; q++) {
            for (ScoredOffset s : segments.nearest(vector(), 10, null, DistanceSpace.L2)) {
                assertFalse(deleted.contains(s.offset()), "deleted offset " + s.offset() + " returned");
            }
        }
        // enough deletes to rebuild: the rebuilt graph keeps the quantizer
        List<LogOperation> many = new ArrayList<>();
        for (int i = 500; i < 1500; i++) {
            many.add(new LogOperation.Delete("id-" + i));
            model.remove("id-" + i);
        }
        SegmentManifest fourth = write(third, many);
        HnswSettings fresh = settings(DistanceSpace.L2, new HnswIndexCache(1L << 30));
        CollectionSegments reloaded = CollectionSegments.open(fx.store, fx.dir, fourth, fresh);
        HnswIndex index = reloaded.vectors().index();
        assertEquals(0, index.deletedCount(), "rebuilt");
        assertEquals(open(first).vectors().index().quantizer(), index.quantizer(), "the rebuild keeps the codes");
        double after = recall(reloaded, 50);
        assertTrue(after >= 0.95, "recall " + after + " after rebuild (seed " + seed + ")");
    }

    @Test
    void selectiveFilterGivesTheExactFilteredTopK() {
        SegmentManifest m = write(null, adds(0, N));
        CollectionSegments segments = open(m);
        RoaringBitmap allowed = new RoaringBitmap();
        for (int i = 0; i < N; i += 50) {
            allowed.add(i);
        }
        for (int q = 0; q < 10; q++) {
            float[] query = vector();
            List<ScoredOffset> got = segments.nearest(query, 5, allowed, DistanceSpace.L2);
            List<ScoredOffset> want = exact(segments, query, 5, allowed);
            assertEquals(
                    want.stream().map(ScoredOffset::offset).toList(),
                    got.stream().map(ScoredOffset::offset).toList());
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = HnswSettings.Quantization.class,
            names = {"INT8", "INT4"})
    void aCorruptQuantizerOrACodeOfTheWrongLengthFailsNamingTheObject(HnswSettings.Quantization quantization) {
        settings = new HnswSettings(new HnswIndexCache(1L << 30), DistanceSpace.L2, 16, 100, 100, 2, quantization);
        SegmentManifest m = write(null, adds(0, 1500));
        UUID header = m.roots().get(HnswSegment.HEADER.name());
        BlockfileWriter<String, byte[]> forgedHeader = HnswSegment.HEADER.writer(fx.store, fx.dir, header);
        byte bits = (byte) ('0' + quantization.bits());
        forgedHeader.set("", HnswSegment.QUANTIZER_KEY, new byte[] {'S', 'Q', bits, 1, 0});
        UUID badHeader = forgedHeader.commit().id();
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> openWith(m, HnswSegment.HEADER.name(), badHeader)
                        .vectors()
                        .graphNearest(vector(), 10, null, DistanceSpace.L2));
        assertTrue(
                e.getMessage().contains(badHeader.toString())
                        && e.getMessage().contains("vector.header")
                        && e.getMessage().contains("truncated"),
                e.getMessage());
        // a code of another length: 3 bytes where int8 has DIM, an int8-sized DIM bytes where int4 has DIM / 2
        BlockfileWriter<Integer, byte[]> forgedCodes =
                HnswSegment.CODES.writer(fx.store, fx.dir, m.roots().get(HnswSegment.CODES.name()));
        forgedCodes.set("", 7, new byte[quantization == HnswSettings.Quantization.INT8 ? 3 : DIM]);
        UUID badCodes = forgedCodes.commit().id();
        e = assertThrows(
                IllegalStateException.class,
                () -> openWith(m, HnswSegment.CODES.name(), badCodes)
                        .vectors()
                        .graphNearest(vector(), 10, null, DistanceSpace.L2));
        assertTrue(
                e.getMessage().contains(header.toString())
                        && e.getMessage().contains("vector.codes")
                        && e.getMessage().contains("node 7")
                        && e.getMessage().contains("int" + quantization.bits())
                        && e.getMessage().contains("truncated"),
                e.getMessage());
    }

    @Test
    void aCorruptGraphNodeInALaterBlockFailsTheLoadNamingTheNode() {
        // 3,000 nodes: the graph's blocks are decoded on loader threads ahead of the copy; node 2,500 is in a late one
        SegmentManifest m = write(null, adds(0, N));
        UUID header = m.roots().get(HnswSegment.HEADER.name());
        BlockfileWriter<Integer, byte[]> forgedGraph =
                HnswSegment.GRAPH.writer(fx.store, fx.dir, m.roots().get(HnswSegment.GRAPH.name()));
        forgedGraph.set("", 2500, new byte[] {HnswGraphCodec.NODE_FORMAT, 5});
        UUID badGraph = forgedGraph.commit().id();
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> openWith(m, HnswSegment.GRAPH.name(), badGraph)
                        .vectors()
                        .graphNearest(vector(), 10, null, DistanceSpace.L2));
        assertTrue(
                e.getMessage().contains(header.toString())
                        && e.getMessage().contains("node 2500")
                        && e.getMessage().contains("truncated HNSW node"),
                e.getMessage());
        // the intact version still loads, with the results of the index the compaction handed over
        CollectionSegments reloaded =
                CollectionSegments.open(fx.store, fx.dir, m, settings(DistanceSpace.L2, new HnswIndexCache(1L << 30)));
        CollectionSegments original = open(m);
        for (int q = 0; q < 10; q++) {
            float[] query = vector();
            assertEquals(
                    original.nearest(query, 10, null, DistanceSpace.L2),
                    reloaded.nearest(query, 10, null, DistanceSpace.L2));
        }
    }

    private CollectionSegments openWith(SegmentManifest m, String file, UUID root) {
        Map<String, UUID> roots = new HashMap<>(m.roots());
        roots.put(file, root);
        SegmentManifest forged =
                new SegmentManifest(roots, m.nextOffset(), m.recordCount(), m.segmentBytes(), m.blockCount());
        // a fresh cache of the same kind of settings: the forged version is loaded, not found in memory
        return CollectionSegments.open(
                fx.store,
                fx.dir,
                forged,
                new HnswSettings(
                        new HnswIndexCache(1L << 30), DistanceSpace.L2, 16, 100, 100, 2, settings.quantization()));
    }

    private static HnswSettings int4Settings(DistanceSpace space) {
        return new HnswSettings(new HnswIndexCache(1L << 30), space, 16, 100, 100, 2, HnswSettings.Quantization.INT4);
    }

    @ParameterizedTest
    @EnumSource(DistanceSpace.class)
    void int4RecallAtTenIsAtLeast95PercentWithExactDistancesAndIdenticalAfterReload(DistanceSpace space) {
        settings = int4Settings(space);
        SegmentManifest m = write(null, adds(0, N));
        HnswIndex handedOver = settings.cache().peek(HnswSegment.roots(m).header());
        assertEquals(4, handedOver.quantizer().bits());
        // half a byte per component: one chunk of 4,096 node slots of DIM / 2 bytes (plus its array header), less
        // than the N * DIM bytes int8 codes of the same nodes take
        assertEquals(16L + 4096L * DIM / 2, handedOver.vectorMemoryBytes());
        assertTrue(handedOver.vectorMemoryBytes() < (long) N * DIM, "" + handedOver.vectorMemoryBytes());
        CollectionSegments segments = open(m);
        double recall = recall(segments, 50);
        assertTrue(recall >= 0.95, space + ": int4 recall " + recall + " (seed " + seed + ")");
        float[] query = vector();
        List<ScoredOffset> got = segments.nearest(query, 10, null, space);
        Map<Integer, Float> exactDistance = new HashMap<>();
        exact(segments, query, N, null).forEach(s -> exactDistance.put(s.offset(), s.distance()));
        for (ScoredOffset s : got) {
            assertEquals(exactDistance.get(s.offset()), s.distance(), 1e-4f, space + " offset " + s.offset());
        }
        HnswSettings fresh = int4Settings(space);
        CollectionSegments reloaded = CollectionSegments.open(fx.store, fx.dir, m, fresh);
        for (int q = 0; q < 20; q++) {
            float[] probe = vector();
            assertEquals(segments.nearest(probe, 10, null, space), reloaded.nearest(probe, 10, null, space));
        }
        assertEquals(handedOver.quantizer(), reloaded.vectors().index().quantizer());
    }

    @Test
    void int4FilteredSearchGivesTheExactFilteredTopK() {
        settings = int4Settings(DistanceSpace.L2);
        SegmentManifest m = write(null, adds(0, N));
        CollectionSegments segments = open(m);
        for (int every : new int[] {50, 3}) {
            RoaringBitmap allowed = new RoaringBitmap();
            for (int i = 0; i < N; i += every) {
                allowed.add(i);
            }
            for (int q = 0; q < 10; q++) {
                float[] query = vector();
                // the graph walk (not the planner's exact scan) with a filter, then the re-rank
                List<ScoredOffset> got = segments.vectors().graphNearest(query, 5, allowed, DistanceSpace.L2);
                List<ScoredOffset> want = exact(segments, query, 5, allowed);
                assertEquals(
                        want.stream().map(ScoredOffset::offset).toList(),
                        got.stream().map(ScoredOffset::offset).toList(),
                        "every " + every + "th record allowed, seed " + seed);
            }
        }
    }

    @Test
    void int4ReRanksMoreCandidatesThanInt8() {
        assertEquals(40, QuantizedReRank.candidates(10, 100, 8));
        assertEquals(QuantizedReRank.candidates(10, 100, 8), QuantizedReRank.candidates(10, 100));
        assertEquals(80, QuantizedReRank.candidates(10, 100, 4));
        assertEquals(40, QuantizedReRank.candidates(10, 40, 4), "at most efSearch");
        assertEquals(10, QuantizedReRank.candidates(10, 1, 4), "never fewer than k");
    }

    @Test
    void unquantizedGraphsWriteNoCodes() {
        settings = new HnswSettings(new HnswIndexCache(1L << 30), DistanceSpace.L2, 16, 100, 100, 2);
        SegmentManifest m = write(null, adds(0, 1500));
        assertNull(m.roots().get(HnswSegment.CODES.name()));
        assertNull(open(m).vectors().index().quantizer());
        assertNull(HnswSegment.HEADER
                .open(fx.store, fx.dir, m.roots().get(HnswSegment.HEADER.name()))
                .get("", HnswSegment.QUANTIZER_KEY));
    }
}
