package dev.chromaj;

import dev.chromaj.blockstore.DataRecord;
import dev.chromaj.segment.CollectionSegments;
import dev.chromaj.segment.MaterializedBatch;
import dev.chromaj.segment.MaterializedBatch.Outcome;
import dev.chromaj.segment.Materializer;
import dev.chromaj.segment.RecordLookup;
import dev.chromaj.segment.StoredRecord;
import dev.chromaj.segment.log.LogOperation;
import dev.chromaj.segment.log.SparseValues;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.roaringbitmap.RoaringBitmap;

/**
 * The uncompacted log tail of a collection, and what it means for reads: the final state of every id it touches,
 * relative to one compacted version. Immutable; every write derives a new overlay (copy on write), so a reader that
 * pinned a {@link CollectionView} sees one consistent state.
 *
 * <p>Positions order records the way compaction will: a compacted record updated in the tail keeps its offset; a
 * new record gets the next offset after everything before it.
 */
final class TailOverlay {
    /** One acknowledged write: the WAL sequence number and its operations. */
    record Entry(long sequence, List<LogOperation> operations) {
    }

    /**
     * The tail's final state of one id: {@code record == null} means deleted. {@code compactedOffset} is the offset
     * of the compacted record this state overrides (-1: none). {@code position} orders the record among all others.
     */
    record TailRecord(DataRecord record, Map<String, SparseValues> sparse,
                      int compactedOffset, int position) {
        boolean present() {
            return record != null;
        }
    }

    private final List<Entry> entries;
    private final Map<String, TailRecord> records;
    private final RoaringBitmap overridden;
    private final int nextPosition;
    private final long operationCount;
    private final long liveDelta;

    private TailOverlay(List<Entry> entries, Map<String, TailRecord> records, RoaringBitmap overridden,
                        int nextPosition, long operationCount, long liveDelta) {
        this.entries = entries;
        this.records = records;
        this.overridden = overridden;
        this.nextPosition = nextPosition;
        this.operationCount = operationCount;
        this.liveDelta = liveDelta;
    }

    static TailOverlay empty(int nextOffset) {
        return new TailOverlay(List.of(), Map.of(), new RoaringBitmap(), nextOffset, 0, 0);
    }

    /** Builds the overlay of {@code entries} on top of {@code base}. */
    static TailOverlay of(Collection<Entry> entries, CollectionSegments base) {
        TailOverlay overlay = empty(base.manifest().nextOffset());
        for (Entry e : entries) {
            overlay = overlay.append(e.sequence(), e.operations(), base);
        }
        return overlay;
    }

    /** The overlay after one more acknowledged write. */
    TailOverlay append(long sequence, List<LogOperation> ops, CollectionSegments base) {
        RecordLookup lookup = id -> {
            TailRecord t = records.get(id);
            if (t != null) {
                return t.present() ? Optional.of(new StoredRecord(t.position(), t.record(), t.sparse()))
                        : Optional.empty();
            }
            return base.lookup(id);
        };
        MaterializedBatch batch = Materializer.materialize(ops, lookup, nextPosition);
        Map<String, TailRecord> nextRecords = new HashMap<>(records);
        RoaringBitmap nextOverridden = overridden.clone();
        long delta = liveDelta;
        int next = nextPosition;
        for (Outcome o : batch.outcomes()) {
            // Folded in order (deletions, updates, insertions): an id deleted and re-added has two outcomes.
            TailRecord prev = nextRecords.get(o.id());
            if (o instanceof MaterializedBatch.Inserted ins) {
                int compacted = prev == null ? -1 : prev.compactedOffset();
                nextRecords.put(ins.id(), new TailRecord(ins.record(), ins.sparse(), compacted, ins.offset()));
                next = Math.max(next, ins.offset() + 1);
                delta++;
            } else if (o instanceof MaterializedBatch.Updated upd) {
                int compacted = prev == null ? upd.offset() : prev.compactedOffset();
                int position = prev == null ? upd.offset() : prev.position();
                nextRecords.put(upd.id(), new TailRecord(upd.newRecord(), upd.newSparse(), compacted, position));
                if (compacted >= 0) {
                    nextOverridden.add(compacted);
                }
            } else if (o instanceof MaterializedBatch.Deleted del) {
                int compacted = prev == null ? del.offset() : prev.compactedOffset();
                if (compacted >= 0) {
                    nextRecords.put(del.id(), new TailRecord(null, null, compacted, -1));
                    nextOverridden.add(compacted);
                } else {
                    nextRecords.remove(del.id());
                }
                delta--;
            }
        }
        List<Entry> nextEntries = new ArrayList<>(entries.size() + 1);
        nextEntries.addAll(entries);
        nextEntries.add(new Entry(sequence, List.copyOf(ops)));
        return new TailOverlay(Collections.unmodifiableList(nextEntries), Collections.unmodifiableMap(nextRecords),
                nextOverridden, next, operationCount + ops.size(), delta);
    }

    /** Entries with a sequence number above {@code sequence}, in order. */
    List<Entry> entriesAfter(long sequence) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.sequence() > sequence) {
                out.add(e);
            }
        }
        return out;
    }

    List<Entry> entries() {
        return entries;
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Number of operations (records written) in the tail. */
    long operationCount() {
        return operationCount;
    }

    /** Records the tail adds to the compacted count (negative when it deletes more than it adds). */
    long liveDelta() {
        return liveDelta;
    }

    /** The tail's state of {@code id}, or null when the tail does not touch it. */
    TailRecord get(String id) {
        return records.get(id);
    }

    /** Every id the tail touches. */
    Map<String, TailRecord> records() {
        return records;
    }

    /** Compacted offsets whose record the tail updates or deletes: reads must not return them from segments. */
    RoaringBitmap overriddenOffsets() {
        return overridden;
    }

    long lastSequence() {
        return entries.isEmpty() ? 0 : entries.get(entries.size() - 1).sequence();
    }
}
