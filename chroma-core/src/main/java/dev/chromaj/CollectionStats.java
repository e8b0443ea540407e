package dev.chromaj;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of one collection's size and state.
 *
 * @param records live records, compacted and pending
 * @param compactedRecords live records in the current segment version
 * @param walRecords log records not yet compacted
 * @param version the current segment version (0 before the first compaction)
 * @param segmentBytes stored bytes per segment (e.g. {@code "record"}, {@code "metadata"}, {@code "vector"}, one per
 *     sparse key)
 * @param blockCount blocks referenced by the current version
 * @param compactionFailure why compaction of the collection is failing, from its first failed compaction until the
 *     next successful one; empty while compaction works
 */
public record CollectionStats(
        long records,
        long compactedRecords,
        long walRecords,
        long version,
        Map<String, Long> segmentBytes,
        long blockCount,
        Optional<CompactionFailure> compactionFailure) {

    /** Copies the segment map. */
    public CollectionStats {
        segmentBytes = Collections.unmodifiableMap(new LinkedHashMap<>(segmentBytes));
        Objects.requireNonNull(compactionFailure, "compactionFailure");
    }

    /**
     * Stats of a collection whose compaction is not failing.
     *
     * @param records live records, compacted and pending
     * @param compactedRecords live records in the current segment version
     * @param walRecords log records not yet compacted
     * @param version the current segment version
     * @param segmentBytes stored bytes per segment
     * @param blockCount blocks referenced by the current version
     */
    public CollectionStats(
            long records,
            long compactedRecords,
            long walRecords,
            long version,
            Map<String, Long> segmentBytes,
            long blockCount) {
        this(records, compactedRecords, walRecords, version, segmentBytes, blockCount, Optional.empty());
    }

    /**
     * Stored bytes over all segments.
     *
     * @return the sum of {@link #segmentBytes()}
     */
    public long totalBytes() {
        long total = 0;
        for (long bytes : segmentBytes.values()) {
            total += bytes;
        }
        return total;
    }
}
