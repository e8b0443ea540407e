package dev.chromaj.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.re2j.Pattern;
import dev.chromaj.blockstore.DataRecord;
import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.ScoredOffset;
import dev.chromaj.segment.filter.DocumentFilter;
import dev.chromaj.segment.filter.MetadataFilter;
import dev.chromaj.segment.log.LogOperation;
import dev.chromaj.segment.log.RecordChange;
import dev.chromaj.segment.log.SparseValues;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

class CollectionSegmentsTest {

    @TempDir
    Path folder;

    private SegmentFixture fx;

    @BeforeEach
    void setUp() {
        fx = new SegmentFixture(folder, 512);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private static LogOperation add(String id, float[] e, String doc, Map<String, ?> md) {
        return new LogOperation.Add(id, RecordChange.of(e, doc, md, null));
    }

    /** Materializes, applies and commits one batch onto {@code previous}. */
    private SegmentManifest write(SegmentManifest previous, List<LogOperation> ops) {
        SegmentWriter writer = SegmentWriter.fork(fx.store, fx.dir, previous);
        writer.apply(Materializer.materialize(ops, writer, writer.nextOffset()));
        return writer.commit();
    }

    private CollectionSegments open(SegmentManifest m) {
        return CollectionSegments.open(fx.store, fx.dir, m);
    }

    private static List<LogOperation> numbered(int from, int to) {
        List<LogOperation> ops = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ops.add(add(
                    "id-" + i,
                    new float[] {i, 1f},
                    "document number " + i,
                    Map.of("n", i, "parity", i % 2 == 0 ? "even" : "odd", "half", i / 2.0)));
        }
        return ops;
    }

    @Test
    void emptyManifestIsAnEmptyCollection() {
        for (SegmentManifest m : new SegmentManifest[] {null, SegmentManifest.EMPTY}) {
            CollectionSegments s = open(m);
            assertEquals(0, s.count());
            assertTrue(s.offsetOf("x").isEmpty());
            assertTrue(s.liveOffsets().isEmpty());
            assertTrue(s.filter(new MetadataFilter.Comparison("k", MetadataFilter.Op.NE, 1L), null)
                    .isEmpty());
            assertEquals(List.of(), s.nearest(new float[] {1f}, 3, null, DistanceSpace.L2));
        }
    }

    @Test
    void committedRecordsReadBack() {
        SparseValues sv = new SparseValues(new int[] {1, 9}, new float[] {0.5f, 2f});
        List<LogOperation> ops = new ArrayList<>(numbered(0, 40));
        ops.add(new LogOperation.Add(
                "sparse",
                new RecordChange(null, "ü doc", Map.of("tags", List.of("a", "b")), "uri://x", Map.of("splade", sv))));
        SegmentManifest m = write(null, ops);
        assertEquals(41, m.recordCount());
        assertEquals(41, m.nextOffset());
        assertTrue(m.blockCount() > 5, "small blocks: " + m.blockCount());
        CollectionSegments s = open(m);
        assertEquals(41, s.count());
        assertEquals(7, s.offsetOf("id-7").getAsInt());
        assertEquals(Map.of("id-3", 3, "id-39", 39), s.offsetsOf(List.of("id-3", "id-39", "nope")));
        StoredRecord r = s.record(40);
        assertEquals(new DataRecord("sparse", null, "ü doc", Map.of("tags", List.of("a", "b")), "uri://x"), r.record());
        assertEquals(Map.of("splade", sv), r.sparse());
        assertEquals(Map.of(), s.record(3).sparse());
        assertNull(s.record(41));
        Map<Integer, DataRecord> some = s.records(new int[] {0, 20, 39, 99});
        assertEquals(Set.of(0, 20, 39), some.keySet());
        assertArrayEquals(new float[] {20f, 1f}, some.get(20).embedding());
        assertEquals(
                RoaringBitmap.bitmapOf(java.util.stream.IntStream.range(0, 41).toArray()), s.liveOffsets());
        assertEquals(
                Map.of("n", 5L, "parity", "odd", "half", 2.5),
                s.lookup("id-5").orElseThrow().record().metadata());
    }

    @Test
    void idsOfOffsetsComeInTheirOrderWithNullForDeletedOrUnknownOffsets() {
        SegmentManifest v1 = write(null, numbered(0, 60));
        SegmentManifest v2 = write(
                v1,
                List.of(
                        new LogOperation.Delete("id-3"),
                        new LogOperation.Delete("id-31"),
                        new LogOperation.Update("id-4", RecordChange.of(null, "changed", null, null))));
        CollectionSegments s = open(v2);
        assertTrue(v2.blockCount() > 5, "small blocks: " + v2.blockCount());
        int[] offsets = {59, 3, 0, 31, 4, 500, 4, 30};
        assertEquals(Arrays.asList("id-59", null, "id-0", null, "id-4", null, "id-4", "id-30"), s.ids(offsets));
        Map<Integer, DataRecord> records = s.records(offsets);
        for (int i = 0; i < offsets.length; i++) {
            DataRecord r = records.get(offsets[i]);
            assertEquals(r == null ? null : r.id(), s.ids(offsets).get(i), "offset " + offsets[i]);
        }
        assertEquals(List.of(), s.ids(new int[0]));
        assertEquals(
                Arrays.asList("id-3", null), open(v1).ids(new int[] {3, 60}), "the previous version keeps its ids");
        assertEquals(Arrays.asList((String) null), open(null).ids(new int[] {0}));
    }

    @Test
    void forkKeepsPreviousVersionReadable() {
        SegmentManifest v1 = write(null, numbered(0, 20));
        SegmentManifest v2 = write(
                v1,
                List.of(
                        new LogOperation.Delete("id-3"),
                        new LogOperation.Update(
                                "id-4", RecordChange.of(null, "changed", Map.of("parity", "none"), null)),
                        add("new", new float[] {0f, 0f}, "fresh", Map.of("n", 100))));
        CollectionSegments old = open(v1);
        CollectionSegments cur = open(v2);
        assertEquals(20, old.count());
        assertEquals(20, cur.count());
        assertTrue(old.offsetOf("id-3").isPresent());
        assertTrue(cur.offsetOf("id-3").isEmpty());
        assertEquals(20, cur.offsetOf("new").getAsInt());
        assertEquals("document number 4", old.record(4).record().document());
        assertEquals("changed", cur.record(4).record().document());
        MetadataFilter even = new MetadataFilter.Comparison("parity", MetadataFilter.Op.EQ, "even");
        assertTrue(old.filter(even, null).contains(4));
        assertFalse(cur.filter(even, null).contains(4));
        assertTrue(cur.filter(new MetadataFilter.Comparison("parity", MetadataFilter.Op.EQ, "none"), null)
                .contains(4));
        assertFalse(
                cur.filter(null, new DocumentFilter.Contains("number 3", false)).contains(3));
        assertTrue(
                old.filter(null, new DocumentFilter.Contains("number 3", false)).contains(3));
        assertTrue(
                cur.filter(null, new DocumentFilter.Contains("changed", false)).contains(4));
        assertEquals(
                RoaringBitmap.bitmapOf(4),
                cur.filter(null, new DocumentFilter.Regex(Pattern.compile("^ch.nged$"), false)));
    }

    @Test
    void unchangedBlockfilesKeepTheirRoots() {
        SegmentManifest v1 = write(null, numbered(0, 10));
        SegmentManifest v2 = write(
                v1, List.of(new LogOperation.Update("id-1", RecordChange.of(new float[] {9f, 9f}, null, null, null))));
        assertEquals(v1.roots().get("metadata.string"), v2.roots().get("metadata.string"));
        assertEquals(v1.roots().get("fulltext.trigram"), v2.roots().get("fulltext.trigram"));
        assertEquals(v1.roots().get("record.id_to_offset"), v2.roots().get("record.id_to_offset"));
        assertFalse(v1.roots().get("record.offset_to_record").equals(v2.roots().get("record.offset_to_record")));
    }

    @Test
    void batchesAppliedBeforeOneCommitSeeEachOther() {
        SegmentManifest v1 = write(null, numbered(0, 5));
        SegmentWriter writer = SegmentWriter.fork(fx.store, fx.dir, v1);
        writer.apply(Materializer.materialize(
                List.of(add("x", new float[] {1f, 1f}, "d", Map.of("a", 1)), new LogOperation.Delete("id-0")),
                writer,
                writer.nextOffset()));
        MaterializedBatch second = Materializer.materialize(
                List.of(
                        new LogOperation.Update("x", RecordChange.of(null, null, Map.of("b", 2), null)),
                        add("id-0", new float[] {2f, 2f}, "back", null),
                        add("x", new float[] {3f, 3f}, "ignored", null)),
                writer,
                writer.nextOffset());
        assertEquals(1, second.updated().size());
        assertEquals(6, second.inserted().get(0).offset());
        writer.apply(second);
        SegmentManifest v2 = writer.commit();
        assertEquals(7, v2.nextOffset());
        assertEquals(6, v2.recordCount());
        CollectionSegments s = open(v2);
        assertEquals(
                Map.of("a", 1L, "b", 2L), s.lookup("x").orElseThrow().record().metadata());
        assertEquals(6, s.offsetOf("id-0").getAsInt());
        assertTrue(s.filter(new MetadataFilter.Comparison("b", MetadataFilter.Op.EQ, 2.0), null)
                .contains(5));
    }

    @Test
    void commitPerBatchChainsVersions() {
        SegmentManifest m = null;
        for (int batch = 0; batch < 4; batch++) {
            m = write(m, numbered(batch * 10, batch * 10 + 10));
        }
        CollectionSegments s = open(m);
        assertEquals(40, s.count());
        assertEquals(
                RoaringBitmap.bitmapOf(java.util.stream.IntStream.range(10, 20).toArray()),
                s.filter(
                        new MetadataFilter.And(List.of(
                                new MetadataFilter.Comparison("n", MetadataFilter.Op.GTE, 10L),
                                new MetadataFilter.Comparison("half", MetadataFilter.Op.LT, 10.0))),
                        null));
    }

    @Test
    void batchMaterializedAgainstAnotherStateIsRejected() {
        SegmentManifest v1 = write(null, numbered(0, 3));
        SegmentWriter writer = SegmentWriter.fork(fx.store, fx.dir, v1);
        MaterializedBatch stale = Materializer.materialize(numbered(10, 11), RecordLookup.EMPTY, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> writer.apply(stale));
        assertTrue(e.getMessage().contains("offset"), e.getMessage());
    }

    @Test
    void committedWriterCannotBeReused() {
        SegmentWriter writer = SegmentWriter.fork(fx.store, fx.dir, null);
        writer.commit();
        assertThrows(IllegalStateException.class, writer::commit);
    }

    @Test
    void manifestRoundTripsThroughMapAndListsItsObjects() {
        SegmentManifest m = write(null, numbered(0, 15));
        SegmentManifest back = SegmentManifest.fromMap(m.toMap());
        assertEquals(m, back);
        Set<String> keys = m.objectKeys(fx.store, fx.dir);
        Set<String> stored = new HashSet<>();
        fx.storage.list(fx.dir + "/").forEachRemaining(info -> stored.add(info.key()));
        assertEquals(stored, keys);
        assertEquals(m.blockCount() + m.roots().size(), keys.size());
        assertTrue(m.segmentBytes().get("record") > 0);
        assertTrue(m.segmentBytes().get("metadata") > 0);
    }

    @Test
    void malformedManifestMapIsRejectedNamingTheField() {
        Map<String, Object> map = new java.util.HashMap<>(SegmentManifest.EMPTY.toMap());
        map.put("roots", Map.of("record.live", "not-a-uuid"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SegmentManifest.fromMap(map));
        assertTrue(e.getMessage().contains("roots.record.live"), e.getMessage());
        map.put("roots", Map.of("record.live", UUID.randomUUID().toString()));
        map.put("format", 7);
        assertThrows(IllegalArgumentException.class, () -> SegmentManifest.fromMap(map));
    }

    @Test
    void nearestIsExactAndRespectsTheAllowedSet() {
        List<LogOperation> ops = new ArrayList<>(numbered(0, 30));
        ops.add(add("no-embedding", null, "d", null));
        SegmentManifest m = write(null, ops);
        CollectionSegments s = open(m);
        float[] q = {10.2f, 1f};
        List<ScoredOffset> top = s.nearest(q, 3, null, DistanceSpace.L2);
        assertEquals(List.of(10, 11, 9), top.stream().map(ScoredOffset::offset).toList());
        assertEquals(0.2f * 0.2f, top.get(0).distance(), 1e-5);
        List<ScoredOffset> filtered = s.nearest(q, 2, RoaringBitmap.bitmapOf(0, 29, 30), DistanceSpace.L2);
        assertEquals(List.of(0, 29), filtered.stream().map(ScoredOffset::offset).toList());
        List<ScoredOffset> ip = s.nearest(new float[] {1f, 0f}, 1, null, DistanceSpace.IP);
        assertEquals(29, ip.get(0).offset());
        assertEquals(1f - 29f, ip.get(0).distance(), 1e-4);
        assertThrows(
                IllegalArgumentException.class, () -> s.nearest(new float[] {1f, 2f, 3f}, 1, null, DistanceSpace.L2));
    }
}
