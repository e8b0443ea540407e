package dev.chromaj.index.vector;

import dev.chromaj.annotations.Internal;
import java.util.List;
import java.util.Objects;
import java.util.function.IntPredicate;

/**
 * The HNSW query walk over any {@link HnswGraphView}: a greedy descent through the upper layers from the entry node,
 * then a best-first beam of width {@code efSearch} on layer 0, keeping only live, allowed nodes as results while still
 * traversing every node. It is the walk {@link HnswIndex#search(float[], int, int, IntPredicate)} runs on its own
 * chunks, step for step (same visiting order, same distances, same tie-breaks), so over {@link HnswIndex#view()} it
 * returns what the index returns; over a view of a persisted graph it searches the graph where it lies.
 *
 * <p>Distances are those of the view's storage: exact for float vectors, between the int8 codes of the query and the
 * node in a quantized graph (callers re-rank with full-precision vectors).
 *
 * <p>Thread-safe and stateless; each thread reuses its own search buffers.
 */
@Internal
public final class HnswGraphSearcher {

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private HnswGraphSearcher() {}

    /**
     * The (approximately) {@code k} nearest live offsets of {@code view} to {@code query}, by ascending distance (ties
     * by offset).
     *
     * @param efSearch candidate list size (raised to {@code k} if smaller)
     * @param allowed  offsets that may be returned, or null for all; tested during the walk
     * @throws IllegalArgumentException if the dimension differs, {@code k < 1} or {@code efSearch < 1}
     */
    public static List<ScoredOffset> search(
            HnswGraphView view, float[] query, int k, int efSearch, IntPredicate allowed) {
        Objects.requireNonNull(view, "view");
        return searchWalk(view.forSearch(), query, k, efSearch, allowed);
    }

    private static List<ScoredOffset> searchWalk(
            HnswGraphView view, float[] query, int k, int efSearch, IntPredicate allowed) {
        float[] q = prepareQuery(view, query, k, efSearch);
        ScalarQuantizer quantizer = view.quantizer();
        ScalarQuantizer.EncodedQuery qc = quantizer == null ? null : quantizer.encodeQuery(q);
        int entry = view.entryNode();
        if (entry < 0) {
            return List.of();
        }
        Scratch s = SCRATCH.get();
        s.ensure(view);
        int ef = Math.max(k, efSearch);
        int cur = entry;
        float curDist = distance(view, s, q, qc, cur);
        // As HnswIndex: one visited set over the upper layers (a node that lost once never wins later).
        SearchScratch upper = s.search;
        upper.reset(view.nodeCount());
        upper.visit(cur);
        for (int level = view.entryLevel(); level > 0; level--) {
            boolean changed = true;
            while (changed) {
                changed = false;
                int count = view.neighbours(level, cur, s.links);
                if (count < 0) {
                    break;
                }
                count = Math.min(count, view.maxConnections());
                // the list is copied: the walk below may move cur while it reads it
                for (int i = 0; i < count; i++) {
                    int nb = s.links[i];
                    if (!upper.visit(nb)) {
                        continue;
                    }
                    float d = distance(view, s, q, qc, nb);
                    if (d < curDist) {
                        curDist = d;
                        cur = nb;
                        changed = true;
                    }
                }
            }
        }
        SearchScratch sc = s.search;
        sc.reset(view.nodeCount());
        searchLayer0(view, s, q, qc, cur, curDist, ef, allowed);
        NodeQueue results = sc.results;
        TopKCollector top = new TopKCollector(k);
        boolean deletions = view.hasDeletedNodes();
        while (!results.isEmpty()) {
            float d = results.topDistance();
            int node = results.pop();
            if (!deletions || !view.isDeleted(node)) {
                top.offer(view.offset(node), d);
            }
        }
        return top.toSortedList();
    }

    /** Hands every vector of a scan to a {@link VectorSink}; see {@link #scan}. */
    @FunctionalInterface
    public interface StoredVectors {
        /** Calls {@code sink} once per vector. */
        void forEach(VectorSink sink);
    }

    /** Receives the vector of {@code offset} as {@code data[from, from + dimension)}, read during the call only. */
    @FunctionalInterface
    public interface VectorSink {
        /** One offset's vector. */
        void offer(int offset, float[] data, int from);
    }

    /**
     * The exact top {@code k} of {@code vectors} (offsets and vectors as a graph of floats stores them: normalized for
     * {@link DistanceSpace#COSINE}) by the distance a search of {@code view} computes, ascending, ties by offset: what
     * {@link HnswIndex#search(float[], int, int, OffsetSet)} returns when it scans its allowed offsets instead of
     * walking, for a view of a graph of floats that is not loaded.
     *
     * @throws IllegalArgumentException if the view is quantized, the dimension differs or {@code k < 1}
     */
    public static List<ScoredOffset> scan(HnswGraphView view, float[] query, int k, StoredVectors vectors) {
        Objects.requireNonNull(view, "view");
        if (view.quantizer() != null) {
            throw new IllegalArgumentException("scan needs a graph of floats, " + view + " is quantized");
        }
        float[] q = prepareQuery(view, query, k, 1);
        TopKCollector top = new TopKCollector(k);
        int dim = view.dimension();
        boolean squaredL2 = view.space() == DistanceSpace.L2;
        FloatKernels kernels = VectorKernels.KERNELS;
        vectors.forEach((offset, data, from) -> top.offer(
                offset,
                squaredL2 ? kernels.squaredL2(q, 0, data, from, dim) : 1f - kernels.dot(q, 0, data, from, dim)));
        return top.toSortedList();
    }

    /**
     * The allowed-set size at or below which scanning the allowed offsets costs less than a filtered walk of a graph
     * of {@code live} live nodes built with {@code m} links: {@code efSearch * M * log2(n) / 4} (see
     * {@link HnswIndex#bruteForceThreshold(int)}, which is this for the index's own size).
     */
    public static int bruteForceThreshold(int live, int efSearch, int m) {
        int n = Math.max(2, live);
        int log2 = 32 - Integer.numberOfLeadingZeros(n - 1);
        return (int) Math.min(Integer.MAX_VALUE, (long) efSearch * m * log2 / 4);
    }

    private static void searchLayer0(
            HnswGraphView view,
            Scratch s,
            float[] q,
            ScalarQuantizer.EncodedQuery qc,
            int ep,
            float epDist,
            int ef,
            IntPredicate allowed) {
        SearchScratch sc = s.search;
        NodeQueue candidates = sc.candidates;
        NodeQueue results = sc.results;
        boolean check = allowed != null || view.hasDeletedNodes();
        sc.visit(ep);
        candidates.push(ep, epDist);
        if (!check || accepts(view, ep, allowed)) {
            results.push(ep, epDist);
        }
        float worst = results.isEmpty() ? Float.POSITIVE_INFINITY : results.topDistance();
        int maxLinks = 2 * view.maxConnections();
        int dim = view.dimension();
        boolean squaredL2 = view.space() == DistanceSpace.L2;
        ScalarQuantizer quantizer = view.quantizer();
        FloatKernels kernels = VectorKernels.KERNELS;
        HnswGraphView.VectorSlice slice = s.slice;
        int[] links = s.links;
        while (!candidates.isEmpty()) {
            if (candidates.topDistance() > worst && results.size() >= ef) {
                break;
            }
            int cur = candidates.pop();
            int count = Math.min(view.neighbours(0, cur, links), maxLinks);
            for (int i = 0; i < count; i++) {
                int nb = links[i];
                if (!sc.visit(nb)) {
                    continue;
                }
                view.vector(nb, slice);
                float d;
                if (quantizer != null) {
                    d = quantizer.distance(qc, slice.codes, slice.from);
                } else if (!squaredL2) {
                    d = 1f - kernels.dot(q, 0, slice.floats, slice.from, dim);
                } else if (results.size() < ef) {
                    d = kernels.squaredL2(q, 0, slice.floats, slice.from, dim);
                } else {
                    // only a node closer than the worst result is kept: stop summing once it cannot be
                    d = kernels.squaredL2Bounded(q, 0, slice.floats, slice.from, dim, worst);
                }
                if (d < worst || results.size() < ef) {
                    candidates.push(nb, d);
                    if (!check || accepts(view, nb, allowed)) {
                        if (results.size() < ef) {
                            results.push(nb, d);
                        } else {
                            results.replaceTop(nb, d);
                        }
                        worst = results.topDistance();
                    }
                }
            }
        }
    }

    private static boolean accepts(HnswGraphView view, int node, IntPredicate allowed) {
        return !view.isDeleted(node) && (allowed == null || allowed.test(view.offset(node)));
    }

    private static float distance(HnswGraphView view, Scratch s, float[] q, ScalarQuantizer.EncodedQuery qc, int node) {
        HnswGraphView.VectorSlice slice = s.slice;
        view.vector(node, slice);
        ScalarQuantizer quantizer = view.quantizer();
        if (quantizer != null) {
            return quantizer.distance(qc, slice.codes, slice.from);
        }
        int dim = view.dimension();
        return view.space() == DistanceSpace.L2
                ? VectorKernels.KERNELS.squaredL2(q, 0, slice.floats, slice.from, dim)
                : 1f - VectorKernels.KERNELS.dot(q, 0, slice.floats, slice.from, dim);
    }

    private static float[] prepareQuery(HnswGraphView view, float[] query, int k, int efSearch) {
        Objects.requireNonNull(query, "query");
        if (query.length != view.dimension()) {
            throw new IllegalArgumentException(
                    "query must have dimension " + view.dimension() + ", got " + query.length);
        }
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (efSearch < 1) {
            throw new IllegalArgumentException("efSearch must be at least 1, got " + efSearch);
        }
        if (view.space() != DistanceSpace.COSINE) {
            return query;
        }
        float[] copy = query.clone();
        VectorKernels.normalize(copy);
        return copy;
    }

    /** One thread's buffers: the queues and visited marks, a neighbour list, a vector holder. */
    private static final class Scratch {
        final SearchScratch search = new SearchScratch();
        final HnswGraphView.VectorSlice slice = new HnswGraphView.VectorSlice();
        int[] links = new int[0];

        void ensure(HnswGraphView view) {
            int max = 2 * view.maxConnections();
            if (links.length < max) {
                links = new int[max];
            }
        }
    }
}
