package dev.chromaj.index.vector;

import java.util.Arrays;

/**
 * The bounded result list of a best-first layer search where every visited node may be a result (no filter, no
 * deleted nodes): up to {@code ef} (distance, node) pairs kept sorted closest first, each marked once expanded.
 *
 * <p>In that case the classic search's separate candidate heap holds nothing the result list does not: a candidate
 * is expanded only while it is no farther than the worst result, and every candidate entered the results when it
 * was found, so a candidate still worth expanding is an unexpanded result. Walking the sorted list instead of
 * popping a heap removes the heap's sift-downs, whose unpredictable branches were a third of a small-collection
 * query. The only difference is at exact distance ties: a node evicted from a full list and exactly as far as the
 * new worst result is not expanded here, where the heap search would still expand it.
 *
 * <p>Pairs are packed into longs (distance as a sortable int in the high 32 bits, node in the low 32 bits), so the
 * order is by distance, then node. Not thread-safe; each search thread owns one.
 */
final class Beam {

    /** Up to this bound a list is kept sorted by a shifting linear scan, above it by binary search and a copy. */
    private static final int LINEAR_LIMIT = 32;

    private long[] keys = new long[64];
    private boolean[] expanded = new boolean[64];
    private int size;
    private int limit;

    /** Empties the list and bounds it to {@code ef} pairs. */
    void reset(int ef) {
        if (keys.length < ef) {
            keys = new long[ef];
            expanded = new boolean[ef];
        }
        limit = ef;
        size = 0;
    }

    int size() {
        return size;
    }

    boolean isFull() {
        return size >= limit;
    }

    /** Distance of the farthest pair kept; the list must not be empty. */
    float worstDistance() {
        return distance(size - 1);
    }

    int node(int i) {
        return (int) keys[i];
    }

    float distance(int i) {
        int sortable = (int) (keys[i] >> 32);
        return Float.intBitsToFloat(sortable ^ ((sortable >> 31) & 0x7FFFFFFF));
    }

    boolean isExpanded(int i) {
        return expanded[i];
    }

    void markExpanded(int i) {
        expanded[i] = true;
    }

    /**
     * Inserts the pair in order, dropping the farthest pair if the list was full; returns the index it took, or
     * {@code size()} when a full list keeps it out (it is not closer than the farthest pair kept).
     */
    int insert(int node, float distance) {
        int bits = Float.floatToIntBits(distance);
        long key = ((long) (bits ^ ((bits >> 31) & 0x7FFFFFFF)) << 32) | (node & 0xFFFFFFFFL);
        int n = size;
        boolean full = n >= limit;
        if (full && key >= keys[n - 1]) {
            return n;
        }
        // the slot that opens up: past the end, or the farthest pair's, which a full list drops
        int last = full ? n - 1 : n;
        int pos;
        if (limit <= LINEAR_LIMIT) {
            // short lists: shift from the end while scanning, which predicts better than a binary search
            pos = last;
            while (pos > 0 && keys[pos - 1] > key) {
                keys[pos] = keys[pos - 1];
                expanded[pos] = expanded[pos - 1];
                pos--;
            }
        } else {
            pos = Arrays.binarySearch(keys, 0, last, key);
            if (pos < 0) {
                pos = -pos - 1;
            }
            System.arraycopy(keys, pos, keys, pos + 1, last - pos);
            System.arraycopy(expanded, pos, expanded, pos + 1, last - pos);
        }
        keys[pos] = key;
        expanded[pos] = false;
        if (!full) {
            size = n + 1;
        }
        return pos;
    }

    /** Index of the closest unexpanded pair at or after {@code from}, or {@code size()} if there is none. */
    int nextUnexpanded(int from) {
        int i = from;
        while (i < size && expanded[i]) {
            i++;
        }
        return i;
    }
}
