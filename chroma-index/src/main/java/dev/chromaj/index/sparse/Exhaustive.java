package dev.chromaj.index.sparse;

import java.util.List;

/**
 * Scores every posting of every query term: the reference that {@link BlockMaxWand} must equal exactly, and the
 * baseline of the benchmarks. Scores are computed as in {@link BlockMaxWand}: contributions in double, summed in
 * query order, rounded once to float.
 */
public final class Exhaustive {

    private Exhaustive() {
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
            byTerm[i].nextDoc();
        }
        if (cost == 0) {
            return List.of();
        }
        // Visit the union of the lists in offset order (an n-way merge), so each document is scored exactly once.
        TopDocs top = new TopDocs((int) Math.min(query.k(), cost));
        while (true) {
            int doc = PostingCursor.NO_MORE_DOCS;
            for (PostingCursor cursor : byTerm) {
                doc = Math.min(doc, cursor.docId());
            }
            if (doc == PostingCursor.NO_MORE_DOCS) {
                break;
            }
            float score = BlockMaxWand.score(byTerm, doc);
            if (query.accepts(doc)) {
                top.offer(doc, score);
            }
            for (PostingCursor cursor : byTerm) {
                if (cursor.docId() == doc) {
                    cursor.nextDoc();
                }
            }
        }
        return top.results();
    }
}
