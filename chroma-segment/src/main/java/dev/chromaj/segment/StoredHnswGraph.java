package dev.chromaj.segment;

import dev.chromaj.blockstore.BlockDecoder;
import dev.chromaj.blockstore.BlockfileBlocks;
import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.HnswGraphSnapshot.CodeBlock;
import dev.chromaj.index.vector.HnswGraphSnapshot.LinkBlock;
import dev.chromaj.index.vector.HnswGraphView;
import dev.chromaj.index.vector.ScalarQuantizer;
import java.util.Arrays;
import org.roaringbitmap.RoaringBitmap;

/**
 * A persisted HNSW graph searched where it lies: an {@link HnswGraphView} whose neighbour lists are read from the
 * version's {@code vector.graph} blockfile and whose vectors are read from {@code vector.codes} (a quantized graph: a
 * node's int8 or int4 code, keyed by node) or, in a graph of floats, from the version's {@code vector.embeddings} (a
 * live node's vector is its record's embedding, keyed by the node's offset; normalized for cosine as a load does)
 * and {@code vector.vectors} (a deleted node's vector as indexed, keyed by node), all through the
 * {@link dev.chromaj.blockstore.BlockCache} (see {@link HnswSegment}).
 *
 * <p>Each block is decoded whole, once, when a search first needs it ({@link BlockfileBlocks}): a graph block into
 * flat int arrays (the offsets of its nodes, then every level's list of every node in one array), a codes block into
 * one byte array, an embeddings block into one float array. The decoded block is cached in place of the block and
 * weighed like any other, so the heap this graph takes is bounded by the block cache, not by the collection: only the
 * header (the parameters, the quantizer and the deleted ordinals) and a small table from node to block are held
 * here. Node ordinals are dense, so a node's block follows from the blocks' first ordinals without a search of the
 * root. A search walks a {@link #forSearch()} view that keeps the blocks it has read: the next node of a block at hand
 * costs two array reads, not a cache lookup.
 *
 * <p>Thread-safe and immutable (the views of {@link #forSearch()} are each one thread's). A block that cannot be read
 * or decoded fails the query with an exception naming the object (a corrupt block) or the graph and the node (a
 * malformed entry).
 */
final class StoredHnswGraph implements HnswGraphView {

    /** Bytes of a decoded block's object and array headers. */
    private static final long BLOCK_OVERHEAD = 96;

    private final String what;
    private final HnswGraphCodec.Header header;
    private final ScalarQuantizer quantizer;
    private final RoaringBitmap deleted;
    private final boolean hasDeleted;
    private final int m;
    private final int dimension;
    private final int codeLength;
    private final BlockfileBlocks<Integer, LinkBlock> links;
    private final DenseBlocks linkBlocks;
    /** Codes of a quantized graph, else null. */
    private final BlockfileBlocks<Integer, CodeBlock> codes;

    private final DenseBlocks codeBlocks;
    /** Embeddings by offset of a graph of floats, else null. */
    private final BlockfileBlocks<Integer, FloatBlock> embeddings;

    private final int[] embeddingFirstKeys;
    /** Vectors of deleted nodes by ordinal of a graph of floats, else null. */
    private final BlockfileBlocks<Integer, FloatBlock> vectors;

    private final int[] vectorFirstKeys;

    private StoredHnswGraph(
            String what,
            HnswGraphCodec.Header header,
            ScalarQuantizer quantizer,
            BlockfileBlocks<Integer, LinkBlock> links,
            BlockfileBlocks<Integer, CodeBlock> codes,
            BlockfileBlocks<Integer, FloatBlock> embeddings,
            BlockfileBlocks<Integer, FloatBlock> vectors) {
        this.what = what;
        this.header = header;
        this.quantizer = quantizer;
        this.deleted = header.deleted();
        this.hasDeleted = !deleted.isEmpty();
        this.m = header.config().m();
        this.dimension = header.dimension();
        this.codeLength = quantizer == null ? 0 : quantizer.codeLength();
        this.links = links;
        this.linkBlocks = new DenseBlocks(links, header.nodeCount(), what, HnswSegment.GRAPH.name());
        this.codes = codes;
        this.codeBlocks =
                codes == null ? null : new DenseBlocks(codes, header.nodeCount(), what, HnswSegment.CODES.name());
        this.embeddings = embeddings;
        this.embeddingFirstKeys = embeddings == null ? null : firstKeys(embeddings);
        this.vectors = vectors;
        this.vectorFirstKeys = vectors == null ? null : firstKeys(vectors);
    }

    /**
     * Opens the graph of {@code readers}: reads and checks the header (and the quantizer of a quantized graph) and the
     * roots of its files, no block.
     *
     * @throws IllegalStateException naming {@code what} when the version holds no graph that can be searched in its
     *                               blocks (a graph of floats written before {@code vector.embeddings} existed) or
     *                               its header and files disagree
     */
    static StoredHnswGraph open(HnswSegment.Readers readers, String what) {
        HnswGraphCodec.Header header = HnswSegment.header(readers, what);
        int n = header.nodeCount();
        if (readers.graph().count() != n) {
            throw new IllegalStateException(
                    what + ": " + readers.graph().count() + " graph nodes stored, the header says " + n);
        }
        if (n > 0 && (header.entryPoint() < 0 || header.entryPoint() >= n || header.maxLevel() < 0)) {
            throw new IllegalStateException(what + ": entry node " + header.entryPoint() + " at level "
                    + header.maxLevel() + " does not name one of " + n + " nodes");
        }
        int m = header.config().m();
        BlockfileBlocks<Integer, LinkBlock> links =
                readers.graph().blocks("hnsw-link-block", new LinkDecoder(what, n, m));
        if (readers.codes() != null) {
            ScalarQuantizer quantizer = HnswSegment.quantizer(readers, header, what);
            if (readers.codes().count() != n) {
                throw new IllegalStateException(what + ": " + readers.codes().count() + " codes stored in "
                        + HnswSegment.CODES.name() + ", the header counts " + n + " nodes");
            }
            BlockfileBlocks<Integer, CodeBlock> codes =
                    readers.codes().blocks("hnsw-code-block", new CodeDecoder(what, quantizer, header.dimension()));
            return new StoredHnswGraph(what, header, quantizer, links, codes, null, null);
        }
        if (!searchableInBlocks(readers, header)) {
            throw new IllegalStateException(what + ": a graph of floats is searched in its blocks only when its"
                    + " vectors are the version's " + SegmentFile.EMBEDDINGS.name()
                    + " (this version keeps them in " + HnswSegment.VECTORS.name() + ")");
        }
        boolean normalize = header.space() == DistanceSpace.COSINE;
        BlockfileBlocks<Integer, FloatBlock> embeddings = readers.embeddings()
                .blocks(
                        normalize ? "hnsw-cosine-block" : "hnsw-float-block",
                        new FloatDecoder(what, SegmentFile.EMBEDDINGS.name(), header.dimension(), normalize));
        BlockfileBlocks<Integer, FloatBlock> vectors = readers.vectors()
                .blocks(
                        "hnsw-float-block",
                        new FloatDecoder(what, HnswSegment.VECTORS.name(), header.dimension(), false));
        return new StoredHnswGraph(what, header, null, links, null, embeddings, vectors);
    }

    /**
     * Whether the graph of {@code readers} can be searched in its blocks: a quantized graph, or a graph of floats whose
     * live nodes' vectors are the version's embeddings ({@code vector.vectors} holds at most the deleted nodes).
     */
    static boolean searchableInBlocks(HnswSegment.Readers readers, HnswGraphCodec.Header header) {
        if (readers.codes() != null) {
            return true;
        }
        if (readers.embeddings() == null) {
            return false;
        }
        return readers.vectors().count() <= header.deleted().getLongCardinality();
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

    private static int[] firstKeys(BlockfileBlocks<Integer, ?> blocks) {
        int[] keys = new int[blocks.blockCount()];
        for (int b = 0; b < keys.length; b++) {
            keys[b] = blocks.firstKey(b);
        }
        return keys;
    }

    @Override
    public int dimension() {
        return dimension;
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
        return m;
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
    public HnswGraphView forSearch() {
        return new Walk();
    }

    @Override
    public int neighbours(int level, int node, int[] out) {
        return copyNeighbours(linkBlock(node, null), level, node, out);
    }

    @Override
    public void vector(int node, VectorSlice slice) {
        vector(node, slice, null);
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
        LinkBlock block = linkBlock(node, null);
        return block.offsets()[node - block.first()];
    }

    @Override
    public String toString() {
        return what;
    }

    // ------------------------------------------------------------------------------------------ block access

    /** The graph block holding {@code node}, from {@code walk}'s blocks when it has it. */
    private LinkBlock linkBlock(int node, Walk walk) {
        int b = linkBlocks.blockOf(node);
        if (walk == null) {
            return links.get(b);
        }
        LinkBlock block = walk.links[b];
        if (block == null) {
            block = links.get(b);
            walk.links[b] = block;
        }
        return block;
    }

    private static int copyNeighbours(LinkBlock block, int level, int node, int[] out) {
        int i = node - block.first();
        int list = block.levelStart()[i] + level;
        if (list >= block.levelStart()[i + 1]) {
            return -1;
        }
        int from = block.listStart()[list];
        int count = block.listStart()[list + 1] - from;
        System.arraycopy(block.links(), from, out, 0, count);
        return count;
    }

    private void vector(int node, VectorSlice slice, Walk walk) {
        if (codes != null) {
            int b = codeBlocks.blockOf(node);
            CodeBlock block;
            if (walk == null) {
                block = codes.get(b);
            } else {
                block = walk.codes[b];
                if (block == null) {
                    block = codes.get(b);
                    walk.codes[b] = block;
                }
            }
            slice.setCodes(block.codes(), (node - block.first()) * codeLength);
            return;
        }
        // As a load does: a deleted node's vector is in vector.vectors, a live node's is its record's embedding.
        boolean isDeleted = hasDeleted && deleted.contains(node);
        if (isDeleted && find(vectors, vectorFirstKeys, walk == null ? null : walk.vectors, node, slice)) {
            return;
        }
        LinkBlock links = linkBlock(node, walk);
        int offset = links.offsets()[node - links.first()];
        if (find(embeddings, embeddingFirstKeys, walk == null ? null : walk.embeddings, offset, slice)) {
            return;
        }
        if (!isDeleted && find(vectors, vectorFirstKeys, walk == null ? null : walk.vectors, node, slice)) {
            return;
        }
        throw new IllegalStateException(what + ": node " + node + " (offset " + offset + ") has no vector in "
                + HnswSegment.VECTORS.name() + " and no embedding in " + SegmentFile.EMBEDDINGS.name());
    }

    /** Points {@code slice} at the vector of {@code key} in {@code file}; false when the file has none. */
    private boolean find(
            BlockfileBlocks<Integer, FloatBlock> file, int[] firstKeys, FloatBlock[] held, int key, VectorSlice slice) {
        int b = blockFor(firstKeys, key);
        if (b < 0) {
            return false;
        }
        FloatBlock block = held == null ? null : held[b];
        if (block == null) {
            block = file.get(b);
            if (held != null) {
                held[b] = block;
            }
        }
        int i = Arrays.binarySearch(block.keys, key);
        if (i < 0) {
            return false;
        }
        slice.setFloats(block.data, i * dimension);
        return true;
    }

    /** The last block whose first key is at most {@code key}, or -1. */
    private static int blockFor(int[] firstKeys, int key) {
        int lo = 0;
        int hi = firstKeys.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (firstKeys[mid] <= key) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /**
     * The graph as one search on one thread walks it: the blocks it has read stay at hand, indexed by block number, so
     * that each block costs one cache lookup per search. Holds at most one reference per block of the graph's files
     * until it is dropped with its search.
     */
    private final class Walk implements HnswGraphView {
        final LinkBlock[] links = new LinkBlock[linkBlocks.blockCount()];
        final CodeBlock[] codes = codeBlocks == null ? null : new CodeBlock[codeBlocks.blockCount()];
        final FloatBlock[] embeddings = embeddingFirstKeys == null ? null : new FloatBlock[embeddingFirstKeys.length];
        final FloatBlock[] vectors = vectorFirstKeys == null ? null : new FloatBlock[vectorFirstKeys.length];

        @Override
        public int dimension() {
            return dimension;
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
            return m;
        }

        @Override
        public int nodeCount() {
            return header.nodeCount();
        }

        @Override
        public int entryNode() {
            return StoredHnswGraph.this.entryNode();
        }

        @Override
        public int entryLevel() {
            return StoredHnswGraph.this.entryLevel();
        }

        @Override
        public int neighbours(int level, int node, int[] out) {
            return copyNeighbours(linkBlock(node, this), level, node, out);
        }

        @Override
        public void vector(int node, VectorSlice slice) {
            StoredHnswGraph.this.vector(node, slice, this);
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
            LinkBlock block = linkBlock(node, this);
            return block.offsets()[node - block.first()];
        }

        @Override
        public String toString() {
            return what;
        }
    }

    // ------------------------------------------------------------------------------------------ decoded blocks

    /** The vectors of one block of float lists: {@code keys[i]}'s at {@code data[i * dimension ..]}. */
    record FloatBlock(int[] keys, float[] data) {}

    static final class LinkDecoder implements BlockDecoder<Integer, byte[], LinkBlock> {
        private final String what;
        private final int nodeCount;
        private final int m;

        LinkDecoder(String what, int nodeCount, int m) {
            this.what = what;
            this.nodeCount = nodeCount;
            this.m = m;
        }

        @Override
        public LinkBlock decode(Entries<Integer, byte[]> block) {
            int size = block.size();
            int first = size == 0 ? 0 : block.key(0);
            HnswGraphCodec.FlatLinks out = new HnswGraphCodec.FlatLinks(size, 2 * m);
            byte[] entry = new byte[64];
            for (int i = 0; i < size; i++) {
                int node = block.key(i);
                if (node != first + i) {
                    throw new IllegalStateException(what + ": " + HnswSegment.GRAPH.name() + " holds node " + node
                            + " where node " + (first + i) + " belongs (node ordinals are dense)");
                }
                int length = block.byteLength(i);
                if (length > entry.length) {
                    entry = new byte[Math.max(length, 2 * entry.length)];
                }
                block.copyBytes(i, entry, 0);
                HnswGraphCodec.decodeNodeInto(entry, length, what, node, out);
                for (int list = out.levelStart[i]; list < out.lists; list++) {
                    int level = list - out.levelStart[i];
                    int from = out.listStart[list];
                    int to = list + 1 < out.lists ? out.listStart[list + 1] : out.used;
                    int max = level == 0 ? 2 * m : m;
                    if (to - from > max) {
                        throw new IllegalStateException(what + ": node " + node + " has " + (to - from)
                                + " links on level " + level + ", at most " + max + " are allowed");
                    }
                    for (int j = from; j < to; j++) {
                        int id = out.links[j];
                        if (id < 0 || id >= nodeCount) {
                            throw new IllegalStateException(what + ": node " + node + " links to node " + id
                                    + " on level " + level + ", the graph has " + nodeCount + " nodes");
                        }
                    }
                }
            }
            return out.build(first);
        }

        @Override
        public long weight(LinkBlock decoded) {
            return BLOCK_OVERHEAD
                    + 4L
                            * (decoded.offsets().length
                                    + decoded.levelStart().length
                                    + decoded.listStart().length
                                    + decoded.links().length);
        }
    }

    static final class CodeDecoder implements BlockDecoder<Integer, byte[], CodeBlock> {
        private final String what;
        private final ScalarQuantizer quantizer;
        private final int dimension;

        CodeDecoder(String what, ScalarQuantizer quantizer, int dimension) {
            this.what = what;
            this.quantizer = quantizer;
            this.dimension = dimension;
        }

        @Override
        public CodeBlock decode(Entries<Integer, byte[]> block) {
            int size = block.size();
            int length = quantizer.codeLength();
            int first = size == 0 ? 0 : block.key(0);
            byte[] all = new byte[size * length];
            for (int i = 0; i < size; i++) {
                int node = block.key(i);
                if (node != first + i) {
                    throw new IllegalStateException(what + ": " + HnswSegment.CODES.name() + " holds node " + node
                            + " where node " + (first + i) + " belongs (node ordinals are dense)");
                }
                int stored = block.byteLength(i);
                if (stored != length) {
                    throw new IllegalStateException(what + ": code of node " + node + " in "
                            + HnswSegment.CODES.name() + " has " + stored + " bytes, the int" + quantizer.bits()
                            + " code of dimension " + dimension + " has " + length + " (truncated or corrupt)");
                }
                block.copyBytes(i, all, i * length);
            }
            return new CodeBlock(first, all);
        }

        @Override
        public long weight(CodeBlock decoded) {
            return BLOCK_OVERHEAD + decoded.codes().length;
        }
    }

    private static final class FloatDecoder implements BlockDecoder<Integer, float[], FloatBlock> {
        private final String what;
        private final String file;
        private final int dimension;
        private final boolean normalize;

        FloatDecoder(String what, String file, int dimension, boolean normalize) {
            this.what = what;
            this.file = file;
            this.dimension = dimension;
            this.normalize = normalize;
        }

        @Override
        public FloatBlock decode(Entries<Integer, float[]> block) {
            int size = block.size();
            int[] keys = new int[size];
            float[] data = new float[size * dimension];
            for (int i = 0; i < size; i++) {
                keys[i] = block.key(i);
                float[] v = block.value(i);
                if (v.length != dimension) {
                    throw new IllegalStateException(what + ": vector of " + keys[i] + " in " + file + " has dimension "
                            + v.length + ", the header says " + dimension);
                }
                float[] stored = normalize ? HnswSegment.asStored(v, DistanceSpace.COSINE) : v;
                System.arraycopy(stored, 0, data, i * dimension, dimension);
            }
            return new FloatBlock(keys, data);
        }

        @Override
        public long weight(FloatBlock decoded) {
            return BLOCK_OVERHEAD + 4L * decoded.keys.length + 4L * decoded.data.length;
        }
    }

    /**
     * Which block of a blockfile keyed by dense ordinals {@code 0 .. n - 1} holds an ordinal: block {@code b} holds
     * {@code starts[b] .. starts[b + 1] - 1}, found from a table of every {@code 2^shift}-th ordinal's block and at
     * most a few steps forward, without a search.
     */
    static final class DenseBlocks {
        private final int[] starts;
        private final int[] table;
        private final int shift;

        DenseBlocks(BlockfileBlocks<Integer, ?> blocks, int n, String what, String file) {
            int count = blocks.blockCount();
            starts = new int[count + 1];
            int smallest = Integer.MAX_VALUE;
            for (int b = 0; b < count; b++) {
                starts[b] = (int) blocks.entriesBefore(b);
                if (blocks.firstKey(b) != starts[b]) {
                    throw new IllegalStateException(what + ": block " + b + " of " + file + " starts at node "
                            + blocks.firstKey(b) + ", " + starts[b] + " nodes precede it (node ordinals are dense)");
                }
                if (b < count - 1) {
                    smallest = Math.min(smallest, (int) blocks.entries(b));
                }
            }
            starts[count] = n;
            // A bucket no wider than the smallest block spans at most two blocks (three with a short last block);
            // the table stays within a few times the block count whatever the blocks' sizes.
            int s = Math.min(30, 31 - Integer.numberOfLeadingZeros(Math.max(1, smallest)));
            while (s < 30 && ((long) n >> s) > 4L * count + 4) {
                s++;
            }
            shift = s;
            table = new int[(int) (((long) n >> s) + 1)];
            int b = 0;
            for (int k = 0; k < table.length; k++) {
                int node = k << s;
                while (b < count - 1 && starts[b + 1] <= node) {
                    b++;
                }
                table[k] = b;
            }
        }

        int blockCount() {
            return starts.length - 1;
        }

        /** The block of {@code node}, {@code 0 <= node < n}. */
        int blockOf(int node) {
            int b = table[node >>> shift];
            while (starts[b + 1] <= node) {
                b++;
            }
            return b;
        }
    }
}
