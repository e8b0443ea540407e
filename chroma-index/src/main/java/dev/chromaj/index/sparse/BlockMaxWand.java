package dev.chromaj.index.sparse;

import java.util.List;

/**
 * Exact top-k evaluation of a {@link SparseQuery} with Block-Max WAND (Broder et al. 2003; Ding and Suel 2011).
 *
 * <p>Each term's cursor is tracked by a lower bound of its next document, so that skipping never loads a block:
 * a skipped cursor is only moved in the skip structure, and its block is loaded when the cursor actually becomes a
 * candidate. Terms are kept sorted by that bound. The pivot is the first term at which the sum of the terms' global
 * upper bounds exceeds the threshold (the k-th best score); no document before it can enter the top k. The pivot
 * document is then checked against the sum of the block upper bounds of the terms up to the pivot: if even that
 * cannot beat the threshold, every document up to the nearest block end (or the next term's document) is skipped.
 * Otherwise the terms are positioned exactly and the document is scored.
 *
 * <p>Results equal {@link Exhaustive#search} exactly, scores and order included: a document's score is computed by
 * the same code (contributions in double summed in query order, rounded once to float), documents are visited in
 * ascending offset order, and one that only ties the k-th score loses to it (lower offset first). Bounds are never
 * negative, which keeps pivoting correct for negative query weights or values.
 *
 * <p>Stateless and thread-safe; each search owns its cursors.
 */
public final class BlockMaxWand {

    private BlockMaxWand() {
    }

    /** A term's cursor and a lower bound of its next document, ahead of the cursor while a skip is pending. */
    private static final class Lane {
        final PostingCursor cursor;
        final double upperBound;
        int doc;
        /** Last offset of the block the cursor has loaded, -1 before any. */
        int loadedLastDoc = -1;

        Lane(PostingCursor cursor) {
            this.cursor = cursor;
            this.upperBound = cursor.upperBound();
            // Even the first block is loaded only when the term becomes a candidate.
            this.doc = cursor.advanceShallow(0) ? cursor.blockFirstDoc() : PostingCursor.NO_MORE_DOCS;
        }

        /** True when {@link #doc} is the cursor's actual position. */
        boolean positioned() {
            return cursor.docId() == doc;
        }

        /** Records that the next document is at least {@code target}, moving only the block view. */
        void skipTo(int target) {
            if (cursor.docId() >= target) {
                doc = cursor.docId();
            } else if (target <= loadedLastDoc) {
                // Inside the loaded block: moving there is cheap and exact.
                doc = cursor.advance(target);
            } else if (cursor.advanceShallow(target)) {
                doc = Math.max(target, cursor.blockFirstDoc());
            } else {
                doc = PostingCursor.NO_MORE_DOCS;
            }
        }

        /** Moves the cursor to its first document at or after the lower bound, loading its block if needed. */
        void position() {
            if (cursor.docId() < doc) {
                doc = cursor.advance(doc);
                // After advance the block view is the loaded block.
                loadedLastDoc = doc == PostingCursor.NO_MORE_DOCS ? -1 : cursor.blockLastDoc();
            }
        }
    }

    /** Returns the top k documents, best first (score descending, then offset ascending). */
    public static List<ScoredDoc> search(SparseQuery query) {
        List<SparseQuery.QueryTerm> terms = query.terms();
        int n = terms.size();
        Lane[] byTerm = new Lane[n];
        long cost = 0;
        for (int i = 0; i < n; i++) {
            SparseQuery.QueryTerm term = terms.get(i);
            byTerm[i] = new Lane(term.postings().cursor(term.weight()));
            cost += byTerm[i].cursor.cost();
        }
        if (cost == 0) {
            return List.of();
        }
        TopDocs top = new TopDocs((int) Math.min(query.k(), cost));
        Lane[] sorted = byTerm.clone();
        sortByDoc(sorted);

        while (true) {
            double threshold = top.threshold();
            int pivot = findPivot(sorted, threshold);
            if (pivot < 0) {
                break;
            }
            int pivotDoc = sorted[pivot].doc;
            while (pivot + 1 < n && sorted[pivot + 1].doc == pivotDoc) {
                pivot++;
            }
            double blockBound = 0;
            for (int i = 0; i <= pivot; i++) {
                sorted[i].cursor.advanceShallow(pivotDoc);
                blockBound += sorted[i].cursor.blockUpperBound();
            }
            if (blockBound <= threshold) {
                // No document from pivotDoc to the first block end (or the next term's document) can beat the
                // threshold: skip them all, loading nothing.
                long next = pivot + 1 < n ? sorted[pivot + 1].doc : PostingCursor.NO_MORE_DOCS;
                for (int i = 0; i <= pivot; i++) {
                    next = Math.min(next, (long) sorted[i].cursor.blockLastDoc() + 1);
                }
                int target = (int) Math.min(next, PostingCursor.NO_MORE_DOCS);
                for (int i = 0; i <= pivot; i++) {
                    sorted[i].skipTo(target);
                }
            } else {
                // No document before pivotDoc can beat the threshold: bring the lagging terms up to it, then
                // position every term up to the pivot exactly; if all land on pivotDoc it is scored right away.
                boolean allOnPivot = true;
                for (int i = 0; i <= pivot; i++) {
                    Lane lane = sorted[i];
                    if (lane.doc < pivotDoc) {
                        lane.skipTo(pivotDoc);
                    }
                    if (lane.doc == pivotDoc) {
                        lane.position();
                    }
                    allOnPivot &= lane.doc == pivotDoc;
                }
                if (allOnPivot) {
                    if (query.accepts(pivotDoc)) {
                        top.offer(pivotDoc, score(byTerm, pivotDoc));
                    }
                    for (int i = 0; i <= pivot; i++) {
                        sorted[i].skipTo(pivotDoc + 1);
                    }
                }
            }
            sortByDoc(sorted);
        }
        return top.results();
    }

    /** Index of the first lane where the cumulative upper bound exceeds the threshold, or -1. */
    private static int findPivot(Lane[] sorted, double threshold) {
        double sum = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i].doc == PostingCursor.NO_MORE_DOCS) {
                return -1;
            }
            sum += sorted[i].upperBound;
            if (sum > threshold) {
                return i;
            }
        }
        return -1;
    }

    /** The document's score: contributions of the terms positioned on it, summed in query order. */
    private static float score(Lane[] byTerm, int doc) {
        double sum = 0;
        for (Lane lane : byTerm) {
            if (lane.doc == doc && lane.positioned()) {
                sum += lane.cursor.score();
            }
        }
        return (float) sum;
    }

    /** Same summation as {@link #score(Lane[], int)}, for cursors positioned directly. */
    static float score(PostingCursor[] byTerm, int doc) {
        double sum = 0;
        for (PostingCursor cursor : byTerm) {
            if (cursor.docId() == doc) {
                sum += cursor.score();
            }
        }
        return (float) sum;
    }

    /** Insertion sort: between iterations only a few lanes move. */
    private static void sortByDoc(Lane[] lanes) {
        for (int i = 1; i < lanes.length; i++) {
            Lane lane = lanes[i];
            int doc = lane.doc;
            int j = i - 1;
            while (j >= 0 && lanes[j].doc > doc) {
                lanes[j + 1] = lanes[j];
                j--;
            }
            lanes[j + 1] = lane;
        }
    }
}
