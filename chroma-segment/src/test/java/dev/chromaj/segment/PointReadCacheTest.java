package dev.chromaj.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.blockstore.BlockCache;
import dev.chromaj.blockstore.BlockfileOptions;
import dev.chromaj.blockstore.BlockfileStore;
import dev.chromaj.blockstore.DataRecord;
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
 * The point reads of query hits through a block cache smaller than the decoded record segment: hits read once are
 * served from the cache (their blocks kept compressed when the decoded part has no room), never from the vector
 * segment when embeddings are not asked for, and a compaction that rewrites their blocks writes them through, so the
 * new version's first reads of them read nothing from storage. Every read of the storage is recorded.
 */
class PointReadCacheTest {
    private static final int DIM = 16;
    private static final int N = 2000;

    @TempDir
    Path folder;

    private RecordingStorage storage;
    private BlockCache cache;
    private BlockfileStore store;
    private final String dir = "collection/" + UUID.randomUUID();
    private Random random;
    private SegmentManifest manifest;
    private final Map<Integer, DataRecord> model = new HashMap<>();

    @BeforeEach
    void setUp() {
        random = TestRandom.random();
        storage = new RecordingStorage(new LocalStorage(folder));
        // 256 KiB of cache for ~1 MB of records in 16 KiB blocks (about 40 records each).
        cache = BlockCache.builder().maxBytes(256 << 10).encodedShare(0.75).build();
        store = new BlockfileStore(storage, cache, new BlockfileOptions(64 << 10, 2).withRecordMaxBlockBytes(16 << 10));
        List<LogOperation> ops = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            String document = "document " + i + " " + "lorem ipsum ".repeat(30);
            ops.add(new LogOperation.Add("id-" + i, RecordChange.of(vector(), document, Map.of("n", i), null)));
        }
        SegmentWriter writer = SegmentWriter.fork(store, dir, null);
        MaterializedBatch batch = Materializer.materialize(ops, writer, writer.nextOffset());
        writer.apply(batch);
        manifest = writer.commit();
        CollectionSegments segments = CollectionSegments.open(store, dir, manifest);
        segments.scanRecords()
                .forEachRemaining(r -> model.put(segments.offsetOf(r.id()).getAsInt(), r));
        // A cold cache for the tests: nothing the load or the scan left.
        store.close();
        cache.close();
        cache = BlockCache.builder().maxBytes(256 << 10).encodedShare(0.75).build();
        store = new BlockfileStore(storage, cache, new BlockfileOptions(64 << 10, 2).withRecordMaxBlockBytes(16 << 10));
    }

    @AfterEach
    void tearDown() {
        store.close();
        cache.close();
        storage.close();
    }

    private float[] vector() {
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            v[d] = (float) random.nextGaussian();
        }
        return v;
    }

    private Set<String> blocksOf(SegmentManifest m, SegmentFile<?, ?>... files) {
        Set<String> keys = new HashSet<>();
        for (SegmentFile<?, ?> file : files) {
            UUID root = m.roots().get(file.name());
            if (root != null) {
                keys.addAll(store.objectKeys(dir, root));
                keys.remove(BlockfileStore.rootKey(dir, root));
            }
        }
        return keys;
    }

    /** Hits spread over the collection: two offsets of every 50. */
    private static int[] hot() {
        int[] offsets = new int[2 * N / 50];
        for (int i = 0; i < offsets.length / 2; i++) {
            offsets[2 * i] = i * 50;
            offsets[2 * i + 1] = i * 50 + 17;
        }
        return offsets;
    }

    private long readsOf(Set<String> keys) {
        return storage.reads.stream().filter(keys::contains).count();
    }

    @Test
    void hitsReadOnceAreServedFromTheCacheAndNeverFromTheVectorSegment() {
        Set<String> recordBlocks = blocksOf(manifest, SegmentFile.OFFSET_TO_RECORD);
        Set<String> vectorBlocks = blocksOf(manifest, SegmentFile.EMBEDDINGS);
        assertTrue(recordBlocks.size() >= 30, "record blocks: " + recordBlocks.size());
        CollectionSegments segments = CollectionSegments.open(store, dir, manifest);
        int[] hot = hot();
        storage.reads.clear();
        Map<Integer, DataRecord> first = segments.records(hot, false);
        assertTrue(readsOf(recordBlocks) > 0);
        assertEquals(0, readsOf(vectorBlocks), "no embedding is asked for: no vector block is read");
        for (int o : hot) {
            DataRecord expected = model.get(o);
            assertEquals(expected.document(), first.get(o).document());
            assertEquals(expected.metadata(), first.get(o).metadata());
        }
        storage.reads.clear();
        for (int round = 0; round < 5; round++) {
            assertEquals(first, segments.records(hot, false));
        }
        assertEquals(List.of(), List.copyOf(storage.reads), "the hits stay cached: no storage read");
    }

    @Test
    void compactionWritesThroughTheHitsItRewrites() {
        CollectionSegments segments = CollectionSegments.open(store, dir, manifest);
        int[] hot = hot();
        segments.records(hot, false);
        // Updates spread over every block, among them a third of the hits.
        List<LogOperation> ops = new ArrayList<>();
        Map<Integer, String> newDocuments = new HashMap<>();
        for (int i = 0; i < N; i += 7) {
            ops.add(new LogOperation.Update("id-" + i, RecordChange.of(null, "updated " + i, null, null)));
            newDocuments.put(i, "updated " + i);
        }
        for (int i = 0; i < hot.length; i += 3) {
            ops.add(new LogOperation.Update("id-" + hot[i], RecordChange.of(null, "updated " + hot[i], null, null)));
            newDocuments.put(hot[i], "updated " + hot[i]);
        }
        SegmentWriter writer = SegmentWriter.fork(store, dir, manifest);
        writer.apply(Materializer.materialize(ops, writer, writer.nextOffset()));
        SegmentManifest next = writer.commit();
        Set<String> oldBlocks = blocksOf(manifest, SegmentFile.OFFSET_TO_RECORD);
        Set<String> rewritten = blocksOf(next, SegmentFile.OFFSET_TO_RECORD);
        rewritten.removeAll(oldBlocks);
        assertTrue(rewritten.size() >= 30, "every record block is rewritten: " + rewritten.size());

        CollectionSegments after = CollectionSegments.open(store, dir, next);
        storage.reads.clear();
        Map<Integer, DataRecord> records = after.records(hot, false);
        assertEquals(0, readsOf(rewritten), "the rewritten blocks' hits were written through");
        for (int o : hot) {
            assertEquals(
                    newDocuments.getOrDefault(o, model.get(o).document()),
                    records.get(o).document(),
                    "" + o);
            assertEquals(model.get(o).metadata(), records.get(o).metadata());
        }
    }
}
