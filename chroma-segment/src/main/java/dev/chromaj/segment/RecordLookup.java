package dev.chromaj.segment;

import dev.chromaj.annotations.Internal;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

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
}
