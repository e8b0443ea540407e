package dev.chromaj.index.vector;

import java.util.Arrays;

/**
 * A growable binary heap of (distance, node) pairs packed into longs, so the search loop allocates nothing and
 * compares one primitive per step. The high 32 bits hold the distance as a sortable int (reversed for a max-queue),
 * the low 32 bits the node. Not thread-safe; each search thread owns its queues.
 */
final class NodeQueue {

    private final boolean maxOnTop;
    private long[] heap;
    private int size;

    NodeQueue(boolean maxOnTop, int initialCapacity) {
        this.maxOnTop = maxOnTop;
        this.heap = new long[Math.max(16, initialCapacity)];
    }

    /** A queue whose top is the closest pair. */
    static NodeQueue closestFirst(int initialCapacity) {
        return new NodeQueue(false, initialCapacity);
    }

    /** A queue whose top is the farthest pair. */
    static NodeQueue farthestFirst(int initialCapacity) {
        return new NodeQueue(true, initialCapacity);
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void clear() {
        size = 0;
    }

    void push(int node, float distance) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        long key = encode(node, distance);
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            long p = heap[parent];
            if (p <= key) {
                break;
            }
            heap[i] = p;
            i = parent;
        }
        heap[i] = key;
    }

    /**
     * Replaces the top pair with (node, distance) in one sift-down: what a push followed by a pop of the top does
     * when the new pair does not belong on top, at half the work. The queue must not be empty.
     */
    void replaceTop(int node, float distance) {
        siftDown(encode(node, distance));
    }

    int topNode() {
        return (int) heap[0];
    }

    float topDistance() {
        return decodeDistance(heap[0]);
    }

    /** Removes the top pair and returns its node. */
    int pop() {
        long top = heap[0];
        long last = heap[--size];
        siftDown(last);
        return (int) top;
    }

    /** Puts {@code key} at the root of the first {@code size} slots and sifts it down to its place. */
    private void siftDown(long key) {
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            long c = heap[child];
            int right = child + 1;
            if (right < size && heap[right] < c) {
                child = right;
                c = heap[right];
            }
            if (key <= c) {
                break;
            }
            heap[i] = c;
            i = child;
        }
        heap[i] = key;
    }

    private long encode(int node, float distance) {
        int sortable = sortable(distance);
        if (maxOnTop) {
            sortable = ~sortable;
        }
        return ((long) sortable << 32) | (node & 0xFFFFFFFFL);
    }

    private float decodeDistance(long key) {
        int sortable = (int) (key >> 32);
        if (maxOnTop) {
            sortable = ~sortable;
        }
        return Float.intBitsToFloat(sortable ^ ((sortable >> 31) & 0x7FFFFFFF));
    }

    /** Maps a float to an int with the same order (IEEE bits, negatives flipped). */
    private static int sortable(float f) {
        int bits = Float.floatToIntBits(f);
        return bits ^ ((bits >> 31) & 0x7FFFFFFF);
    }
}
