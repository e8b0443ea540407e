package dev.chromaj.index.vector;

import dev.chromaj.annotations.Internal;

/**
 * One search result: a record offset and its distance to the query (smaller is closer).
 *
 * @param offset   the record's offset id
 * @param distance the distance in the index's {@link DistanceSpace}
 */
@Internal
public record ScoredOffset(int offset, float distance) {}
