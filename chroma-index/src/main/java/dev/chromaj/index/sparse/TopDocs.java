package dev.chromaj.index.sparse;

import java.util.Arrays;
import java.util.List;

/**
 * Keeps the best k documents in a binary min-heap whose root is the worst kept document (lowest score, then highest
 * offset), so the threshold to beat is at hand.
 */
final class TopDocs {

    private final int k;
    private final int[] offsets;
    private final float[] scores;
    private int size;

    TopDocs(int k) {
        this.k = k;
        this.offsets = new int[k];
        this.scores = new float[k];
    }

    boolean full() {
        return size == k;
    }

    /** Score a new document must beat (strictly, when its offset is above every kept one); -inf until full. */
    float threshold() {
        return full() ? scores[0] : Float.NEGATIVE_INFINITY;
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
        if (size < k) {
            offsets[size] = offset;
            scores[size] = score;
            siftUp(size++);
        } else if (worse(offsets[0], scores[0], offset, score)) {
            offsets[0] = offset;
            scores[0] = score;
            siftDown(0);
        }
    }

    /** True when (o1, s1) ranks below (o2, s2). */
    private static boolean worse(int o1, float s1, int o2, float s2) {
        int cmp = Float.compare(s1, s2);
        return cmp < 0 || cmp == 0 && o1 > o2;
    }

    private void siftUp(int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!worse(offsets[i], scores[i], offsets[parent], scores[parent])) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void siftDown(int i) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int worst = left;
            int right = left + 1;
            if (right < size && worse(offsets[right], scores[right], offsets[left], scores[left])) {
                worst = right;
            }
            if (!worse(offsets[worst], scores[worst], offsets[i], scores[i])) {
                return;
            }
            swap(i, worst);
            i = worst;
        }
    }

    private void swap(int a, int b) {
        int o = offsets[a];
        offsets[a] = offsets[b];
        offsets[b] = o;
        float s = scores[a];
        scores[a] = scores[b];
        scores[b] = s;
    }

    /** The kept documents, best first. */
    List<ScoredDoc> results() {
        ScoredDoc[] docs = new ScoredDoc[size];
        for (int i = 0; i < size; i++) {
            docs[i] = new ScoredDoc(offsets[i], scores[i]);
        }
        Arrays.sort(docs);
        return List.of(docs);
    }
}
