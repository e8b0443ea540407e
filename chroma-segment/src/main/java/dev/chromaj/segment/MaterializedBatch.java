package dev.chromaj.segment;

import dev.chromaj.annotations.Internal;
import dev.chromaj.blockstore.DataRecord;
import dev.chromaj.segment.log.SparseValues;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.roaringbitmap.RoaringBitmap;

/**
 * The net effect of a batch of log operations on a collection version: at most one final outcome per id (two for an
 * id that existed, was deleted and added again: its old offset is {@link Deleted} and a new offset
 * {@link Inserted}). Ids whose operations had no effect (add of an existing id, update or delete of a missing id,
 * insert then delete) have no outcome. Immutable.
 */
@Internal
public final class MaterializedBatch {

    /** What happened to one id. */
    public sealed interface Outcome {
        /** The user id. */
        String id();

        /** The offset the outcome applies to. */
        int offset();
    }

    /** A new record at a newly assigned offset. */
    public record Inserted(int offset, DataRecord record, Map<String, SparseValues> sparse) implements Outcome {
        @Override
        public String id() {
            return record.id();
        }
    }

    /** An existing record changed in place; the offset is kept. */
    public record Updated(
            int offset,
            DataRecord oldRecord,
            DataRecord newRecord,
            Map<String, SparseValues> oldSparse,
            Map<String, SparseValues> newSparse)
            implements Outcome {
        @Override
        public String id() {
            return newRecord.id();
        }
    }

    /** An existing record removed; its offset is never reused. */
    public record Deleted(int offset, DataRecord oldRecord, Map<String, SparseValues> oldSparse) implements Outcome {
        @Override
        public String id() {
            return oldRecord.id();
        }
    }

    private final List<Deleted> deleted;
    private final List<Updated> updated;
    private final List<Inserted> inserted;
    private final Map<String, Outcome> finalOutcomes;
    private final int firstOffset;
    private final int nextOffset;

    MaterializedBatch(
            List<Deleted> deleted,
            List<Updated> updated,
            List<Inserted> inserted,
            Map<String, Outcome> finalOutcomes,
            int firstOffset,
            int nextOffset) {
        this.deleted = Collections.unmodifiableList(deleted);
        this.updated = Collections.unmodifiableList(updated);
        this.inserted = Collections.unmodifiableList(inserted);
        this.finalOutcomes = Collections.unmodifiableMap(finalOutcomes);
        this.firstOffset = firstOffset;
        this.nextOffset = nextOffset;
    }

    /** A batch with no outcome, whose next offset is {@code nextOffset}. */
    static MaterializedBatch empty(int nextOffset) {
        return new MaterializedBatch(List.of(), List.of(), List.of(), Map.of(), nextOffset, nextOffset);
    }

    /** Every outcome, in the order a writer applies them: deletions, then updates, then insertions by offset. */
    public List<Outcome> outcomes() {
        List<Outcome> all = new ArrayList<>(deleted.size() + updated.size() + inserted.size());
        all.addAll(deleted);
        all.addAll(updated);
        all.addAll(inserted);
        return all;
    }

    /** Removed records, in no particular order. */
    public List<Deleted> deleted() {
        return deleted;
    }

    /** Records changed in place, in no particular order. */
    public List<Updated> updated() {
        return updated;
    }

    /** New records, by ascending offset (the offsets are {@code firstOffset() .. nextOffset() - 1}). */
    public List<Inserted> inserted() {
        return inserted;
    }

    /**
     * The final outcome of {@code id}: {@link Inserted} or {@link Updated} when it exists after the batch (its
     * record is the final state), {@link Deleted} when it was removed, empty when the batch left it as it was.
     */
    public Optional<Outcome> outcome(String id) {
        return Optional.ofNullable(finalOutcomes.get(id));
    }

    /** The ids that have an outcome. */
    public Set<String> ids() {
        return finalOutcomes.keySet();
    }

    /** The offset given to the first insertion (equal to {@link #nextOffset()} when there is none). */
    public int firstOffset() {
        return firstOffset;
    }

    /** The next offset to assign after this batch: the {@code nextOffset} given plus the number of insertions. */
    public int nextOffset() {
        return nextOffset;
    }

    /**
     * Offsets of records existing before the batch that it deleted or updated: a reader of the previous version
     * must not return their old state.
     */
    public RoaringBitmap supersededOffsets() {
        RoaringBitmap offsets = new RoaringBitmap();
        for (Deleted d : deleted) {
            offsets.add(d.offset());
        }
        for (Updated u : updated) {
            offsets.add(u.offset());
        }
        return offsets;
    }

    /** True when the batch changes nothing. */
    public boolean isEmpty() {
        return deleted.isEmpty() && updated.isEmpty() && inserted.isEmpty();
    }

    /** Number of outcomes (a re-added id counts twice). */
    public int size() {
        return deleted.size() + updated.size() + inserted.size();
    }

    @Override
    public String toString() {
        return "MaterializedBatch[deleted=" + deleted.size() + ", updated=" + updated.size() + ", inserted="
                + inserted.size() + ", offsets=" + firstOffset + ".." + nextOffset + "]";
    }
}
