package dev.chromaj.index.sparse;

import dev.chromaj.annotations.Internal;
import java.util.Arrays;
import java.util.List;

/**
 * Exact top-k evaluation of a {@link SparseQuery} with block-max bounds (Block-Max WAND, Ding and Suel 2011), in the
 * windowed form in which Lucene 9 evaluates disjunctions: block-max windows with an essential / non-essential
 * partition of the terms (MaxScore, Turtle and Flood 1995), scored term at a time into a dense per-window array.
 *
 * <p>The documents are walked in windows. A window starts at the first document some term may hold and ends at the
 * nearest end of a term's current block (at most {@value #WINDOW_SIZE} offsets), so that within it each term's
 * contribution is bounded by one block bound, read from the skip structure without loading the block, and each term
 * reads a single block. The terms are sorted by that bound: the longest prefix whose bounds together cannot beat the
 * threshold (the k-th best score) is non-essential, since a document holding only those terms cannot enter the top
 * k. If every term is non-essential the window is skipped without loading a block (Block-Max WAND's skip to the next
 * block boundary).
 *
 * <p>Otherwise the essential terms add their contributions, term at a time, into a score array indexed by offset −
 * window start; the documents they hold are the candidates. When no non-essential term has postings in the window,
 * those sums are the scores. Else the candidates that cannot beat the threshold even with every non-essential bound
 * added are dropped; if none is left the non-essential terms are not read at all. If some are left, every term with
 * postings in the window adds its contributions densely, in query order, and the candidates are offered. Completing
 * the candidates densely rather than one at a time is deliberate: on SciFact at k = 100 nearly every window keeps
 * candidates, and a branch-free pass over a block's postings costs less than merging them with the candidates and
 * re-summing each candidate in query order (measured, see docs/sparse-benchmarks.md). For the same reason, after a
 * window that kept candidates for its non-essential terms the next one is scored in one pass (every term present,
 * in query order, the essential ones marking the candidates), until a window scored so lets no document in.
 *
 * <p>Results equal {@link Exhaustive#search} exactly, scores and order included: every offered score is the sum of
 * the document's contributions added in query order in double and rounded once to float, as every evaluator
 * computes it (when a non-essential term precedes an essential one in query order, the essential terms are added
 * again from the start of the window); documents are offered in ascending offset order, so one that only ties the
 * k-th score loses to it (lower offset first); and bounds are compared with a margin that covers their different
 * summation order ({@link TopDocs#cannotEnter}). Bounds are never negative, which keeps the partition correct for
 * negative query weights or values.
 *
 * <p>Stateless and thread-safe; each search owns its cursors and arrays.
 */
@Internal
public final class BlockMaxWand {

    /** Largest number of offsets in one window: its scores fit in an 8 KiB array. */
    static final int WINDOW_SIZE = 1024;
    /** First score array size: most windows are shorter. */
    private static final int SMALL_WINDOW_SIZE = 256;

    private BlockMaxWand() {}

    /** Returns the top k documents, best first (score descending, then offset ascending). */
    public static List<ScoredDoc> search(SparseQuery query) {
        BlockPostingCursor[] cursors = BlockPostingCursor.open(query);
        long cost = BlockPostingCursor.cost(cursors);
        if (cost == 0) {
            return List.of();
        }
        return new Evaluation(query, cursors, (int) Math.min(query.k(), cost)).run();
    }

    /** A term's cursor and its state in the current window. */
    private static final class Lane {
        final BlockPostingCursor cursor;
        /** Upper bound of the term's contributions in the window (0 when absent), never negative. */
        double windowBound;
        /** Upper bound of the magnitude of the term's contributions in the window (0 when absent). */
        double windowMagnitude;
        /** False when the term certainly holds no document of the window. */
        boolean present;
        /** True when the term is essential in the window: the documents it holds are candidates. */
        boolean essential;
        /** Position of the first posting the term added in the window, -1 when none. */
        int windowFirst;

        Lane(BlockPostingCursor cursor) {
            this.cursor = cursor;
        }
    }

    /** The state of one search. */
    private static final class Evaluation {
        private final SparseQuery query;
        private final TopDocs top;
        /** Lanes in query order: the order in which a document's contributions are summed. */
        private final Lane[] byTerm;
        /** Lanes by window bound, weakest first; {@code [0, firstEssential)} are non-essential. */
        private final Lane[] byBound;

        private int firstEssential;
        /** Sum of the window bounds of the non-essential lanes. */
        private double nonEssentialBound;
        /**
         * Sum of the bounds of the magnitudes of the present lanes' contributions in the window: what the margin of
         * {@link TopDocs#cannotEnter} scales with (the bounds alone can be smaller when contributions are negative).
         */
        private double windowMagnitude;
        /** Set by {@link #nextWindow}: the nearest end of a term's current block. */
        private int windowMax;

        private double threshold = Float.NEGATIVE_INFINITY;
        /** Per slot of the current window (offset − window start): the contributions added so far. */
        private double[] scores = new double[SMALL_WINDOW_SIZE];
        /** Bit set of the slots holding a document of an essential term: the candidates. */
        private long[] seen = new long[SMALL_WINDOW_SIZE >>> 6];
        /**
         * True when the last window that had non-essential terms kept candidates for them (or, scored in one pass,
         * let a document in): then the next window is scored in one pass, since it likely keeps some too.
         */
        private boolean completeInOnePass;
        /** The candidate slots left after dropping the hopeless ones, ascending. */
        private int[] slots = new int[SMALL_WINDOW_SIZE];

        Evaluation(SparseQuery query, BlockPostingCursor[] cursors, int k) {
            this.query = query;
            this.top = new TopDocs(k);
            byTerm = new Lane[cursors.length];
            for (int i = 0; i < cursors.length; i++) {
                byTerm[i] = new Lane(cursors[i]);
            }
            byBound = byTerm.clone();
        }

        List<ScoredDoc> run() {
            int windowMin = nextWindow(0);
            while (windowMin != PostingCursor.NO_MORE_DOCS) {
                int windowMax = (int) Math.min(this.windowMax, windowMin + (long) WINDOW_SIZE - 1);
                this.windowMax = windowMax;
                partition();
                // A window where every term is non-essential is skipped, loading nothing.
                if (firstEssential < byBound.length) {
                    scoreWindow(windowMin);
                }
                windowMin =
                        windowMax == PostingBlock.MAX_OFFSET ? PostingCursor.NO_MORE_DOCS : nextWindow(windowMax + 1);
            }
            return top.results();
        }

        /**
         * Moves every term's block view to its first block ending at or after {@code from} (nothing is loaded) and
         * returns the first offset from {@code from} on that some term may hold ({@link PostingCursor#NO_MORE_DOCS}
         * when every term is exhausted); sets {@link #windowMax} to the nearest end of those blocks. No term holds a
         * document between {@code from} and the returned offset, so the blocks are the same from there.
         */
        private int nextWindow(int from) {
            int first = PostingCursor.NO_MORE_DOCS;
            int max = PostingBlock.MAX_OFFSET;
            for (Lane lane : byTerm) {
                BlockPostingCursor cursor = lane.cursor;
                int doc = cursor.docId();
                if (doc == PostingCursor.NO_MORE_DOCS || !cursor.advanceShallow(from)) {
                    continue;
                }
                // Positioned at or after from: the next document is known exactly, else the block's first bounds it.
                first = Math.min(first, doc >= from ? doc : Math.max(from, cursor.blockFirstDoc()));
                max = Math.min(max, cursor.blockLastDoc());
            }
            windowMax = max;
            return first;
        }

        /** Bounds every term in {@code [windowMin, windowMax]} and splits off the non-essential ones. */
        private void partition() {
            int windowMax = this.windowMax;
            double magnitude = 0;
            for (Lane lane : byTerm) {
                BlockPostingCursor cursor = lane.cursor;
                // Absent: positioned beyond the window, or its block view (the block of its next posting) starts
                // after it.
                boolean present = cursor.docId() <= windowMax && cursor.blockFirstDoc() <= windowMax;
                lane.present = present;
                double bound = present ? cursor.blockUpperBound() : 0;
                lane.windowBound = bound;
                lane.windowMagnitude = !present || cursor.nonNegative() ? bound : cursor.blockMagnitude();
                magnitude += lane.windowMagnitude;
            }
            windowMagnitude = magnitude;
            // Insertion sort: the order changes little from one window to the next.
            for (int i = 1; i < byBound.length; i++) {
                Lane lane = byBound[i];
                int j = i - 1;
                while (j >= 0 && byBound[j].windowBound > lane.windowBound) {
                    byBound[j + 1] = byBound[j];
                    j--;
                }
                byBound[j + 1] = lane;
            }
            // A document held only by non-essential terms is summed from their contributions alone: the margin
            // scales with their magnitudes.
            double sum = 0;
            double sumMagnitude = 0;
            int split = 0;
            while (split < byBound.length) {
                double next = sum + byBound[split].windowBound;
                double nextMagnitude = sumMagnitude + byBound[split].windowMagnitude;
                if (!TopDocs.cannotEnter(next, nextMagnitude, threshold)) {
                    break;
                }
                sum = next;
                sumMagnitude = nextMagnitude;
                split++;
            }
            firstEssential = split;
            nonEssentialBound = sum;
            for (int i = 0; i < byBound.length; i++) {
                byBound[i].essential = i >= split;
            }
        }

        /** Scores the window's candidates and offers those that beat the threshold, in offset order. */
        private void scoreWindow(int windowMin) {
            int windowMax = this.windowMax;
            int size = windowMax - windowMin + 1;
            if (scores.length < size) {
                scores = new double[WINDOW_SIZE];
                seen = new long[WINDOW_SIZE >>> 6];
                slots = new int[WINDOW_SIZE];
            }
            double[] scores = this.scores;
            if (completeInOnePass) {
                scoreWindowInOnePass(windowMin, size);
                return;
            }
            // In query order, so that the sums are exact when no non-essential term holds the documents; notes
            // whether a non-essential term with postings here precedes an essential one (then the sums are redone).
            boolean nonEssentialPresent = false;
            boolean outOfOrder = false;
            for (Lane lane : byTerm) {
                lane.windowFirst = -1;
                if (!lane.present) {
                    continue;
                }
                if (!lane.essential) {
                    nonEssentialPresent = true;
                    continue;
                }
                outOfOrder |= nonEssentialPresent;
                BlockPostingCursor cursor = lane.cursor;
                if (cursor.docId() < windowMin) {
                    cursor.advance(windowMin);
                }
                lane.windowFirst = cursor.addTo(windowMax, windowMin, scores, seen);
            }
            int count = candidates(size, nonEssentialPresent);
            completeInOnePass = count > 0 && nonEssentialPresent;
            if (count > 0 && nonEssentialPresent) {
                if (outOfOrder) {
                    Arrays.fill(scores, 0, size, 0);
                }
                for (Lane lane : byTerm) {
                    if (!lane.present) {
                        continue;
                    }
                    BlockPostingCursor cursor = lane.cursor;
                    if (lane.essential) {
                        if (outOfOrder && lane.windowFirst >= 0) {
                            cursor.rewind(lane.windowFirst);
                            cursor.addTo(windowMax, windowMin, scores, null);
                        }
                        continue;
                    }
                    if (cursor.docId() < windowMin) {
                        cursor.advance(windowMin);
                    }
                    cursor.addTo(windowMax, windowMin, scores, null);
                }
            }
            offer(windowMin, count);
            if (count > 0 && nonEssentialPresent) {
                // The non-essential terms also added to documents that are not candidates.
                Arrays.fill(scores, 0, size, 0);
            }
        }

        /**
         * Scores the window in one pass: every term present adds its contributions in query order, the essential ones
         * marking the candidates; no candidate is dropped before the non-essential terms are read.
         */
        private void scoreWindowInOnePass(int windowMin, int size) {
            int windowMax = this.windowMax;
            boolean nonEssentialPresent = false;
            for (Lane lane : byTerm) {
                if (!lane.present) {
                    continue;
                }
                nonEssentialPresent |= !lane.essential;
                BlockPostingCursor cursor = lane.cursor;
                if (cursor.docId() < windowMin) {
                    cursor.advance(windowMin);
                }
                cursor.addTo(windowMax, windowMin, scores, lane.essential ? seen : null);
            }
            int count = candidates(size, false);
            // Once no candidate of a window with non-essential terms enters, go back to reading them only on demand.
            completeInOnePass = offer(windowMin, count) || !nonEssentialPresent;
            if (nonEssentialPresent) {
                Arrays.fill(scores, 0, size, 0);
            }
        }

        /**
         * Offers the first {@code count} candidate slots whose score beats the threshold, in offset order, and clears
         * their scores; returns whether any entered the top k.
         */
        private boolean offer(int windowMin, int count) {
            double[] scores = this.scores;
            int[] slots = this.slots;
            double threshold = this.threshold;
            boolean entered = false;
            for (int j = 0; j < count; j++) {
                int slot = slots[j];
                float score = (float) scores[slot];
                scores[slot] = 0;
                // Offsets ascend: a document that only ties the k-th score loses to it.
                if (score > threshold && query.accepts(windowMin + slot)) {
                    top.offer(windowMin + slot, score);
                    threshold = top.threshold();
                    entered = true;
                }
            }
            this.threshold = threshold;
            return entered;
        }

        /**
         * Collects the candidate slots into {@link #slots} (clearing {@link #seen}) and returns how many there are;
         * when non-essential terms hold documents in the window, drops those whose essential sum cannot beat the
         * threshold even with every non-essential bound added (and clears their scores).
         */
        private int candidates(int size, boolean nonEssentialPresent) {
            long[] seen = this.seen;
            int[] slots = this.slots;
            double[] scores = this.scores;
            boolean drop = nonEssentialPresent && threshold != Float.NEGATIVE_INFINITY;
            double rest = nonEssentialBound;
            double magnitude = windowMagnitude;
            double threshold = this.threshold;
            int count = 0;
            int words = (size + 63) >>> 6;
            for (int w = 0; w < words; w++) {
                long word = seen[w];
                if (word == 0) {
                    continue;
                }
                seen[w] = 0;
                for (; word != 0; word &= word - 1) {
                    int slot = (w << 6) + Long.numberOfTrailingZeros(word);
                    if (drop && TopDocs.cannotEnter(scores[slot] + rest, magnitude, threshold)) {
                        scores[slot] = 0;
                    } else {
                        slots[count++] = slot;
                    }
                }
            }
            return count;
        }
    }
}
