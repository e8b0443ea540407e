package dev.chromaj.index.sparse;

import dev.chromaj.annotations.Internal;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Exact top-k evaluation of a {@link SparseQuery} with block-max MaxScore (Turtle and Flood 1995, with per-block
 * bounds), the strategy Chroma's own sparse index moved to from Block-Max WAND.
 *
 * <p>Terms are ordered by their global upper bound. The weakest terms whose bounds together cannot beat the
 * threshold (the k-th best score) are non-essential: a document holding only them cannot enter the top k, so only
 * the essential terms' postings generate candidates, document at a time. For each candidate the non-essential terms
 * are looked up from the strongest down, and the candidate is dropped as soon as its partial score plus the block
 * upper bounds of the terms not yet looked up cannot beat the threshold; those lookups move only the block view and
 * load nothing. The split is recomputed whenever the threshold rises.
 *
 * <p>Results equal {@link Exhaustive#search} exactly: a surviving candidate's score is recomputed in query order by
 * the same code, and pruning compares double bounds against the float threshold, so a document is dropped only when
 * its rounded score could not exceed the threshold (ties lose to the lower, already kept offsets).
 *
 * <p>Stateless and thread-safe; each search owns its cursors.
 */
@Internal
public final class BlockMaxMaxScore {

    private BlockMaxMaxScore() {}

    /** Returns the top k documents, best first (score descending, then offset ascending). */
    public static List<ScoredDoc> search(SparseQuery query) {
        BlockPostingCursor[] byTerm = BlockPostingCursor.open(query);
        int n = byTerm.length;
        long cost = BlockPostingCursor.cost(byTerm);
        if (cost == 0) {
            return List.of();
        }
        TopDocs top = new TopDocs((int) Math.min(query.k(), cost));

        // Weakest first; prefix[i] bounds the score of a document holding only terms byBound[0..i].
        BlockPostingCursor[] byBound = byTerm.clone();
        Arrays.sort(byBound, Comparator.comparingDouble(BlockPostingCursor::upperBound));
        double[] prefix = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += byBound[i].upperBound();
            prefix[i] = sum;
        }

        double[] bounds = new double[n];
        int firstEssential = 0;
        double threshold = Float.NEGATIVE_INFINITY;
        for (int i = firstEssential; i < n; i++) {
            byBound[i].nextDoc();
        }
        while (true) {
            int doc = PostingCursor.NO_MORE_DOCS;
            for (int i = firstEssential; i < n; i++) {
                doc = Math.min(doc, byBound[i].docId());
            }
            if (doc == PostingCursor.NO_MORE_DOCS) {
                break;
            }
            if (query.accepts(doc) && competitive(byBound, firstEssential, doc, threshold, bounds)) {
                top.offer(doc, BlockPostingCursor.score(byTerm, doc));
                double newThreshold = top.threshold();
                if (newThreshold > threshold) {
                    threshold = newThreshold;
                    while (firstEssential < n
                            && TopDocs.cannotEnter(prefix[firstEssential], prefix[firstEssential], threshold)) {
                        // This term can no longer generate candidates on its own; it is looked up on demand.
                        firstEssential++;
                    }
                }
            }
            for (int i = firstEssential; i < n; i++) {
                if (byBound[i].docId() == doc) {
                    byBound[i].nextDoc();
                }
            }
        }
        return top.results();
    }

    /**
     * Positions the non-essential cursors on {@code doc}, strongest first, unless the document is proven unable to
     * beat the threshold; returns false in that case. {@code bounds} is scratch space of the query's size.
     */
    private static boolean competitive(
            BlockPostingCursor[] byBound, int firstEssential, int doc, double threshold, double[] bounds) {
        double partial = 0;
        double magnitude = 0;
        for (int i = firstEssential; i < byBound.length; i++) {
            if (byBound[i].docId() == doc) {
                double contribution = byBound[i].score();
                partial += contribution;
                magnitude += Math.abs(contribution);
            }
        }
        // bounds[i]: the most term byBound[i] can add to doc; summed weakest first, so bounds[i] ends up holding the
        // bound of all terms 0..i without any subtraction.
        double sum = 0;
        for (int i = 0; i < firstEssential; i++) {
            BlockPostingCursor cursor = byBound[i];
            if (cursor.docId() == doc) {
                sum += Math.max(0, cursor.score());
            } else if (cursor.docId() < doc && cursor.advanceShallow(doc)) {
                sum += cursor.blockUpperBound();
            }
            bounds[i] = sum;
        }
        for (int i = firstEssential - 1; i >= 0; i--) {
            double best = partial + bounds[i];
            if (TopDocs.cannotEnter(best, magnitude + bounds[i], threshold)) {
                return false;
            }
            BlockPostingCursor cursor = byBound[i];
            if (cursor.docId() < doc) {
                cursor.advance(doc);
            }
            if (cursor.docId() == doc) {
                double contribution = cursor.score();
                partial += contribution;
                magnitude += Math.abs(contribution);
            }
        }
        return true;
    }
}
