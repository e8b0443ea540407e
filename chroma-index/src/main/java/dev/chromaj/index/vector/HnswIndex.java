package dev.chromaj.index.vector;

import dev.chromaj.annotations.Internal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.PrimitiveIterator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;

/**
 * An in-memory HNSW graph over record offsets (Malkov and Yashunin), with Chroma's parameters: heuristic neighbour
 * selection, up to {@code 2 * M} links on layer 0 and {@code M} above, level multiplier {@code 1 / ln(M)}.
 *
 * <p><b>Identity.</b> Callers name vectors by offset (a dense non-negative int). Internally every insert creates a
 * new graph node; adding an offset that is already present is an update: the new node replaces the old one, which
 * stays in the graph as a deleted node. Deleted nodes are still traversed (they keep the graph navigable) but are
 * never returned, and their neighbours are reconnected to each other when they are deleted. When the deleted share
 * exceeds {@link #REBUILD_DELETED_FRACTION}, {@link #shouldRebuild()} turns true and {@link #rebuilt()} makes a
 * fresh graph of the live vectors.
 *
 * <p><b>Layout.</b> Nodes live in fixed-size chunks: one flat {@code float[]} of vectors and one flat {@code int[]}
 * of layer-0 links (a count followed by {@code 2 * M} slots) per chunk; upper-layer links are small {@code int[]}s
 * for the few nodes above layer 0.
 *
 * <p><b>Quantized graphs.</b> An index created with a {@link ScalarQuantizer} keeps each vector only as its int8
 * code (a quarter of the float bytes) or packed int4 code (an eighth): inserts encode the vector; searches encode the query too, so searches and
 * neighbour selection use distances between decoded codes, computed as integer sums over the bytes
 * ({@link ScalarQuantizer#distanceBetween}); {@link #vector(int)} returns the decoded approximation. The distances a
 * quantized search returns are therefore approximate; callers re-rank the best candidates with the full-precision
 * vectors they keep elsewhere.
 *
 * <p><b>Thread safety.</b> All methods are thread-safe. Inserts run concurrently: a thread only ever holds the lock
 * of one node (striped locks) while it edits that node's links. Searches take no lock; a search running during
 * inserts may miss nodes being inserted, never returns a deleted or replaced offset, and reports distances to the
 * vector the offset currently has. {@link #export()} and {@link #rebuilt()} wait for running inserts and deletes.
 *
 * <p><b>Filtered search.</b> {@link #search(float[], int, int, IntPredicate)} walks the graph and keeps only allowed
 * offsets. {@link #search(float[], int, int, OffsetSet)} first compares the allowed count with an estimate of the
 * work of a filtered graph walk ({@link #bruteForceThreshold(int)}) and scans the allowed offsets exhaustively when
 * that is cheaper; its results are then exact.
 */
@Internal
public final class HnswIndex {

    /** Deleted (or replaced) share of all graph nodes above which {@link #shouldRebuild()} is true. */
    public static final double REBUILD_DELETED_FRACTION = 0.2;

    private static final VarHandle INTS = MethodHandles.arrayElementVarHandle(int[].class);
    private static final int MIN_CHUNK_SHIFT = 6;
    private static final int MAX_CHUNK_SHIFT = 12;
    private static final int MAX_VECTOR_CHUNK_BYTES = 256 * 1024;
    private static final int OFFSET_CHUNK_SHIFT = 12;
    private static final int OFFSET_CHUNK_MASK = (1 << OFFSET_CHUNK_SHIFT) - 1;
    private static final int LOCK_STRIPES = 4096;
    private static final int MAX_LEVEL = 24;
    private static final long ARRAY_HEADER_BYTES = 16;
    private static final long REFERENCE_BYTES = 4;

    private final int dimension;
    /** Null for a graph of float vectors; else every vector is held only as its code. */
    private final ScalarQuantizer quantizer;
    /** Bytes of one code in a quantized index ({@link ScalarQuantizer#codeLength()}); else the dimension. */
    private final int codeLength;

    private final DistanceSpace space;
    private final HnswConfig config;
    private final boolean squaredL2;
    private final int m;
    private final int maxLinks0;
    private final int stride;
    private final double levelMultiplier;
    private final int chunkShift;
    private final int chunkMask;

    /** Guards node allocation and the growth of {@link #chunks} and {@link #offsetMap}. */
    private final Object growLock = new Object();

    private volatile NodeChunks chunks;
    /** offset -> node + 1 (0 = absent), read and written with acquire/release. */
    private volatile int[][] offsetMap;

    private final AtomicInteger nodeCount = new AtomicInteger();
    private final AtomicInteger liveCount = new AtomicInteger();
    private final AtomicLong upperLinkBytes = new AtomicLong();
    /** Feeds the level generator, so levels depend on the seed and the insert sequence only. */
    private final AtomicLong levelSequence = new AtomicLong();
    /** Stripe {@code node % LOCK_STRIPES} guards the neighbour lists of that node. */
    private final Object[] nodeLocks = newLocks();
    /** Stripe {@code offset % LOCK_STRIPES} guards the mapping of that offset to its node. */
    private final Object[] offsetLocks = newLocks();

    private final AtomicReference<Entry> entry = new AtomicReference<>();
    /** Read side: inserts and deletes; write side: whole-graph copies (export, rebuild). */
    private final ReentrantReadWriteLock structureLock = new ReentrantReadWriteLock();

    private final ThreadLocal<SearchScratch> scratch = ThreadLocal.withInitial(SearchScratch::new);

    /**
     * Creates an empty index.
     *
     * @param dimension    vector dimension, at least 1
     * @param space        distance space; cosine vectors are normalized at insert
     * @param config       graph parameters
     * @param expectedSize expected number of vectors, used to size storage chunks (not a limit)
     */
    public HnswIndex(int dimension, DistanceSpace space, HnswConfig config, int expectedSize) {
        this(dimension, space, config, expectedSize, null);
    }

    /**
     * Creates an empty index that holds its vectors as the int8 codes of {@code quantizer} (null: float vectors).
     *
     * @throws IllegalArgumentException as {@link #HnswIndex(int, DistanceSpace, HnswConfig, int)}, or if the
     *                                  quantizer's dimension differs
     */
    public HnswIndex(
            int dimension, DistanceSpace space, HnswConfig config, int expectedSize, ScalarQuantizer quantizer) {
        if (quantizer != null && quantizer.dimension() != dimension) {
            throw new IllegalArgumentException(
                    "quantizer must have dimension " + dimension + ", got " + quantizer.dimension());
        }
        this.quantizer = quantizer;
        this.codeLength = quantizer == null ? dimension : quantizer.codeLength();
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be at least 1, got " + dimension);
        }
        if (expectedSize < 0) {
            throw new IllegalArgumentException("expectedSize must be non-negative, got " + expectedSize);
        }
        this.dimension = dimension;
        this.space = Objects.requireNonNull(space, "space");
        this.config = Objects.requireNonNull(config, "config");
        this.squaredL2 = space == DistanceSpace.L2;
        this.m = config.m();
        this.maxLinks0 = 2 * m;
        this.stride = 1 + maxLinks0;
        this.levelMultiplier = 1.0 / Math.log(m);
        int bits = 32 - Integer.numberOfLeadingZeros(Math.max(1, expectedSize - 1));
        // Keep a vector chunk at or below 256 KiB: G1 stores arrays of half a region or more (512 KiB with the
        // smallest regions) as humongous objects in whole regions, which wasted up to half of the vector memory.
        long vectorsPerChunk = Math.max(1L, MAX_VECTOR_CHUNK_BYTES / vectorBytes());
        int fit = 63 - Long.numberOfLeadingZeros(vectorsPerChunk);
        this.chunkShift = Math.max(MIN_CHUNK_SHIFT, Math.min(Math.min(MAX_CHUNK_SHIFT, fit), bits));
        this.chunkMask = (1 << chunkShift) - 1;
        this.chunks = new NodeChunks(
                new float[0][], new byte[0][], new int[0][], new int[0][][][], new int[0][], new byte[0][], 0);
        this.offsetMap = new int[0][];
    }

    /** Vector dimension. */
    public int dimension() {
        return dimension;
    }

    /** Distance space. */
    public DistanceSpace space() {
        return space;
    }

    /** Graph parameters. */
    public HnswConfig config() {
        return config;
    }

    /** The quantizer whose codes this index holds instead of float vectors, or null. */
    public ScalarQuantizer quantizer() {
        return quantizer;
    }

    /** Heap bytes of one stored vector: its code, or its floats. */
    private long vectorBytes() {
        return quantizer != null ? codeLength : (long) dimension * Float.BYTES;
    }

    // ----------------------------------------------------------------------------------------------- mutations

    /**
     * Adds {@code vector} under {@code offset}, or replaces the vector if the offset is present (an update). The
     * vector is copied.
     *
     * @throws IllegalArgumentException if the offset is negative or the dimension differs
     */
    public void add(int offset, float[] vector) {
        checkOffset(offset, "offset");
        float[] prepared = prepare(vector, "vector");
        structureLock.readLock().lock();
        try {
            insert(offset, prepared);
        } finally {
            structureLock.readLock().unlock();
        }
    }

    /**
     * Adds (or updates) many vectors using {@code threads} threads; {@code offsets[i]} names {@code vectors[i]}.
     * Everything is validated before anything changes.
     *
     * @throws IllegalArgumentException if the arrays differ in length, an offset is negative or repeated, a
     *                                  dimension differs, or {@code threads < 1}
     */
    public void addAll(int[] offsets, float[][] vectors, int threads) {
        if (offsets.length != vectors.length) {
            throw new IllegalArgumentException(
                    "offsets and vectors must have the same length, got " + offsets.length + " and " + vectors.length);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        BitSet seen = new BitSet();
        for (int i = 0; i < offsets.length; i++) {
            checkOffset(offsets[i], "offsets[" + i + "]");
            if (seen.get(offsets[i])) {
                throw new IllegalArgumentException("offsets must be unique, found " + offsets[i] + " twice");
            }
            seen.set(offsets[i]);
            checkVector(vectors[i], "vectors[" + i + "]");
        }
        // Each vector is copied (and normalized) only when its insert starts: a batch is never held twice.
        float[][] batch = vectors.clone();
        insertAll(offsets, i -> prepare(batch[i], "vectors[" + i + "]"), batch.length, threads);
    }

    /** Deletes {@code offset}; a no-op if it is absent. */
    public void delete(int offset) {
        checkOffset(offset, "offset");
        structureLock.readLock().lock();
        try {
            int node;
            synchronized (offsetLocks[offset & (LOCK_STRIPES - 1)]) {
                node = mappedNode(offset);
                if (node < 0) {
                    return;
                }
                setMapping(offset, -1);
                markDeleted(node);
                liveCount.decrementAndGet();
            }
            repairAround(node);
        } finally {
            structureLock.readLock().unlock();
        }
    }

    // --------------------------------------------------------------------------------------------------- reads

    /** Whether {@code offset} is present (added and not deleted). */
    public boolean contains(int offset) {
        return offset >= 0 && mappedNode(offset) >= 0;
    }

    /**
     * A copy of the vector stored under {@code offset} (normalized for cosine; the decoded code in a quantized
     * index), or null if absent.
     */
    public float[] vector(int offset) {
        int node = offset < 0 ? -1 : mappedNode(offset);
        if (node < 0) {
            return null;
        }
        NodeChunks c = chunks;
        if (quantizer != null) {
            return quantizer.decode(c.codes[node >>> chunkShift], (node & chunkMask) * codeLength);
        }
        int from = (node & chunkMask) * dimension;
        return Arrays.copyOfRange(c.vectors[node >>> chunkShift], from, from + dimension);
    }

    /** Number of live offsets. */
    public int size() {
        return liveCount.get();
    }

    /** Number of graph nodes that are deleted or were replaced by an update. */
    public int deletedCount() {
        return nodeCount.get() - liveCount.get();
    }

    /** Whether the deleted share exceeds {@link #REBUILD_DELETED_FRACTION}, so {@link #rebuilt()} pays off. */
    public boolean shouldRebuild() {
        int nodes = nodeCount.get();
        return nodes > 0 && deletedCount() > REBUILD_DELETED_FRACTION * nodes;
    }

    /**
     * Estimated heap bytes held by this index: allocated vector and link chunks, upper-layer links, the offset
     * map and per-node bookkeeping (object headers of the chunk arrays included; per-thread search scratch not).
     */
    public long memoryBytes() {
        NodeChunks c = chunks;
        long chunkNodes = 1L << chunkShift;
        long perChunk = 5 * ARRAY_HEADER_BYTES
                + chunkNodes * vectorBytes()
                + chunkNodes * stride * Integer.BYTES
                + chunkNodes * REFERENCE_BYTES
                + chunkNodes * Integer.BYTES
                + chunkNodes;
        long directories = 5 * (ARRAY_HEADER_BYTES + (long) c.links.length * REFERENCE_BYTES);
        int[][] map = offsetMap;
        long offsets = ARRAY_HEADER_BYTES
                + map.length * (REFERENCE_BYTES + ARRAY_HEADER_BYTES + (long) (OFFSET_CHUNK_MASK + 1) * Integer.BYTES);
        return c.links.length * perChunk + directories + offsets + upperLinkBytes.get();
    }

    /** Estimated heap bytes of the stored vectors (codes in a quantized index), a part of {@link #memoryBytes()}. */
    public long vectorMemoryBytes() {
        return (long) chunks.links.length * (ARRAY_HEADER_BYTES + (1L << chunkShift) * vectorBytes());
    }

    /** Nearest neighbours with the configured efSearch and no filter. */
    public List<ScoredOffset> search(float[] query, int k) {
        return search(query, k, config.efSearch(), (IntPredicate) null);
    }

    /**
     * The (approximately) {@code k} nearest live offsets to {@code query}, by ascending distance (ties by offset).
     *
     * @param efSearch candidate list size (raised to {@code k} if smaller)
     * @param allowed  offsets that may be returned, or null for all; tested during the graph walk
     * @throws IllegalArgumentException if the dimension differs, {@code k < 1} or {@code efSearch < 1}
     */
    public List<ScoredOffset> search(float[] query, int k, int efSearch, IntPredicate allowed) {
        float[] q = prepareQuery(query, k, efSearch);
        return graphSearch(q, encodeQuery(q), k, Math.max(k, efSearch), allowed);
    }

    /**
     * Filtered search with a planner: when {@code allowed} is small enough that scanning it costs less than a graph
     * search, the result is the exact top {@code k} of the allowed offsets; otherwise it is a graph search that
     * tests {@code allowed.contains}. A null set means no filter.
     */
    public List<ScoredOffset> search(float[] query, int k, int efSearch, OffsetSet allowed) {
        float[] q = prepareQuery(query, k, efSearch);
        ScalarQuantizer.EncodedQuery qc = encodeQuery(q);
        if (allowed == null) {
            return graphSearch(q, qc, k, Math.max(k, efSearch), null);
        }
        if (allowed.cardinality() <= bruteForceThreshold(Math.max(k, efSearch))) {
            return scan(q, qc, k, allowed.iterator());
        }
        return graphSearch(q, qc, k, Math.max(k, efSearch), allowed::contains);
    }

    /** The exact top {@code k} among {@code offsets} (absent offsets are skipped), ties by offset. */
    public List<ScoredOffset> exactSearch(float[] query, int k, OffsetSet offsets) {
        float[] q = prepareQuery(query, k, 1);
        return scan(q, encodeQuery(q), k, offsets.iterator());
    }

    /**
     * The allowed-set size at or below which the planner scans instead of walking the graph:
     * {@code efSearch * M * log2(n) / 4}. A filtered walk keeps expanding until it has {@code efSearch} allowed
     * results, so its cost grows as the allowed share shrinks while a scan costs one distance per allowed offset;
     * measured on 100k x 128 (M 16, efSearch 100) the two cross between 5% and 10% selectivity, and this estimate
     * (6,800 allowed offsets there) sits at that crossing.
     */
    public int bruteForceThreshold(int efSearch) {
        return HnswGraphSearcher.bruteForceThreshold(size(), efSearch, m);
    }

    /**
     * A read-only view of this index's graph where it lies (no copy), for {@link HnswGraphSearcher}: searching it
     * returns what {@link #search(float[], int, int, IntPredicate)} returns. Like the index's own searches, the view
     * takes no lock; while inserts or deletes run, a walk over it may see lists being rewritten.
     */
    public HnswGraphView view() {
        return new OnHeapView();
    }

    /** {@link #view()}: every call reads the current chunk directory. */
    private final class OnHeapView implements HnswGraphView {
        @Override
        public int dimension() {
            return dimension;
        }

        @Override
        public DistanceSpace space() {
            return space;
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
            return nodeCount.get();
        }

        @Override
        public int entryNode() {
            return HnswIndex.this.entryNode();
        }

        @Override
        public int entryLevel() {
            return HnswIndex.this.entryLevel();
        }

        @Override
        public int neighbours(int level, int node, int[] out) {
            NodeChunks c = chunks;
            int[] list = listArray(c, node, level);
            if (list == null) {
                return -1;
            }
            int base = listBase(node, level);
            int count = Math.min((int) INTS.getAcquire(list, base), level == 0 ? maxLinks0 : m);
            System.arraycopy(list, base + 1, out, 0, count);
            return count;
        }

        @Override
        public void vector(int node, VectorSlice slice) {
            NodeChunks c = chunks;
            if (quantizer != null) {
                slice.setCodes(c.codes[node >>> chunkShift], (node & chunkMask) * codeLength);
            } else {
                slice.setFloats(c.vectors[node >>> chunkShift], (node & chunkMask) * dimension);
            }
        }

        @Override
        public boolean hasDeletedNodes() {
            return nodeCount.get() != liveCount.get();
        }

        @Override
        public boolean isDeleted(int node) {
            return HnswIndex.this.isDeleted(chunks, node);
        }

        @Override
        public int offset(int node) {
            return chunks.offsets[node >>> chunkShift][node & chunkMask];
        }
    }

    // ------------------------------------------------------------------------------------------ snapshot/rebuild

    /**
     * A complete copy of the graph (live and deleted nodes, links, vectors, entry point), for persistence. Waits for
     * running inserts and deletes; searches continue.
     */
    public HnswGraphSnapshot export() {
        structureLock.writeLock().lock();
        try {
            NodeChunks c = chunks;
            int n = nodeCount.get();
            List<HnswGraphSnapshot.Node> nodes = new ArrayList<>(n);
            for (int node = 0; node < n; node++) {
                int ci = node >>> chunkShift;
                int local = node & chunkMask;
                float[] vector = quantizer != null
                        ? null
                        : Arrays.copyOfRange(c.vectors[ci], local * dimension, (local + 1) * dimension);
                byte[] code = quantizer == null
                        ? null
                        : Arrays.copyOfRange(c.codes[ci], local * codeLength, (local + 1) * codeLength);
                int[][] upper = c.upper[ci][local];
                int levels = upper == null ? 0 : upper.length;
                int[][] neighbours = new int[levels + 1][];
                int base = local * stride;
                int[] links = c.links[ci];
                neighbours[0] = Arrays.copyOfRange(links, base + 1, base + 1 + links[base]);
                for (int l = 1; l <= levels; l++) {
                    int[] list = upper[l - 1];
                    neighbours[l] = Arrays.copyOfRange(list, 1, 1 + list[0]);
                }
                nodes.add(new HnswGraphSnapshot.Node(
                        c.offsets[ci][local], c.deleted[ci][local] != 0, vector, neighbours, code));
            }
            Entry ep = entry.get();
            return new HnswGraphSnapshot(
                    dimension, space, config, ep == null ? -1 : ep.node, ep == null ? -1 : ep.level, nodes, quantizer);
        } finally {
            structureLock.writeLock().unlock();
        }
    }

    /**
     * Loads a graph exported by {@link #export()}: searches on the result return what they returned on the
     * original, and the result accepts further inserts, updates and deletes (extending a fork of the graph).
     *
     * @throws IllegalArgumentException if the snapshot is inconsistent (dimensions, link ids or counts, duplicate
     *                                  live offsets, entry level)
     */
    public static HnswIndex restore(HnswGraphSnapshot snapshot) {
        List<HnswGraphSnapshot.Node> nodes = snapshot.nodes();
        return restore(
                snapshot.dimension(),
                snapshot.space(),
                snapshot.config(),
                snapshot.quantizer(),
                nodes.size(),
                snapshot.entryPoint(),
                snapshot.maxLevel(),
                nodes::get);
    }

    /**
     * {@link #restore(HnswGraphSnapshot)} from nodes supplied one at a time: {@code nodeAt} is called once per
     * ordinal, in ascending order, and the node may be dropped once it returns, so a load never holds every node's
     * vector (or code) twice. The parameters are those of {@link HnswGraphSnapshot}.
     *
     * @throws IllegalArgumentException as {@link #restore(HnswGraphSnapshot)}
     */
    public static HnswIndex restore(
            int dimension,
            DistanceSpace space,
            HnswConfig config,
            ScalarQuantizer quantizer,
            int n,
            int entryPoint,
            int maxLevel,
            IntFunction<HnswGraphSnapshot.Node> nodeAt) {
        checkRestore(dimension, quantizer, n, entryPoint);
        HnswIndex index = new HnswIndex(dimension, space, config, n, quantizer);
        for (int i = 0; i < n; i++) {
            HnswGraphSnapshot.Node node = nodeAt.apply(i);
            if ((quantizer == null) != (node.code() == null)) {
                throw new IllegalArgumentException("nodes[" + i + "] must hold "
                        + (quantizer == null ? "a vector: the graph stores floats" : "a code: the graph is quantized"));
            }
            int length = quantizer == null ? node.vector().length : node.code().length;
            if (length != index.codeLength) {
                throw new IllegalArgumentException("nodes[" + i + "]."
                        + (quantizer == null
                                ? "vector must have dimension " + dimension
                                : "code must have " + index.codeLength + " bytes")
                        + ", got " + length);
            }
            int[][] neighbours = node.neighbours();
            for (int l = 0; l < neighbours.length; l++) {
                int max = l == 0 ? index.maxLinks0 : index.m;
                if (neighbours[l].length > max) {
                    throw new IllegalArgumentException("nodes[" + i + "].neighbours[" + l + "] must hold at most " + max
                            + " links, got " + neighbours[l].length);
                }
                for (int id : neighbours[l]) {
                    if (id < 0 || id >= n) {
                        throw new IllegalArgumentException("nodes[" + i + "].neighbours[" + l
                                + "] must name nodes present on level " + l + ", got " + id);
                    }
                }
            }
            int id = index.allocateNode(node.offset(), node.vector(), node.code(), node.level());
            NodeChunks c = index.chunks;
            int ci = id >>> index.chunkShift;
            int local = id & index.chunkMask;
            int base = local * index.stride;
            System.arraycopy(neighbours[0], 0, c.links[ci], base + 1, neighbours[0].length);
            c.links[ci][base] = neighbours[0].length;
            for (int l = 1; l < neighbours.length; l++) {
                int[] list = c.upper[ci][local][l - 1];
                System.arraycopy(neighbours[l], 0, list, 1, neighbours[l].length);
                list[0] = neighbours[l].length;
            }
            if (node.deleted()) {
                c.deleted[ci][local] = 1;
            } else {
                if (index.mappedNode(node.offset()) >= 0) {
                    throw new IllegalArgumentException(
                            "nodes[" + i + "].offset " + node.offset() + " must be unique among live nodes");
                }
                index.setMapping(node.offset(), id);
                index.liveCount.incrementAndGet();
            }
        }
        return index.finishRestore(n, entryPoint, maxLevel);
    }

    /**
     * {@link #restore(int, DistanceSpace, HnswConfig, ScalarQuantizer, int, int, int, IntFunction)} of a quantized
     * graph from its blocks: {@code links} yields the nodes' links block by block and {@code codes} their codes, each
     * in ascending ordinal order from node 0 (the two may split the nodes differently). Nothing is allocated per node
     * but the lists of the upper levels, so a load of a million nodes creates little garbage. The blocks may be
     * dropped once consumed.
     *
     * @param deleted whether a node is deleted (kept for navigation only)
     * @throws IllegalArgumentException as {@link #restore(HnswGraphSnapshot)}, or if the blocks are not dense from
     *                                  node 0, end early, or run past node {@code n - 1}
     */
    public static HnswIndex restore(
            int dimension,
            DistanceSpace space,
            HnswConfig config,
            ScalarQuantizer quantizer,
            int n,
            int entryPoint,
            int maxLevel,
            IntPredicate deleted,
            Iterator<HnswGraphSnapshot.LinkBlock> links,
            Iterator<HnswGraphSnapshot.CodeBlock> codes) {
        Objects.requireNonNull(quantizer, "quantizer");
        checkRestore(dimension, quantizer, n, entryPoint);
        HnswIndex index = new HnswIndex(dimension, space, config, n, quantizer);
        index.fillCodes(n, codes);
        index.fillLinks(n, deleted, links);
        return index.finishRestore(n, entryPoint, maxLevel);
    }

    /** The checks of a restore's parameters that need no node. */
    private static void checkRestore(int dimension, ScalarQuantizer quantizer, int n, int entryPoint) {
        if (quantizer != null && quantizer.dimension() != dimension) {
            throw new IllegalArgumentException(
                    "quantizer must have dimension " + dimension + ", got " + quantizer.dimension());
        }
        if (entryPoint < -1 || entryPoint >= n) {
            throw new IllegalArgumentException(
                    "entryPoint must be -1 or a node ordinal below " + n + ", got " + entryPoint);
        }
    }

    /** Allocates the chunks of {@code n} nodes and copies their codes in, run by run. */
    private void fillCodes(int n, Iterator<HnswGraphSnapshot.CodeBlock> blocks) {
        NodeChunks c = chunks;
        while (c.capacity < n) {
            c = grow(c);
        }
        int next = 0;
        while (next < n) {
            if (!blocks.hasNext()) {
                throw new IllegalArgumentException("codes end at node " + next + " of " + n);
            }
            HnswGraphSnapshot.CodeBlock block = blocks.next();
            byte[] src = block.codes();
            if (block.first() != next || src.length % codeLength != 0) {
                throw new IllegalArgumentException("codes must be dense from node 0 in whole codes of " + codeLength
                        + " bytes: expected node " + next + ", got a block of " + src.length + " bytes from node "
                        + block.first());
            }
            int count = src.length / codeLength;
            if (count > n - next) {
                throw new IllegalArgumentException("codes run past node " + (n - 1) + ": a block holds nodes " + next
                        + " .. " + (next + count - 1));
            }
            for (int done = 0; done < count; ) {
                int node = next + done;
                int local = node & chunkMask;
                int run = Math.min(count - done, chunkMask + 1 - local);
                System.arraycopy(
                        src, done * codeLength, c.codes[node >>> chunkShift], local * codeLength, run * codeLength);
                done += run;
            }
            next += count;
        }
        if (blocks.hasNext()) {
            throw new IllegalArgumentException("codes run past node " + (n - 1));
        }
    }

    /** Copies the links, offsets and deleted marks of {@code n} nodes (chunks already allocated) and maps offsets. */
    private void fillLinks(int n, IntPredicate deleted, Iterator<HnswGraphSnapshot.LinkBlock> blocks) {
        NodeChunks c = chunks;
        int next = 0;
        long upperBytes = 0;
        int live = 0;
        while (next < n) {
            if (!blocks.hasNext()) {
                throw new IllegalArgumentException("links end at node " + next + " of " + n);
            }
            HnswGraphSnapshot.LinkBlock block = blocks.next();
            if (block.first() != next) {
                throw new IllegalArgumentException(
                        "links must be dense from node 0: expected node " + next + ", got " + block.first());
            }
            if (block.size() > n - next) {
                throw new IllegalArgumentException("links run past node " + (n - 1) + ": a block holds nodes " + next
                        + " .. " + (next + block.size() - 1));
            }
            int[] levelStart = block.levelStart();
            int[] listStart = block.listStart();
            int[] all = block.links();
            for (int i = 0; i < block.size(); i++, next++) {
                int node = next;
                int ci = node >>> chunkShift;
                int local = node & chunkMask;
                int firstList = levelStart[i];
                int levels = levelStart[i + 1] - firstList;
                if (levels < 1 || levels > MAX_LEVEL + 1) {
                    throw new IllegalArgumentException(
                            "nodes[" + node + "] must have 1 to " + (MAX_LEVEL + 1) + " levels, got " + levels);
                }
                for (int l = 0; l < levels; l++) {
                    int from = listStart[firstList + l];
                    int count = listStart[firstList + l + 1] - from;
                    int max = l == 0 ? maxLinks0 : m;
                    if (count < 0 || count > max) {
                        throw new IllegalArgumentException("nodes[" + node + "].neighbours[" + l
                                + "] must hold at most " + max + " links, got " + count);
                    }
                    for (int j = from; j < from + count; j++) {
                        int id = all[j];
                        if (id < 0 || id >= n) {
                            throw new IllegalArgumentException("nodes[" + node + "].neighbours[" + l
                                    + "] must name nodes present on level " + l + ", got " + id);
                        }
                    }
                    int[] list;
                    int base;
                    if (l == 0) {
                        list = c.links[ci];
                        base = local * stride;
                    } else {
                        if (l == 1) {
                            c.upper[ci][local] = new int[levels - 1][1 + m];
                            upperBytes += ARRAY_HEADER_BYTES
                                    + (levels - 1) * (REFERENCE_BYTES + ARRAY_HEADER_BYTES + (1L + m) * Integer.BYTES);
                        }
                        list = c.upper[ci][local][l - 1];
                        base = 0;
                    }
                    System.arraycopy(all, from, list, base + 1, count);
                    list[base] = count;
                }
                int offset = block.offsets()[i];
                if (offset < 0) {
                    throw new IllegalArgumentException(
                            "nodes[" + node + "].offset must be non-negative, got " + offset);
                }
                c.offsets[ci][local] = offset;
                if (deleted.test(node)) {
                    c.deleted[ci][local] = 1;
                } else {
                    if (mappedNode(offset) >= 0) {
                        throw new IllegalArgumentException(
                                "nodes[" + node + "].offset " + offset + " must be unique among live nodes");
                    }
                    setMapping(offset, node);
                    live++;
                }
            }
        }
        if (blocks.hasNext()) {
            throw new IllegalArgumentException("links run past node " + (n - 1));
        }
        upperLinkBytes.addAndGet(upperBytes);
        liveCount.addAndGet(live);
        nodeCount.set(n);
    }

    /** The checks of a restore that need every node's level, then the entry point: returns this index. */
    private HnswIndex finishRestore(int n, int entryPoint, int maxLevel) {
        // Links may name later nodes: their levels are known only now. Every node is on level 0, so only the links
        // of the upper levels (a few percent of the nodes) need the check.
        NodeChunks c = chunks;
        for (int i = 0; i < n; i++) {
            int levels = levelOf(c, i);
            for (int l = 1; l <= levels; l++) {
                int[] list = listArray(c, i, l);
                int base = listBase(i, l);
                for (int j = 1; j <= list[base]; j++) {
                    int id = list[base + j];
                    if (levelOf(c, id) < l) {
                        throw new IllegalArgumentException("nodes[" + i + "].neighbours[" + l
                                + "] must name nodes present on level " + l + ", got " + id);
                    }
                }
            }
        }
        if (entryPoint >= 0) {
            int level = levelOf(c, entryPoint);
            if (level != maxLevel) {
                throw new IllegalArgumentException(
                        "maxLevel must equal the entry node's level " + level + ", got " + maxLevel);
            }
            entry.set(new Entry(entryPoint, level));
        } else if (n > 0) {
            throw new IllegalArgumentException("entryPoint must name a node of a non-empty graph, got -1");
        }
        return this;
    }

    /**
     * An independent copy of this index (graph, vectors or codes, deleted nodes, entry point) with another
     * configuration (a compaction passes a fresh level seed): what {@code restore(export())} gives, without the
     * intermediate per-node snapshot. A node's vector (or code) and offset never change once written, so the chunks
     * of them that are full are shared, not copied: a copy costs the links, the deleted flags, the offset map and one
     * partial chunk, not the vectors. Either index may be extended afterwards (new nodes go to chunks each owns).
     * Waits for running inserts and deletes; searches continue.
     */
    public HnswIndex copy(HnswConfig newConfig) {
        Objects.requireNonNull(newConfig, "newConfig");
        structureLock.writeLock().lock();
        try {
            HnswIndex copy = new HnswIndex(dimension, space, newConfig, 1 << chunkShift, quantizer);
            assert copy.chunkShift == chunkShift;
            NodeChunks c = chunks;
            int count = c.links.length;
            int nodes = nodeCount.get();
            float[][] vectors = new float[c.vectors.length][];
            byte[][] codes = new byte[c.codes.length][];
            int[][] links = new int[count][];
            int[][][][] upper = new int[count][][][];
            int[][] offsets = new int[count][];
            byte[][] deleted = new byte[count][];
            for (int i = 0; i < count; i++) {
                // A full chunk is never written again by either index: share it.
                boolean full = ((long) i + 1) << chunkShift <= nodes;
                if (quantizer == null) {
                    vectors[i] = full ? c.vectors[i] : c.vectors[i].clone();
                } else {
                    codes[i] = full ? c.codes[i] : c.codes[i].clone();
                }
                links[i] = c.links[i].clone();
                offsets[i] = full ? c.offsets[i] : c.offsets[i].clone();
                deleted[i] = c.deleted[i].clone();
                upper[i] = new int[c.upper[i].length][][];
                for (int local = 0; local < upper[i].length; local++) {
                    int[][] levels = c.upper[i][local];
                    if (levels != null) {
                        int[][] cloned = new int[levels.length][];
                        for (int l = 0; l < levels.length; l++) {
                            cloned[l] = levels[l].clone();
                        }
                        upper[i][local] = cloned;
                    }
                }
            }
            copy.chunks = new NodeChunks(vectors, codes, links, upper, offsets, deleted, c.capacity);
            int[][] map = offsetMap;
            int[][] mapCopy = new int[map.length][];
            for (int i = 0; i < map.length; i++) {
                mapCopy[i] = map[i].clone();
            }
            copy.offsetMap = mapCopy;
            copy.nodeCount.set(nodeCount.get());
            copy.liveCount.set(liveCount.get());
            copy.upperLinkBytes.set(upperLinkBytes.get());
            copy.entry.set(entry.get());
            return copy;
        } finally {
            structureLock.writeLock().unlock();
        }
    }

    // ------------------------------------------------------------------------------------- node-by-node reads

    /*
     * Reads of single nodes by ordinal, for persisting a graph without a whole-graph snapshot. They are consistent
     * only while no insert or delete runs (a compaction reads the index it just extended, before handing it over).
     */

    /** Number of graph nodes, live and deleted: ordinals are {@code 0..nodeCount() - 1}. */
    public int nodeCount() {
        return nodeCount.get();
    }

    /** Ordinal of the entry node, or -1 for an empty graph. */
    public int entryNode() {
        Entry ep = entry.get();
        return ep == null ? -1 : ep.node;
    }

    /** Level of the entry node, or -1 for an empty graph. */
    public int entryLevel() {
        Entry ep = entry.get();
        return ep == null ? -1 : ep.level;
    }

    /** The offset node {@code node} holds (or held, if deleted). */
    public int nodeOffset(int node) {
        checkNode(node);
        return chunks.offsets[node >>> chunkShift][node & chunkMask];
    }

    /** Whether node {@code node} is deleted or was replaced by an update. */
    public boolean nodeDeleted(int node) {
        checkNode(node);
        return isDeleted(chunks, node);
    }

    /** A copy of the neighbour lists of {@code node}, layer 0 first (as in {@link HnswGraphSnapshot.Node}). */
    public int[][] nodeNeighbours(int node) {
        checkNode(node);
        NodeChunks c = chunks;
        int levels = levelOf(c, node);
        int[][] out = new int[levels + 1][];
        for (int l = 0; l <= levels; l++) {
            int[] list = listArray(c, node, l);
            int base = listBase(node, l);
            out[l] = Arrays.copyOfRange(list, base + 1, base + 1 + list[base]);
        }
        return out;
    }

    /** A copy of the float vector of {@code node} as stored (normalized for cosine); null in a quantized index. */
    public float[] nodeVector(int node) {
        checkNode(node);
        if (quantizer != null) {
            return null;
        }
        int from = (node & chunkMask) * dimension;
        return Arrays.copyOfRange(chunks.vectors[node >>> chunkShift], from, from + dimension);
    }

    /** A copy of the code of {@code node} in a quantized index; null in an index of floats. */
    public byte[] nodeCode(int node) {
        checkNode(node);
        if (quantizer == null) {
            return null;
        }
        int from = (node & chunkMask) * codeLength;
        return Arrays.copyOfRange(chunks.codes[node >>> chunkShift], from, from + codeLength);
    }

    private void checkNode(int node) {
        if (node < 0 || node >= nodeCount.get()) {
            throw new IllegalArgumentException("node must be in 0.." + (nodeCount.get() - 1) + ", got " + node);
        }
    }

    /** A fresh graph of the live vectors (same offsets, parameters and space), built with all processors. */
    public HnswIndex rebuilt() {
        int[] offsets;
        float[][] vectors;
        byte[][] codes;
        structureLock.writeLock().lock();
        try {
            NodeChunks c = chunks;
            int n = nodeCount.get();
            offsets = new int[liveCount.get()];
            vectors = quantizer == null ? new float[offsets.length][] : null;
            codes = quantizer == null ? null : new byte[offsets.length][];
            int next = 0;
            for (int node = 0; node < n; node++) {
                int ci = node >>> chunkShift;
                int local = node & chunkMask;
                if (c.deleted[ci][local] == 0) {
                    offsets[next] = c.offsets[ci][local];
                    if (quantizer == null) {
                        vectors[next++] = Arrays.copyOfRange(c.vectors[ci], local * dimension, (local + 1) * dimension);
                    } else {
                        codes[next++] = Arrays.copyOfRange(c.codes[ci], local * codeLength, (local + 1) * codeLength);
                    }
                }
            }
        } finally {
            structureLock.writeLock().unlock();
        }
        HnswIndex fresh = new HnswIndex(dimension, space, config, offsets.length, quantizer);
        int threads = Runtime.getRuntime().availableProcessors();
        if (quantizer == null) {
            fresh.insertAll(offsets, vectors, threads);
        } else {
            // Decoding a code and encoding the result gives the code back: the fresh graph keeps the same codes,
            // and only one decoded vector per insert thread exists at a time.
            fresh.insertAll(offsets, i -> quantizer.decode(codes[i], 0), offsets.length, threads);
        }
        fresh.reconnect();
        return fresh;
    }

    /**
     * Links every live node that a search can no longer reach back into the graph, and returns how many it linked.
     *
     * <p>Pruning a full neighbour list (the diversity heuristic) and the repair around deleted nodes can drop the
     * last link pointing at a node; the node keeps its own links but no search reaches it again, so it is never
     * returned, not even for its own vector. This walks layer 0 from the entry point; for each live node it did not
     * reach, it searches for the node's vector, links the closest reached node with room in its list to it, and
     * marks what the new link makes reachable. Waits for running inserts and deletes; searches continue. Costs one
     * walk over all links, plus one search per unreachable node (rare).
     */
    public int reconnect() {
        structureLock.writeLock().lock();
        try {
            Entry ep = entry.get();
            int n = nodeCount.get();
            if (ep == null || n < 2) {
                return 0;
            }
            NodeChunks c = chunks;
            BitSet reached = new BitSet(n);
            int[] queue = new int[n];
            markReachable(c, ep.node, reached, queue);
            int linked = 0;
            for (int node = reached.nextClearBit(0); node < n; node = reached.nextClearBit(node + 1)) {
                if (isDeleted(c, node)) {
                    continue;
                }
                if (linkFromReached(c, ep, node, reached)) {
                    linked++;
                    markReachable(c, node, reached, queue);
                }
            }
            return linked;
        } finally {
            structureLock.writeLock().unlock();
        }
    }

    /** Marks every node reachable on layer 0 from {@code start} (stopping at nodes already marked). */
    private void markReachable(NodeChunks c, int start, BitSet reached, int[] queue) {
        if (reached.get(start)) {
            return;
        }
        reached.set(start);
        int head = 0;
        int tail = 0;
        queue[tail++] = start;
        while (head < tail) {
            int cur = queue[head++];
            int[] list = c.links[cur >>> chunkShift];
            int base = (cur & chunkMask) * stride;
            int count = Math.min(list[base], maxLinks0);
            for (int i = 1; i <= count; i++) {
                int nb = list[base + i];
                if (!reached.get(nb)) {
                    reached.set(nb);
                    queue[tail++] = nb;
                }
            }
        }
    }

    /**
     * Adds a layer-0 link to {@code node} from the closest reached node whose list has room; false if none of the
     * search's candidates has room (left as it is, which a graph with free slots almost never needs).
     */
    private boolean linkFromReached(NodeChunks c, Entry ep, int node, BitSet reached) {
        int from0 = (node & chunkMask) * codeLength;
        float[] v = quantizer == null
                ? Arrays.copyOfRange(c.vectors[node >>> chunkShift], from0, from0 + dimension)
                : quantizer.decode(c.codes[node >>> chunkShift], from0);
        ScalarQuantizer.EncodedQuery vc =
                quantizer == null ? null : quantizer.queryOfCode(c.codes[node >>> chunkShift], from0);
        SearchScratch sc = scratch.get();
        long start = descend(c, v, vc, ep, 0);
        int cur = (int) start;
        float curDist = Float.intBitsToFloat((int) (start >>> 32));
        sc.reset(nodeCount.get());
        searchLayer(c, sc, v, vc, cur, curDist, Math.max(config.efConstruction(), maxLinks0), 0, null, false);
        int found = drainResults(sc, node);
        for (int i = 0; i < found; i++) {
            int from = sc.ids[i];
            if (!reached.get(from) || isDeleted(c, from)) {
                continue;
            }
            int[] list = c.links[from >>> chunkShift];
            int base = (from & chunkMask) * stride;
            int count = list[base];
            if (count < maxLinks0 && !containsId(list, base + 1, base + 1 + count, node)) {
                list[base + 1 + count] = node;
                INTS.setRelease(list, base, count + 1);
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------------------------------------ insertion

    private void insertAll(int[] offsets, float[][] prepared, int threads) {
        insertAll(offsets, i -> prepared[i], prepared.length, threads);
    }

    /** Inserts {@code count} prepared vectors, the i-th being {@code offsets[i]} → {@code vectorOf.apply(i)}. */
    private void insertAll(int[] offsets, IntFunction<float[]> vectorOf, int count, int threads) {
        structureLock.readLock().lock();
        try {
            int workers = Math.min(threads, Math.max(1, count / 64));
            if (workers <= 1) {
                for (int i = 0; i < count; i++) {
                    insert(offsets[i], vectorOf.apply(i));
                }
                return;
            }
            AtomicInteger next = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread[] pool = new Thread[workers];
            for (int t = 0; t < workers; t++) {
                pool[t] = new Thread(
                        () -> {
                            try {
                                for (int i = next.getAndIncrement();
                                        i < count && failure.get() == null;
                                        i = next.getAndIncrement()) {
                                    insert(offsets[i], vectorOf.apply(i));
                                }
                            } catch (RuntimeException | Error e) {
                                failure.compareAndSet(null, e);
                            }
                        },
                        "chromaj-hnsw-insert-" + t);
                pool[t].setDaemon(true);
                pool[t].start();
            }
            joinAll(pool);
            Throwable error = failure.get();
            if (error instanceof RuntimeException runtime) {
                throw runtime;
            } else if (error instanceof Error fatal) {
                throw fatal;
            }
        } finally {
            structureLock.readLock().unlock();
        }
    }

    private static void joinAll(Thread[] pool) {
        boolean interrupted = false;
        for (Thread thread : pool) {
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    // Finish the batch (workers do not observe interrupts) and restore the flag for the caller.
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Inserts a prepared vector; the caller holds the structure read lock. */
    private void insert(int offset, float[] v) {
        int level = randomLevel();
        int node = allocateNode(offset, v, level);
        link(node, v, level);
        int replaced;
        synchronized (offsetLocks[offset & (LOCK_STRIPES - 1)]) {
            replaced = mappedNode(offset);
            setMapping(offset, node);
            if (replaced >= 0) {
                markDeleted(replaced);
            } else {
                liveCount.incrementAndGet();
            }
        }
        if (replaced >= 0) {
            repairAround(replaced);
        }
    }

    private int randomLevel() {
        long z = config.seed() + levelSequence.incrementAndGet() * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        double u = ((z >>> 11) + 1) * 0x1.0p-53;
        return (int) Math.min(MAX_LEVEL, Math.floor(-Math.log(u) * levelMultiplier));
    }

    /** Reserves a node id and writes its vector, offset and empty link lists. */
    private int allocateNode(int offset, float[] v, int level) {
        return allocateNode(offset, v, null, level);
    }

    /** {@link #allocateNode(int, float[], int)} with the node's code given ({@code v} null) in a quantized index. */
    private int allocateNode(int offset, float[] v, byte[] code, int level) {
        synchronized (growLock) {
            int node = nodeCount.get();
            NodeChunks c = chunks;
            if (node >= c.capacity) {
                c = grow(c);
            }
            int ci = node >>> chunkShift;
            int local = node & chunkMask;
            if (quantizer == null) {
                System.arraycopy(v, 0, c.vectors[ci], local * dimension, dimension);
            } else if (code != null) {
                System.arraycopy(code, 0, c.codes[ci], local * codeLength, codeLength);
            } else {
                quantizer.encode(v, c.codes[ci], local * codeLength);
            }
            c.offsets[ci][local] = offset;
            if (level > 0) {
                c.upper[ci][local] = new int[level][1 + m];
                upperLinkBytes.addAndGet(
                        ARRAY_HEADER_BYTES + level * (REFERENCE_BYTES + ARRAY_HEADER_BYTES + (1L + m) * Integer.BYTES));
            }
            nodeCount.set(node + 1);
            return node;
        }
    }

    private NodeChunks grow(NodeChunks c) {
        int count = c.links.length + 1;
        int size = 1 << chunkShift;
        float[][] vectors = Arrays.copyOf(c.vectors, quantizer == null ? count : 0);
        byte[][] codes = Arrays.copyOf(c.codes, quantizer == null ? 0 : count);
        int[][] links = Arrays.copyOf(c.links, count);
        int[][][][] upper = Arrays.copyOf(c.upper, count);
        int[][] offsets = Arrays.copyOf(c.offsets, count);
        byte[][] deleted = Arrays.copyOf(c.deleted, count);
        if (quantizer == null) {
            vectors[count - 1] = new float[size * dimension];
        } else {
            codes[count - 1] = new byte[size * codeLength];
        }
        links[count - 1] = new int[size * stride];
        upper[count - 1] = new int[size][][];
        offsets[count - 1] = new int[size];
        deleted[count - 1] = new byte[size];
        NodeChunks grown = new NodeChunks(vectors, codes, links, upper, offsets, deleted, count * size);
        chunks = grown;
        return grown;
    }

    /** Connects a freshly allocated node into every layer up to {@code level}. */
    private void link(int node, float[] v, int level) {
        Entry ep = entry.get();
        if (ep == null) {
            if (entry.compareAndSet(null, new Entry(node, level))) {
                return;
            }
            ep = entry.get();
        }
        NodeChunks c = chunks;
        // The node's own code is the query in a quantized index (v decodes to it): integer distances throughout.
        ScalarQuantizer.EncodedQuery vc = quantizer == null
                ? null
                : quantizer.queryOfCode(c.codes[node >>> chunkShift], (node & chunkMask) * codeLength);
        SearchScratch sc = scratch.get();
        long start = descend(c, v, vc, ep, level);
        int cur = (int) start;
        float curDist = Float.intBitsToFloat((int) (start >>> 32));
        // Choose the neighbours top-down, then publish the links bottom-up: once a link on some layer points at the
        // node, its lists on every lower layer are already set. Publishing top-down let a concurrent insert descend
        // to this node on an upper layer while its layer-0 list was still empty, link only to it and the other
        // nodes being inserted, and leave a cluster that no search from the rest of the graph reaches.
        int top = Math.min(level, ep.level);
        int[][] chosen = new int[top + 1][];
        for (int l = top; l >= 0; l--) {
            sc.reset(nodeCount.get());
            searchLayer(c, sc, v, vc, cur, curDist, config.efConstruction(), l, null, false);
            // Re-read: the search may have reached nodes allocated (in newer chunks) after our read.
            c = chunks;
            int found = drainResults(sc, node);
            if (found == 0) {
                continue;
            }
            cur = sc.ids[0];
            curDist = sc.dists[0];
            int kept = dropDeleted(c, sc.ids, sc.dists, found);
            int selected = selectDiverse(c, sc.ids, sc.dists, kept, m, sc.selected);
            chosen[l] = Arrays.copyOf(sc.selected, selected);
        }
        for (int l = 0; l <= top; l++) {
            if (chosen[l] == null) {
                continue;
            }
            setOwnLinks(c, node, l, chosen[l]);
            for (int s : chosen[l]) {
                addBackLink(c, sc, s, node, l);
            }
        }
        if (level > ep.level) {
            entry.accumulateAndGet(
                    new Entry(node, level), (old, proposed) -> proposed.level > old.level ? proposed : old);
        }
    }

    /** Moves the search results into {@code sc.ids/dists}, closest first, without {@code self}. */
    private static int drainResults(SearchScratch sc, int self) {
        NodeQueue results = sc.results;
        sc.ensureBuffers(results.size());
        int n = results.size();
        int write = n;
        while (!results.isEmpty()) {
            float d = results.topDistance();
            int id = results.pop();
            if (id != self) {
                write--;
                sc.ids[write] = id;
                sc.dists[write] = d;
            }
        }
        int found = n - write;
        if (write > 0) {
            System.arraycopy(sc.ids, write, sc.ids, 0, found);
            System.arraycopy(sc.dists, write, sc.dists, 0, found);
        }
        return found;
    }

    /** Compacts live candidates to the front; keeps them all if every candidate is deleted. */
    private int dropDeleted(NodeChunks c, int[] ids, float[] dists, int n) {
        int live = 0;
        for (int i = 0; i < n; i++) {
            if (!isDeleted(c, ids[i])) {
                ids[live] = ids[i];
                dists[live++] = dists[i];
            }
        }
        if (live == 0) {
            return n;
        }
        return live;
    }

    /**
     * The HNSW heuristic: walking candidates closest first, keep one only if it is closer to the base than to every
     * candidate kept so far. Fewer than {@code max} candidates are all kept.
     */
    private int selectDiverse(NodeChunks c, int[] ids, float[] dists, int n, int max, int[] out) {
        if (n <= max) {
            System.arraycopy(ids, 0, out, 0, n);
            return n;
        }
        int count = 0;
        for (int i = 0; i < n && count < max; i++) {
            int candidate = ids[i];
            float d = dists[i];
            boolean diverse = true;
            for (int j = 0; j < count; j++) {
                if (distanceBetween(c, candidate, out[j]) < d) {
                    diverse = false;
                    break;
                }
            }
            if (diverse) {
                out[count++] = candidate;
            }
        }
        return count;
    }

    /** Sets the new node's own list, keeping back-links other inserts already made to it where room remains. */
    private void setOwnLinks(NodeChunks c, int node, int level, int[] chosen) {
        synchronized (nodeLocks[node & (LOCK_STRIPES - 1)]) {
            int[] list = listArray(c, node, level);
            int base = listBase(node, level);
            int max = level == 0 ? maxLinks0 : m;
            int existing = list[base];
            int[] previous = Arrays.copyOfRange(list, base + 1, base + 1 + existing);
            int count = chosen.length;
            System.arraycopy(chosen, 0, list, base + 1, count);
            for (int id : previous) {
                if (count >= max) {
                    break;
                }
                if (!containsId(chosen, chosen.length, id)) {
                    list[base + 1 + count++] = id;
                }
            }
            INTS.setRelease(list, base, count);
        }
    }

    /** Adds {@code node} to {@code target}'s list on {@code level}, pruning with the heuristic when full. */
    private void addBackLink(NodeChunks c, SearchScratch sc, int target, int node, int level) {
        synchronized (nodeLocks[target & (LOCK_STRIPES - 1)]) {
            int[] list = listArray(c, target, level);
            if (list == null) {
                return;
            }
            int base = listBase(target, level);
            int count = list[base];
            int max = level == 0 ? maxLinks0 : m;
            for (int i = 0; i < count; i++) {
                if (list[base + 1 + i] == node) {
                    return;
                }
            }
            if (count < max) {
                list[base + 1 + count] = node;
                INTS.setRelease(list, base, count + 1);
                return;
            }
            sc.ensurePruneBuffers(count + 1);
            int[] ids = sc.pruneIds;
            float[] dists = sc.pruneDists;
            for (int i = 0; i < count; i++) {
                ids[i] = list[base + 1 + i];
            }
            ids[count] = node;
            rewriteLinks(sc, target, list, base, ids, dists, count + 1, max);
        }
    }

    /**
     * Replaces {@code target}'s list with the diverse selection among {@code ids[0, n)}; the caller holds the
     * target's lock. Deleted candidates are dropped first unless nothing would remain.
     */
    private void rewriteLinks(
            SearchScratch sc, int target, int[] list, int base, int[] ids, float[] dists, int n, int max) {
        // Fresh directory: the ids were read under the target's lock, after the chunks holding them were added.
        NodeChunks c = chunks;
        for (int i = 0; i < n; i++) {
            dists[i] = distanceBetween(c, target, ids[i]);
        }
        sortByDistance(ids, dists, n);
        int kept = dropDeleted(c, ids, dists, n);
        int[] out = sc.pruneSelected;
        int count = selectDiverse(c, ids, dists, kept, max, out);
        System.arraycopy(out, 0, list, base + 1, count);
        INTS.setRelease(list, base, count);
    }

    /** Reconnects the neighbours of a deleted node among themselves on every level of the node. */
    private void repairAround(int deletedNode) {
        NodeChunks c = chunks;
        SearchScratch sc = scratch.get();
        int levels = levelOf(c, deletedNode);
        for (int l = 0; l <= levels; l++) {
            int[] own = listArray(c, deletedNode, l);
            int ownBase = listBase(deletedNode, l);
            int[] neighbours;
            synchronized (nodeLocks[deletedNode & (LOCK_STRIPES - 1)]) {
                neighbours = Arrays.copyOfRange(own, ownBase + 1, ownBase + 1 + own[ownBase]);
            }
            // The list may name nodes allocated after the directory above was read.
            c = chunks;
            int max = l == 0 ? maxLinks0 : m;
            for (int target : neighbours) {
                if (isDeleted(c, target)) {
                    continue;
                }
                synchronized (nodeLocks[target & (LOCK_STRIPES - 1)]) {
                    int[] list = listArray(c, target, l);
                    if (list == null) {
                        continue;
                    }
                    int base = listBase(target, l);
                    int count = list[base];
                    if (!containsId(list, base + 1, base + 1 + count, deletedNode)) {
                        continue;
                    }
                    sc.ensurePruneBuffers(count + neighbours.length);
                    int[] ids = sc.pruneIds;
                    int n = 0;
                    for (int i = 0; i < count; i++) {
                        int id = list[base + 1 + i];
                        if (id != deletedNode) {
                            ids[n++] = id;
                        }
                    }
                    for (int id : neighbours) {
                        if (id != target && !containsId(ids, n, id)) {
                            ids[n++] = id;
                        }
                    }
                    rewriteLinks(sc, target, list, base, ids, sc.pruneDists, n, max);
                }
            }
        }
    }

    private static boolean containsId(int[] ids, int n, int id) {
        return containsId(ids, 0, n, id);
    }

    private static boolean containsId(int[] ids, int from, int to, int id) {
        for (int i = from; i < to; i++) {
            if (ids[i] == id) {
                return true;
            }
        }
        return false;
    }

    private static void sortByDistance(int[] ids, float[] dists, int n) {
        for (int i = 1; i < n; i++) {
            float d = dists[i];
            int id = ids[i];
            int j = i - 1;
            while (j >= 0 && dists[j] > d) {
                dists[j + 1] = dists[j];
                ids[j + 1] = ids[j];
                j--;
            }
            dists[j + 1] = d;
            ids[j + 1] = id;
        }
    }

    // ---------------------------------------------------------------------------------------------------- search

    private List<ScoredOffset> graphSearch(
            float[] q, ScalarQuantizer.EncodedQuery qc, int k, int ef, IntPredicate allowed) {
        Entry ep = entry.get();
        if (ep == null) {
            return List.of();
        }
        NodeChunks c = chunks;
        long start = descend(c, q, qc, ep, 0);
        int cur = (int) start;
        float curDist = Float.intBitsToFloat((int) (start >>> 32));
        SearchScratch sc = scratch.get();
        sc.reset(nodeCount.get());
        searchLayer(c, sc, q, qc, cur, curDist, ef, 0, allowed, true);
        NodeQueue results = sc.results;
        TopKCollector top = new TopKCollector(k);
        c = chunks;
        while (!results.isEmpty()) {
            float d = results.topDistance();
            int node = results.pop();
            int offset = c.offsets[node >>> chunkShift][node & chunkMask];
            // The mapping is the authority: a node replaced or deleted while we searched is dropped here.
            if (mappedNode(offset) == node) {
                top.offer(offset, d);
            }
        }
        return top.toSortedList();
    }

    private List<ScoredOffset> scan(
            float[] q, ScalarQuantizer.EncodedQuery qc, int k, PrimitiveIterator.OfInt offsets) {
        TopKCollector top = new TopKCollector(k);
        NodeChunks c = chunks;
        while (offsets.hasNext()) {
            int offset = offsets.nextInt();
            int node = offset < 0 ? -1 : mappedNode(offset);
            if (node < 0) {
                continue;
            }
            if (node >= c.capacity) {
                c = chunks;
            }
            top.offer(offset, distance(c, q, qc, node));
        }
        return top.toSortedList();
    }

    /**
     * Greedy walk from the entry point down the layers above {@code level}; returns the node it ends on packed with
     * its distance bits, as {@link #greedy} does.
     */
    private long descend(NodeChunks c, float[] q, ScalarQuantizer.EncodedQuery qc, Entry ep, int level) {
        int cur = ep.node;
        float curDist = distance(c, q, qc, cur);
        if (ep.level <= level) {
            return ((long) Float.floatToRawIntBits(curDist) << 32) | (cur & 0xFFFFFFFFL);
        }
        // One visited set for every upper layer: a node measured once is never measured again. Skipping it cannot
        // change the walk: the greedy step only moves to a node closer than the current one, and the current
        // distance only shrinks, so a node that did not win when measured (or was left behind) never wins later.
        SearchScratch sc = scratch.get();
        sc.reset(nodeCount.get());
        sc.visit(cur);
        for (int l = ep.level; l > level; l--) {
            long best = greedy(c, sc, q, qc, cur, curDist, l);
            cur = (int) best;
            curDist = Float.intBitsToFloat((int) (best >>> 32));
        }
        return ((long) Float.floatToRawIntBits(curDist) << 32) | (cur & 0xFFFFFFFFL);
    }

    /**
     * Greedy walk on an upper layer, measuring only nodes {@code sc} has not seen; returns the closest node found
     * packed with its distance bits.
     */
    private long greedy(
            NodeChunks c,
            SearchScratch sc,
            float[] q,
            ScalarQuantizer.EncodedQuery qc,
            int start,
            float startDist,
            int level) {
        int cur = start;
        float curDist = startDist;
        boolean changed = true;
        while (changed) {
            changed = false;
            int[] list = listArray(c, cur, level);
            if (list == null) {
                break;
            }
            int base = listBase(cur, level);
            int count = Math.min((int) INTS.getAcquire(list, base), level == 0 ? maxLinks0 : m);
            for (int i = 1; i <= count; i++) {
                int nb = list[base + i];
                if (!sc.visit(nb)) {
                    continue;
                }
                if (nb >= c.capacity) {
                    c = chunks;
                }
                float d = distance(c, q, qc, nb);
                if (d < curDist) {
                    curDist = d;
                    cur = nb;
                    changed = true;
                }
            }
        }
        return ((long) Float.floatToRawIntBits(curDist) << 32) | (cur & 0xFFFFFFFFL);
    }

    /**
     * Best-first search of one layer from {@code ep}. Leaves up to {@code ef} results in {@code sc.results}: for a
     * query only live, allowed nodes (everything else is still traversed); during construction every node.
     */
    private void searchLayer(
            NodeChunks c,
            SearchScratch sc,
            float[] q,
            ScalarQuantizer.EncodedQuery qc,
            int ep,
            float epDist,
            int ef,
            int level,
            IntPredicate allowed,
            boolean query) {
        if (ep >= c.capacity) {
            // The entry came from a walk that saw a newer directory than the caller's.
            c = chunks;
        }
        NodeQueue candidates = sc.candidates;
        NodeQueue results = sc.results;
        // Without a filter or deleted nodes every node is a result; skip the per-node checks then.
        boolean check = query && (allowed != null || nodeCount.get() != liveCount.get());
        sc.visit(ep);
        candidates.push(ep, epDist);
        if (!check || accepts(c, ep, allowed)) {
            results.push(ep, epDist);
        }
        float worst = results.isEmpty() ? Float.POSITIVE_INFINITY : results.topDistance();
        int maxLinks = level == 0 ? maxLinks0 : m;
        int dim = dimension;
        FloatKernels kernels = VectorKernels.KERNELS;
        while (!candidates.isEmpty()) {
            if (candidates.topDistance() > worst && results.size() >= ef) {
                break;
            }
            int cur = candidates.pop();
            int[] list;
            int base;
            if (level == 0) {
                list = c.links[cur >>> chunkShift];
                base = (cur & chunkMask) * stride;
            } else {
                list = listArray(c, cur, level);
                if (list == null) {
                    continue;
                }
                base = 0;
            }
            int count = Math.min((int) INTS.getAcquire(list, base), maxLinks);
            for (int i = 1; i <= count; i++) {
                int nb = list[base + i];
                if (!sc.visit(nb)) {
                    continue;
                }
                if (nb >= c.capacity) {
                    c = chunks;
                }
                float d;
                if (quantizer != null) {
                    d = quantizer.distance(qc, c.codes[nb >>> chunkShift], (nb & chunkMask) * codeLength);
                } else {
                    float[] vectors = c.vectors[nb >>> chunkShift];
                    int from = (nb & chunkMask) * dim;
                    if (!squaredL2) {
                        d = 1f - kernels.dot(q, 0, vectors, from, dim);
                    } else if (results.size() < ef) {
                        d = kernels.squaredL2(q, 0, vectors, from, dim);
                    } else {
                        // only a node closer than the worst result is kept: stop summing once it cannot be
                        d = kernels.squaredL2Bounded(q, 0, vectors, from, dim, worst);
                    }
                }
                if (d < worst || results.size() < ef) {
                    candidates.push(nb, d);
                    if (!check || accepts(c, nb, allowed)) {
                        if (results.size() < ef) {
                            results.push(nb, d);
                        } else {
                            // d < worst here: the new pair evicts the farthest
                            results.replaceTop(nb, d);
                        }
                        worst = results.topDistance();
                    }
                }
            }
        }
    }

    private boolean accepts(NodeChunks c, int node, IntPredicate allowed) {
        int ci = node >>> chunkShift;
        int local = node & chunkMask;
        return c.deleted[ci][local] == 0 && (allowed == null || allowed.test(c.offsets[ci][local]));
    }

    // ---------------------------------------------------------------------------------------------- primitives

    /** Distance of the query to {@code node}: from its code {@code qc} in a quantized index, else from {@code q}. */
    private float distance(NodeChunks c, float[] q, ScalarQuantizer.EncodedQuery qc, int node) {
        if (quantizer != null) {
            return quantizer.distance(qc, c.codes[node >>> chunkShift], (node & chunkMask) * codeLength);
        }
        float[] vectors = c.vectors[node >>> chunkShift];
        int from = (node & chunkMask) * dimension;
        return squaredL2
                ? VectorKernels.KERNELS.squaredL2(q, 0, vectors, from, dimension)
                : 1f - VectorKernels.KERNELS.dot(q, 0, vectors, from, dimension);
    }

    private float distanceBetween(NodeChunks c, int a, int b) {
        if (quantizer != null) {
            return quantizer.distanceBetween(
                    c.codes[a >>> chunkShift],
                    (a & chunkMask) * codeLength,
                    c.codes[b >>> chunkShift],
                    (b & chunkMask) * codeLength);
        }
        float[] va = c.vectors[a >>> chunkShift];
        float[] vb = c.vectors[b >>> chunkShift];
        int fa = (a & chunkMask) * dimension;
        int fb = (b & chunkMask) * dimension;
        return squaredL2
                ? VectorKernels.KERNELS.squaredL2(va, fa, vb, fb, dimension)
                : 1f - VectorKernels.KERNELS.dot(va, fa, vb, fb, dimension);
    }

    /** The array holding {@code node}'s list on {@code level}, or null if the node is not on that level. */
    private int[] listArray(NodeChunks c, int node, int level) {
        if (level == 0) {
            return c.links[node >>> chunkShift];
        }
        int[][] upper = c.upper[node >>> chunkShift][node & chunkMask];
        return upper == null || upper.length < level ? null : upper[level - 1];
    }

    private int listBase(int node, int level) {
        return level == 0 ? (node & chunkMask) * stride : 0;
    }

    private int levelOf(NodeChunks c, int node) {
        int[][] upper = c.upper[node >>> chunkShift][node & chunkMask];
        return upper == null ? 0 : upper.length;
    }

    private boolean isDeleted(NodeChunks c, int node) {
        return c.deleted[node >>> chunkShift][node & chunkMask] != 0;
    }

    private void markDeleted(int node) {
        NodeChunks c = chunks;
        c.deleted[node >>> chunkShift][node & chunkMask] = 1;
    }

    /** The live node holding {@code offset}, or -1. */
    private int mappedNode(int offset) {
        int[][] map = offsetMap;
        int ci = offset >>> OFFSET_CHUNK_SHIFT;
        if (ci >= map.length) {
            return -1;
        }
        return (int) INTS.getAcquire(map[ci], offset & OFFSET_CHUNK_MASK) - 1;
    }

    /** Maps {@code offset} to {@code node} (-1 removes); the caller holds the offset's lock. */
    private void setMapping(int offset, int node) {
        int ci = offset >>> OFFSET_CHUNK_SHIFT;
        int[][] map = offsetMap;
        if (ci >= map.length) {
            synchronized (growLock) {
                map = offsetMap;
                if (ci >= map.length) {
                    int[][] grown = Arrays.copyOf(map, Math.max(ci + 1, map.length + (map.length >> 1)));
                    for (int i = map.length; i < grown.length; i++) {
                        grown[i] = new int[OFFSET_CHUNK_MASK + 1];
                    }
                    offsetMap = grown;
                    map = grown;
                }
            }
        }
        INTS.setRelease(map[ci], offset & OFFSET_CHUNK_MASK, node + 1);
    }

    private void checkVector(float[] vector, String field) {
        Objects.requireNonNull(vector, field);
        if (vector.length != dimension) {
            throw new IllegalArgumentException(field + " must have dimension " + dimension + ", got " + vector.length);
        }
    }

    private float[] prepare(float[] vector, String field) {
        checkVector(vector, field);
        float[] copy = vector.clone();
        if (space == DistanceSpace.COSINE) {
            VectorKernels.normalize(copy);
        }
        return copy;
    }

    /** The quantized form of a prepared query in a quantized index; null in an index of floats. */
    private ScalarQuantizer.EncodedQuery encodeQuery(float[] q) {
        return quantizer == null ? null : quantizer.encodeQuery(q);
    }

    private float[] prepareQuery(float[] query, int k, int efSearch) {
        Objects.requireNonNull(query, "query");
        if (query.length != dimension) {
            throw new IllegalArgumentException("query must have dimension " + dimension + ", got " + query.length);
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (efSearch < 1) {
            throw new IllegalArgumentException("efSearch must be at least 1, got " + efSearch);
        }
        if (space != DistanceSpace.COSINE) {
            return query;
        }
        float[] copy = query.clone();
        VectorKernels.normalize(copy);
        return copy;
    }

    private static void checkOffset(int offset, String field) {
        if (offset < 0) {
            throw new IllegalArgumentException(field + " must be non-negative, got " + offset);
        }
    }

    private static Object[] newLocks() {
        Object[] locks = new Object[LOCK_STRIPES];
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
        return locks;
    }

    /** The top node of the graph and its level. */
    private record Entry(int node, int level) {}

    /**
     * Chunk directories: replaced, never changed, when a chunk is added; the chunk arrays themselves are shared
     * and written in place.
     */
    private static final class NodeChunks {
        /** Float vectors per chunk; empty in a quantized index. */
        final float[][] vectors;
        /** Codes per chunk in a quantized index (int8 or packed int4); else empty. */
        final byte[][] codes;

        final int[][] links;
        final int[][][][] upper;
        final int[][] offsets;
        final byte[][] deleted;
        final int capacity;

        NodeChunks(
                float[][] vectors,
                byte[][] codes,
                int[][] links,
                int[][][][] upper,
                int[][] offsets,
                byte[][] deleted,
                int capacity) {
            this.vectors = vectors;
            this.codes = codes;
            this.links = links;
            this.upper = upper;
            this.offsets = offsets;
            this.deleted = deleted;
            this.capacity = capacity;
        }
    }
}
