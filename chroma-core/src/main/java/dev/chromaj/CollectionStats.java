package dev.chromaj;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of one collection's size and state.
 *
 * @param records live records, compacted and pending
 * @param compactedRecords live records in the current segment version
 * @param walRecords log records not yet compacted
 * @param version the current segment version (0 before the first compaction)
 * @param segmentBytes stored bytes per segment (e.g. {@code record}, {@code metadata}, {@code vector}, one per
 *     sparse key)
 * @param blockCount blocks referenced by the current version
 */
public record CollectionStats(long records, long compactedRecords, long walRecords, long version,
                              Map<String, Long> segmentBytes, long blockCount) {

    /** Copies the segment map. */
    public CollectionStats {
        segmentBytes = Collections.unmodifiableMap(new LinkedHashMap<>(segmentBytes));
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
