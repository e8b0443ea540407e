package dev.chromaj.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.blockstore.BlockCache;
import dev.chromaj.blockstore.BlockfileOptions;
import dev.chromaj.blockstore.BlockfileStore;
import dev.chromaj.blockstore.DataRecord;
import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.segment.log.LogOperation;
import dev.chromaj.segment.log.RecordChange;
import dev.chromaj.storage.LocalStorage;
import dev.chromaj.storage.testing.RecordingStorage;
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

/**
 * Materializing a write (as the log tail does: {@code oldEmbeddings == false}) reads no block of the vector segment
 * unless the new state keeps a stored embedding, and then keeps it exactly. Every read of the storage is recorded;
 * each materialization runs on a fresh block cache so that every block it needs is read from the storage.
 */
class WriteLookupReadsTest {
    private static final int DIM = 16;
    private static final int N = 800;

    @TempDir
    Path folder;

    private RecordingStorage storage;
    private BlockfileStore store;
    private BlockCache cache;
    private final String dir = "collection/" + UUID.randomUUID();
    private Random random;
    private SegmentManifest manifest;
    /** The stored record of every id. */
    private final Map<String, DataRecord> model = new HashMap<>();

    @BeforeEach
    void setUp() {
        random = TestRandom.random();
        storage = new RecordingStorage(new LocalStorage(folder));
        openStore();
        List<LogOperation> ops = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            String id = "id-" + i;
            float[] v = vector();
            ops.add(new LogOperation.Add(id, RecordChange.of(v, "doc " + i, Map.of("n", i), null)));
            model.put(id, new DataRecord(id, v, "doc " + i, Map.of("n", (long) i), null));
        }
        HnswSettings settings = new HnswSettings(new HnswIndexCache(1L << 30), DistanceSpace.L2, 16, 100, 100, 1);
        CollectionSegments base = CollectionSegments.open(store, dir, null, settings);
        SegmentWriter writer = SegmentWriter.fork(store, dir, null);
        MaterializedBatch batch = Materializer.materialize(ops, writer, writer.nextOffset());
        writer.apply(batch);
        manifest = HnswSegmentWriter.write(store, dir, base, batch, writer.commit(), settings);
    }

    @AfterEach
    void tearDown() {
        closeStore();
        storage.close();
    }

    private void openStore() {
        cache = BlockCache.builder().maxBytes(64L << 20).build();
        store = new BlockfileStore(storage, cache, new BlockfileOptions(4096, 2));
    }

    private void closeStore() {
        store.close();
        cache.close();
    }

    /** A fresh store and cache on the same storage, with the recorded reads cleared. */
    private CollectionSegments coldSegments() {
        closeStore();
        openStore();
        storage.reads.clear();
        return CollectionSegments.open(store, dir, manifest);
    }

    private float[] vector() {
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            v[d] = (float) random.nextGaussian();
        }
        return v;
    }

    /** The block keys (roots excluded) of the version's files that hold embeddings or vectors. */
    private Set<String> blocksOf(SegmentFile<?, ?>... files) {
        Set<String> keys = new HashSet<>();
        for (SegmentFile<?, ?> file : files) {
            UUID root = manifest.roots().get(file.name());
            if (root != null) {
                keys.addAll(store.objectKeys(dir, root));
                keys.remove(BlockfileStore.rootKey(dir, root));
            }
        }
        return keys;
    }

    private Set<String> vectorBlocks() {
        return blocksOf(SegmentFile.EMBEDDINGS, HnswSegment.VECTORS, HnswSegment.CODES);
    }

    private Set<String> readOf(Set<String> blocks) {
        Set<String> out = new HashSet<>(storage.reads);
        out.retainAll(blocks);
        return out;
    }

    private static LogOperation update(String id, float[] embedding, String document, Map<String, ?> metadata) {
        return new LogOperation.Update(id, RecordChange.of(embedding, document, metadata, null));
    }

    @Test
    void writesThatReplaceOrDropEmbeddingsReadNoVectorBlock() {
        Set<String> vectorBlocks = vectorBlocks();
        Set<String> recordBlocks = blocksOf(SegmentFile.OFFSET_TO_RECORD);
        assertTrue(vectorBlocks.size() > 10, "the embeddings span many blocks: " + vectorBlocks.size());
        float[] e1 = vector();
        float[] e2 = vector();
        Map<String, List<LogOperation>> writes = new HashMap<>();
        writes.put(
                "add of existing and new ids",
                List.of(
                        new LogOperation.Add("id-3", RecordChange.of(e1, "again", null, null)),
                        new LogOperation.Add("id-400", RecordChange.of(e1, null, null, null)),
                        new LogOperation.Add("new", RecordChange.of(e2, "new", null, null))));
        writes.put(
                "update with embedding",
                List.of(update("id-5", e1, null, null), update("id-500", e2, "d", Map.of("k", "v"))));
        writes.put(
                "upsert with embedding",
                List.of(new LogOperation.Upsert("id-7", RecordChange.of(e1, null, Map.of("k", 1), null))));
        writes.put("delete", List.of(new LogOperation.Delete("id-9"), new LogOperation.Delete("id-700")));
        writes.put(
                "metadata update replaced later in the batch",
                List.of(update("id-11", null, null, Map.of("k", 2)), update("id-11", e2, null, null)));
        writes.put(
                "metadata update of a deleted id",
                List.of(update("id-13", null, "x", null), new LogOperation.Delete("id-13")));
        for (Map.Entry<String, List<LogOperation>> w : writes.entrySet()) {
            CollectionSegments segments = coldSegments();
            MaterializedBatch batch = Materializer.materialize(w.getValue(), segments, manifest.nextOffset(), false);
            assertEquals(Set.of(), readOf(vectorBlocks), w.getKey() + ": no embedding or vector block is read");
            assertFalse(readOf(recordBlocks).isEmpty(), w.getKey() + ": the old records are read");
            for (MaterializedBatch.Outcome o : batch.outcomes()) {
                if (o instanceof MaterializedBatch.Updated u) {
                    assertNotNull(u.newRecord().embedding(), w.getKey() + ": " + u.id());
                }
            }
        }
        // The same writes materialized against a segment writer (which looks its base up the same way).
        CollectionSegments segments = coldSegments();
        assertNotNull(segments);
        SegmentWriter writer = SegmentWriter.fork(store, dir, manifest);
        storage.reads.clear();
        Materializer.materialize(writes.get("update with embedding"), writer, writer.nextOffset(), false);
        assertEquals(Set.of(), readOf(vectorBlocks), "segment writer: no embedding or vector block is read");
    }

    @Test
    void anUpdateWithoutEmbeddingKeepsTheStoredEmbeddingExactly() {
        Set<String> vectorBlocks = vectorBlocks();
        List<LogOperation> ops = List.of(
                update("id-21", null, "changed", null),
                update("id-640", null, null, Map.of("n", -1)),
                new LogOperation.Upsert("id-300", RecordChange.of(null, "upserted", null, null)),
                update("id-22", vector(), null, null));
        CollectionSegments segments = coldSegments();
        MaterializedBatch batch = Materializer.materialize(ops, segments, manifest.nextOffset(), false);
        // Only the blocks of the three kept embeddings are read, not the vector segment.
        int vectorReads = readOf(vectorBlocks).size();
        assertTrue(vectorReads >= 1 && vectorReads <= 3, "vector blocks read: " + vectorReads);
        for (String id : List.of("id-21", "id-640", "id-300")) {
            MaterializedBatch.Updated u = assertInstanceOf(
                    MaterializedBatch.Updated.class, batch.outcome(id).orElseThrow());
            assertArrayEquals(model.get(id).embedding(), u.newRecord().embedding(), id);
        }
        assertEquals("changed", updated(batch, "id-21").document());
        assertEquals(Map.of("n", -1L), updated(batch, "id-640").metadata());

        // Compacted (old records read in full, as compaction does) and read back from a cold store.
        SegmentWriter writer = SegmentWriter.fork(store, dir, manifest);
        writer.apply(Materializer.materialize(ops, writer, writer.nextOffset()));
        manifest = writer.commit();
        Map<String, StoredRecord> back = coldSegments().lookupAll(List.of("id-21", "id-640", "id-300", "id-22"));
        for (String id : List.of("id-21", "id-640", "id-300")) {
            assertArrayEquals(model.get(id).embedding(), back.get(id).record().embedding(), id);
        }
        assertArrayEquals(
                ((LogOperation.Update) ops.get(3)).change().embedding(),
                back.get("id-22").record().embedding());
        assertEquals("upserted", back.get("id-300").record().document());
    }

    private static DataRecord updated(MaterializedBatch batch, String id) {
        return assertInstanceOf(
                        MaterializedBatch.Updated.class, batch.outcome(id).orElseThrow())
                .newRecord();
    }

    @Test
    void lookupWithoutEmbeddingsReadsNoVectorBlockAndLookupWithReadsThem() {
        Set<String> vectorBlocks = vectorBlocks();
        List<String> ids = List.of("id-1", "id-200", "id-799", "missing");
        Map<String, StoredRecord> without = coldSegments().lookupAll(ids, false);
        assertEquals(Set.of(), readOf(vectorBlocks));
        assertEquals(3, without.size());
        for (StoredRecord r : without.values()) {
            DataRecord expected = model.get(r.id());
            assertEquals(expected.document(), r.record().document());
            assertEquals(expected.metadata(), r.record().metadata());
        }
        Map<String, StoredRecord> with = coldSegments().lookupAll(ids, true);
        assertFalse(readOf(vectorBlocks).isEmpty());
        for (StoredRecord r : with.values()) {
            assertArrayEquals(model.get(r.id()).embedding(), r.record().embedding());
        }
    }
}
