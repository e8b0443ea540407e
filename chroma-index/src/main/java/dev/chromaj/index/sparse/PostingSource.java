package dev.chromaj.index.sparse;

import dev.chromaj.annotations.Internal;

/**
 * Loads the blocks of one posting list on demand, so a query only fetches the blocks Block-Max WAND visits. A segment
 * implements it over its blockfile (key: term index and block number); in memory it is a list lookup.
 *
 * <p>Called from the querying thread; implementations may do I/O and throw unchecked exceptions, which propagate to
 * the caller of the search.
 */
@Internal
@FunctionalInterface
public interface PostingSource {

    /**
     * Returns block {@code blockNumber} (0-based) of the posting list. It must match the list's
     * {@link PostingSkips} summary for that block.
     */
    PostingBlock block(int blockNumber);
}
