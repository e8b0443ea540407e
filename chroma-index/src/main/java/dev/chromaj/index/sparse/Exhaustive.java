package dev.chromaj.index.sparse;

import dev.chromaj.annotations.Internal;
import java.util.List;

/**
 * Scores every posting of every query term: the reference that {@link BlockMaxWand} must equal exactly, and the
 * baseline of the benchmarks. Document at a time: the union of the lists is visited in offset order (an n-way merge),
 * and each document's contributions are summed in double in query order and rounded once to float, as every
 * evaluator does.
 */
@Internal
public final class Exhaustive {

    private Exhaustive() {}

    /** Returns the top k documents, best first (score descending, then offset ascending). */
    public static List<ScoredDoc> search(SparseQuery query) {
        BlockPostingCursor[] byTerm = BlockPostingCursor.open(query);
        long cost = BlockPostingCursor.cost(byTerm);
        if (cost == 0) {
            return List.of();
        }
        TopDocs top = new TopDocs((int) Math.min(query.k(), cost));
        int doc = PostingCursor.NO_MORE_DOCS;
        for (BlockPostingCursor cursor : byTerm) {
            doc = Math.min(doc, cursor.nextDoc());
        }
        while (doc != PostingCursor.NO_MORE_DOCS) {
            // One pass over the terms scores the document, moves its cursors on and finds the next document.
            double sum = 0;
            int next = PostingCursor.NO_MORE_DOCS;
            for (BlockPostingCursor cursor : byTerm) {
                int current = cursor.docId();
                if (current == doc) {
                    sum += cursor.score();
                    current = cursor.nextDoc();
                }
                next = Math.min(next, current);
            }
            if (query.accepts(doc)) {
                top.offer(doc, (float) sum);
            }
            doc = next;
        }
        return top.results();
    }
}
