package dev.chromaj.index.vector;

import dev.chromaj.annotations.Internal;
import java.util.List;
import java.util.Objects;

/**
 * A complete, I/O-free copy of an {@link HnswIndex}: what a segment persists and what
 * {@link HnswIndex#restore(HnswGraphSnapshot)} loads.
 *
 * <p>Nodes are identified by their <em>ordinal</em> (position in {@link #nodes()}); neighbour lists and the entry
 * point use ordinals, not offsets, because a node replaced by an update stays in the graph as a deleted node that
 * still carries the offset it used to hold. Among nodes that are not deleted, offsets are unique.
 *
 * @param dimension  vector dimension
 * @param space      distance space
 * @param config     build parameters
 * @param entryPoint ordinal of the entry node, or -1 for an empty graph
 * @param maxLevel   level of the entry node, or -1 for an empty graph
 * @param nodes      every node, live or deleted, by ordinal
 * @param quantizer  the quantizer of a graph that stores int8 or int4 codes instead of float vectors, or null
 */
@Internal
public record HnswGraphSnapshot(
        int dimension,
        DistanceSpace space,
        HnswConfig config,
        int entryPoint,
        int maxLevel,
        List<Node> nodes,
        ScalarQuantizer quantizer) {

    /** A snapshot of a graph that stores float vectors. */
    public HnswGraphSnapshot(
            int dimension, DistanceSpace space, HnswConfig config, int entryPoint, int maxLevel, List<Node> nodes) {
        this(dimension, space, config, entryPoint, maxLevel, nodes, null);
    }

    /** Validates the header fields and copies the node list (the nodes themselves are shared). */
    public HnswGraphSnapshot {
        Objects.requireNonNull(space, "space");
        Objects.requireNonNull(config, "config");
        nodes = List.copyOf(nodes);
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be positive, got " + dimension);
        }
        if (quantizer != null && quantizer.dimension() != dimension) {
            throw new IllegalArgumentException(
                    "quantizer must have dimension " + dimension + ", got " + quantizer.dimension());
        }
        if (entryPoint < -1 || entryPoint >= nodes.size()) {
            throw new IllegalArgumentException(
                    "entryPoint must be -1 or a node ordinal below " + nodes.size() + ", got " + entryPoint);
        }
    }

    /**
     * One graph node.
     *
     * @param offset     the record offset it holds (or held, if deleted)
     * @param deleted    whether it was deleted or replaced by an update (kept for navigation only)
     * @param vector     the vector as stored: normalized for {@link DistanceSpace#COSINE}; null in a quantized graph
     * @param neighbours neighbour ordinals per level, {@code neighbours[0]} is layer 0; the node's level is
     *                   {@code neighbours.length - 1}
     * @param code       the code of the vector in a quantized graph ({@link ScalarQuantizer#codeLength()} bytes),
     *                   else null
     */
    public record Node(int offset, boolean deleted, float[] vector, int[][] neighbours, byte[] code) {

        /** A node of a graph that stores float vectors. */
        public Node(int offset, boolean deleted, float[] vector, int[][] neighbours) {
            this(offset, deleted, Objects.requireNonNull(vector, "vector"), neighbours, null);
        }

        /** Validates the shape (the arrays are not copied: a snapshot is handed over, not shared). */
        public Node {
            if ((vector == null) == (code == null)) {
                throw new IllegalArgumentException("a node holds either a vector or a code");
            }
            Objects.requireNonNull(neighbours, "neighbours");
            if (offset < 0) {
                throw new IllegalArgumentException("offset must be non-negative, got " + offset);
            }
            if (neighbours.length == 0) {
                throw new IllegalArgumentException("neighbours must hold at least layer 0");
            }
        }

        /** The node's top level. */
        public int level() {
            return neighbours.length - 1;
        }
    }

    /**
     * The links of nodes {@code first .. first + offsets.length - 1} of a graph in flat arrays, as a persisted graph
     * is read block by block (no object per node): node {@code first + i} holds offset {@code offsets[i]} and its
     * neighbour lists are {@code levelStart[i] .. levelStart[i + 1] - 1} (one per level, layer 0 first, so its level
     * is {@code levelStart[i + 1] - levelStart[i] - 1}); list {@code j} is {@code links[listStart[j] ..
     * listStart[j + 1] - 1]}. The arrays are shared, not copied.
     *
     * @param first      ordinal of the first node
     * @param offsets    record offset per node
     * @param levelStart first list of each node, then the list count ({@code offsets.length + 1} entries)
     * @param listStart  first link of each list, then the link count
     * @param links      the neighbour ordinals of every list, one list after the other
     */
    public record LinkBlock(int first, int[] offsets, int[] levelStart, int[] listStart, int[] links) {

        /** Number of nodes. */
        public int size() {
            return offsets.length;
        }
    }

    /**
     * The codes of nodes {@code first ..} of a quantized graph, one after the other ({@link
     * ScalarQuantizer#codeLength()} bytes each). The array is shared, not copied.
     *
     * @param first ordinal of the first node
     * @param codes the codes
     */
    public record CodeBlock(int first, byte[] codes) {}
}
