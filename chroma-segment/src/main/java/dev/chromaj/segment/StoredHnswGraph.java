package dev.chromaj.segment;

import dev.chromaj.blockstore.BlockfileView;
import dev.chromaj.blockstore.ValueDecoder;
import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.HnswGraphView;
import dev.chromaj.index.vector.ScalarQuantizer;
import org.roaringbitmap.RoaringBitmap;

/**
 * A persisted quantized (int8 or int4) HNSW graph searched where it lies: an {@link HnswGraphView} whose neighbour lists and int8
 * codes are read from the version's {@code vector.graph} and {@code vector.codes} blockfiles (see {@link HnswSegment})
 * through the {@link dev.chromaj.blockstore.BlockCache}. Each block is decoded once when a search first needs it (its
 * nodes' lists into int arrays, its codes into byte arrays) and the decoded block is cached and weighed like any
 * other, so the heap this graph takes is bounded by the block cache, not by the collection: only the header (the
 * parameters, the quantizer and the deleted ordinals) is held here.
 *
 * <p>A query on this view costs a cache lookup per node it expands and per neighbour it scores, more than the
 * array reads of a loaded {@link dev.chromaj.index.vector.HnswIndex}: it serves the graphs that would not fit the
 * index budget. Graphs of float vectors are not served this way (a live node's vector is its record's embedding,
 * keyed by offset, not by node).
 *
 * <p>Thread-safe and immutable. A block that cannot be read or decoded fails the query with an exception naming the
 * object (a corrupt block) or the graph and the node (a malformed entry).
 */
final class StoredHnswGraph implements HnswGraphView {

    /** Bytes of a decoded node besides its arrays: the record, the outer array, headers. */
    private static final long NODE_OVERHEAD = 64;

    private final String what;
    private final HnswGraphCodec.Header header;
    private final ScalarQuantizer quantizer;
    private final RoaringBitmap deleted;
    private final boolean hasDeleted;
    private final BlockfileView<Integer, HnswGraphCodec.NodeLinks> links;
    private final BlockfileView<Integer, byte[]> codes;

    private StoredHnswGraph(
            String what,
            HnswGraphCodec.Header header,
            ScalarQuantizer quantizer,
            BlockfileView<Integer, HnswGraphCodec.NodeLinks> links,
            BlockfileView<Integer, byte[]> codes) {
        this.what = what;
        this.header = header;
        this.quantizer = quantizer;
        this.deleted = header.deleted();
        this.hasDeleted = !deleted.isEmpty();
        this.links = links;
        this.codes = codes;
    }

    /**
     * Opens the quantized graph of {@code readers}: reads and checks the header and the quantizer, nothing else.
     *
     * @throws IllegalStateException naming {@code what} when the version holds no quantized graph or its header is
     *                               inconsistent
     */
    static StoredHnswGraph open(HnswSegment.Readers readers, String what) {
        if (readers.codes() == null) {
            throw new IllegalStateException(
                    what + ": only a quantized graph is searched in its blocks, this one" + " stores float vectors");
        }
        HnswGraphCodec.Header header = HnswSegment.header(readers, what);
        ScalarQuantizer quantizer = HnswSegment.quantizer(readers, header, what);
        int n = header.nodeCount();
        if (readers.graph().count() != n) {
            throw new IllegalStateException(
                    what + ": " + readers.graph().count() + " graph nodes stored, the header says " + n);
        }
        if (readers.codes().count() != n) {
            throw new IllegalStateException(what + ": " + readers.codes().count() + " codes stored in "
                    + HnswSegment.CODES.name() + ", the header counts " + n + " nodes");
        }
        if (n > 0 && (header.entryPoint() < 0 || header.entryPoint() >= n || header.maxLevel() < 0)) {
            throw new IllegalStateException(what + ": entry node " + header.entryPoint() + " at level "
                    + header.maxLevel() + " does not name one of " + n + " nodes");
        }
        BlockfileView<Integer, HnswGraphCodec.NodeLinks> links = readers.graph()
                .view("hnsw-links", new ValueDecoder<>() {
                    @Override
                    public HnswGraphCodec.NodeLinks decode(String prefix, Integer key, byte[] value) {
                        return HnswGraphCodec.decodeNode(value, what, key);
                    }

                    @Override
                    public long weight(HnswGraphCodec.NodeLinks decoded) {
                        long bytes = NODE_OVERHEAD;
                        for (int[] level : decoded.neighbours()) {
                            bytes += 16 + 4L * level.length;
                        }
                        return bytes;
                    }
                });
        int codeLength = quantizer.codeLength();
        BlockfileView<Integer, byte[]> codes = readers.codes().view("hnsw-codes", new ValueDecoder<>() {
            @Override
            public byte[] decode(String prefix, Integer key, byte[] value) {
                if (value.length != codeLength) {
                    throw new IllegalStateException(what + ": code of node " + key + " in " + HnswSegment.CODES.name()
                            + " has " + value.length + " bytes, a " + quantizer.bits() + "-bit code of dimension "
                            + header.dimension() + " has " + codeLength + " (truncated or corrupt)");
                }
                return value;
            }

            @Override
            public long weight(byte[] decoded) {
                return 16L + decoded.length;
            }
        });
        return new StoredHnswGraph(what, header, quantizer, links, codes);
    }

    /**
     * What a loaded index of this graph would take on the heap, estimated from its header and the bytes of one stored
     * vector (a code's length, or {@code 4 × dimension} for floats).
     */
    static long estimatedIndexBytes(HnswGraphCodec.Header header, long vectorBytes) {
        return estimatedIndexBytes(header.nodeCount(), header.config().m(), vectorBytes);
    }

    /** As {@link #estimatedIndexBytes(HnswGraphCodec.Header, long)} for {@code nodes} nodes of a graph of M {@code m}. */
    static long estimatedIndexBytes(long nodes, int m, long vectorBytes) {
        // vector, layer-0 list (count + 2M slots), upper-list reference, offset, deleted flag, offset-map slot
        long perNode = vectorBytes + 4L * (1 + 2L * m) + 4 + 4 + 1 + 4;
        return nodes * perNode;
    }

    @Override
    public int dimension() {
        return header.dimension();
    }

    @Override
    public DistanceSpace space() {
        return header.space();
    }

    @Override
    public ScalarQuantizer quantizer() {
        return quantizer;
    }

    @Override
    public int maxConnections() {
        return header.config().m();
    }

    @Override
    public int nodeCount() {
        return header.nodeCount();
    }

    /** Nodes that are not deleted. */
    int liveCount() {
        return header.liveCount();
    }

    @Override
    public int entryNode() {
        return header.nodeCount() == 0 ? -1 : header.entryPoint();
    }

    @Override
    public int entryLevel() {
        return header.nodeCount() == 0 ? -1 : header.maxLevel();
    }

    @Override
    public int neighbours(int level, int node, int[] out) {
        int[][] lists = node(node).neighbours();
        if (level >= lists.length) {
            return -1;
        }
        int[] list = lists[level];
        int max = level == 0 ? 2 * header.config().m() : header.config().m();
        if (list.length > max) {
            throw new IllegalStateException(what + ": node " + node + " has " + list.length + " links on level " + level
                    + ", at most " + max + " are allowed");
        }
        System.arraycopy(list, 0, out, 0, list.length);
        return list.length;
    }

    @Override
    public void vector(int node, VectorSlice slice) {
        byte[] code = codes.get("", node);
        if (code == null) {
            throw new IllegalStateException(what + ": node " + node + " is missing from " + HnswSegment.CODES.name());
        }
        slice.setCodes(code, 0);
    }

    @Override
    public boolean hasDeletedNodes() {
        return hasDeleted;
    }

    @Override
    public boolean isDeleted(int node) {
        return deleted.contains(node);
    }

    @Override
    public int offset(int node) {
        return node(node).offset();
    }

    private HnswGraphCodec.NodeLinks node(int node) {
        HnswGraphCodec.NodeLinks l = links.get("", node);
        if (l == null) {
            throw new IllegalStateException(what + ": node " + node + " is missing from " + HnswSegment.GRAPH.name());
        }
        return l;
    }

    @Override
    public String toString() {
        return what;
    }
}
