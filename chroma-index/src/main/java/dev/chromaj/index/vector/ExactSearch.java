package dev.chromaj.index.vector;

import dev.chromaj.annotations.Internal;
import java.util.List;
import java.util.Objects;
import java.util.function.IntPredicate;

/**
 * Brute-force top-k search over explicit (offset, vector) pairs, for the uncompacted log tail and for selective
 * filters. Results are ordered by ascending distance, ties broken by ascending offset. Vectors are taken as given:
 * {@link DistanceSpace#COSINE} computes {@code 1 - cos} from the raw vectors. Thread-safe (stateless).
 */
@Internal
public final class ExactSearch {

    private ExactSearch() {}

    /**
     * The {@code k} closest of {@code vectors} to {@code query}; {@code offsets[i]} names {@code vectors[i]}.
     *
     * @throws IllegalArgumentException if {@code k < 1}, the arrays differ in length, or a dimension differs
     */
    public static List<ScoredOffset> search(
            DistanceSpace space, float[] query, int k, int[] offsets, float[][] vectors) {
        return search(space, query, k, offsets, vectors, null);
    }

    /**
     * Like {@link #search(DistanceSpace, float[], int, int[], float[][])}, over the offsets {@code allowed} accepts
     * (null accepts all).
     */
    public static List<ScoredOffset> search(
            DistanceSpace space, float[] query, int k, int[] offsets, float[][] vectors, IntPredicate allowed) {
        Objects.requireNonNull(space, "space");
        Objects.requireNonNull(query, "query");
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (offsets.length != vectors.length) {
            throw new IllegalArgumentException(
                    "offsets and vectors must have the same length, got " + offsets.length + " and " + vectors.length);
        }
        for (int i = 0; i < vectors.length; i++) {
            if (vectors[i].length != query.length) {
                throw new IllegalArgumentException(
                        "vectors[" + i + "] must have dimension " + query.length + ", got " + vectors[i].length);
            }
        }
        float[] q = query;
        if (space == DistanceSpace.COSINE) {
            q = query.clone();
            VectorKernels.normalize(q);
        }
        TopKCollector top = new TopKCollector(Math.min(k, Math.max(1, offsets.length)));
        FloatKernels kernels = VectorKernels.KERNELS;
        int dim = q.length;
        for (int i = 0; i < offsets.length; i++) {
            if (allowed != null && !allowed.test(offsets[i])) {
                continue;
            }
            float[] v = vectors[i];
            float d = switch (space) {
                // a pair farther than the k-th kept cannot enter: the sum may stop once it exceeds that
                case L2 -> kernels.squaredL2Bounded(q, 0, v, 0, dim, top.bound());
                case IP -> 1f - kernels.dot(q, 0, v, 0, dim);
                case COSINE -> {
                    float norm = (float) Math.sqrt(kernels.dot(v, 0, v, 0, dim));
                    yield 1f - kernels.dot(q, 0, v, 0, dim) / (norm + VectorKernels.NORM_EPSILON);
                }
            };
            top.offer(offsets[i], d);
        }
        return top.toSortedList();
    }

    /**
     * Exact top {@code k} over vectors offered one at a time as slices of larger arrays (the float lists of a cached
     * block, used in place): the same distances and order as {@link #search}, without copying each vector out. Not
     * thread-safe; one per search.
     */
    public static final class SliceCollector {
        private final DistanceSpace space;
        private final float[] q;
        private final TopKCollector top;

        /**
         * @throws IllegalArgumentException if {@code k < 1}
         */
        public SliceCollector(DistanceSpace space, float[] query, int k) {
            Objects.requireNonNull(space, "space");
            Objects.requireNonNull(query, "query");
            if (k < 1) {
                throw new IllegalArgumentException("k must be at least 1, got " + k);
            }
            this.space = space;
            float[] prepared = query;
            if (space == DistanceSpace.COSINE) {
                prepared = query.clone();
                VectorKernels.normalize(prepared);
            }
            this.q = prepared;
            this.top = new TopKCollector(k);
        }

        /**
         * Offers the vector {@code store[from, from + length)} under {@code offset}.
         *
         * @throws IllegalArgumentException if {@code length} is not the query's dimension
         */
        public void offer(int offset, float[] store, int from, int length) {
            int dim = q.length;
            if (length != dim) {
                throw new IllegalArgumentException(
                        "vector of offset " + offset + " must have dimension " + dim + ", got " + length);
            }
            FloatKernels kernels = VectorKernels.KERNELS;
            float d = switch (space) {
                case L2 -> kernels.squaredL2Bounded(q, 0, store, from, dim, top.bound());
                case IP -> 1f - kernels.dot(q, 0, store, from, dim);
                case COSINE -> {
                    float norm = (float) Math.sqrt(kernels.dot(store, from, store, from, dim));
                    yield 1f - kernels.dot(q, 0, store, from, dim) / (norm + VectorKernels.NORM_EPSILON);
                }
            };
            top.offer(offset, d);
        }

        /** The kept offsets by ascending distance, ties by ascending offset. */
        public List<ScoredOffset> results() {
            return top.toSortedList();
        }
    }
}
