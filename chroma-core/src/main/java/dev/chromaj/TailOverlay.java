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
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.roaringbitmap.RoaringBitmap;

/**
 * The uncompacted log tail of a collection, and what it means for reads: the final state of every id it touches,
 * relative to one compacted version. Immutable as seen by readers; every write derives a new overlay, so a reader
 * that pinned a {@link CollectionView} sees one consistent state.
 *
 * <p>Overlays derived from one another share a {@link History} of id states stamped with the overlay that wrote
 * them; an overlay sees the states stamped at or before its own stamp. Deriving the next overlay from the newest
 * one costs the size of the write, not the size of the tail. Deriving from an older overlay (not done by the
 * engine) copies its state into a new history first.
 *
 * <p>Positions order records the way compaction will: a compacted record updated in the tail keeps its offset; a
 * new record gets the next offset after everything before it.
 */
final class TailOverlay {
    /** One acknowledged write: the WAL sequence number and its operations. */
    record Entry(long sequence, List<LogOperation> operations) {}

    /**
     * The tail's final state of one id: {@code record == null} means deleted. {@code compactedOffset} is the offset
     * of the compacted record this state overrides (-1: none). {@code position} orders the record among all others.
     */
    record TailRecord(DataRecord record, Map<String, SparseValues> sparse, int compactedOffset, int position) {
        boolean present() {
            return record != null;
        }
    }

    /** The state of an id from overlay {@code stamp} on ({@code record == null}: not in the tail); then older ones. */
    private record IdState(long stamp, TailRecord record, IdState older) {}

    /**
     * Id states written by a line of overlays, newest first per id. Ids are never removed, so a reader iterating
     * while the newest overlay appends sees every id its own overlay knows.
     */
    private static final class History {
        final ConcurrentHashMap<String, IdState> ids = new ConcurrentHashMap<>();
        /** Stamp of the newest overlay; guarded by this. */
        long newestStamp;
    }

    private final History history;
    private final long stamp;
    /** Number of ids this overlay maps to a TailRecord. */
    private final int size;

    private final List<Entry> entries;
    private final RoaringBitmap overridden;
    private final int nextPosition;
    private final long operationCount;
    private final long liveDelta;
    private final Map<String, TailRecord> records = new RecordsView();

    private TailOverlay(
            History history,
            long stamp,
            int size,
            List<Entry> entries,
            RoaringBitmap overridden,
            int nextPosition,
            long operationCount,
            long liveDelta) {
        this.history = history;
        this.stamp = stamp;
        this.size = size;
        this.entries = entries;
        this.overridden = overridden;
        this.nextPosition = nextPosition;
        this.operationCount = operationCount;
        this.liveDelta = liveDelta;
    }

    static TailOverlay empty(int nextOffset) {
        return new TailOverlay(new History(), 0, 0, List.of(), new RoaringBitmap(), nextOffset, 0, 0);
    }

    /** Builds the overlay of {@code entries} on top of {@code base}. */
    static TailOverlay of(Collection<Entry> entries, CollectionSegments base) {
        TailOverlay overlay = empty(base.manifest().nextOffset());
        for (Entry e : entries) {
            overlay = overlay.append(e.sequence(), e.operations(), base);
        }
        return overlay;
    }

    /**
     * The overlay after one more acknowledged write. The ids the tail does not hold are read from {@code base} in
     * one bulk lookup per kind (see {@link Materializer#materialize(List, RecordLookup, int, boolean)}): an old
     * embedding is read only for an id whose new state keeps it.
     */
    TailOverlay append(long sequence, List<LogOperation> ops, CollectionSegments base) {
        MaterializedBatch batch = Materializer.materialize(ops, new Lookup(base), nextPosition, false);
        // This write's changes by id; a null value removes the id from the tail.
        Map<String, TailRecord> changed = new HashMap<>();
        RoaringBitmap nextOverridden = overridden.clone();
        long delta = liveDelta;
        int next = nextPosition;
        for (Outcome o : batch.outcomes()) {
            // Folded in order (deletions, updates, insertions): an id deleted and re-added has two outcomes.
            TailRecord prev = changed.containsKey(o.id()) ? changed.get(o.id()) : get(o.id());
            if (o instanceof MaterializedBatch.Inserted ins) {
                int compacted = prev == null ? -1 : prev.compactedOffset();
                changed.put(ins.id(), new TailRecord(ins.record(), ins.sparse(), compacted, ins.offset()));
                next = Math.max(next, ins.offset() + 1);
                delta++;
            } else if (o instanceof MaterializedBatch.Updated upd) {
                int compacted = prev == null ? upd.offset() : prev.compactedOffset();
                int position = prev == null ? upd.offset() : prev.position();
                changed.put(upd.id(), new TailRecord(upd.newRecord(), upd.newSparse(), compacted, position));
                if (compacted >= 0) {
                    nextOverridden.add(compacted);
                }
            } else if (o instanceof MaterializedBatch.Deleted del) {
                int compacted = prev == null ? del.offset() : prev.compactedOffset();
                if (compacted >= 0) {
                    changed.put(del.id(), new TailRecord(null, null, compacted, -1));
                    nextOverridden.add(compacted);
                } else {
                    changed.put(del.id(), null);
                }
                delta--;
            }
        }
        int nextSize = size;
        for (Map.Entry<String, TailRecord> c : changed.entrySet()) {
            boolean before = get(c.getKey()) != null;
            boolean after = c.getValue() != null;
            nextSize += (after ? 1 : 0) - (before ? 1 : 0);
        }
        List<Entry> nextEntries = new ArrayList<>(entries.size() + 1);
        nextEntries.addAll(entries);
        nextEntries.add(new Entry(sequence, List.copyOf(ops)));
        History target = history;
        long nextStamp;
        synchronized (target) {
            if (target.newestStamp != stamp) {
                target = copyOf();
            }
            nextStamp = stamp + 1;
            for (Map.Entry<String, TailRecord> c : changed.entrySet()) {
                IdState older = target.ids.get(c.getKey());
                target.ids.put(c.getKey(), new IdState(nextStamp, c.getValue(), older));
            }
            target.newestStamp = nextStamp;
        }
        return new TailOverlay(
                target,
                nextStamp,
                nextSize,
                Collections.unmodifiableList(nextEntries),
                nextOverridden,
                next,
                operationCount + ops.size(),
                delta);
    }

    /** The state before a write: the tail's record of an id it holds, else the compacted one. */
    private final class Lookup implements RecordLookup {
        private final CollectionSegments base;

        Lookup(CollectionSegments base) {
            this.base = base;
        }

        @Override
        public Optional<StoredRecord> lookup(String id) {
            Map<String, StoredRecord> found = lookupAll(List.of(id), true);
            return Optional.ofNullable(found.get(id));
        }

        @Override
        public Map<String, StoredRecord> lookupAll(Collection<String> ids) {
            return lookupAll(ids, true);
        }

        /** Tail records come with their embeddings; the others are read from the base in one bulk lookup. */
        @Override
        public Map<String, StoredRecord> lookupAll(Collection<String> ids, boolean withEmbedding) {
            return RecordLookup.layered(
                    ids,
                    (id, out) -> {
                        TailRecord t = get(id);
                        if (t == null) {
                            return false;
                        }
                        if (t.present()) {
                            out.put(id, new StoredRecord(t.position(), t.record(), t.sparse()));
                        }
                        return true;
                    },
                    base.count() > 0 ? base : null,
                    withEmbedding);
        }
    }

    /** A new history holding only what this overlay sees, stamped with this overlay's stamp. */
    private History copyOf() {
        History copy = new History();
        for (Map.Entry<String, TailRecord> e : records.entrySet()) {
            copy.ids.put(e.getKey(), new IdState(stamp, e.getValue(), null));
        }
        copy.newestStamp = stamp;
        return copy;
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
        IdState s = history.ids.get(id);
        while (s != null && s.stamp() > stamp) {
            s = s.older();
        }
        return s == null ? null : s.record();
    }

    /** Every id the tail touches (an unmodifiable view; iteration order is unspecified). */
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

    /** The ids this overlay sees, read from the shared history. */
    private final class RecordsView extends AbstractMap<String, TailRecord> {
        @Override
        public int size() {
            return size;
        }

        @Override
        public boolean containsKey(Object key) {
            return key instanceof String id && TailOverlay.this.get(id) != null;
        }

        @Override
        public TailRecord get(Object key) {
            return key instanceof String id ? TailOverlay.this.get(id) : null;
        }

        @Override
        public Set<Map.Entry<String, TailRecord>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public int size() {
                    return size;
                }

                @Override
                public Iterator<Map.Entry<String, TailRecord>> iterator() {
                    Iterator<Map.Entry<String, IdState>> all =
                            history.ids.entrySet().iterator();
                    return new Iterator<>() {
                        private Map.Entry<String, TailRecord> next = advance();

                        private Map.Entry<String, TailRecord> advance() {
                            while (all.hasNext()) {
                                Map.Entry<String, IdState> e = all.next();
                                IdState s = e.getValue();
                                while (s != null && s.stamp() > stamp) {
                                    s = s.older();
                                }
                                if (s != null && s.record() != null) {
                                    return new SimpleImmutableEntry<>(e.getKey(), s.record());
                                }
                            }
                            return null;
                        }

                        @Override
                        public boolean hasNext() {
                            return next != null;
                        }

                        @Override
                        public Map.Entry<String, TailRecord> next() {
                            if (next == null) {
                                throw new NoSuchElementException();
                            }
                            Map.Entry<String, TailRecord> out = next;
                            next = advance();
                            return out;
                        }
                    };
                }
            };
        }
    }
}
