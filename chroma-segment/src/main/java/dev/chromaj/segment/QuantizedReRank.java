package dev.chromaj.segment;

import dev.chromaj.blockstore.BlockfileReader;
import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.ExactSearch;
import dev.chromaj.index.vector.HnswGraphSearcher;
import dev.chromaj.index.vector.HnswIndex;
import dev.chromaj.index.vector.OffsetSet;
import dev.chromaj.index.vector.ScoredOffset;
import java.util.ArrayList;
import java.util.List;
import org.roaringbitmap.RoaringBitmap;

/**
 * Search of a quantized graph: the graph (or the index's exact scan of a small allowed set) finds
 * {@link #candidates} candidates by their int8 or int4 codes, and those are re-ranked by their full-precision embeddings,
 * read in place from the version's {@link SegmentFile#EMBEDDINGS} blocks through the block cache (blocks load in
 * parallel). The
 * distances returned are therefore exact; only which records reach the re-rank depends on the codes.
 *
 * <p>Stateless and thread-safe.
 */
final class QuantizedReRank {

    /** Candidates re-ranked per result asked for in an int8 graph (at most efSearch, at least k). */
    static final int RERANK_FACTOR = 4;

    /**
     * Candidates re-ranked per result asked for in an int4 graph (at most efSearch, at least k): twice int8's, because
     * 16 levels per component rank the true neighbours lower. Measured by the brute-force recall@10 of re-ranking the
     * top R by code distance (docs/vector-benchmarks.md): on full-rank clustered 64-d data int4 needs R = 40-60 where
     * int8 needs 20.
     */
    static final int RERANK_FACTOR_INT4 = 8;

    private QuantizedReRank() {}

    /** Candidates re-ranked for a top {@code k} of an int8 graph searched with {@code efSearch}. */
    static int candidates(int k, int efSearch) {
        return candidates(k, efSearch, 8);
    }

    /**
     * Candidates re-ranked for a top {@code k} of a graph of {@code bits}-bit codes searched with {@code efSearch}:
     * {@code max(k, min(efSearch, factor * k))}, the factor {@link #RERANK_FACTOR} for int8 and
     * {@link #RERANK_FACTOR_INT4} for int4. efSearch bounds the depth so that it stays the one knob of a query's work
     * (the graph walk keeps efSearch candidates anyway).
     */
    static int candidates(int k, int efSearch, int bits) {
        int factor = bits == 4 ? RERANK_FACTOR_INT4 : RERANK_FACTOR;
        return Math.max(k, Math.min(efSearch, factor * k));
    }

    static List<ScoredOffset> search(
            HnswIndex index,
            BlockfileReader<Integer, float[]> embeddings,
            float[] query,
            int k,
            int efSearch,
            RoaringBitmap allowed,
            DistanceSpace space) {
        int n = candidates(k, efSearch, index.quantizer().bits());
        List<ScoredOffset> found = allowed == null
                ? index.search(query, n, efSearch, (OffsetSet) null)
                : index.search(query, n, efSearch, new RoaringOffsetSet(allowed));
        return reRank(found, embeddings, query, k, space);
    }

    /**
     * Searches a quantized graph where it lies ({@link StoredHnswGraph}): the walk finds the candidates by their codes
     * and they are re-ranked as {@link #search} does; an allowed set small enough for a scan (the index's planner
     * threshold) is instead searched exactly over the embeddings, which is what the re-rank of the index's code scan
     * converges to and costs one embedding read per allowed record.
     */
    static List<ScoredOffset> search(
            StoredHnswGraph graph,
            BlockfileReader<Integer, float[]> embeddings,
            float[] query,
            int k,
            int efSearch,
            RoaringBitmap allowed,
            DistanceSpace space) {
        if (embeddings == null) {
            throw new IllegalStateException(graph + ": a quantized graph needs the version's "
                    + SegmentFile.EMBEDDINGS.name() + " to re-rank, the version has none");
        }
        int ef = Math.max(k, efSearch);
        if (allowed != null
                && allowed.getLongCardinality()
                        <= HnswGraphSearcher.bruteForceThreshold(graph.liveCount(), ef, graph.maxConnections())) {
            List<Integer> offsets = new ArrayList<>(allowed.getCardinality());
            allowed.forEach((int offset) -> offsets.add(offset));
            ExactSearch.SliceCollector top = new ExactSearch.SliceCollector(space, query, k);
            embeddings.forEachFloats(
                    "", offsets, (offset, data, from, length) -> top.offer(offset, data, from, length));
            return top.results();
        }
        int n = candidates(k, efSearch, graph.quantizer().bits());
        List<ScoredOffset> found =
                HnswGraphSearcher.search(graph, query, n, efSearch, allowed == null ? null : allowed::contains);
        return reRank(found, embeddings, query, k, space);
    }

    /** The best {@code k} of {@code found} by their exact distances to {@code query}, from the embeddings. */
    private static List<ScoredOffset> reRank(
            List<ScoredOffset> found,
            BlockfileReader<Integer, float[]> embeddings,
            float[] query,
            int k,
            DistanceSpace space) {
        if (embeddings == null || found.isEmpty()) {
            // Not reachable for graphs this version writes (quantized graphs are created with embeddings files).
            return found.size() <= k ? found : List.copyOf(found.subList(0, k));
        }
        List<Integer> offsets = new ArrayList<>(found.size());
        for (ScoredOffset s : found) {
            offsets.add(s.offset());
        }
        // The embeddings are used where they lie in the cached blocks: copying each one out cost more than the
        // distances (JFR, 20k x 768, JDK 25: the copies were 29% of an int8 query once the code kernels were Panama).
        ExactSearch.SliceCollector top = new ExactSearch.SliceCollector(space, query, k);
        embeddings.forEachFloats("", offsets, (offset, data, from, length) -> top.offer(offset, data, from, length));
        return top.results();
    }
}
