package dev.chromaj.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.blockstore.BlockCache;
import dev.chromaj.blockstore.BlockfileEntry;
import dev.chromaj.blockstore.BlockfileOptions;
import dev.chromaj.blockstore.BlockfileReader;
import dev.chromaj.blockstore.BlockfileStore;
import dev.chromaj.blockstore.DataRecord;
import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.ScoredOffset;
import dev.chromaj.segment.log.LogOperation;
import dev.chromaj.segment.log.RecordChange;
import dev.chromaj.testing.TestRandom;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each embedding is stored once, in the vector segment, and every reader of embeddings finds it there. */
class EmbeddingStorageTest {
    private static final int DIM = 12;
    private static final int N = 1500;

    @TempDir
    Path folder;

    private SegmentFixture fx;
    private Random random;
    /** The expected record of every live id. */
    private final Map<String, DataRecord> model = new HashMap<>();

    @BeforeEach
    void setUp() {
        random = TestRandom.random();
        fx = new SegmentFixture(folder, 4096);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private static HnswSettings settings(DistanceSpace space) {
        return new HnswSettings(new HnswIndexCache(1L << 30), space, 16, 100, 100, 1);
    }

    private float[] vector() {
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            v[d] = (float) random.nextGaussian() * 3;
        }
        return v;
    }

    /** Adds ids {@code from..to-1}; every 10th has no embedding. */
    private List<LogOperation> adds(int from, int to) {
        List<LogOperation> ops = new ArrayList<>();
        for (int i = from; i < to; i++) {
            float[] v = i % 10 == 9 ? null : vector();
            String id = "id-" + i;
            ops.add(new LogOperation.Add(id, RecordChange.of(v, "doc " + i, Map.of("n", i), null)));
            model.put(id, new DataRecord(id, v, "doc " + i, Map.of("n", (long) i), null));
        }
        return ops;
    }

    private SegmentManifest write(SegmentManifest previous, List<LogOperation> ops, HnswSettings settings) {
        CollectionSegments base = CollectionSegments.open(fx.store, fx.dir, previous, settings);
        SegmentWriter writer = SegmentWriter.fork(fx.store, fx.dir, previous);
        MaterializedBatch batch = Materializer.materialize(ops, writer, writer.nextOffset());
        writer.apply(batch);
        return HnswSegmentWriter.write(fx.store, fx.dir, base, batch, writer.commit(), settings);
    }

    private <V> long count(SegmentManifest m, SegmentFile<Integer, V> file) {
        return file.open(fx.store, fx.dir, m.roots().get(file.name())).count();
    }

    private long storedRecordEmbeddings(SegmentManifest m) {
        long n = 0;
        Iterator<BlockfileEntry<Integer, DataRecord>> it = SegmentFile.OFFSET_TO_RECORD
                .open(fx.store, fx.dir, m.roots().get(SegmentFile.OFFSET_TO_RECORD.name()))
                .scan();
        while (it.hasNext()) {
            if (it.next().value().embedding() != null) {
                n++;
            }
        }
        return n;
    }

    private long reads() {
        return fx.storage.stats().gets() + fx.storage.stats().rangeGets();
    }

    private long withEmbedding() {
        return model.values().stream().filter(r -> r.embedding() != null).count();
    }

    /** Every record of the model read back through get-by-id, bulk reads and the scan, embeddings included. */
    private void assertReadsModel(CollectionSegments s, String label) {
        Map<String, StoredRecord> found = s.lookupAll(model.keySet());
        assertEquals(model.size(), found.size(), label);
        for (Map.Entry<String, DataRecord> e : model.entrySet()) {
            assertEquals(e.getValue(), found.get(e.getKey()).record(), label + ": " + e.getKey());
        }
        int[] offsets = found.values().stream().mapToInt(StoredRecord::offset).toArray();
        Map<Integer, DataRecord> bulk = s.records(offsets);
        Map<Integer, float[]> embeddings = s.embeddings(offsets);
        for (StoredRecord r : found.values()) {
            assertEquals(model.get(r.id()), bulk.get(r.offset()), label);
            float[] expected = model.get(r.id()).embedding();
            if (expected == null) {
                assertFalse(embeddings.containsKey(r.offset()), label);
            } else {
                assertArrayEquals(expected, embeddings.get(r.offset()), label);
            }
        }
        int scanned = 0;
        for (Iterator<DataRecord> it = s.scanRecords(); it.hasNext(); scanned++) {
            DataRecord r = it.next();
            assertEquals(model.get(r.id()), r, label + ": scan");
        }
        assertEquals(model.size(), scanned, label);
    }

    /** A query with a stored embedding finds its record first, with a graph loaded from storage (fresh cache). */
    private void assertSelfQueries(SegmentManifest m, DistanceSpace space, String label) {
        CollectionSegments s = CollectionSegments.open(fx.store, fx.dir, m, settings(space));
        assertTrue(s.vectors().hasGraph(), label);
        Map<String, StoredRecord> found = s.lookupAll(model.keySet());
        int checked = 0;
        for (DataRecord r : model.values()) {
            if (r.embedding() == null || checked >= 40) {
                continue;
            }
            for (List<ScoredOffset> hits : List.of(
                    s.nearest(r.embedding(), 1, null, space),
                    s.vectors().graphNearest(r.embedding(), 1, null, space))) {
                assertEquals(found.get(r.id()).offset(), hits.get(0).offset(), label + ": " + r.id());
                assertEquals(0f, hits.get(0).distance(), 1e-4f, label);
            }
            checked++;
        }
    }

    @Test
    void embeddingsAreStoredOnceInTheVectorSegmentAndReadFromThere() {
        for (DistanceSpace space : new DistanceSpace[] {DistanceSpace.COSINE, DistanceSpace.L2}) {
            model.clear();
            fx.close();
            fx = new SegmentFixture(folder.resolve(space.name()), 4096);
            HnswSettings settings = settings(space);
            SegmentManifest m = write(null, adds(0, N), settings);
            String label = space + ", seed " + TestRandom.seed();
            assertEquals(0, storedRecordEmbeddings(m), label + ": records are stored without embeddings");
            assertEquals(withEmbedding(), count(m, SegmentFile.EMBEDDINGS), label);
            assertEquals(0, count(m, HnswSegment.VECTORS), label + ": no live node's vector is stored twice");
            // cosine: the embedding as written, not the graph's normalized copy
            assertReadsModel(CollectionSegments.open(fx.store, fx.dir, m, settings), label);
            assertSelfQueries(m, space, label);

            // updated embeddings and deletions: the graph keeps the old vectors of its deleted nodes, once
            List<LogOperation> ops = new ArrayList<>();
            int deletedNodes = 0;
            for (int i = 0; i < 40; i++) {
                String id = "id-" + i;
                if (i % 2 == 0) {
                    float[] v = vector();
                    ops.add(new LogOperation.Update(id, RecordChange.of(v, null, null, null)));
                    DataRecord old = model.get(id);
                    deletedNodes += old.embedding() == null ? 0 : 1;
                    model.put(id, new DataRecord(id, v, old.document(), old.metadata(), null));
                } else {
                    ops.add(new LogOperation.Delete(id));
                    deletedNodes += model.remove(id).embedding() == null ? 0 : 1;
                }
            }
            SegmentManifest next = write(m, ops, settings);
            assertEquals(0, storedRecordEmbeddings(next), label);
            assertEquals(withEmbedding(), count(next, SegmentFile.EMBEDDINGS), label);
            assertEquals(deletedNodes, count(next, HnswSegment.VECTORS), label + ": vectors of deleted nodes only");
            assertReadsModel(CollectionSegments.open(fx.store, fx.dir, next, settings), label);
            assertSelfQueries(next, space, label);
        }
    }

    @Test
    void bulkReadsWithoutEmbeddingsSkipTheVectorSegment() {
        HnswSettings settings = settings(DistanceSpace.L2);
        SegmentManifest m = write(null, adds(0, 50), settings);
        try (BlockCache cold = BlockCache.builder().maxBytes(64L << 20).build();
                BlockfileStore store = new BlockfileStore(fx.storage, cold, new BlockfileOptions(4096, 2))) {
            CollectionSegments s = CollectionSegments.open(store, fx.dir, m, settings);
            int offset = s.offsetOf("id-3").getAsInt();
            long gets = reads();
            DataRecord plain = s.records(new int[] {offset}, false).get(offset);
            assertNull(plain.embedding());
            assertEquals("doc 3", plain.document());
            assertEquals(gets + 1, reads(), "one record block, no embedding block");
            assertEquals(model.get("id-3"), s.records(new int[] {offset}).get(offset));
            assertEquals(gets + 2, reads(), "then the embedding block");
        }
    }

    @Test
    void recordsWithoutEmbeddingsKeepWorking() {
        List<LogOperation> ops = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String id = "text-" + i;
            ops.add(new LogOperation.Add(id, RecordChange.of(null, "only text " + i, null, null)));
            model.put(id, new DataRecord(id, null, "only text " + i, null, null));
        }
        HnswSettings settings = settings(DistanceSpace.L2);
        SegmentManifest m = write(null, ops, settings);
        assertNull(HnswSegment.roots(m), "no embeddings, no graph");
        assertNotNull(m.roots().get(SegmentFile.EMBEDDINGS.name()), "the file exists, empty");
        assertEquals(0, count(m, SegmentFile.EMBEDDINGS));
        CollectionSegments s = CollectionSegments.open(fx.store, fx.dir, m, settings);
        assertReadsModel(s, "text only");
        assertTrue(s.nearest(new float[] {1f, 2f}, 3, null, DistanceSpace.L2).isEmpty());

        // the first embeddings arrive later
        List<LogOperation> more = adds(0, 5);
        SegmentManifest next = write(m, more, settings);
        CollectionSegments s2 = CollectionSegments.open(fx.store, fx.dir, next, settings);
        assertReadsModel(s2, "text, then vectors");
        float[] q = model.get("id-2").embedding();
        assertEquals(
                s2.offsetOf("id-2").getAsInt(),
                s2.nearest(q, 1, null, DistanceSpace.L2).get(0).offset());
        BlockfileReader<Integer, float[]> embeddings = s2.embeddingReader();
        assertEquals(withEmbedding(), embeddings.count());
    }
}
