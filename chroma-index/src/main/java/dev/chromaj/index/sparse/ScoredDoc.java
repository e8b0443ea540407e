package dev.chromaj.index.sparse;

import dev.chromaj.annotations.Internal;

/**
 * A document offset with its score. Results are ordered by score descending, ties by offset ascending.
 *
 * @param offset document offset in the segment
 * @param score  the document's score (higher is better)
 */
@Internal
public record ScoredDoc(int offset, float score) implements Comparable<ScoredDoc> {

    /** Result order: higher score first, then lower offset. */
    @Override
    public int compareTo(ScoredDoc other) {
        int byScore = Float.compare(other.score, score);
        return byScore != 0 ? byScore : Integer.compare(offset, other.offset);
    }
}
