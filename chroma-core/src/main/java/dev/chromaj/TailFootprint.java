package dev.chromaj;

import java.util.Map;
import java.util.TreeMap;

/**
 * The encoded size and write time of each entry of a collection's uncompacted log tail, for the
 * {@link CompactionPolicy}: the tail's total bytes and the time of its oldest write. Thread-safe (guarded by this).
 */
final class TailFootprint {
    /** WAL sequence → {encoded bytes, ticker nanos when written}. */
    private final TreeMap<Long, long[]> entries = new TreeMap<>();

    private long bytes;

    /** Records entry {@code sequence} of {@code entryBytes} bytes, written at {@code nanos}. */
    synchronized void written(long sequence, long entryBytes, long nanos) {
        long[] previous = entries.put(sequence, new long[] {entryBytes, nanos});
        bytes += entryBytes - (previous == null ? 0 : previous[0]);
    }

    /** Forgets every entry at or below {@code position}: it is compacted. */
    synchronized void compactedThrough(long position) {
        Map<Long, long[]> done = entries.headMap(position, true);
        for (long[] e : done.values()) {
            bytes -= e[0];
        }
        done.clear();
    }

    /** Encoded bytes of the entries not yet compacted. */
    synchronized long bytes() {
        return bytes;
    }

    /** Ticker nanos of the oldest entry not yet compacted, or {@code fallback} when there is none. */
    synchronized long oldestNanos(long fallback) {
        return entries.isEmpty() ? fallback : entries.firstEntry().getValue()[1];
    }
}
