package dev.chromaj.index.sparse;

import java.util.Arrays;
import java.util.List;

/**
 * Keeps the best k documents in a binary min-heap whose root is the worst kept document (lowest score, then highest
 * offset), so the threshold to beat is at hand.
 *
 * <p>Each document is one {@code long} key that orders exactly as the result order: the score's bits made sortable
 * (the order of {@link Float#compare}) in the high half, the offset's complement in the low half, so that a higher
 * key is a better document. One comparison of primitives per heap step, no parallel arrays to swap.
 */
final class TopDocs {

    private final int k;
    private final long[] heap;
    private int size;

    TopDocs(int k) {
        this.k = k;
        this.heap = new long[k];
    }

    boolean full() {
        return size == k;
    }

    /** Score a new document must beat (strictly, when its offset is above every kept one); -inf until full. */
    float threshold() {
        return full() ? score(heap[0]) : Float.NEGATIVE_INFINITY;
    }

    /**
     * True when a document whose score is at most {@code bound} cannot enter: its float score could at best tie the
     * threshold, and documents are offered in ascending offset order, so a tie loses to the kept documents.
     * {@code magnitude} is the sum of the absolute values the bound was added up from; the margin it scales covers
     * the difference between summing them in another order than the exact score does (query order).
     */
    static boolean cannotEnter(double bound, double magnitude, double threshold) {
        return bound + 1e-9 * (magnitude + Math.abs(threshold)) <= threshold;
    }

    void offer(int offset, float score) {
        long key = key(offset, score);
        if (size < k) {
            heap[size] = key;
            siftUp(size++);
        } else if (key > heap[0]) {
            heap[0] = key;
            siftDown();
        }
    }

    /** The key of (offset, score): higher for a higher score, then for a lower offset (offsets are never negative). */
    static long key(int offset, float score) {
        int bits = Float.floatToIntBits(score);
        int sortable = bits ^ ((bits >> 31) & 0x7fffffff);
        return (long) sortable << 32 | (~offset & 0xffffffffL);
    }

    static int offset(long key) {
        return ~(int) key;
    }

    static float score(long key) {
        int sortable = (int) (key >> 32);
        return Float.intBitsToFloat(sortable ^ ((sortable >> 31) & 0x7fffffff));
    }

    private void siftUp(int i) {
        long key = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            long parentKey = heap[parent];
            if (parentKey <= key) {
                break;
            }
            heap[i] = parentKey;
            i = parent;
        }
        heap[i] = key;
    }

    private void siftDown() {
        long[] heap = this.heap;
        int size = this.size;
        long key = heap[0];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            long childKey = heap[child];
            int right = child + 1;
            if (right < size && heap[right] < childKey) {
                child = right;
                childKey = heap[right];
            }
            if (key <= childKey) {
                break;
            }
            heap[i] = childKey;
            i = child;
        }
        heap[i] = key;
    }

    /** The kept documents, best first. */
    List<ScoredDoc> results() {
        long[] keys = Arrays.copyOf(heap, size);
        Arrays.sort(keys);
        ScoredDoc[] docs = new ScoredDoc[size];
        for (int i = 0; i < size; i++) {
            long key = keys[size - 1 - i];
            docs[i] = new ScoredDoc(offset(key), score(key));
        }
        return List.of(docs);
    }
}
