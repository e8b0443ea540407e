package dev.chromaj.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.blockstore.BlockCache;
import dev.chromaj.blockstore.BlockfileOptions;
import dev.chromaj.blockstore.BlockfileStore;
import dev.chromaj.blockstore.BlockfileWriter;
import dev.chromaj.blockstore.CorruptObjectException;
import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.ExactSearch;
import dev.chromaj.index.vector.HnswGraphSearcher;
import dev.chromaj.index.vector.HnswIndex;
import dev.chromaj.index.vector.ScoredOffset;
import dev.chromaj.segment.log.LogOperation;
import dev.chromaj.segment.log.RecordChange;
import dev.chromaj.testing.TestRandom;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.roaringbitmap.RoaringBitmap;

/** A quantized graph searched in its blocks ({@link StoredHnswGraph}) rather than loaded into an index. */
class StoredHnswGraphTest {
    private static final int DIM = 32;
    private static final int N = 2500;
    /** Far below any graph here: every version is searched in its blocks. */
    private static final long TINY_INDEX_BUDGET = 4096;

    @TempDir
    Path folder;

    private SegmentFixture fx;
    private HnswSettings settings;
    private Random random;
    private long seed;
    private float[][] centers;
    private final Map<String, float[]> model = new HashMap<>();

    @BeforeEach
    void setUp() {
        seed = TestRandom.seed();
        random = new Random(seed);
        // 4 KiB blocks and a 256 KiB block cache: the graph's and codes' blocks (about 1 MiB decoded) do not fit
        fx = new SegmentFixture(folder, 4 << 10, 256 << 10);
        settings = settings(DistanceSpace.L2, 1L << 30);
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

    private HnswSettings.Quantization quantization = HnswSettings.Quantization.INT8;

    private HnswSettings settings(DistanceSpace space, long indexBudget) {
        return new HnswSettings(new HnswIndexCache(indexBudget), space, 16, 100, 100, 2, quantization);
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

    /** A version with deleted and replaced nodes in its graph. */
    private SegmentManifest versionWithDeletes() {
        SegmentManifest first = write(null, adds(0, N));
        List<LogOperation> ops = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            float[] v = vector();
            ops.add(new LogOperation.Update("id-" + i, RecordChange.of(v, null, null, null)));
            model.put("id-" + i, v);
        }
        for (int i = 150; i < 300; i++) {
            ops.add(new LogOperation.Delete("id-" + i));
            model.remove("id-" + i);
        }
        return write(first, ops);
    }

    private StoredHnswGraph stored(SegmentManifest m) {
        HnswSegment.Roots roots = HnswSegment.roots(m);
        return StoredHnswGraph.open(HnswSegment.open(fx.store, fx.dir, roots), "HNSW graph " + roots.header());
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

    @ParameterizedTest
    @CsvSource({"L2,INT8", "COSINE,INT8", "IP,INT8", "L2,INT4"})
    void searchInTheBlocksReturnsWhatTheLoadedIndexReturns(DistanceSpace space, HnswSettings.Quantization bits) {
        quantization = bits;
        settings = settings(space, 1L << 30);
        SegmentManifest m = versionWithDeletes();
        HnswIndex loaded = HnswSegment.load(fx.store, fx.dir, HnswSegment.roots(m));
        StoredHnswGraph graph = stored(m);
        assertEquals(loaded.nodeCount(), graph.nodeCount());
        assertTrue(graph.hasDeletedNodes());
        IntPredicate odd = offset -> (offset & 1) == 1;
        for (int q = 0; q < 30; q++) {
            float[] query = vector();
            int k = 1 + random.nextInt(15);
            int ef = 10 + random.nextInt(90);
            String where =
                    "query " + q + ", k " + k + ", ef " + ef + " (seed " + seed + ", " + space + ", " + bits + ")";
            assertEquals(
                    loaded.search(query, k, ef, (IntPredicate) null),
                    HnswGraphSearcher.search(graph, query, k, ef, null),
                    where);
            assertEquals(loaded.search(query, k, ef, odd), HnswGraphSearcher.search(graph, query, k, ef, odd), where);
        }
        BlockCache.Stats stats = fx.cache.stats();
        assertTrue(stats.evictions() > 0, "blocks were evicted while searching: " + stats);
    }

    @Test
    void aGraphOverTheIndexBudgetIsSearchedInItsBlocksWithHighRecall() {
        SegmentManifest m = versionWithDeletes();
        // a restarted client whose index budget is far below the graph
        HnswSettings small = settings(DistanceSpace.L2, TINY_INDEX_BUDGET);
        CollectionSegments segments = CollectionSegments.open(fx.store, fx.dir, m, small);
        assertNotNull(segments.vectors().storedGraph(), "searched in its blocks");
        assertTrue(segments.vectors().usesGraph(DIM, 10), "the planner picks the graph");
        int found = 0;
        int total = 0;
        for (int q = 0; q < 50; q++) {
            float[] query = vector();
            List<ScoredOffset> want = exact(segments, query, 10, null);
            List<ScoredOffset> got = segments.nearest(query, 10, null, DistanceSpace.L2);
            Set<Integer> truth = new HashSet<>();
            want.forEach(s -> truth.add(s.offset()));
            for (ScoredOffset s : got) {
                if (truth.contains(s.offset())) {
                    found++;
                    // re-ranked with the float embeddings: exact distances
                    float exactDistance = want.stream()
                            .filter(w -> w.offset() == s.offset())
                            .findFirst()
                            .orElseThrow()
                            .distance();
                    assertEquals(exactDistance, s.distance(), 1e-4f);
                }
            }
            total += truth.size();
        }
        double recall = (double) found / total;
        assertTrue(recall >= 0.95, "recall " + recall + " (seed " + seed + ")");
        assertEquals(0, small.cache().loads(), "no index was loaded");
        assertEquals(0, small.cache().bytes());
        assertTrue(fx.cache.stats().evictions() > 0, "blocks were evicted: " + fx.cache.stats());
        // a selective filter is answered exactly from the embeddings; a broad one through the walk
        RoaringBitmap few = new RoaringBitmap();
        RoaringBitmap half = new RoaringBitmap();
        for (int i = 0; i < N; i++) {
            if (i % 60 == 7) {
                few.add(i);
            }
            if (i % 2 == 0) {
                half.add(i);
            }
        }
        for (int q = 0; q < 10; q++) {
            float[] query = vector();
            assertEquals(
                    exact(segments, query, 5, few).stream()
                            .map(ScoredOffset::offset)
                            .toList(),
                    segments.nearest(query, 5, few, DistanceSpace.L2).stream()
                            .map(ScoredOffset::offset)
                            .toList());
            for (ScoredOffset s : segments.nearest(query, 10, half, DistanceSpace.L2)) {
                assertTrue(half.contains(s.offset()), "offset " + s.offset() + " is not allowed");
            }
        }
    }

    @Test
    void aGraphWithinTheBudgetIsLoadedAsBefore() {
        SegmentManifest m = write(null, adds(0, 1500));
        HnswSettings fresh = settings(DistanceSpace.L2, 1L << 30);
        CollectionSegments segments = CollectionSegments.open(fx.store, fx.dir, m, fresh);
        assertNull(segments.vectors().storedGraph());
        assertEquals(
                10,
                segments.vectors()
                        .graphNearest(vector(), 10, null, DistanceSpace.L2)
                        .size());
        assertEquals(1, fresh.cache().loads());
    }

    @ParameterizedTest
    @CsvSource({"INT8", "NONE"})
    void aCompactionOverTheIndexBudgetDoesNotKeepItsGraphLoaded(HnswSettings.Quantization bits) {
        quantization = bits;
        // the writing client's own budget is far below the graph it builds
        settings = settings(DistanceSpace.L2, TINY_INDEX_BUDGET);
        SegmentManifest first = write(null, adds(0, N));
        assertNull(settings.cache().peek(HnswSegment.roots(first).header()), "not handed over to the index cache");
        assertEquals(0, settings.cache().bytes());
        SegmentManifest second = write(first, adds(N, N + 100)); // extends the graph it reads back from its blocks
        assertNull(settings.cache().peek(HnswSegment.roots(second).header()));
        CollectionSegments segments = CollectionSegments.open(fx.store, fx.dir, second, settings);
        assertNotNull(segments.vectors().storedGraph(), "the new version is searched in its blocks");
        int found = 0;
        for (int q = 0; q < 20; q++) {
            float[] query = vector();
            Set<Integer> truth = new HashSet<>();
            exact(segments, query, 10, null).forEach(s -> truth.add(s.offset()));
            for (ScoredOffset s : segments.nearest(query, 10, null, DistanceSpace.L2)) {
                found += truth.contains(s.offset()) ? 1 : 0;
            }
        }
        assertTrue(found >= 190, "recall " + found / 200.0 + " (seed " + seed + ")");
        assertEquals(0, settings.cache().bytes(), "no index held in memory");
    }

    @ParameterizedTest
    @CsvSource({"L2", "COSINE"})
    void aGraphOfFloatsOverTheBudgetAnswersExactlyAsTheLoadedGraph(DistanceSpace space) {
        settings = new HnswSettings(new HnswIndexCache(1L << 30), space, 16, 100, 100, 2);
        SegmentManifest m = versionWithDeletes();
        // two clients reopening the same version: one loads the graph, one is far below its budget
        // efSearch 12: the scan threshold (12 x 16 x log2(n) / 4 = 576) lies between the two filters below, so the
        // half filter is walked and the few filter scanned
        HnswSettings big = new HnswSettings(new HnswIndexCache(1L << 30), space, 16, 100, 12, 2);
        HnswSettings small = new HnswSettings(new HnswIndexCache(TINY_INDEX_BUDGET), space, 16, 100, 12, 2);
        CollectionSegments loaded = CollectionSegments.open(fx.store, fx.dir, m, big);
        CollectionSegments inBlocks = CollectionSegments.open(fx.store, fx.dir, m, small);
        assertNull(loaded.vectors().storedGraph());
        StoredHnswGraph stored = inBlocks.vectors().storedGraph();
        assertNotNull(stored, "searched in its blocks");
        assertNull(stored.quantizer());
        assertTrue(stored.hasDeletedNodes(), "deleted and replaced nodes are walked through");
        RoaringBitmap few = new RoaringBitmap();
        RoaringBitmap half = new RoaringBitmap();
        for (int i = 0; i < N + 150; i++) {
            if (i % 60 == 7) {
                few.add(i);
            }
            if (i % 2 == 0) {
                half.add(i);
            }
        }
        for (int q = 0; q < 25; q++) {
            float[] query = vector();
            int k = 1 + random.nextInt(12);
            String where = "query " + q + ", k " + k + " (seed " + seed + ", " + space + ")";
            for (RoaringBitmap allowed : new RoaringBitmap[] {null, half, few}) {
                // same offsets, same distances, same order
                assertEquals(
                        loaded.vectors().graphNearest(query, k, allowed, space),
                        inBlocks.vectors().graphNearest(query, k, allowed, space),
                        where + ", filter " + (allowed == null ? "none" : allowed.getCardinality()));
            }
        }
        assertTrue(half.getCardinality() > HnswGraphSearcher.bruteForceThreshold(stored.liveCount(), 12, 16));
        assertTrue(few.getCardinality() <= HnswGraphSearcher.bruteForceThreshold(stored.liveCount(), 12, 16));
        assertEquals(1, big.cache().loads());
        assertEquals(0, small.cache().loads(), "no index was loaded");
        assertEquals(0, small.cache().bytes());
        assertTrue(fx.cache.stats().evictions() > 0, "blocks were evicted: " + fx.cache.stats());
    }

    @Test
    void aCorruptGraphBlockFailsTheQueryNamingTheObject() throws Exception {
        SegmentManifest m = write(null, adds(0, N));
        UUID graphRoot = m.roots().get(HnswSegment.GRAPH.name());
        List<String> keys = new ArrayList<>();
        for (UUID block :
                HnswSegment.GRAPH.open(fx.store, fx.dir, graphRoot).root().blockIds()) {
            String key = BlockfileStore.blockKey(fx.dir, block);
            keys.add(key);
            Path file = folder.resolve(key);
            byte[] bytes = Files.readAllBytes(file);
            bytes[bytes.length / 2] ^= 0x55;
            Files.write(file, bytes);
        }
        // a fresh block cache over the same folder: the damaged blocks are read again
        try (BlockCache cache = BlockCache.builder().maxBytes(256 << 10).build();
                BlockfileStore store = new BlockfileStore(fx.storage, cache, new BlockfileOptions(4 << 10, 2))) {
            CollectionSegments segments =
                    CollectionSegments.open(store, fx.dir, m, settings(DistanceSpace.L2, TINY_INDEX_BUDGET));
            CorruptObjectException e = assertThrows(
                    CorruptObjectException.class, () -> segments.nearest(vector(), 10, null, DistanceSpace.L2));
            assertTrue(keys.contains(e.key()), e.key() + " is a block of " + HnswSegment.GRAPH.name());
            assertTrue(e.getMessage().contains(e.key()) && e.getMessage().contains("corrupt"), e.getMessage());
        }
    }

    @Test
    void aCorruptGraphNodeFailsTheQueryNamingTheGraphAndTheNode() {
        SegmentManifest m = write(null, adds(0, N));
        UUID header = m.roots().get(HnswSegment.HEADER.name());
        CollectionSegments intact =
                CollectionSegments.open(fx.store, fx.dir, m, settings(DistanceSpace.L2, TINY_INDEX_BUDGET));
        int entry = intact.vectors().storedGraph().entryNode();
        BlockfileWriter<Integer, byte[]> forged =
                HnswSegment.GRAPH.writer(fx.store, fx.dir, m.roots().get(HnswSegment.GRAPH.name()));
        // the entry node: every query reads it
        forged.set("", entry, new byte[] {HnswGraphCodec.NODE_FORMAT, 5});
        UUID badGraph = forged.commit().id();
        Map<String, UUID> roots = new HashMap<>(m.roots());
        roots.put(HnswSegment.GRAPH.name(), badGraph);
        SegmentManifest bad =
                new SegmentManifest(roots, m.nextOffset(), m.recordCount(), m.segmentBytes(), m.blockCount());
        CollectionSegments segments =
                CollectionSegments.open(fx.store, fx.dir, bad, settings(DistanceSpace.L2, TINY_INDEX_BUDGET));
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> segments.nearest(vector(), 10, null, DistanceSpace.L2));
        assertTrue(
                e.getMessage().contains(header.toString())
                        && e.getMessage().contains("node " + entry)
                        && e.getMessage().contains("truncated HNSW node"),
                e.getMessage());
        // the intact version still answers
        assertEquals(10, intact.nearest(vector(), 10, null, DistanceSpace.L2).size());
    }
}
