package dev.chromaj.segment;

import dev.chromaj.annotations.Internal;
import dev.chromaj.blockstore.DataRecord;
import dev.chromaj.segment.log.LogOperation;
import dev.chromaj.segment.log.RecordChange;
import dev.chromaj.segment.log.SparseValues;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds log operations (in log order) onto the state of a collection version into one final state per id, with
 * Chroma's semantics:
 * <ul>
 *   <li>{@code add} of an existing id is skipped; {@code update} of a missing id is ignored; {@code upsert} inserts
 *       or merges; {@code delete} of a missing id is a no-op.</li>
 *   <li>A merge keeps every field the change leaves null; metadata merges key by key and a null value deletes the
 *       key; sparse vectors merge key by key the same way. Metadata that ends up empty is stored as null; sparse
 *       vectors that end up empty as an empty map.</li>
 *   <li>New records get dense offsets from {@code nextOffset}, in the log order of the operation that created them;
 *       offsets are never reused: an id deleted and added again gets a new offset, and a record inserted and
 *       deleted within the batch consumes none.</li>
 * </ul>
 * Costs one bulk lookup (two when only some old embeddings are read, see
 * {@link #materialize(List, RecordLookup, int, boolean)}) and time linear in the number of operations. Stateless and
 * thread-safe.
 */
@Internal
public final class Materializer {

    private Materializer() {}

    /**
     * Materializes {@code ops} onto {@code current}, reading the old records with their embeddings: the old records
     * of {@link MaterializedBatch.Updated} and {@link MaterializedBatch.Deleted} outcomes are complete (what a
     * segment writer needs to remove or compare old vectors).
     *
     * @param ops operations in log order
     * @param current the state before the batch
     * @param nextOffset the first offset to assign
     * @return the net outcomes
     */
    public static MaterializedBatch materialize(List<LogOperation> ops, RecordLookup current, int nextOffset) {
        return materialize(ops, current, nextOffset, true);
    }

    /**
     * Materializes {@code ops} onto {@code current}. Without {@code oldEmbeddings}, the stored embedding of an id is
     * read only when the id's final state keeps it: the id is updated or upserted without a new embedding and
     * neither deleted nor given a new embedding later in the batch. Every other existing id is looked up without its
     * embedding ({@link RecordLookup#lookupAll(java.util.Collection, boolean)}), so the old records of the outcomes
     * may then lack their embeddings; the final states ({@link MaterializedBatch.Updated#newRecord()},
     * {@link MaterializedBatch.Inserted#record()}) are always complete.
     *
     * @param ops operations in log order
     * @param current the state before the batch
     * @param nextOffset the first offset to assign
     * @param oldEmbeddings whether every old record is read with its embedding
     * @return the net outcomes
     * @throws IllegalStateException when a final state would keep a stored embedding that was not read (the lookup
     *     returned no embedding where it was asked for none); nothing is materialized then
     */
    public static MaterializedBatch materialize(
            List<LogOperation> ops, RecordLookup current, int nextOffset, boolean oldEmbeddings) {
        if (nextOffset < 0) {
            throw new IllegalArgumentException("nextOffset must be a non-negative offset, got " + nextOffset);
        }
        if (ops.isEmpty()) {
            return MaterializedBatch.empty(nextOffset);
        }
        Map<String, IdState> states = new LinkedHashMap<>(Math.max(16, ops.size() * 2));
        for (LogOperation op : ops) {
            states.computeIfAbsent(op.id(), id -> new IdState()).note(op);
        }
        if (oldEmbeddings) {
            attach(states, current.lookupAll(states.keySet(), true), true);
        } else {
            List<String> keeping = new ArrayList<>();
            List<String> replacing = new ArrayList<>();
            for (Map.Entry<String, IdState> e : states.entrySet()) {
                (e.getValue().keepsStoredEmbedding() ? keeping : replacing).add(e.getKey());
            }
            if (!keeping.isEmpty()) {
                attach(states, current.lookupAll(keeping, true), true);
            }
            if (!replacing.isEmpty()) {
                attach(states, current.lookupAll(replacing, false), false);
            }
        }
        for (int i = 0; i < ops.size(); i++) {
            apply(states.get(ops.get(i).id()), ops.get(i), i);
        }
        return collect(states, nextOffset);
    }

    private static void attach(Map<String, IdState> states, Map<String, StoredRecord> stored, boolean withEmbedding) {
        for (Map.Entry<String, StoredRecord> e : stored.entrySet()) {
            IdState state = states.get(e.getKey());
            if (state != null) {
                state.stored = e.getValue();
                state.current = Working.of(e.getValue(), withEmbedding);
            }
        }
    }

    private static void apply(IdState state, LogOperation op, int sequence) {
        if (op instanceof LogOperation.Add add) {
            if (state.current == null) {
                state.insert(add.change(), sequence);
            }
        } else if (op instanceof LogOperation.Upsert upsert) {
            if (state.current == null) {
                state.insert(upsert.change(), sequence);
            } else {
                state.current.merge(upsert.change());
            }
        } else if (op instanceof LogOperation.Update update) {
            if (state.current != null) {
                state.current.merge(update.change());
            }
        } else if (state.current != null) {
            if (state.insertSequence < 0) {
                state.storedDeleted = true;
            }
            state.current = null;
            state.insertSequence = -1;
        }
    }

    private static MaterializedBatch collect(Map<String, IdState> states, int nextOffset) {
        List<MaterializedBatch.Deleted> deleted = new ArrayList<>();
        List<MaterializedBatch.Updated> updated = new ArrayList<>();
        List<Map.Entry<String, IdState>> inserts = new ArrayList<>();
        Map<String, MaterializedBatch.Outcome> finals = new HashMap<>(Math.max(16, states.size() * 2));
        for (Map.Entry<String, IdState> e : states.entrySet()) {
            IdState s = e.getValue();
            if (s.storedDeleted) {
                MaterializedBatch.Deleted d =
                        new MaterializedBatch.Deleted(s.stored.offset(), s.stored.record(), s.stored.sparse());
                deleted.add(d);
                finals.put(e.getKey(), d);
            }
            if (s.current == null) {
                continue;
            }
            if (s.insertSequence >= 0) {
                inserts.add(e);
            } else if (s.current.changed) {
                if (s.current.embeddingUnread) {
                    throw new IllegalStateException("id '" + e.getKey() + "' keeps its stored embedding, but it was"
                            + " looked up without it: materializing it would drop the embedding");
                }
                MaterializedBatch.Updated u = new MaterializedBatch.Updated(
                        s.stored.offset(),
                        s.stored.record(),
                        s.current.toRecord(e.getKey()),
                        s.stored.sparse(),
                        s.current.sparseMap());
                updated.add(u);
                finals.put(e.getKey(), u);
            }
        }
        inserts.sort((a, b) -> Integer.compare(a.getValue().insertSequence, b.getValue().insertSequence));
        if ((long) nextOffset + inserts.size() > Integer.MAX_VALUE) {
            throw new IllegalStateException(
                    "offset space exhausted: next offset " + nextOffset + " + " + inserts.size() + " insertions");
        }
        List<MaterializedBatch.Inserted> inserted = new ArrayList<>(inserts.size());
        int offset = nextOffset;
        for (Map.Entry<String, IdState> e : inserts) {
            MaterializedBatch.Inserted in = new MaterializedBatch.Inserted(
                    offset++,
                    e.getValue().current.toRecord(e.getKey()),
                    e.getValue().current.sparseMap());
            inserted.add(in);
            finals.put(e.getKey(), in);
        }
        return new MaterializedBatch(deleted, updated, inserted, finals, nextOffset, offset);
    }

    /** What the batch did so far to one id. */
    private static final class IdState {
        StoredRecord stored;
        boolean storedDeleted;
        Working current;
        /** Log position of the operation that created {@link #current} in this batch; -1 for the stored record. */
        int insertSequence = -1;
        /** Whether an update or upsert without an embedding may merge onto the stored record. */
        private boolean mergesStored;
        /** Whether a delete or a new embedding replaces a stored embedding (seen in log order, before the lookup). */
        private boolean storedEmbeddingReplaced;

        /** Notes, before the lookup, what {@code op} may do to a stored record's embedding. */
        void note(LogOperation op) {
            if (storedEmbeddingReplaced) {
                return;
            }
            if (op instanceof LogOperation.Update update) {
                noteMerge(update.change());
            } else if (op instanceof LogOperation.Upsert upsert) {
                noteMerge(upsert.change());
            } else if (op instanceof LogOperation.Delete) {
                storedEmbeddingReplaced = true;
            }
            // An add never changes a stored record: it is skipped when the id exists.
        }

        private void noteMerge(RecordChange change) {
            if (change.embedding() != null) {
                storedEmbeddingReplaced = true;
            } else {
                mergesStored = true;
            }
        }

        /** Whether the final state keeps the stored embedding, if the id exists: its embedding must be read. */
        boolean keepsStoredEmbedding() {
            return mergesStored && !storedEmbeddingReplaced;
        }

        void insert(RecordChange change, int sequence) {
            current = Working.fresh(change);
            insertSequence = sequence;
        }
    }

    /** The mutable state of a record being folded. */
    private static final class Working {
        float[] embedding;
        String document;
        Map<String, Object> metadata;
        String uri;
        Map<String, SparseValues> sparse;
        boolean changed;
        /** Whether the stored record was read without its embedding and no change has replaced it yet. */
        boolean embeddingUnread;

        private DataRecord original;

        static Working of(StoredRecord stored, boolean withEmbedding) {
            Working w = new Working();
            DataRecord r = stored.record();
            w.original = r;
            w.embedding = r.embedding();
            w.embeddingUnread = !withEmbedding;
            w.document = r.document();
            w.metadata = r.metadata() == null || r.metadata().isEmpty() ? null : r.metadata();
            w.uri = r.uri();
            w.sparse = stored.sparse();
            return w;
        }

        static Working fresh(RecordChange change) {
            Working w = new Working();
            w.changed = true;
            w.embedding = change.embedding();
            w.document = change.document();
            w.uri = change.uri();
            w.metadata = change.metadata() == null ? null : merged(null, change.metadata());
            w.sparse = change.sparse() == null ? null : merged(null, change.sparse());
            return w;
        }

        void merge(RecordChange change) {
            changed = true;
            if (change.embedding() != null) {
                embedding = change.embedding();
                embeddingUnread = false;
            }
            if (change.document() != null) {
                document = change.document();
            }
            if (change.uri() != null) {
                uri = change.uri();
            }
            if (change.metadata() != null) {
                metadata = merged(metadata, change.metadata());
            }
            if (change.sparse() != null) {
                sparse = merged(sparse, change.sparse());
            }
        }

        /** {@code base} with {@code changes} applied (null values delete); null when the result is empty. */
        private static <V> Map<String, V> merged(Map<String, V> base, Map<String, V> changes) {
            Map<String, V> out = base == null ? new LinkedHashMap<>() : new LinkedHashMap<>(base);
            for (Map.Entry<String, V> e : changes.entrySet()) {
                if (e.getValue() == null) {
                    out.remove(e.getKey());
                } else {
                    out.put(e.getKey(), e.getValue());
                }
            }
            return out.isEmpty() ? null : Collections.unmodifiableMap(out);
        }

        DataRecord toRecord(String id) {
            if (original != null && !changed) {
                return original;
            }
            return new DataRecord(id, embedding, document, metadata, uri);
        }

        Map<String, SparseValues> sparseMap() {
            return sparse == null ? Map.of() : sparse;
        }
    }
}
