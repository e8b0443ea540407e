package dev.chromaj.index.vector;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the {@code k} best (offset, distance) pairs, ordered by distance then offset, in a bounded binary max-heap
 * of primitives (the worst kept pair on top). Not thread-safe.
 */
final class TopKCollector {

    private final int k;
    private final float[] distances;
    private final int[] offsets;
    private int size;

    TopKCollector(int k) {
        this.k = k;
        this.distances = new float[k];
        this.offsets = new int[k];
    }

    /** Whether a pair at {@code distance} could still enter (ignoring the offset tie-break). */
    boolean competitive(float distance) {
        return size < k || distance <= distances[0];
    }

    /**
     * The distance above which no pair can enter: the worst kept one's once k are kept (a pair at that distance may
     * still enter by its offset), infinity before.
     */
    float bound() {
        return size < k ? Float.POSITIVE_INFINITY : distances[0];
    }

    void offer(int offset, float distance) {
        if (size < k) {
            distances[size] = distance;
            offsets[size] = offset;
            siftUp(size++);
        } else if (worse(distances[0], offsets[0], distance, offset)) {
            distances[0] = distance;
            offsets[0] = offset;
            siftDown(0);
        }
    }

    /** The kept pairs, best first. */
    List<ScoredOffset> toSortedList() {
        int n = size;
        ScoredOffset[] sorted = new ScoredOffset[n];
        float[] d = distances.clone();
        int[] o = offsets.clone();
        TopKCollector drain = new TopKCollector(k, d, o, n);
        for (int i = n - 1; i >= 0; i--) {
            sorted[i] = new ScoredOffset(drain.offsets[0], drain.distances[0]);
            drain.removeTop();
        }
        List<ScoredOffset> result = new ArrayList<>(n);
        for (ScoredOffset s : sorted) {
            result.add(s);
        }
        return result;
    }

    private TopKCollector(int k, float[] distances, int[] offsets, int size) {
        this.k = k;
        this.distances = distances;
        this.offsets = offsets;
        this.size = size;
    }

    private void removeTop() {
        size--;
        distances[0] = distances[size];
        offsets[0] = offsets[size];
        if (size > 0) {
            siftDown(0);
        }
    }

    /** Whether (d1, o1) ranks after (d2, o2). */
    private static boolean worse(float d1, int o1, float d2, int o2) {
        int c = Float.compare(d1, d2);
        return c > 0 || (c == 0 && o1 > o2);
    }

    private void siftUp(int i) {
        float d = distances[i];
        int o = offsets[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!worse(d, o, distances[parent], offsets[parent])) {
                break;
            }
            distances[i] = distances[parent];
            offsets[i] = offsets[parent];
            i = parent;
        }
        distances[i] = d;
        offsets[i] = o;
    }

    private void siftDown(int i) {
        float d = distances[i];
        int o = offsets[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && worse(distances[right], offsets[right], distances[child], offsets[child])) {
                child = right;
            }
            if (!worse(distances[child], offsets[child], d, o)) {
                break;
            }
            distances[i] = distances[child];
            offsets[i] = offsets[child];
            i = child;
        }
        distances[i] = d;
        offsets[i] = o;
    }
}
