package dev.chromaj.segment;

import dev.chromaj.blockstore.BlockfileEntry;
import dev.chromaj.blockstore.BlockfileReader;
import dev.chromaj.blockstore.BlockfileStore;
import dev.chromaj.blockstore.KeyType;
import dev.chromaj.blockstore.ValueType;
import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.HnswConfig;
import dev.chromaj.index.vector.HnswGraphSnapshot;
import dev.chromaj.index.vector.HnswIndex;
import dev.chromaj.index.vector.ScalarQuantizer;
import dev.chromaj.index.vector.VectorKernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.roaringbitmap.RoaringBitmap;

/**
 * The persisted HNSW graph of a collection version: three blockfiles named in the {@link SegmentManifest}, and the
 * version's {@link SegmentFile#EMBEDDINGS}, which holds the vectors of the live nodes.
 *
 * <ul>
 *   <li>{@code vector.header}: (prefix "", key {@link #HEADER_KEY}) → {@link HnswGraphCodec.Header}: dimension,
 *       space, parameters, entry point, deleted ordinals.</li>
 *   <li>{@code vector.graph}: node ordinal → {@link HnswGraphCodec#encodeNode offset and neighbour lists}. Links
 *       change as the graph grows; a compaction writes only the nodes whose lists changed, and the blockfile fork
 *       rewrites only the blocks holding them.</li>
 *   <li>{@code vector.vectors}: node ordinal → the vector as the index stores it (normalized for cosine), for the
 *       deleted nodes only: a live node's vector is its record's embedding in {@code vector.embeddings} (normalized
 *       at load for cosine), so each embedding is stored once. A node's vector is written here when the node is
 *       deleted, and never again: new nodes get new ordinals at the end. Graphs written before
 *       {@code vector.embeddings} existed hold every node's vector here; a node whose ordinal is present is read
 *       from here, any other from the embeddings.</li>
 *   <li>{@code vector.codes} (quantized graphs only): node ordinal → the node's int8 or packed int4 code (see
 *       {@link ScalarQuantizer}), written once when the node is created. The quantizer's parameters are the
 *       {@link #QUANTIZER_KEY} entry of {@code vector.header}; a graph without that entry stores floats. A quantized
 *       graph loads only its codes and links: no float vector is read into memory, and {@code vector.vectors} stays
 *       empty (a deleted node keeps its code).</li>
 * </ul>
 *
 * <p>Deleted nodes (deleted records and the old vectors of updated ones) keep their vectors and links: the graph
 * still routes through them until a rebuild drops them. Stateless and thread-safe.
 */
final class HnswSegment {

    static final SegmentFile<String, byte[]> HEADER =
            new SegmentFile<>("vector.header", KeyType.STRING, ValueType.BYTES);
    static final SegmentFile<Integer, byte[]> GRAPH = new SegmentFile<>("vector.graph", KeyType.U32, ValueType.BYTES);
    static final SegmentFile<Integer, float[]> VECTORS =
            new SegmentFile<>("vector.vectors", KeyType.U32, ValueType.F32_LIST);
    static final SegmentFile<Integer, byte[]> CODES = new SegmentFile<>("vector.codes", KeyType.U32, ValueType.BYTES);
    /** The graph's files; {@link #CODES} is present in quantized graphs only. */
    static final List<SegmentFile<?, ?>> FILES = List.of(HEADER, GRAPH, VECTORS, CODES);

    static final String HEADER_KEY = "graph";
    /** Key of the quantizer parameters in {@link #HEADER}, present in quantized graphs only. */
    static final String QUANTIZER_KEY = "quantizer";
    /** The {@link SegmentManifest#segmentBytes()} key of these files. */
    static final String SEGMENT = "vector";
    /** Blocks read ahead by a load outside the index cache (a compaction's), the graph and the vectors together. */
    static final long SNAPSHOT_BYTES_IN_FLIGHT = 512L << 20;
    /** Blocks read ahead at most by the load of a quantized graph, whose point is a small heap. */
    static final long QUANTIZED_BYTES_IN_FLIGHT = 32L << 20;

    /** Reads the graph and the vectors in parallel (blocking storage I/O, so not the common pool). */
    private static final ExecutorService LOADER = ParallelReadPool.create("chromaj-hnsw-load-");

    private HnswSegment() {}

    /**
     * The roots of the three files in {@code manifest} and of its embeddings, or null when the version has no graph.
     */
    static Roots roots(SegmentManifest manifest) {
        Map<String, UUID> roots = manifest.roots();
        UUID header = roots.get(HEADER.name());
        if (header == null) {
            return null;
        }
        UUID graph = roots.get(GRAPH.name());
        UUID vectors = roots.get(VECTORS.name());
        if (graph == null || vectors == null) {
            throw new IllegalStateException("segment manifest names " + HEADER.name() + " but not "
                    + (graph == null ? GRAPH.name() : VECTORS.name()));
        }
        return new Roots(header, graph, vectors, roots.get(SegmentFile.EMBEDDINGS.name()), roots.get(CODES.name()));
    }

    /**
     * Root ids of the three files and of the version's embeddings (null: a version that kept its embeddings in its
     * records, whose graph holds every vector) and codes (null: a graph of floats); {@link #header()} identifies a
     * graph version.
     */
    record Roots(UUID header, UUID graph, UUID vectors, UUID embeddings, UUID codes) {}

    /**
     * Readers of the files of one graph version and of its embeddings and codes (null: none, as in {@link Roots}).
     */
    record Readers(
            BlockfileReader<String, byte[]> header,
            BlockfileReader<Integer, byte[]> graph,
            BlockfileReader<Integer, float[]> vectors,
            BlockfileReader<Integer, float[]> embeddings,
            BlockfileReader<Integer, byte[]> codes) {}

    /** Opens the roots in parallel: one storage round trip when none is cached. */
    static Readers open(BlockfileStore store, String dir, Roots roots) {
        CompletableFuture<BlockfileReader<Integer, byte[]>> graph =
                CompletableFuture.supplyAsync(() -> GRAPH.open(store, dir, roots.graph()), LOADER);
        CompletableFuture<BlockfileReader<Integer, float[]>> vectors =
                CompletableFuture.supplyAsync(() -> VECTORS.open(store, dir, roots.vectors()), LOADER);
        CompletableFuture<BlockfileReader<Integer, float[]>> embeddings = roots.embeddings() == null
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(
                        () -> SegmentFile.EMBEDDINGS.open(store, dir, roots.embeddings()), LOADER);
        CompletableFuture<BlockfileReader<Integer, byte[]>> codes = roots.codes() == null
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> CODES.open(store, dir, roots.codes()), LOADER);
        BlockfileReader<String, byte[]> header = HEADER.open(store, dir, roots.header());
        return new Readers(
                header, Futures.join(graph), Futures.join(vectors), Futures.join(embeddings), Futures.join(codes));
    }

    /** Loads the persisted graph of {@code roots} into a searchable, extendable index. */
    static HnswIndex load(BlockfileStore store, String dir, Roots roots) {
        return load(
                open(store, dir, roots),
                "HNSW graph " + roots.header() + " in '" + dir + "'",
                SNAPSHOT_BYTES_IN_FLIGHT,
                store.options().maxBlockBytes());
    }

    /**
     * Loads the persisted graph into a searchable, extendable index, holding at most about {@code bytesInFlight} of
     * blocks read but not consumed yet (besides what the index takes).
     */
    static HnswIndex load(Readers readers, String what, long bytesInFlight, long maxBlockBytes) {
        // Quantized graphs, and only they, have a codes file: known from the manifest, before any read, so every
        // block read of either kind of load is issued at once.
        if (readers.codes() != null) {
            return loadQuantized(readers, what, bytesInFlight, maxBlockBytes);
        }
        return HnswIndex.restore(snapshot(readers, what, null, bytesInFlight, maxBlockBytes));
    }

    /**
     * Reads the persisted graph. With a non-null {@code config} the snapshot carries that configuration instead of
     * the stored one (a compaction that extends the graph passes a fresh level seed).
     */
    static HnswGraphSnapshot snapshot(BlockfileStore store, String dir, Roots roots, HnswConfig config) {
        return snapshot(
                open(store, dir, roots),
                "HNSW graph " + roots.header() + " in '" + dir + "'",
                config,
                SNAPSHOT_BYTES_IN_FLIGHT,
                store.options().maxBlockBytes());
    }

    /**
     * Reads the graph from open readers. Every block read of the files is issued before anything is consumed (up to
     * {@code bytesInFlight}, split between the graph, the stored vectors and the embeddings), so a cold load costs one
     * storage round trip when the pool of storage requests is large enough, not one per block.
     */
    static HnswGraphSnapshot snapshot(
            Readers readers, String what, HnswConfig config, long bytesInFlight, long maxBlockBytes) {
        if (readers.codes() != null) {
            throw new IllegalStateException(what + ": a quantized graph is loaded with load(), not as a snapshot");
        }
        int window = (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytesInFlight / 3 / Math.max(1, maxBlockBytes)));
        Iterator<BlockfileEntry<Integer, byte[]>> graphEntries = readers.graph().scanAll(window);
        Iterator<BlockfileEntry<Integer, float[]>> vectorEntries =
                readers.vectors().scanAll(window);
        Iterator<BlockfileEntry<Integer, float[]>> embeddingEntries =
                readers.embeddings() == null ? null : readers.embeddings().scanAll(window);
        byte[] headerBytes = readers.header().get("", HEADER_KEY);
        if (headerBytes == null) {
            throw new IllegalStateException(what + ": the header blockfile has no '" + HEADER_KEY + "' entry");
        }
        HnswGraphCodec.Header header = HnswGraphCodec.decodeHeader(headerBytes, what);
        int n = header.nodeCount();
        // Decoding vectors, embeddings and links runs on three threads; the reads of all are already under way.
        CompletableFuture<float[][]> vectors =
                CompletableFuture.supplyAsync(() -> readVectors(readers.vectors(), vectorEntries, n, what), LOADER);
        CompletableFuture<Embeddings> embeddings = embeddingEntries == null
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.supplyAsync(() -> Embeddings.read(readers.embeddings(), embeddingEntries), LOADER);
        HnswGraphCodec.NodeLinks[] links = readLinks(readers.graph(), graphEntries, n, what);
        float[][] vs = Futures.join(vectors);
        Embeddings live = Futures.join(embeddings);
        List<HnswGraphSnapshot.Node> nodes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (vs[i] == null) {
                float[] embedding = live == null ? null : live.of(links[i].offset());
                if (embedding == null) {
                    throw new IllegalStateException(what + ": node " + i + " (offset " + links[i].offset()
                            + ") has no vector in " + VECTORS.name() + " and no embedding in "
                            + SegmentFile.EMBEDDINGS.name());
                }
                vs[i] = asStored(embedding, header.space());
            }
            if (vs[i].length != header.dimension()) {
                throw new IllegalStateException(what + ": vector of node " + i + " has dimension " + vs[i].length
                        + ", the header says " + header.dimension());
            }
            nodes.add(new HnswGraphSnapshot.Node(
                    links[i].offset(), header.deleted().contains(i), vs[i], links[i].neighbours()));
            links[i] = null;
            vs[i] = null;
        }
        return new HnswGraphSnapshot(
                header.dimension(),
                header.space(),
                config == null ? header.config() : config,
                header.entryPoint(),
                header.maxLevel(),
                nodes);
    }

    /**
     * Loads a quantized graph: links and codes only, never a float vector, block by block into the index's arrays (no
     * object per node), with at most {@link #QUANTIZED_BYTES_IN_FLIGHT} of blocks read ahead. Blocks are decoded on
     * the loader threads while this one copies the ones before them.
     */
    private static HnswIndex loadQuantized(Readers readers, String what, long bytesInFlight, long maxBlockBytes) {
        long inFlight = Math.min(bytesInFlight, QUANTIZED_BYTES_IN_FLIGHT);
        int window = (int) Math.max(2, Math.min(Integer.MAX_VALUE, inFlight / 2 / Math.max(1, maxBlockBytes)));
        HnswGraphCodec.Header header = header(readers, what);
        ScalarQuantizer quantizer = quantizer(readers, header, what);
        int n = header.nodeCount();
        if (readers.graph().count() != n) {
            throw new IllegalStateException(
                    what + ": " + readers.graph().count() + " graph nodes stored, the header says " + n);
        }
        if (readers.codes().count() != n) {
            throw new IllegalStateException(what + ": " + readers.codes().count() + " codes stored in " + CODES.name()
                    + ", the header counts " + n + " nodes");
        }
        Iterator<HnswGraphSnapshot.CodeBlock> codes = readers.codes()
                .scanBlocks(window, new StoredHnswGraph.CodeDecoder(what, quantizer, header.dimension()), LOADER);
        Iterator<HnswGraphSnapshot.LinkBlock> links = readers.graph()
                .scanBlocks(
                        window,
                        new StoredHnswGraph.LinkDecoder(what, n, header.config().m()),
                        LOADER);
        RoaringBitmap deleted = header.deleted();
        try {
            return HnswIndex.restore(
                    header.dimension(),
                    header.space(),
                    header.config(),
                    quantizer,
                    n,
                    header.entryPoint(),
                    header.maxLevel(),
                    deleted::contains,
                    links,
                    codes);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(what + ": inconsistent graph: " + e.getMessage(), e);
        }
    }

    /** The decoded graph header of {@code readers}. */
    static HnswGraphCodec.Header header(Readers readers, String what) {
        byte[] headerBytes = readers.header().get("", HEADER_KEY);
        if (headerBytes == null) {
            throw new IllegalStateException(what + ": the header blockfile has no '" + HEADER_KEY + "' entry");
        }
        return HnswGraphCodec.decodeHeader(headerBytes, what);
    }

    /** The quantizer of a quantized graph (one with a codes file), checked against its header. */
    static ScalarQuantizer quantizer(Readers readers, HnswGraphCodec.Header header, String what) {
        byte[] quantizerBytes = readers.header().get("", QUANTIZER_KEY);
        if (quantizerBytes == null) {
            throw new IllegalStateException(what + ": the version has a " + CODES.name()
                    + " file but the header holds no '" + QUANTIZER_KEY + "' entry");
        }
        ScalarQuantizer quantizer = ScalarQuantizer.fromBytes(
                quantizerBytes, header.space(), what + " (" + HEADER.name() + " '" + QUANTIZER_KEY + "')");
        if (quantizer.dimension() != header.dimension()) {
            throw new IllegalStateException(what + ": quantizer dimension " + quantizer.dimension()
                    + ", the header says " + header.dimension());
        }
        return quantizer;
    }

    private static HnswGraphCodec.NodeLinks[] readLinks(
            BlockfileReader<Integer, byte[]> reader, Iterator<BlockfileEntry<Integer, byte[]>> it, int n, String what) {
        if (reader.count() != n) {
            throw new IllegalStateException(what + ": " + reader.count() + " graph nodes stored, the header says " + n);
        }
        HnswGraphCodec.NodeLinks[] links = new HnswGraphCodec.NodeLinks[n];
        int expected = 0;
        while (it.hasNext()) {
            BlockfileEntry<Integer, byte[]> e = it.next();
            if (e.key() != expected) {
                throw new IllegalStateException(
                        what + ": graph node ordinals are not dense: expected " + expected + ", found " + e.key());
            }
            links[expected++] = HnswGraphCodec.decodeNode(e.value(), what, e.key());
        }
        return links;
    }

    private static float[][] readVectors(
            BlockfileReader<Integer, float[]> reader,
            Iterator<BlockfileEntry<Integer, float[]>> it,
            int n,
            String what) {
        if (reader.count() > n) {
            throw new IllegalStateException(
                    what + ": " + reader.count() + " vectors stored, the header counts " + n + " nodes");
        }
        float[][] vectors = new float[n][];
        while (it.hasNext()) {
            BlockfileEntry<Integer, float[]> e = it.next();
            if (e.key() < 0 || e.key() >= n) {
                throw new IllegalStateException(
                        what + ": a vector is stored for node " + e.key() + ", the header counts " + n + " nodes");
            }
            vectors[e.key()] = e.value();
        }
        return vectors;
    }

    /** {@code embedding} as the index stores it in {@code space}: a normalized copy for cosine, else itself. */
    static float[] asStored(float[] embedding, DistanceSpace space) {
        if (space != DistanceSpace.COSINE) {
            return embedding;
        }
        // The same computation as the index's insert, so a reloaded node has the bits it had when inserted.
        float[] copy = embedding.clone();
        VectorKernels.normalize(copy);
        return copy;
    }

    /** A version's embeddings by ascending offset, for finding the vectors of live nodes. */
    private record Embeddings(int[] offsets, float[][] vectors) {
        static Embeddings read(
                BlockfileReader<Integer, float[]> reader, Iterator<BlockfileEntry<Integer, float[]>> it) {
            int n = (int) reader.count();
            int[] offsets = new int[n];
            float[][] vectors = new float[n][];
            int size = 0;
            while (it.hasNext() && size < n) {
                BlockfileEntry<Integer, float[]> e = it.next();
                offsets[size] = e.key();
                vectors[size++] = e.value();
            }
            return new Embeddings(Arrays.copyOf(offsets, size), Arrays.copyOf(vectors, size));
        }

        float[] of(int offset) {
            int i = Arrays.binarySearch(offsets, offset);
            return i < 0 ? null : vectors[i];
        }
    }
}
