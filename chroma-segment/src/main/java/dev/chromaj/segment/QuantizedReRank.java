package dev.chromaj.segment;

import dev.chromaj.blockstore.BlockfileReader;
import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.ExactSearch;
import dev.chromaj.index.vector.HnswIndex;
import dev.chromaj.index.vector.OffsetSet;
import dev.chromaj.index.vector.ScoredOffset;
import java.util.ArrayList;
import java.util.List;
import org.roaringbitmap.RoaringBitmap;

/**
 * Search of a quantized graph: the graph (or the index's exact scan of a small allowed set) finds
 * {@link #candidates} candidates by their int8 codes, and those are re-ranked by their full-precision embeddings,
 * read in place from the version's {@link SegmentFile#EMBEDDINGS} blocks through the block cache (blocks load in
 * parallel). The
 * distances returned are therefore exact; only which records reach the re-rank depends on the codes.
 *
 * <p>Stateless and thread-safe.
 */
final class QuantizedReRank {

    /** Candidates re-ranked per result asked for (at most efSearch, at least k). */
    static final int RERANK_FACTOR = 4;

    private QuantizedReRank() {}

    /** Candidates re-ranked for a top {@code k} searched with {@code efSearch}. */
    static int candidates(int k, int efSearch) {
        return Math.max(k, Math.min(efSearch, RERANK_FACTOR * k));
    }

    static List<ScoredOffset> search(
            HnswIndex index,
            BlockfileReader<Integer, float[]> embeddings,
            float[] query,
            int k,
            int efSearch,
            RoaringBitmap allowed,
            DistanceSpace space) {
        int n = candidates(k, efSearch);
        List<ScoredOffset> found = allowed == null
                ? index.search(query, n, efSearch, (OffsetSet) null)
                : index.search(query, n, efSearch, new RoaringOffsetSet(allowed));
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
