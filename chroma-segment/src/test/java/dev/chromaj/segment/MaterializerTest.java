package dev.chromaj.segment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.blockstore.DataRecord;
import dev.chromaj.segment.log.LogOperation;
import dev.chromaj.segment.log.RecordChange;
import dev.chromaj.segment.log.SparseValues;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MaterializerTest {

    private static final float[] E1 = {1f, 2f};
    private static final float[] E2 = {3f, 4f};

    private static LogOperation add(String id, float[] e, String doc, Map<String, ?> md) {
        return new LogOperation.Add(id, RecordChange.of(e, doc, md, null));
    }

    private static LogOperation upsert(String id, float[] e, String doc, Map<String, ?> md) {
        return new LogOperation.Upsert(id, RecordChange.of(e, doc, md, null));
    }

    private static LogOperation update(String id, float[] e, String doc, Map<String, ?> md) {
        return new LogOperation.Update(id, RecordChange.of(e, doc, md, null));
    }

    private static LogOperation delete(String id) {
        return new LogOperation.Delete(id);
    }

    private static Map<String, Object> md(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** A lookup over a fixed set of stored records. */
    private static RecordLookup stored(StoredRecord... records) {
        Map<String, StoredRecord> byId = new HashMap<>();
        for (StoredRecord r : records) {
            byId.put(r.id(), r);
        }
        return id -> Optional.ofNullable(byId.get(id));
    }

    private static StoredRecord storedRecord(int offset, String id, String doc, Map<String, Object> metadata) {
        return new StoredRecord(offset, new DataRecord(id, E1, doc, metadata, "uri-" + id), Map.of());
    }

    @Test
    void addOfNewIdIsInsertedAtNextOffset() {
        MaterializedBatch b = Materializer.materialize(List.of(add("a", E1, "doc", md("k", 1))), RecordLookup.EMPTY, 7);
        assertEquals(1, b.inserted().size());
        MaterializedBatch.Inserted in = b.inserted().get(0);
        assertEquals(7, in.offset());
        assertEquals(new DataRecord("a", E1, "doc", Map.of("k", 1L), null), in.record());
        assertEquals(8, b.nextOffset());
        assertEquals(7, b.firstOffset());
    }

    @Test
    void addOfExistingIdIsSkipped() {
        MaterializedBatch b = Materializer.materialize(
                List.of(add("a", E2, "new", null)), stored(storedRecord(0, "a", "old", null)), 1);
        assertTrue(b.isEmpty());
        assertTrue(b.outcome("a").isEmpty());
        assertEquals(1, b.nextOffset());
    }

    @Test
    void secondAddOfSameIdInBatchIsSkipped() {
        MaterializedBatch b = Materializer.materialize(
                List.of(add("a", E1, "first", null), add("a", E2, "second", null)), RecordLookup.EMPTY, 0);
        assertEquals(1, b.inserted().size());
        assertEquals("first", b.inserted().get(0).record().document());
    }

    @Test
    void updateOfMissingIdIsIgnored() {
        MaterializedBatch b = Materializer.materialize(List.of(update("x", E1, "d", null)), RecordLookup.EMPTY, 3);
        assertTrue(b.isEmpty());
        assertEquals(3, b.nextOffset());
    }

    @Test
    void deleteOfMissingIdIsNoOp() {
        MaterializedBatch b = Materializer.materialize(List.of(delete("x")), RecordLookup.EMPTY, 0);
        assertTrue(b.isEmpty());
    }

    @Test
    void updateKeepsOffsetAndUnsetFields() {
        StoredRecord old = storedRecord(4, "a", "old doc", md("k", 1L));
        MaterializedBatch b = Materializer.materialize(List.of(update("a", E2, null, null)), stored(old), 10);
        assertEquals(1, b.updated().size());
        MaterializedBatch.Updated u = b.updated().get(0);
        assertEquals(4, u.offset());
        assertEquals(old.record(), u.oldRecord());
        assertArrayEquals(E2, u.newRecord().embedding());
        assertEquals("old doc", u.newRecord().document());
        assertEquals(Map.of("k", 1L), u.newRecord().metadata());
        assertEquals("uri-a", u.newRecord().uri());
        assertEquals(10, b.nextOffset());
    }

    @Test
    void metadataMergesKeyByKey() {
        StoredRecord old = storedRecord(0, "a", "d", md("keep", "x", "change", 1L));
        MaterializedBatch b = Materializer.materialize(
                List.of(update("a", null, null, md("change", 2, "new", true))), stored(old), 1);
        assertEquals(
                Map.of("keep", "x", "change", 2L, "new", true),
                b.updated().get(0).newRecord().metadata());
    }

    @Test
    void nullMetadataValueDeletesTheKey() {
        StoredRecord old = storedRecord(0, "a", "d", md("gone", "x", "stays", 1L));
        MaterializedBatch b =
                Materializer.materialize(List.of(update("a", null, null, md("gone", null))), stored(old), 1);
        assertEquals(Map.of("stays", 1L), b.updated().get(0).newRecord().metadata());
    }

    @Test
    void metadataThatEndsUpEmptyIsStoredAsNull() {
        StoredRecord old = storedRecord(0, "a", "d", md("only", "x"));
        MaterializedBatch b =
                Materializer.materialize(List.of(update("a", null, null, md("only", null))), stored(old), 1);
        assertNull(b.updated().get(0).newRecord().metadata());
        MaterializedBatch added =
                Materializer.materialize(List.of(add("n", null, null, md("k", null))), RecordLookup.EMPTY, 0);
        assertNull(added.inserted().get(0).record().metadata());
    }

    @Test
    void upsertOfMissingIdInserts() {
        MaterializedBatch b =
                Materializer.materialize(List.of(upsert("a", E1, "d", md("k", "v"))), RecordLookup.EMPTY, 2);
        assertEquals(2, b.inserted().get(0).offset());
        assertEquals(Map.of("k", "v"), b.inserted().get(0).record().metadata());
    }

    @Test
    void upsertOfExistingIdMerges() {
        StoredRecord old = storedRecord(5, "a", "old", md("a", 1L));
        MaterializedBatch b = Materializer.materialize(List.of(upsert("a", null, "new", md("b", 2))), stored(old), 9);
        MaterializedBatch.Updated u = b.updated().get(0);
        assertEquals(5, u.offset());
        assertEquals("new", u.newRecord().document());
        assertArrayEquals(E1, u.newRecord().embedding());
        assertEquals(Map.of("a", 1L, "b", 2L), u.newRecord().metadata());
    }

    @Test
    void deleteOfExistingIdReportsOldRecord() {
        StoredRecord old = storedRecord(3, "a", "d", null);
        MaterializedBatch b = Materializer.materialize(List.of(delete("a")), stored(old), 4);
        assertEquals(1, b.deleted().size());
        assertEquals(3, b.deleted().get(0).offset());
        assertEquals(old.record(), b.deleted().get(0).oldRecord());
        assertInstanceOf(MaterializedBatch.Deleted.class, b.outcome("a").orElseThrow());
        assertTrue(b.supersededOffsets().contains(3));
    }

    @Test
    void insertThenDeleteInBatchLeavesNothingAndConsumesNoOffset() {
        MaterializedBatch b = Materializer.materialize(
                List.of(add("a", E1, null, null), delete("a"), add("b", E1, null, null)), RecordLookup.EMPTY, 0);
        assertTrue(b.outcome("a").isEmpty());
        assertEquals(1, b.inserted().size());
        assertEquals(0, b.inserted().get(0).offset());
        assertEquals(1, b.nextOffset());
    }

    @Test
    void deleteThenReAddGetsNewOffset() {
        StoredRecord old = storedRecord(2, "a", "old", null);
        MaterializedBatch b =
                Materializer.materialize(List.of(delete("a"), add("a", E2, "new", null)), stored(old), 10);
        assertEquals(2, b.deleted().get(0).offset());
        assertEquals(10, b.inserted().get(0).offset());
        MaterializedBatch.Inserted fin = assertInstanceOf(
                MaterializedBatch.Inserted.class, b.outcome("a").orElseThrow());
        assertEquals("new", fin.record().document());
        assertNull(fin.record().uri());
        List<MaterializedBatch.Outcome> order = b.outcomes();
        assertInstanceOf(MaterializedBatch.Deleted.class, order.get(0));
        assertInstanceOf(MaterializedBatch.Inserted.class, order.get(1));
    }

    @Test
    void offsetsFollowLogOrderOfCreation() {
        MaterializedBatch b = Materializer.materialize(
                List.of(add("z", E1, null, null), add("a", E1, null, null), upsert("m", E1, null, null)),
                RecordLookup.EMPTY,
                100);
        List<String> ids = new ArrayList<>();
        for (MaterializedBatch.Inserted in : b.inserted()) {
            ids.add(in.id());
        }
        assertEquals(List.of("z", "a", "m"), ids);
        assertEquals(
                List.of(100, 101, 102),
                b.inserted().stream().map(MaterializedBatch.Inserted::offset).toList());
    }

    @Test
    void updatesWithinBatchApplyToInsertedRecord() {
        MaterializedBatch b = Materializer.materialize(
                List.of(
                        add("a", E1, "d1", md("x", 1)),
                        update("a", null, "d2", md("y", 2)),
                        upsert("a", E2, null, md("x", null))),
                RecordLookup.EMPTY,
                0);
        DataRecord r = b.inserted().get(0).record();
        assertEquals("d2", r.document());
        assertArrayEquals(E2, r.embedding());
        assertEquals(Map.of("y", 2L), r.metadata());
    }

    @Test
    void updateThenDeleteOfStoredRecordReportsOriginalOldRecord() {
        StoredRecord old = storedRecord(1, "a", "orig", null);
        MaterializedBatch b =
                Materializer.materialize(List.of(update("a", null, "changed", null), delete("a")), stored(old), 2);
        assertTrue(b.updated().isEmpty());
        assertEquals("orig", b.deleted().get(0).oldRecord().document());
    }

    @Test
    void sparseVectorsMergeByKey() {
        SparseValues s1 = new SparseValues(new int[] {1}, new float[] {0.5f});
        SparseValues s2 = new SparseValues(new int[] {2, 3}, new float[] {1f, 2f});
        StoredRecord old =
                new StoredRecord(0, new DataRecord("a", null, "d", null, null), Map.of("keep", s1, "drop", s1));
        Map<String, SparseValues> change = new HashMap<>();
        change.put("drop", null);
        change.put("new", s2);
        MaterializedBatch b = Materializer.materialize(
                List.of(new LogOperation.Update("a", new RecordChange(null, null, null, null, change))),
                stored(old),
                1);
        MaterializedBatch.Updated u = b.updated().get(0);
        assertEquals(Map.of("keep", s1, "new", s2), u.newSparse());
        assertEquals(Map.of("keep", s1, "drop", s1), u.oldSparse());
    }

    @Test
    void integersAndFloatsAreNormalized() {
        MaterializedBatch b = Materializer.materialize(
                List.of(add("a", null, null, md("i", 3, "f", 1.5f, "l", List.of(1, 2)))), RecordLookup.EMPTY, 0);
        assertEquals(
                Map.of("i", 3L, "f", 1.5, "l", List.of(1L, 2L)),
                b.inserted().get(0).record().metadata());
    }

    @Test
    void bulkLookupIsUsedOnce() {
        int[] calls = {0};
        RecordLookup lookup = new RecordLookup() {
            @Override
            public Optional<StoredRecord> lookup(String id) {
                throw new AssertionError("single lookups must not be used");
            }

            @Override
            public Map<String, StoredRecord> lookupAll(java.util.Collection<String> ids) {
                calls[0]++;
                assertEquals(2, ids.size());
                return Map.of();
            }
        };
        Materializer.materialize(List.of(add("a", E1, null, null), add("b", E1, null, null), delete("a")), lookup, 0);
        assertEquals(1, calls[0]);
    }

    /** A lookup over fixed records that records its bulk calls and leaves embeddings out when not asked for. */
    private static final class RecordingLookup implements RecordLookup {
        final Map<String, StoredRecord> byId = new HashMap<>();
        final List<java.util.Set<String>> withEmbedding = new ArrayList<>();
        final List<java.util.Set<String>> withoutEmbedding = new ArrayList<>();
        /** When set, a call without embeddings answers every stored id, asked for or not. */
        boolean answerAll;

        RecordingLookup(StoredRecord... records) {
            for (StoredRecord r : records) {
                byId.put(r.id(), r);
            }
        }

        @Override
        public Optional<StoredRecord> lookup(String id) {
            throw new AssertionError("single lookups must not be used");
        }

        @Override
        public Map<String, StoredRecord> lookupAll(java.util.Collection<String> ids) {
            throw new AssertionError("the lookup must say whether it needs embeddings");
        }

        @Override
        public Map<String, StoredRecord> lookupAll(java.util.Collection<String> ids, boolean embeddings) {
            (embeddings ? withEmbedding : withoutEmbedding).add(new java.util.HashSet<>(ids));
            Map<String, StoredRecord> out = new HashMap<>();
            for (StoredRecord r : byId.values()) {
                if (ids.contains(r.id()) || (answerAll && !embeddings)) {
                    DataRecord d = r.record();
                    out.put(
                            r.id(),
                            embeddings
                                    ? r
                                    : new StoredRecord(
                                            r.offset(),
                                            new DataRecord(d.id(), null, d.document(), d.metadata(), d.uri()),
                                            r.sparse()));
                }
            }
            return out;
        }
    }

    @Test
    void oldEmbeddingsAreReadOnlyWhereTheNewStateKeepsThem() {
        RecordingLookup lookup = new RecordingLookup(
                storedRecord(0, "keep", "d", null),
                storedRecord(1, "replace", "d", null),
                storedRecord(2, "gone", "d", null),
                storedRecord(3, "again", "d", null),
                storedRecord(4, "later", "d", null),
                storedRecord(5, "upserted", "d", null),
                storedRecord(6, "meta-then-delete", "d", null));
        MaterializedBatch b = Materializer.materialize(
                List.of(
                        update("keep", null, "new doc", md("k", 1)),
                        update("replace", E2, null, null),
                        delete("gone"),
                        add("again", E2, "ignored", null),
                        update("later", null, "x", null),
                        upsert("later", E2, null, null),
                        upsert("upserted", null, null, md("u", true)),
                        update("meta-then-delete", null, "x", null),
                        delete("meta-then-delete"),
                        add("fresh", E2, null, null)),
                lookup,
                10,
                false);
        assertEquals(List.of(java.util.Set.of("keep", "upserted")), lookup.withEmbedding);
        assertEquals(
                List.of(java.util.Set.of("replace", "gone", "again", "later", "meta-then-delete", "fresh")),
                lookup.withoutEmbedding);
        assertArrayEquals(
                E1,
                ((MaterializedBatch.Updated) b.outcome("keep").orElseThrow())
                        .newRecord()
                        .embedding());
        assertEquals(
                "new doc",
                ((MaterializedBatch.Updated) b.outcome("keep").orElseThrow())
                        .newRecord()
                        .document());
        assertArrayEquals(
                E1,
                ((MaterializedBatch.Updated) b.outcome("upserted").orElseThrow())
                        .newRecord()
                        .embedding());
        assertArrayEquals(
                E2,
                ((MaterializedBatch.Updated) b.outcome("replace").orElseThrow())
                        .newRecord()
                        .embedding());
        assertArrayEquals(
                E2,
                ((MaterializedBatch.Updated) b.outcome("later").orElseThrow())
                        .newRecord()
                        .embedding());
        assertInstanceOf(MaterializedBatch.Deleted.class, b.outcome("gone").orElseThrow());
        assertInstanceOf(
                MaterializedBatch.Deleted.class, b.outcome("meta-then-delete").orElseThrow());
        assertTrue(b.outcome("again").isEmpty());
        assertEquals(10, ((MaterializedBatch.Inserted) b.outcome("fresh").orElseThrow()).offset());
    }

    @Test
    void oldEmbeddingsAreAllReadByDefault() {
        RecordingLookup lookup = new RecordingLookup(storedRecord(0, "a", "d", null), storedRecord(1, "b", "d", null));
        MaterializedBatch b = Materializer.materialize(List.of(update("a", E2, null, null), delete("b")), lookup, 2);
        assertEquals(List.of(java.util.Set.of("a", "b")), lookup.withEmbedding);
        assertEquals(List.of(), lookup.withoutEmbedding);
        assertArrayEquals(
                E1,
                ((MaterializedBatch.Updated) b.outcome("a").orElseThrow())
                        .oldRecord()
                        .embedding());
        assertArrayEquals(
                E1,
                ((MaterializedBatch.Deleted) b.outcome("b").orElseThrow())
                        .oldRecord()
                        .embedding());
    }

    @Test
    void aKeptEmbeddingThatWasNotReadFailsTheBatch() {
        RecordingLookup lookup =
                new RecordingLookup(storedRecord(0, "keep", "d", null), storedRecord(1, "other", "d", null));
        lookup.answerAll = true;
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> Materializer.materialize(
                        List.of(update("keep", null, "new", null), delete("other")), lookup, 2, false));
        assertTrue(e.getMessage().contains("'keep'"), e.getMessage());
    }

    @Test
    void negativeNextOffsetIsRejected() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> Materializer.materialize(List.of(), RecordLookup.EMPTY, -1));
        assertTrue(e.getMessage().contains("nextOffset"));
    }
}
