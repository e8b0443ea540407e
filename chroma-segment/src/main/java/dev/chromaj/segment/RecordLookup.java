package dev.chromaj.segment;

import dev.chromaj.annotations.Internal;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The state of ids before a batch of log operations: what the {@link Materializer} folds the batch onto. Implemented
 * by {@link CollectionSegments} (a compacted version), by {@link SegmentWriter} (a version being written, including
 * what was applied but not committed yet) and by {@link #EMPTY}.
 */
@Internal
@FunctionalInterface
public interface RecordLookup {

    /** A lookup in which no id exists. */
    RecordLookup EMPTY = id -> Optional.empty();

    /** The stored record of {@code id}, or empty when the id does not exist. */
    Optional<StoredRecord> lookup(String id);

    /**
     * The stored records of the ids that exist, with their embeddings, keyed by id; ids that do not exist are absent.
     * Implementations override this to batch their reads.
     */
    default Map<String, StoredRecord> lookupAll(Collection<String> ids) {
        Map<String, StoredRecord> found = new HashMap<>();
        for (String id : ids) {
            lookup(id).ifPresent(r -> found.put(id, r));
        }
        return found;
    }

    /**
     * Like {@link #lookupAll(Collection)}; without {@code withEmbedding} a record's embedding may be null although it
     * has one, and implementations backed by storage then read no embedding (vector segment) blocks. Records that
     * are already in memory may come with their embedding either way.
     */
    default Map<String, StoredRecord> lookupAll(Collection<String> ids, boolean withEmbedding) {
        return lookupAll(ids);
    }

    /** Records held in memory above a lookup: a tail of the log, or batches applied but not committed. */
    @FunctionalInterface
    interface Layer {
        /**
         * Whether this layer holds {@code id}, as a record or as a deletion; puts the record into {@code out} when it
         * holds one.
         */
        boolean resolve(String id, Map<String, StoredRecord> out);
    }

    /**
     * {@link #lookupAll(Collection, boolean)} of {@code layer} over {@code below}: the ids the layer holds from it,
     * the others from {@code below} in one bulk lookup (none when {@code below} is null).
     */
    static Map<String, StoredRecord> layered(
            Collection<String> ids, Layer layer, RecordLookup below, boolean withEmbedding) {
        Map<String, StoredRecord> out = new HashMap<>();
        Set<String> fromBelow = new LinkedHashSet<>();
        for (String id : ids) {
            if (!layer.resolve(id, out)) {
                fromBelow.add(id);
            }
        }
        if (!fromBelow.isEmpty() && below != null) {
            out.putAll(below.lookupAll(fromBelow, withEmbedding));
        }
        return out;
    }
}
