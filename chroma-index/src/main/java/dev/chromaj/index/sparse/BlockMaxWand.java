package dev.chromaj.index.sparse;

import java.util.List;

/**
 * Exact top-k evaluation of a {@link SparseQuery} with block-max bounds (Block-Max WAND, Ding and Suel 2011), in the
 * windowed form in which Lucene 9 evaluates disjunctions: block-max windows with an essential / non-essential
 * partition of the terms (MaxScore, Turtle and Flood 1995).
 *
 * <p>The documents are walked in windows. A window starts at the first unresolved document and ends at the nearest
 * end of a term's current block, so that within it each term's contribution is bounded by one block bound, read from
 * the skip structure without loading the block. In each window the terms are sorted by that bound: the longest
 * prefix whose bounds together cannot beat the threshold (the k-th best score) is non-essential, since a document
 * holding only those terms cannot enter the top k. If every term is non-essential the whole window is skipped
 * without loading a block (Block-Max WAND's skip to the next block boundary). Otherwise only the essential terms'
 * postings generate candidates: they are added up term at a time into a per-window score array (windows hold at
 * most 1,024 offsets); then the non-essential terms, strongest first, drop the candidates whose
 * partial score plus the bounds of the terms not yet added cannot beat the threshold, and add their contributions to
 * the others in one merge over their block. The survivors are offered in offset order. The partition is fixed per
 * window; a threshold raised inside it tightens the next window's.
 *
 * <p>With such a non-essential tail, classic WAND's pivot is always the smallest essential document (every essential
 * term can beat the threshold together with the tail), so the pivot search is not done: candidates are generated as
 * in MaxScore, and WAND's contribution is the block-max skipping.
 *
 * <p>Results equal {@link Exhaustive#search} exactly, scores and order included: a document's score is the sum of
 * its contributions in query order, rounded once to float, as every evaluator computes it (the essential terms are
 * added in query order, and a document that a non-essential term also holds is re-summed from its blocks); documents
 * are offered in ascending offset order, so one that only ties the k-th score loses to it (lower offset first); and
 * bounds are compared with a margin that covers their different summation order ({@link TopDocs#cannotEnter}).
 * Bounds are never negative, which keeps the partition correct for negative query weights or values.
 *
 * <p>Stateless and thread-safe; each search owns its cursors.
 */
public final class BlockMaxWand {

    private BlockMaxWand() {
    }

    /** Returns the top k documents, best first (score descending, then offset ascending). */
    public static List<ScoredDoc> search(SparseQuery query) {
        BlockPostingCursor[] cursors = BlockPostingCursor.open(query);
        long cost = BlockPostingCursor.cost(cursors);
        if (cost == 0) {
            return List.of();
        }
        return new Evaluation(query, cursors, (int) Math.min(query.k(), cost)).run();
    }

    /** A term's cursor, its bound in the current window and its contribution to the last document it scored. */
    private static final class Lane {
        final BlockPostingCursor cursor;
        /** This lane's bit in a window slot's term mask; lanes from the 63rd on share bit 62. */
        final long bit;
        double windowBound;
        /** Bound of the magnitude of the lane's contributions in the current window (equal to the bound unless the
         * contributions may be negative). */
        double windowMagnitude;
        /** True when the lane is essential in the current window. */
        boolean essential;
        /** Position of the first posting accumulated in the current window, -1 when none. */
        int windowFirst = -1;

        Lane(BlockPostingCursor cursor, int queryIndex) {
            this.cursor = cursor;
            this.bit = 1L << Math.min(queryIndex, 62);
        }
    }

    /** Largest number of offsets scored term at a time in one window. */
    private static final int WINDOW_SIZE = 1024;
    private static final int SMALL_WINDOW_SIZE = 256;
    /** Set in a slot's term bits when a non-essential term holds the document. */
    private static final long NON_ESSENTIAL_HOLDER = Long.MIN_VALUE;

    /** The state of one search. */
    private static final class Evaluation {
        private final SparseQuery query;
        private final TopDocs top;
        /** Lanes in query order: the order in which a document's contributions are summed. */
        private final Lane[] byTerm;
        /** Lanes by window bound, weakest first; {@code [0, firstEssential)} are non-essential. */
        private final Lane[] byBound;
        /** {@code prefix[i]}: sum of the window bounds of {@code byBound[0..i]}. */
        private final double[] prefix;
        private int firstEssential;
        /** Set by {@link #nextWindow}: the nearest end of a term's current block. */
        private int windowMax;
        private double threshold = Float.NEGATIVE_INFINITY;
        /** Per slot of the current window (offset − window start): the essential terms' contributions. */
        private double[] scores;
        /** Per slot: the non-essential terms' contributions. */
        private double[] extra;
        /** Per slot: the bits of the terms holding the document, and {@link #NON_ESSENTIAL_HOLDER}. */
        private long[] terms;
        /** The candidate slots, ascending. */
        private int[] slots;
        /** Bit set of the slots holding a document of an essential term. */
        private long[] seen;

        Evaluation(SparseQuery query, BlockPostingCursor[] cursors, int k) {
            this.query = query;
            this.top = new TopDocs(k);
            int n = cursors.length;
            byTerm = new Lane[n];
            for (int i = 0; i < n; i++) {
                byTerm[i] = new Lane(cursors[i], i);
            }
            byBound = byTerm.clone();
            prefix = new double[n];
        }

        List<ScoredDoc> run() {
            int windowMin = 0;
            while (windowMin != PostingCursor.NO_MORE_DOCS) {
                windowMin = nextWindow(windowMin);
                if (windowMin == PostingCursor.NO_MORE_DOCS) {
                    break;
                }
                int windowMax = (int) Math.min(this.windowMax, windowMin + (long) WINDOW_SIZE - 1);
                partition(windowMax);
                if (firstEssential == byBound.length) {
                    // No document in the window can enter: skip it, loading nothing.
                    windowMin = windowMax + 1;
                } else {
                    windowMin = scoreWindow(windowMin, windowMax);
                }
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
        private void partition(int windowMax) {
            for (Lane lane : byTerm) {
                BlockPostingCursor cursor = lane.cursor;
                int doc = cursor.docId();
                // A term with no posting in the window adds nothing there: positioned beyond it, or its block view
                // (the block of its next posting) starts after it.
                boolean absent = doc > windowMax || cursor.blockFirstDoc() > windowMax;
                lane.windowBound = absent ? 0 : cursor.blockUpperBound();
                lane.windowMagnitude = absent ? 0 : cursor.blockMagnitude();
            }
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
            double sum = 0;
            for (int i = 0; i < byBound.length; i++) {
                sum += byBound[i].windowBound;
                prefix[i] = sum;
            }
            firstEssential = 0;
            growNonEssential();
        }

        /** Moves the weakest essential terms to the non-essential side while their bounds cannot beat the threshold. */
        private void growNonEssential() {
            while (firstEssential < byBound.length
                    && TopDocs.cannotEnter(prefix[firstEssential], prefix[firstEssential], threshold)) {
                firstEssential++;
            }
        }

        /**
         * Scores the candidates of the essential terms in {@code [windowMin, windowMax]}, term at a time: the
         * essential terms add their contributions, in query order, into per-slot partial scores (slot = offset −
         * window start); the documents found are the candidates. Then the non-essential terms, strongest first, first
         * drop the candidates that cannot beat the threshold even with every term not yet added, and add their
         * contributions to the survivors. Finally the survivors are offered in offset order with their exact scores.
         * Returns the first offset left unresolved.
         */
        private int scoreWindow(int windowMin, int windowMax) {
            int size = windowMax - windowMin + 1;
            if (scores == null || scores.length < size) {
                // Most windows are short: start small, go to the largest size once a window needs more.
                int length = size <= SMALL_WINDOW_SIZE ? SMALL_WINDOW_SIZE : WINDOW_SIZE;
                scores = new double[length];
                extra = new double[length];
                terms = new long[length];
                slots = new int[length];
                seen = new long[length >>> 6];
            }
            long essentialBits = 0;
            double magnitude = 0;
            for (Lane lane : byTerm) {
                lane.essential = false;
                lane.windowFirst = -1;
            }
            for (int i = firstEssential; i < byBound.length; i++) {
                Lane lane = byBound[i];
                lane.essential = true;
                essentialBits |= lane.bit;
                magnitude += lane.windowMagnitude;
                BlockPostingCursor cursor = lane.cursor;
                if (cursor.docId() < windowMin) {
                    cursor.advance(windowMin);
                }
            }
            // In query order, so that a slot's partial score is the exact score when no other term holds it.
            for (Lane lane : byTerm) {
                if (lane.essential) {
                    lane.windowFirst = lane.cursor.accumulate(windowMax, windowMin, scores, terms, seen, lane.bit);
                }
            }
            int words = (size + 63) >>> 6;
            int count = 0;
            for (int w = 0; w < words; w++) {
                for (long word = seen[w]; word != 0; word &= word - 1) {
                    int slot = (w << 6) + Long.numberOfTrailingZeros(word);
                    if (query.accepts(windowMin + slot)) {
                        slots[count++] = slot;
                    }
                }
            }
            for (int i = firstEssential - 1; i >= 0 && count > 0; i--) {
                count = dropHopeless(count, prefix[i], magnitude + prefix[i]);
                Lane lane = byBound[i];
                BlockPostingCursor cursor = lane.cursor;
                if (count > 0 && cursor.docId() <= windowMax) {
                    if (cursor.docId() < windowMin) {
                        cursor.advance(windowMin);
                    }
                    lane.windowFirst = cursor.accumulateAt(windowMax, windowMin, slots, count, extra, terms,
                            lane.bit | NON_ESSENTIAL_HOLDER);
                    magnitude += lane.windowMagnitude;
                }
            }
            for (int j = 0; j < count; j++) {
                int slot = slots[j];
                double partial = scores[slot];
                if (!TopDocs.cannotEnter(partial + extra[slot], magnitude, threshold)) {
                    long holders = terms[slot];
                    int doc = windowMin + slot;
                    top.offer(doc, (holders & NON_ESSENTIAL_HOLDER) == 0 ? (float) partial : exactScore(doc, holders));
                    threshold = top.threshold();
                }
            }
            // Only the slots the essential terms touched hold anything (the others only add to candidates).
            for (int w = 0; w < words; w++) {
                for (long word = seen[w]; word != 0; word &= word - 1) {
                    int slot = (w << 6) + Long.numberOfTrailingZeros(word);
                    scores[slot] = 0;
                    extra[slot] = 0;
                    terms[slot] = 0;
                }
                seen[w] = 0;
            }
            return windowMax + 1;
        }

        /**
         * Keeps, of the first {@code count} candidate slots, those that may still beat the threshold with at most
         * {@code rest} more; returns how many.
         */
        private int dropHopeless(int count, double rest, double magnitude) {
            int kept = 0;
            for (int j = 0; j < count; j++) {
                int slot = slots[j];
                if (!TopDocs.cannotEnter(scores[slot] + extra[slot] + rest, magnitude, threshold)) {
                    slots[kept++] = slot;
                }
            }
            return kept;
        }

        /**
         * The exact score of {@code doc} when non-essential terms hold it too: every contribution found again in
         * its block ({@code holders}: the bits of the terms that added to the slot), summed in query order.
         */
        private float exactScore(int doc, long holders) {
            double sum = 0;
            for (Lane lane : byTerm) {
                if ((holders & lane.bit) != 0 && lane.windowFirst >= 0) {
                    double contribution = lane.cursor.scoreOf(lane.windowFirst, doc);
                    // NaN: a lane from the 63rd on, which shares its bit with others, does not hold the document.
                    if (!Double.isNaN(contribution)) {
                        sum += contribution;
                    }
                }
            }
            return (float) sum;
        }
    }
}
