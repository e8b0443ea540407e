package dev.chromaj.index.vector;

import java.util.Arrays;

/**
 * Per-thread state reused across searches and inserts: a generation-stamped visited array (cleared by bumping the
 * generation, not by filling), the two queues of the best-first search, and candidate buffers for neighbour
 * selection ({@code ids/dists/selected} while inserting, {@code prune*} while rewriting another node's links).
 */
final class SearchScratch {

    final NodeQueue candidates = NodeQueue.closestFirst(256);
    final NodeQueue results = NodeQueue.farthestFirst(256);
    int[] ids = new int[0];
    float[] dists = new float[0];
    int[] selected = new int[0];
    int[] pruneIds = new int[0];
    float[] pruneDists = new float[0];
    int[] pruneSelected = new int[0];
    private int[] stamps = new int[0];
    private int generation;

    /** Starts a new search over node ids below {@code capacity}. */
    void reset(int capacity) {
        if (stamps.length < capacity) {
            stamps = new int[Math.max(capacity, stamps.length + (stamps.length >> 1))];
            generation = 0;
        }
        if (++generation == Integer.MAX_VALUE) {
            Arrays.fill(stamps, 0);
            generation = 1;
        }
        candidates.clear();
        results.clear();
    }

    /** Marks {@code node} visited; returns false if it already was. */
    boolean visit(int node) {
        if (node >= stamps.length) {
            // Nodes inserted concurrently after reset(): grow, keeping this generation's marks.
            stamps = Arrays.copyOf(stamps, Math.max(node + 1, stamps.length * 2));
        }
        if (stamps[node] == generation) {
            return false;
        }
        stamps[node] = generation;
        return true;
    }

    void ensureBuffers(int n) {
        if (ids.length < n) {
            ids = new int[n];
            dists = new float[n];
            selected = new int[n];
        }
    }

    void ensurePruneBuffers(int n) {
        if (pruneIds.length < n) {
            pruneIds = new int[n];
            pruneDists = new float[n];
            pruneSelected = new int[n];
        }
    }
}
