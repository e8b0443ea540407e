package dev.chromaj.index.sparse;

import java.util.List;

/**
 * Exact top-k evaluation of a {@link SparseQuery} with Block-Max WAND (Broder et al. 2003; Ding and Suel 2011).
 *
 * <p>Cursors are kept sorted by document. The pivot is the first cursor at which the sum of the terms' global upper
 * bounds exceeds the current threshold (the k-th best score); documents before it cannot enter the top k. The
 * candidate is then checked against the sum of the block upper bounds of the terms up to the pivot: if even that
 * cannot beat the threshold, every document up to the end of the nearest block boundary is skipped without loading
 * or scoring. Otherwise the pivot document is scored exactly.
 *
 * <p>Results equal {@link Exhaustive#search} exactly, scores and order included: a document's score is computed by
 * the same code (contributions in double summed in query order, rounded once to float), documents are visited in
 * ascending offset order, and one that only ties the k-th score loses to it (lower offset first). Bounds are never
 * negative, which keeps pivoting correct for negative query weights or values.
 */
public final class BlockMaxWand {

    private BlockMaxWand() {
    }

    /** Returns the top k documents, best first (score descending, then offset ascending). */
    public static List<ScoredDoc> search(SparseQuery query) {
        List<SparseQuery.QueryTerm> terms = query.terms();
        int n = terms.size();
        PostingCursor[] byTerm = new PostingCursor[n];
        long cost = 0;
        for (int i = 0; i < n; i++) {
            SparseQuery.QueryTerm term = terms.get(i);
            byTerm[i] = term.postings().cursor(term.weight());
            cost += byTerm[i].cost();
        }
        if (cost == 0) {
            return List.of();
        }
        TopDocs top = new TopDocs((int) Math.min(query.k(), cost));
        PostingCursor[] sorted = byTerm.clone();
        for (PostingCursor cursor : sorted) {
            cursor.nextDoc();
        }
        sortByDoc(sorted);

        while (true) {
            double threshold = top.threshold();
            int pivot = findPivot(sorted, threshold);
            if (pivot < 0) {
                break;
            }
            int pivotDoc = sorted[pivot].docId();
            while (pivot + 1 < n && sorted[pivot + 1].docId() == pivotDoc) {
                pivot++;
            }
            double blockBound = 0;
            for (int i = 0; i <= pivot; i++) {
                sorted[i].advanceShallow(pivotDoc);
                blockBound += sorted[i].blockUpperBound();
            }
            if (blockBound > threshold) {
                if (sorted[0].docId() == pivotDoc) {
                    if (query.accepts(pivotDoc)) {
                        top.offer(pivotDoc, score(byTerm, pivotDoc));
                    }
                    for (int i = 0; i <= pivot; i++) {
                        sorted[i].nextDoc();
                    }
                } else {
                    // No document before pivotDoc can beat the threshold: bring the lagging cursors up to it.
                    for (int i = 0; i < pivot && sorted[i].docId() < pivotDoc; i++) {
                        sorted[i].advance(pivotDoc);
                    }
                }
            } else {
                // No document from pivotDoc up to the first block end (or the next cursor) can beat the threshold.
                long next = pivot + 1 < n ? sorted[pivot + 1].docId() : PostingCursor.NO_MORE_DOCS;
                for (int i = 0; i <= pivot; i++) {
                    next = Math.min(next, (long) sorted[i].blockLastDoc() + 1);
                }
                int target = (int) Math.min(next, PostingCursor.NO_MORE_DOCS);
                for (int i = 0; i <= pivot; i++) {
                    if (sorted[i].docId() < target) {
                        sorted[i].advance(target);
                    }
                }
            }
            sortByDoc(sorted);
        }
        return top.results();
    }

    /** Index of the first cursor where the cumulative upper bound exceeds the threshold, or -1. */
    private static int findPivot(PostingCursor[] sorted, double threshold) {
        double sum = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i].docId() == PostingCursor.NO_MORE_DOCS) {
                return -1;
            }
            sum += sorted[i].upperBound();
            if (sum > threshold) {
                return i;
            }
        }
        return -1;
    }

    /** The document's score: contributions of the terms positioned on it, summed in query order. */
    static float score(PostingCursor[] byTerm, int doc) {
        double sum = 0;
        for (PostingCursor cursor : byTerm) {
            if (cursor.docId() == doc) {
                sum += cursor.score();
            }
        }
        return (float) sum;
    }

    /** Insertion sort: between iterations only a few cursors move. */
    private static void sortByDoc(PostingCursor[] cursors) {
        for (int i = 1; i < cursors.length; i++) {
            PostingCursor cursor = cursors[i];
            int doc = cursor.docId();
            int j = i - 1;
            while (j >= 0 && cursors[j].docId() > doc) {
                cursors[j + 1] = cursors[j];
                j--;
            }
            cursors[j + 1] = cursor;
        }
    }
}
