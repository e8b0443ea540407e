package dev.chromaj.index.vector;

import dev.chromaj.annotations.Internal;

/**
 * A read-only HNSW graph as {@link HnswGraphSearcher} walks it: nodes are dense ordinals {@code 0..nodeCount() - 1},
 * each holding the record offset it stands for, a vector (float components or, in a quantized graph, an int8 code)
 * and one neighbour list per level it is on. Where the lists and vectors lie is the implementation's business: on the
 * heap ({@link HnswIndex#view()}) or in cached blocks of a persisted graph, decoded on demand.
 *
 * <p>Vectors are stored as the index stores them: normalized for {@link DistanceSpace#COSINE}. Deleted nodes (deleted
 * records, old vectors of updated ones) are traversed but never returned by a search.
 *
 * <p>Implementations are thread-safe: one view serves concurrent searches. A view of a persisted graph throws an
 * unchecked exception naming the graph when a stored node cannot be read or decoded.
 */
@Internal
public interface HnswGraphView {

    /**
     * The view one search walks, on the calling thread only: {@code this} by default. A view of a persisted graph
     * returns one that keeps a reference to every block the search has read, so that the next node of a block
     * already at hand costs an array read instead of a cache lookup; it holds on to those blocks until it is dropped,
     * so use one per search and drop it with the search.
     */
    default HnswGraphView forSearch() {
        return this;
    }

    /** Vector dimension. */
    int dimension();

    /** Distance space of the stored vectors. */
    DistanceSpace space();

    /** The quantizer of a graph that holds int8 codes, or null for a graph of float vectors. */
    ScalarQuantizer quantizer();

    /** Maximum links per node above layer 0 ({@code M}); layer 0 holds up to {@code 2 * M}. */
    int maxConnections();

    /** Number of nodes, live and deleted. */
    int nodeCount();

    /** Ordinal of the entry node, or -1 for an empty graph. */
    int entryNode();

    /** Level of the entry node, or -1 for an empty graph. */
    int entryLevel();

    /**
     * Copies the neighbour ordinals of {@code node} on {@code level} into {@code out} (room for
     * {@code 2 * maxConnections()} ordinals) and returns how many there are, or -1 if the node is not on that level.
     */
    int neighbours(int level, int node, int[] out);

    /**
     * Points {@code slice} at the stored vector of {@code node}: its float components in a graph of floats, its code
     * in a quantized graph. The array may be shared: callers only read it, and only until their next call.
     */
    void vector(int node, VectorSlice slice);

    /** Whether any node is deleted (a search then checks every result). */
    boolean hasDeletedNodes();

    /** Whether {@code node} is deleted (or was replaced by an update). */
    boolean isDeleted(int node);

    /** The record offset {@code node} holds (or held, if deleted). */
    int offset(int node);

    /**
     * Where a node's vector lies: {@code floats[from, from + dimension)} in a graph of floats, else
     * {@code codes[from, from + quantizer.codeLength())} (int8: a byte per component; int4: packed half-bytes). A mutable holder reused by one search thread; not thread-safe.
     */
    final class VectorSlice {
        /** Float components, or null in a quantized graph. */
        public float[] floats;
        /** Int8 code, or null in a graph of floats. */
        public byte[] codes;
        /** Index of the first component or code byte. */
        public int from;

        /** Points at float components. */
        public void setFloats(float[] array, int start) {
            floats = array;
            codes = null;
            from = start;
        }

        /** Points at a code. */
        public void setCodes(byte[] array, int start) {
            codes = array;
            floats = null;
            from = start;
        }
    }
}
