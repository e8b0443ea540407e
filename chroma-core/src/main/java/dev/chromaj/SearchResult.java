package dev.chromaj;

import java.util.List;

/**
 * The hits of a {@link Search}, best first. Immutable.
 *
 * @param hits the hits
 */
public record SearchResult(List<Hit> hits) {

    /** Copies the list. */
    public SearchResult {
        hits = List.copyOf(hits);
    }

    /**
     * The number of hits.
     *
     * @return {@code hits().size()}
     */
    public int size() {
        return hits.size();
    }
}
