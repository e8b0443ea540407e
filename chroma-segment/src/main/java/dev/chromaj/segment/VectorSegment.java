package dev.chromaj.segment;

import dev.chromaj.blockstore.BlockfileEntry;
import dev.chromaj.blockstore.BlockfileReader;
import dev.chromaj.blockstore.DataRecord;
import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.ExactSearch;
import dev.chromaj.index.vector.HnswGraphSearcher;
import dev.chromaj.index.vector.HnswIndex;
import dev.chromaj.index.vector.OffsetSet;
import dev.chromaj.index.vector.ScoredOffset;
import dev.chromaj.index.vector.SearchPlanner;
import dev.chromaj.index.vector.VectorKernels;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import org.roaringbitmap.RoaringBitmap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dense-vector part of a collection version.
 *
 * <p>Each query chooses by estimated cost ({@link SearchPlanner}: records × dimension for a scan against the
 * expected graph visits × dimension plus the walk's own work for efSearch, M and k) between the version's HNSW graph
 * ({@link HnswSegment}), loaded into the client's {@link HnswIndexCache} on first use and shared by later versions
 * with the same graph, and an exhaustive scan of the version's embeddings ({@link SegmentFile#EMBEDDINGS}, or the
 * record segment's {@link DataRecord}s in versions written before that file existed), loaded in offset order on first
 * use. Versions of at most {@link SearchPlanner#MIN_GRAPH_RECORDS} records, small low-dimensional ones and versions
 * written without a graph are scanned, with exact results; a 1,000-record version of 384 or 1,536 dimensions uses
 * its graph. On the graph, a filter becomes the index's allow-set, and the index's planner scans the allowed offsets
 * exactly when that is cheaper than a filtered graph walk (highly selective filters stay exact).
 *
 * <p>A graph whose loaded index would exceed the index cache's whole budget is not loaded: it is searched where it
 * lies ({@link StoredHnswGraph}, neighbour lists and codes or embeddings decoded from cached blocks). A quantized
 * graph's candidates are re-ranked with the float embeddings as for a loaded one, and a selective filter scanned
 * exactly over the embeddings; a graph of floats answers exactly what its loaded index would (the same walk over the
 * same vectors, the same scan of a selective filter).
 *
 * <p>Thread-safe: the loaded matrix is immutable and published once; the index is only read.
 */
final class VectorSegment {
    private static final Logger LOG = LoggerFactory.getLogger(VectorSegment.class);
    /**
     * Graphs of at least this many nodes log their loads at INFO: such a load takes a good part of a second or more
     * (about 2 s for 1 M × 256 int8 in a fresh process).
     */
    static final int LOAD_INFO_NODES = 100_000;

    /** Offsets with an embedding, ascending, and their embeddings. */
    record Matrix(int[] offsets, float[][] vectors, int dimension) {
        static final Matrix EMPTY = new Matrix(new int[0], new float[0][], -1);
    }

    private final CollectionSegments segments;
    private final HnswSettings hnsw;
    private final HnswSegment.Roots graph;
    private volatile Matrix matrix;
    /** The index this version used last: a multi-query read keeps it even if the cache unloaded it meanwhile. */
    private volatile WeakReference<HnswIndex> lastIndex = new WeakReference<>(null);

    private volatile Plan lastPlan;
    /** Marks a version whose graph is loaded into the index cache (not searched in its blocks). */
    private static final Object LOADED = new Object();

    /** Null until decided, then the {@link StoredHnswGraph} searched in place or {@link #LOADED}. */
    private volatile Object storedGraph;

    VectorSegment(CollectionSegments segments, HnswSettings hnsw) {
        this.segments = segments;
        this.hnsw = hnsw != null ? hnsw : HnswSettings.defaults(DistanceSpace.L2);
        this.graph = HnswSegment.roots(segments.manifest());
    }

    /** Whether this version has an HNSW graph (written with or after the graph layout). */
    boolean hasGraph() {
        return graph != null;
    }

    /**
     * Whether a query for the {@code k} nearest of {@code dimension} uses this version's HNSW graph: it has one and
     * the graph is estimated to cost less than scanning every record ({@link SearchPlanner}).
     */
    boolean usesGraph(int dimension, int k) {
        if (graph == null) {
            return false;
        }
        int ef = hnsw.efSearch();
        int m = hnsw.m();
        // The estimate takes a logarithm and an exponential: remember the last answer, since one collection's
        // queries ask the same question every time.
        Plan last = lastPlan;
        if (last != null && last.dimension == dimension && last.k == k && last.ef == ef && last.m == m) {
            return last.graph;
        }
        boolean useGraph = SearchPlanner.graphCheaper(segments.count(), dimension, k, ef, m);
        lastPlan = new Plan(dimension, k, ef, m, useGraph);
        return useGraph;
    }

    /** The planner's last decision for this version (its record count is fixed). */
    private record Plan(int dimension, int k, int ef, int m, boolean graph) {}

    /**
     * How many neighbours to ask {@link #nearest} for so that a record tied with the k-th can be seen: {@code k + 1},
     * except for an unfiltered query that the graph answers with an efSearch not above k. There one more neighbour
     * would widen the search itself (the graph explores max(k, efSearch) candidates, about a tenth more work at
     * efSearch = k = 10) for an answer that is approximate anyway, so a tie at the boundary is left to the graph. A
     * filtered query keeps k + 1: the index may answer it with an exact scan of the allowed records.
     */
    int neighboursForTies(int dimension, int k, boolean filtered) {
        if (k == Integer.MAX_VALUE || (!filtered && usesGraph(dimension, k) && hnsw.efSearch() <= k)) {
            return k;
        }
        return k + 1;
    }

    /**
     * The graph searched in its blocks, or null when this version's graph is loaded into the index cache: a graph
     * (quantized, or of floats whose vectors are the version's embeddings) whose loaded index would exceed the cache's
     * budget on its own ({@link StoredHnswGraph#estimatedIndexBytes}) and is not loaded already (a compaction hands
     * its index over). Decided once per version.
     */
    StoredHnswGraph storedGraph() {
        if (graph == null || (graph.codes() == null && graph.embeddings() == null)) {
            return null;
        }
        Object decided = storedGraph;
        if (decided == null) {
            synchronized (this) {
                decided = storedGraph;
                if (decided == null) {
                    decided = decideStored();
                    storedGraph = decided;
                }
            }
        }
        return decided instanceof StoredHnswGraph s ? s : null;
    }

    private Object decideStored() {
        if (hnsw.cache().peek(graph.header()) != null || lastIndex.get() != null) {
            return LOADED;
        }
        HnswSegment.Readers readers = segments.graphReaders();
        if (readers == null) {
            readers = HnswSegment.open(segments.store(), segments.dir(), graph);
        }
        String what = "HNSW graph " + graph.header() + " in '" + segments.dir() + "'";
        HnswGraphCodec.Header header = HnswSegment.header(readers, what);
        if (!StoredHnswGraph.searchableInBlocks(readers, header)) {
            return LOADED;
        }
        long vectorBytes = readers.codes() != null
                ? HnswSegment.quantizer(readers, header, what).codeLength()
                : 4L * header.dimension();
        long estimate = StoredHnswGraph.estimatedIndexBytes(header, vectorBytes);
        if (estimate <= hnsw.cache().budgetBytes()) {
            return LOADED;
        }
        // Once per version: a graph served from its blocks answers several times slower than a loaded one, which an
        // operator should be able to see (and raise vectorIndexBytes if the heap allows).
        LOG.info(
                "{}: a loaded index would take about {} bytes, more than the index budget of {} (vectorIndexBytes):"
                        + " searched in its blocks through the block cache, slower than a loaded index",
                what,
                estimate,
                hnsw.cache().budgetBytes());
        return StoredHnswGraph.open(readers, what);
    }

    /** The HNSW index of this version, loading it on first use; null when the version has no graph. */
    HnswIndex index() {
        if (graph == null) {
            return null;
        }
        HnswIndex index = hnsw.cache().peek(graph.header());
        if (index == null) {
            index = lastIndex.get();
        }
        if (index == null) {
            index = hnsw.cache().get(graph.header(), segments.dir(), this::loadIndex);
        }
        if (lastIndex.get() != index) {
            lastIndex = new WeakReference<>(index);
        }
        return index;
    }

    /**
     * Reads the graph with every block read issued at once, holding at most the index budget in blocks read ahead:
     * the index itself takes about as much once loaded.
     */
    private HnswIndex loadIndex() {
        HnswSegment.Readers readers = segments.graphReaders();
        if (readers == null) {
            readers = HnswSegment.open(segments.store(), segments.dir(), graph);
        }
        String what = "HNSW graph " + graph.header() + " in '" + segments.dir() + "'";
        int nodes = HnswSegment.header(readers, what).nodeCount();
        // A large graph's load takes seconds and delays the query that asked for it: said at INFO, as other long
        // work is; the many small graphs of a client with many collections only at DEBUG.
        boolean visible = nodes >= LOAD_INFO_NODES;
        if (visible) {
            LOG.info("Loading {}: {} nodes", what, nodes);
        }
        long started = System.nanoTime();
        HnswIndex index = HnswSegment.load(
                readers,
                what,
                hnsw.cache().budgetBytes(),
                segments.store().options().maxBlockBytes());
        long ms = (System.nanoTime() - started) / 1_000_000;
        String done = "Loaded {}: {} nodes, {} bytes in memory, in {} ms";
        if (visible) {
            LOG.info(done, what, index.nodeCount(), index.memoryBytes(), ms);
        } else {
            LOG.debug(done, what, index.nodeCount(), index.memoryBytes(), ms);
        }
        return index;
    }

    /**
     * A graph of floats searched in its blocks answers as the loaded index does: the walk over the same vectors, or,
     * for an allowed set at most the index's scan threshold, the exact top k of the allowed records' embeddings (as
     * the graph stores them) by the index's distance.
     */
    private List<ScoredOffset> storedFloatsNearest(
            StoredHnswGraph stored, float[] query, int k, int efSearch, RoaringBitmap allowed) {
        int ef = Math.max(k, efSearch);
        if (allowed != null
                && allowed.getLongCardinality()
                        <= HnswGraphSearcher.bruteForceThreshold(stored.liveCount(), ef, stored.maxConnections())) {
            BlockfileReader<Integer, float[]> embeddings = segments.embeddingReader();
            List<Integer> offsets = new ArrayList<>(allowed.getCardinality());
            allowed.forEach((int offset) -> offsets.add(offset));
            boolean cosine = stored.space() == DistanceSpace.COSINE;
            float[] normalized = new float[stored.dimension()];
            return HnswGraphSearcher.scan(
                    stored,
                    query,
                    k,
                    sink -> embeddings.forEachFloats("", offsets, (offset, data, from, length) -> {
                        if (length != normalized.length) {
                            throw new IllegalStateException(stored + ": embedding of offset " + offset
                                    + " has dimension " + length + ", the graph's is " + normalized.length);
                        }
                        if (!cosine) {
                            sink.offer(offset, data, from);
                            return;
                        }
                        // as the index stores it: normalized by the kernel of an insert
                        System.arraycopy(data, from, normalized, 0, length);
                        VectorKernels.normalize(normalized);
                        sink.offer(offset, normalized, 0);
                    }));
        }
        return HnswGraphSearcher.search(stored, query, k, efSearch, allowed == null ? null : allowed::contains);
    }

    /** The embeddings of this version, loading them on first use. */
    Matrix matrix() {
        Matrix m = matrix;
        if (m == null) {
            synchronized (this) {
                m = matrix;
                if (m == null) {
                    m = load();
                    matrix = m;
                }
            }
        }
        return m;
    }

    private Matrix load() {
        BlockfileReader<Integer, float[]> stored = segments.embeddingReader();
        if (stored != null) {
            return load(stored, (offset, embedding) -> embedding);
        }
        // A version of the layout that kept embeddings in its records.
        BlockfileReader<Integer, DataRecord> records = segments.reader(SegmentFile.OFFSET_TO_RECORD);
        return records == null ? Matrix.EMPTY : load(records, (offset, record) -> record.embedding());
    }

    private <V> Matrix load(BlockfileReader<Integer, V> file, BiFunction<Integer, V, float[]> embeddingOf) {
        int n = (int) file.count();
        int[] offsets = new int[n];
        float[][] vectors = new float[n][];
        int size = 0;
        int dimension = -1;
        // The whole blockfile is needed: every block read is issued at once. Through the cache when it fits easily
        // (the hits' embeddings are read from the same blocks next), past it within the index budget otherwise.
        int window = (int) Math.max(
                1,
                Math.min(
                        Integer.MAX_VALUE,
                        hnsw.cache().budgetBytes()
                                / Math.max(1, segments.store().options().maxBlockBytes())));
        Iterator<BlockfileEntry<Integer, V>> it = file.prefetchAll() ? file.scan() : file.scanAll(window);
        while (it.hasNext()) {
            BlockfileEntry<Integer, V> e = it.next();
            float[] embedding = embeddingOf.apply(e.key(), e.value());
            if (embedding == null) {
                continue;
            }
            if (dimension < 0) {
                dimension = embedding.length;
            }
            offsets[size] = e.key();
            vectors[size] = embedding;
            size++;
        }
        return new Matrix(Arrays.copyOf(offsets, size), Arrays.copyOf(vectors, size), dimension);
    }

    /**
     * The {@code k} nearest records with an embedding among {@code allowed} (null: all), ascending distance, ties by
     * ascending offset.
     *
     * @throws IllegalArgumentException when k < 1 or the query dimension differs from the stored embeddings'
     */
    List<ScoredOffset> nearest(float[] query, int k, RoaringBitmap allowed, DistanceSpace space) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(space, "space");
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (usesGraph(query.length, k)) {
            return graphNearest(query, k, allowed, space);
        }
        Matrix m = matrix();
        if (m.offsets().length == 0 || (allowed != null && allowed.isEmpty())) {
            return List.of();
        }
        if (query.length != m.dimension()) {
            throw new IllegalArgumentException("query embedding has dimension " + query.length
                    + ", the collection's embeddings have dimension " + m.dimension());
        }
        if (allowed == null) {
            return ExactSearch.search(space, query, k, m.offsets(), m.vectors());
        }
        if (allowed.getLongCardinality() * 8 < m.offsets().length) {
            // selective filter: gather the allowed rows instead of testing every row
            int[] subOffsets = new int[allowed.getCardinality()];
            float[][] subVectors = new float[subOffsets.length][];
            int size = 0;
            for (int offset : allowed) {
                int row = Arrays.binarySearch(m.offsets(), offset);
                if (row >= 0) {
                    subOffsets[size] = offset;
                    subVectors[size] = m.vectors()[row];
                    size++;
                }
            }
            if (size == 0) {
                return List.of();
            }
            return ExactSearch.search(
                    space, query, k, Arrays.copyOf(subOffsets, size), Arrays.copyOf(subVectors, size));
        }
        return ExactSearch.search(space, query, k, m.offsets(), m.vectors(), allowed::contains);
    }

    /** The graph search of {@link #nearest}, whatever the planner would choose (tests); the version has a graph. */
    List<ScoredOffset> graphNearest(float[] query, int k, RoaringBitmap allowed, DistanceSpace space) {
        if (allowed != null && allowed.isEmpty()) {
            return List.of();
        }
        StoredHnswGraph stored = storedGraph();
        HnswIndex index = stored == null ? index() : null;
        DistanceSpace graphSpace = stored == null ? index.space() : stored.space();
        int graphDimension = stored == null ? index.dimension() : stored.dimension();
        if (graphSpace != space) {
            throw new IllegalStateException("HNSW graph of '" + segments.dir() + "' is in space " + graphSpace
                    + ", the collection's space is " + space);
        }
        if (query.length != graphDimension) {
            throw new IllegalArgumentException("query embedding has dimension " + query.length
                    + ", the collection's embeddings have dimension " + graphDimension);
        }
        int ef = hnsw.efSearch();
        if (index == null) {
            return stored.quantizer() != null
                    ? QuantizedReRank.search(stored, segments.embeddingReader(), query, k, ef, allowed, space)
                    : storedFloatsNearest(stored, query, k, ef, allowed);
        }
        if (index.quantizer() != null) {
            return QuantizedReRank.search(index, segments.embeddingReader(), query, k, ef, allowed, space);
        }
        return allowed == null
                ? index.search(query, k, ef, (OffsetSet) null)
                : index.search(query, k, ef, new RoaringOffsetSet(allowed));
    }
}
