package dev.chromaj.index.sparse;

import dev.chromaj.annotations.Internal;

/**
 * A forward-only iterator over one term's postings, scored by a {@link TermWeight}, with the block-level view that
 * Block-Max WAND needs. Not thread-safe; one cursor per query term.
 *
 * <p>A new cursor is unpositioned ({@link #docId()} is -1). {@link #nextDoc()} and {@link #advance(int)} load blocks
 * through the list's {@link PostingSource} when they enter them; {@link #advanceShallow(int)} moves only the block
 * view, using the skip structure, and loads nothing.
 */
@Internal
public interface PostingCursor {

    /** The document offset returned once the postings are exhausted. */
    int NO_MORE_DOCS = Integer.MAX_VALUE;

    /** Current document offset, -1 before the first move, {@link #NO_MORE_DOCS} at the end. */
    int docId();

    /** Moves to the next posting and returns its offset (or {@link #NO_MORE_DOCS}). */
    int nextDoc();

    /**
     * Moves to the first posting with offset {@code >= target} and returns its offset (or {@link #NO_MORE_DOCS}).
     * {@code target} must be greater than {@link #docId()}.
     */
    int advance(int target);

    /** Value of the current posting (weight, or term frequency). */
    float value();

    /** Length of the current posting's document (term-frequency lists), else 0. */
    int docLength();

    /** Score contribution of the current posting under the cursor's {@link TermWeight}. */
    double score();

    /**
     * Moves the block view to the first block whose last offset is {@code >= target}, without loading it or moving
     * {@link #docId()}. Afterwards {@link #blockMax()}, {@link #blockUpperBound()} and {@link #blockLastDoc()}
     * describe that block. Returns false when no block remains.
     */
    boolean advanceShallow(int target);

    /** Largest value in the block view (0 when no block remains). */
    float blockMax();

    /** Upper bound of the contribution of any posting in the block view, never negative (0 when none remain). */
    double blockUpperBound();

    /** First offset of the block view ({@link #NO_MORE_DOCS} when no block remains). */
    int blockFirstDoc();

    /** Last offset of the block view ({@link #NO_MORE_DOCS} when no block remains). */
    int blockLastDoc();

    /** Upper bound of the contribution of any posting in the list, never negative. */
    double upperBound();

    /** Number of postings in the list (the cost of iterating it fully). */
    long cost();
}
