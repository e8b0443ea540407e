package dev.chromaj.segment;

import dev.chromaj.blockstore.BlockfileEntry;
import dev.chromaj.blockstore.BlockfileReader;
import dev.chromaj.blockstore.BlockfileStore;
import dev.chromaj.blockstore.KeyType;
import dev.chromaj.blockstore.ValueType;
import dev.chromaj.index.vector.HnswConfig;
import dev.chromaj.index.vector.HnswGraphSnapshot;
import dev.chromaj.index.vector.HnswIndex;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The persisted HNSW graph of a collection version: three blockfiles named in the {@link SegmentManifest}.
 *
 * <ul>
 *   <li>{@code vector.header}: (prefix "", key {@link #HEADER_KEY}) → {@link HnswGraphCodec.Header}: dimension,
 *       space, parameters, entry point, deleted ordinals.</li>
 *   <li>{@code vector.graph}: node ordinal → {@link HnswGraphCodec#encodeNode offset and neighbour lists}. Links
 *       change as the graph grows; a compaction writes only the nodes whose lists changed, and the blockfile fork
 *       rewrites only the blocks holding them.</li>
 *   <li>{@code vector.vectors}: node ordinal → the vector as the index stores it (normalized for cosine). Written
 *       once per node: new nodes get new ordinals at the end, so existing blocks are shared by later versions.</li>
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
    static final List<SegmentFile<?, ?>> FILES = List.of(HEADER, GRAPH, VECTORS);
    static final String HEADER_KEY = "graph";
    /** The {@link SegmentManifest#segmentBytes()} key of these files. */
    static final String SEGMENT = "vector";

    private static final AtomicInteger THREADS = new AtomicInteger();
    /** Reads the graph and the vectors in parallel (blocking storage I/O, so not the common pool). */
    private static final ExecutorService LOADER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "chromaj-hnsw-load-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private HnswSegment() {
    }

    /** The roots of the three files in {@code manifest}, or null when the version has no graph. */
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
        return new Roots(header, graph, vectors);
    }

    /** Root ids of the three files; {@link #header()} identifies a graph version. */
    record Roots(UUID header, UUID graph, UUID vectors) {
    }

    /** Loads the persisted graph into a searchable, extendable index. */
    static HnswIndex load(BlockfileStore store, String dir, Roots roots) {
        return HnswIndex.restore(snapshot(store, dir, roots, null));
    }

    /**
     * Reads the persisted graph. With a non-null {@code config} the snapshot carries that configuration instead of
     * the stored one (a compaction that extends the graph passes a fresh level seed).
     */
    static HnswGraphSnapshot snapshot(BlockfileStore store, String dir, Roots roots, HnswConfig config) {
        String what = "HNSW graph " + roots.header() + " in '" + dir + "'";
        CompletableFuture<BlockfileReader<Integer, byte[]>> graphReader =
                CompletableFuture.supplyAsync(() -> GRAPH.open(store, dir, roots.graph()), LOADER);
        CompletableFuture<BlockfileReader<Integer, float[]>> vectorReader =
                CompletableFuture.supplyAsync(() -> VECTORS.open(store, dir, roots.vectors()), LOADER);
        byte[] headerBytes = HEADER.open(store, dir, roots.header()).get("", HEADER_KEY);
        if (headerBytes == null) {
            throw new IllegalStateException(what + ": the header blockfile has no '" + HEADER_KEY + "' entry");
        }
        HnswGraphCodec.Header header = HnswGraphCodec.decodeHeader(headerBytes, what);
        int n = header.nodeCount();
        CompletableFuture<float[][]> vectors = vectorReader.thenApplyAsync(r -> readVectors(r, n, what), LOADER);
        HnswGraphCodec.NodeLinks[] links = readLinks(Futures.join(graphReader), n, what);
        float[][] vs = Futures.join(vectors);
        List<HnswGraphSnapshot.Node> nodes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (vs[i].length != header.dimension()) {
                throw new IllegalStateException(what + ": vector of node " + i + " has dimension " + vs[i].length
                        + ", the header says " + header.dimension());
            }
            nodes.add(new HnswGraphSnapshot.Node(links[i].offset(), header.deleted().contains(i), vs[i],
                    links[i].neighbours()));
            links[i] = null;
            vs[i] = null;
        }
        return new HnswGraphSnapshot(header.dimension(), header.space(), config == null ? header.config() : config,
                header.entryPoint(), header.maxLevel(), nodes);
    }

    private static HnswGraphCodec.NodeLinks[] readLinks(BlockfileReader<Integer, byte[]> reader, int n,
                                                        String what) {
        if (reader.count() != n) {
            throw new IllegalStateException(what + ": " + reader.count() + " graph nodes stored, the header says "
                    + n);
        }
        HnswGraphCodec.NodeLinks[] links = new HnswGraphCodec.NodeLinks[n];
        Iterator<BlockfileEntry<Integer, byte[]>> it = reader.scan();
        int expected = 0;
        while (it.hasNext()) {
            BlockfileEntry<Integer, byte[]> e = it.next();
            if (e.key() != expected) {
                throw new IllegalStateException(what + ": graph node ordinals are not dense: expected " + expected
                        + ", found " + e.key());
            }
            links[expected++] = HnswGraphCodec.decodeNode(e.value(), what + " node " + e.key());
        }
        return links;
    }

    private static float[][] readVectors(BlockfileReader<Integer, float[]> reader, int n, String what) {
        if (reader.count() != n) {
            throw new IllegalStateException(what + ": " + reader.count() + " vectors stored, the header says " + n);
        }
        float[][] vectors = new float[n][];
        Iterator<BlockfileEntry<Integer, float[]>> it = reader.scan();
        int expected = 0;
        while (it.hasNext()) {
            BlockfileEntry<Integer, float[]> e = it.next();
            if (e.key() != expected) {
                throw new IllegalStateException(what + ": vector ordinals are not dense: expected " + expected
                        + ", found " + e.key());
            }
            vectors[expected++] = e.value();
        }
        return vectors;
    }
}
