package dev.chromaj.segment;

import dev.chromaj.annotations.Internal;
import dev.chromaj.blockstore.BlockfileRoot;
import dev.chromaj.blockstore.BlockfileStore;
import dev.chromaj.blockstore.BlockfileWriter;
import dev.chromaj.blockstore.DataRecord;
import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.HnswConfig;
import dev.chromaj.index.vector.HnswIndex;
import dev.chromaj.index.vector.ScalarQuantizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.roaringbitmap.RoaringBitmap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the HNSW graph of the next collection version (see {@link HnswSegment} for the files).
 *
 * <p>The graph of the previous version is extended, not rebuilt: it is copied (from the loaded index when one is in
 * memory, else from its block files), the batch's deletions are applied, its insertions and changed embeddings are
 * inserted with {@link HnswSettings#threads()} threads, and only the nodes whose neighbour lists changed are written
 * to forks of the previous files, which rewrite only the blocks holding them. Vectors are written only for nodes
 * deleted by the batch: live nodes read theirs from the version's embeddings (see {@link HnswSegment}). When the deleted share passes
 * {@link HnswIndex#REBUILD_DELETED_FRACTION} the live vectors are rebuilt into a fresh graph and written whole. The
 * previous version's index is never modified, so queries on it continue during the compaction.
 *
 * <p>The new index is {@linkplain HnswIndexCache#handOver handed over} to the cache, so the first query of the new
 * version does not reload it; an index estimated above the cache's whole budget (quantized, or of floats whose live
 * vectors are the version's embeddings) is dropped instead, and the new version's queries walk its graph in its
 * blocks ({@link StoredHnswGraph}), as after a restart.
 */
@Internal
public final class HnswSegmentWriter {
    private static final Logger LOG = LoggerFactory.getLogger(HnswSegmentWriter.class);
    /** Vectors a quantizer is trained on at most. */
    static final int TRAINING_SAMPLE = 20_000;
    /** A float graph over the index budget is warned about at most this often per collection folder. */
    static final long FLOAT_OVER_BUDGET_WARNING_NANOS = TimeUnit.HOURS.toNanos(1);
    /**
     * When each collection folder last warned of its float graph over the budget: a collection compacted every few
     * seconds (the local policy's 10 s) would otherwise repeat the warning with every version.
     */
    private static final ConcurrentHashMap<String, Long> FLOAT_OVER_BUDGET_WARNED = new ConcurrentHashMap<>();

    private HnswSegmentWriter() {}

    /**
     * Writes the graph of the version after {@code base} with the changes of {@code batch} and returns
     * {@code next} (the manifest {@link SegmentWriter#commit()} returned for the same batch) with the graph's roots,
     * bytes (segment {@code vector}) and blocks added. A version whose records never had an embedding has no graph.
     *
     * @param store    block files
     * @param dir      the collection's object folder
     * @param base     the version the batch was materialized against
     * @param batch    the changes
     * @param next     the new version's manifest without the graph
     * @param settings the collection's HNSW settings
     * @return the new version's manifest
     * @throws dev.chromaj.storage.ObjectStorageException when an upload fails (objects already written are orphans)
     * @throws IllegalArgumentException when an embedding's dimension differs from the graph's
     */
    public static SegmentManifest write(
            BlockfileStore store,
            String dir,
            CollectionSegments base,
            MaterializedBatch batch,
            SegmentManifest next,
            HnswSettings settings) {
        Objects.requireNonNull(next, "next");
        Changes changes = Changes.of(batch);
        HnswSegment.Roots previous = HnswSegment.roots(base.manifest());
        // A version written before graphs were persisted has embeddings but no graph: index them all now.
        VectorSegment.Matrix existing =
                previous == null && base.count() > 0 ? base.vectors().matrix() : null;
        boolean hasExisting = existing != null && existing.offsets().length > 0;
        if (previous == null && changes.offsets.isEmpty() && !hasExisting) {
            return next;
        }
        if (previous != null && changes.isEmpty()) {
            return withGraph(store, dir, next, previous);
        }
        long started = System.nanoTime();
        Extension extension;
        if (previous != null) {
            extension = Extension.of(store, dir, previous, settings);
        } else {
            int dimension = hasExisting ? existing.dimension() : changes.vectors.get(0).length;
            int expected = changes.offsets.size() + (hasExisting ? existing.offsets().length : 0);
            ScalarQuantizer quantizer = settings.quantization() == HnswSettings.Quantization.NONE
                    ? null
                    : train(
                            dimension,
                            settings.space(),
                            hasExisting ? existing.vectors() : null,
                            changes.vectors,
                            settings.quantization().bits());
            extension = Extension.fresh(dimension, expected, settings, quantizer);
        }
        HnswIndex index = extension.index;
        if (hasExisting) {
            index.addAll(existing.offsets(), existing.vectors(), settings.threads());
        }
        for (int offset : changes.deleted) {
            index.delete(offset);
        }
        if (!changes.offsets.isEmpty()) {
            int[] offsets = changes.offsets.stream().mapToInt(Integer::intValue).toArray();
            index.addAll(offsets, changes.vectors.toArray(new float[0][]), settings.threads());
        }
        boolean rebuilt = false;
        int reconnected = 0;
        if (index.shouldRebuild()) {
            index = index.rebuilt();
            rebuilt = true;
        } else {
            // Pruning and delete repair can leave a node no link points at; it would never be found again.
            reconnected = index.reconnect();
        }
        long built = System.nanoTime();
        boolean whole = rebuilt || previous == null;
        HnswSegment.Roots roots = persist(
                store,
                dir,
                whole ? null : previous,
                whole ? null : extension.before,
                index,
                next.roots().get(SegmentFile.EMBEDDINGS.name()));
        long vectorBytes = index.quantizer() != null ? index.quantizer().codeLength() : 4L * index.dimension();
        long estimate = StoredHnswGraph.estimatedIndexBytes(
                index.nodeCount(), index.config().m(), vectorBytes);
        boolean inBlocks = (index.quantizer() != null || roots.embeddings() != null)
                && estimate > settings.cache().budgetBytes();
        if (inBlocks && index.quantizer() == null && floatOverBudgetWarningDue(dir)) {
            // Queries can walk such a graph in its blocks, but every compaction builds it on the heap with all its
            // floats: the collection cannot outgrow the heap, which an operator should hear before it runs out.
            LOG.warn(
                    "HNSW graph of '{}' holds float vectors: about {} bytes in memory, more than the index budget of {}"
                            + " bytes (vectorIndexBytes). Its queries walk the graph in its blocks, slower, and each"
                            + " compaction still builds the whole graph with its floats on the heap; a collection that"
                            + " may outgrow the heap should be created with HnswParams quantization INT8 or INT4, whose"
                            + " compactions hold only the codes (said at most once an hour per collection)",
                    dir,
                    estimate,
                    settings.cache().budgetBytes());
        }
        if (inBlocks) {
            // Over the whole index budget: the version's queries walk the graph in its blocks, as a restarted
            // client's would; keeping the index would hold more heap than vectorIndexBytes allows.
            LOG.debug(
                    "HNSW graph of '{}' exceeds the index budget of {} bytes: not kept in memory",
                    dir,
                    settings.cache().budgetBytes());
        } else {
            settings.cache().handOver(roots.header(), dir, index);
        }
        LOG.debug(
                "HNSW graph of '{}': {} nodes ({} deleted), {} inserted, {} deleted, {} relinked, {}{} ms build,"
                        + " {} ms write",
                dir,
                index.size() + index.deletedCount(),
                index.deletedCount(),
                changes.offsets.size(),
                changes.deleted.size(),
                reconnected,
                rebuilt ? "rebuilt, " : "",
                (built - started) / 1_000_000,
                (System.nanoTime() - built) / 1_000_000);
        return withGraph(store, dir, next, roots);
    }

    /** Whether {@code dir} is due a float-graph-over-budget warning now; if so, records that it had one. */
    private static boolean floatOverBudgetWarningDue(String dir) {
        long now = System.nanoTime();
        boolean[] due = {false};
        FLOAT_OVER_BUDGET_WARNED.compute(dir, (key, last) -> {
            if (last != null && now - last < FLOAT_OVER_BUDGET_WARNING_NANOS) {
                return last;
            }
            due[0] = true;
            return now;
        });
        return due[0];
    }

    /**
     * Trains the quantizer of a new graph on an even sample of the vectors it starts with (as the index stores them:
     * normalized for cosine), at most {@link #TRAINING_SAMPLE} vectors.
     */
    static ScalarQuantizer train(
            int dimension, DistanceSpace space, float[][] existing, List<float[]> added, int bits) {
        int existingCount = existing == null ? 0 : existing.length;
        int total = existingCount + added.size();
        int size = Math.min(total, TRAINING_SAMPLE);
        float[][] sample = new float[size][];
        for (int i = 0; i < size; i++) {
            int at = (int) ((long) i * total / size);
            float[] v = at < existingCount ? existing[at] : added.get(at - existingCount);
            if (v.length != dimension) {
                throw new IllegalArgumentException(
                        "embedding dimension " + v.length + " differs from the graph's " + dimension);
            }
            sample[i] = HnswSegment.asStored(v, space);
        }
        ScalarQuantizer quantizer = ScalarQuantizer.train(dimension, space, sample, bits);
        LOG.debug("Trained {} on {} of {} vectors", quantizer, size, total);
        return quantizer;
    }

    /**
     * Writes the changed parts of {@code index}, node by node (no whole-graph snapshot); {@code previous} null writes
     * every node to new files, else {@code before} is the previous version's graph, whose nodes keep their ordinals.
     * A quantized graph writes the codes of its new nodes and no float vector. Otherwise, with {@code embeddings}
     * (the new version's embeddings root) only the vectors of deleted nodes are written, once, when a node is
     * deleted: a live node's vector is its embedding; without (a version that keeps embeddings in its records)
     * every node's vector is written.
     */
    private static HnswSegment.Roots persist(
            BlockfileStore store,
            String dir,
            HnswSegment.Roots previous,
            HnswIndex before,
            HnswIndex index,
            UUID embeddings) {
        BlockfileWriter<Integer, byte[]> links =
                HnswSegment.GRAPH.writer(store, dir, previous == null ? null : previous.graph());
        BlockfileWriter<Integer, float[]> vectors =
                HnswSegment.VECTORS.writer(store, dir, previous == null ? null : previous.vectors());
        boolean quantized = index.quantizer() != null;
        BlockfileWriter<Integer, byte[]> codes =
                quantized ? HnswSegment.CODES.writer(store, dir, previous == null ? null : previous.codes()) : null;
        int n = index.nodeCount();
        int known = before == null ? 0 : before.nodeCount();
        // A changed node is encoded when its block is written, not kept encoded until the commit: a batch can change
        // the links of most nodes of a large graph.
        BlockfileWriter.Computed<Integer, byte[]> encoded = BlockfileWriter.Computed.of(
                node -> HnswGraphCodec.encodeNode(index.nodeOffset(node), index.nodeNeighbours(node)));
        RoaringBitmap deleted = new RoaringBitmap();
        for (int i = 0; i < n; i++) {
            boolean isDeleted = index.nodeDeleted(i);
            if (isDeleted) {
                deleted.add(i);
            }
            boolean newlyDeleted = isDeleted && (i >= known || !before.nodeDeleted(i));
            if (quantized) {
                // A node's code never changes: written once, with the node.
                if (i >= known) {
                    codes.set("", i, index.nodeCode(i));
                }
            } else if (embeddings == null ? i >= known : newlyDeleted) {
                vectors.set("", i, index.nodeVector(i));
            }
            int[][] neighbours = index.nodeNeighbours(i);
            if (i >= known || !Arrays.deepEquals(before.nodeNeighbours(i), neighbours)) {
                links.setComputed("", i, encoded);
            }
        }
        BlockfileWriter<String, byte[]> header = HnswSegment.HEADER.writer(store, dir, null);
        header.set(
                "",
                HnswSegment.HEADER_KEY,
                HnswGraphCodec.encodeHeader(new HnswGraphCodec.Header(
                        index.dimension(),
                        index.space(),
                        index.config(),
                        n,
                        n - deleted.getCardinality(),
                        index.entryNode(),
                        index.entryLevel(),
                        deleted)));
        if (quantized) {
            header.set("", HnswSegment.QUANTIZER_KEY, index.quantizer().toBytes());
        }
        UUID linksRoot = previous != null && links.pendingChanges() == 0
                ? previous.graph()
                : links.commit().id();
        UUID vectorsRoot = previous != null && vectors.pendingChanges() == 0
                ? previous.vectors()
                : vectors.commit().id();
        UUID codesRoot = null;
        if (quantized) {
            codesRoot = previous != null && previous.codes() != null && codes.pendingChanges() == 0
                    ? previous.codes()
                    : codes.commit().id();
        }
        return new HnswSegment.Roots(header.commit().id(), linksRoot, vectorsRoot, embeddings, codesRoot);
    }

    /** {@code next} with the graph files, their bytes and blocks. */
    private static SegmentManifest withGraph(
            BlockfileStore store, String dir, SegmentManifest next, HnswSegment.Roots roots) {
        Map<String, UUID> ids = new LinkedHashMap<>(next.roots());
        ids.put(HnswSegment.HEADER.name(), roots.header());
        ids.put(HnswSegment.GRAPH.name(), roots.graph());
        ids.put(HnswSegment.VECTORS.name(), roots.vectors());
        if (roots.codes() != null) {
            ids.put(HnswSegment.CODES.name(), roots.codes());
        } else {
            ids.remove(HnswSegment.CODES.name());
        }
        long bytes = 0;
        long blocks = 0;
        for (SegmentFile<?, ?> file : HnswSegment.FILES) {
            UUID id = ids.get(file.name());
            if (id == null) {
                continue;
            }
            BlockfileRoot root = file.open(store, dir, id).root();
            bytes += root.bytes();
            blocks += root.blockIds().size();
        }
        Map<String, Long> segmentBytes = new HashMap<>(next.segmentBytes());
        // next already counts the segment's embeddings file
        segmentBytes.merge(HnswSegment.SEGMENT, bytes, Long::sum);
        return new SegmentManifest(
                ids, next.nextOffset(), next.recordCount(), segmentBytes, next.blockCount() + blocks);
    }

    /** The vector changes of a batch: offsets to delete, offsets to insert or replace with their embeddings. */
    private static final class Changes {
        final List<Integer> deleted = new ArrayList<>();
        final List<Integer> offsets = new ArrayList<>();
        final List<float[]> vectors = new ArrayList<>();

        static Changes of(MaterializedBatch batch) {
            Changes c = new Changes();
            for (MaterializedBatch.Deleted d : batch.deleted()) {
                if (d.oldRecord().embedding() != null) {
                    c.deleted.add(d.offset());
                }
            }
            for (MaterializedBatch.Updated u : batch.updated()) {
                float[] before = u.oldRecord().embedding();
                float[] after = u.newRecord().embedding();
                if (after == null && before != null) {
                    c.deleted.add(u.offset());
                } else if (after != null && !Arrays.equals(before, after)) {
                    c.offsets.add(u.offset());
                    c.vectors.add(after);
                }
            }
            for (MaterializedBatch.Inserted in : batch.inserted()) {
                DataRecord r = in.record();
                if (r.embedding() != null) {
                    c.offsets.add(in.offset());
                    c.vectors.add(r.embedding());
                }
            }
            return c;
        }

        boolean isEmpty() {
            return deleted.isEmpty() && offsets.isEmpty();
        }
    }

    /**
     * A mutable copy of the previous graph and the previous graph itself (never modified: its neighbour lists and
     * deleted nodes tell what changed).
     */
    private static final class Extension {
        final HnswIndex index;
        final HnswIndex before;

        private Extension(HnswIndex index, HnswIndex before) {
            this.index = index;
            this.before = before;
        }

        static Extension fresh(int dimension, int expected, HnswSettings settings, ScalarQuantizer quantizer) {
            return new Extension(
                    new HnswIndex(dimension, settings.space(), settings.newGraphConfig(), expected, quantizer), null);
        }

        static Extension of(BlockfileStore store, String dir, HnswSegment.Roots previous, HnswSettings settings) {
            HnswIndex loaded = settings.cache().peek(previous.header());
            HnswIndex before = loaded != null ? loaded : HnswSegment.load(store, dir, previous);
            if (before.space() != settings.space()) {
                throw new IllegalStateException("HNSW graph of '" + dir + "' is in space " + before.space()
                        + " but the collection's space is " + settings.space());
            }
            // Vary the level sequence per version: the copy restarts its level generator.
            HnswConfig stored = before.config();
            long seed = stored.seed() * 0x9E3779B97F4A7C15L + before.nodeCount();
            HnswConfig config = new HnswConfig(stored.m(), stored.efConstruction(), settings.efSearch(), seed);
            return new Extension(before.copy(config), before);
        }
    }
}
