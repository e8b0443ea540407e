package dev.chromaj;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * How {@link Search} ranks records: a nearest-neighbour search on one vector space ({@link Knn}) or a reciprocal
 * rank fusion of several rankings ({@link Rrf}). Immutable.
 *
 * <p>Which {@code knn} is which: one argument ranks on the dense embeddings, by vector ({@link #knn(float[])}) or by
 * text embedded with the collection's function ({@link #knn(String)}); two arguments name a sparse key first, then
 * a BM25 query text ({@link #knn(String, String)}) or a sparse vector ({@link #knn(String, SparseVector)}).
 */
public sealed interface Rank {

    /** Chroma's default number of candidates a {@link Knn} keeps. */
    int DEFAULT_KNN_LIMIT = 16;
    /** Chroma's default RRF constant. */
    int DEFAULT_RRF_K = 60;

    /**
     * Dense nearest neighbours on the collection's embeddings, ranked by the collection's distance (lower is
     * better).
     *
     * @param query the query embedding, non-empty and finite (copied)
     * @return the ranking, keeping {@value #DEFAULT_KNN_LIMIT} candidates
     * @throws InvalidArgumentException if the embedding is null, empty or not finite
     */
    static Knn knn(float[] query) {
        return new DenseKnn(query, DEFAULT_KNN_LIMIT);
    }

    /**
     * Dense nearest neighbours of a text on the collection's embeddings: when the search runs, the text is embedded
     * with the collection's embedding function ({@link EmbeddingFunction#embedQueries(List)}), then ranked like
     * {@link #knn(float[])} by the collection's distance (lower is better). One argument is always the dense
     * embedding space; BM25 and sparse keys take the key first: {@link #knn(String, String)}.
     *
     * <p>The search fails with an {@link InvalidArgumentException} on a collection without an embedding function
     * ({@link EmbeddingFunction#none()}, or none recorded and Chroma's default not on the class path).
     *
     * @param text the query text, non-empty
     * @return the ranking, keeping {@value #DEFAULT_KNN_LIMIT} candidates
     * @throws InvalidArgumentException if the text is null or empty
     */
    static Knn knn(String text) {
        return new DenseTextKnn(text, DEFAULT_KNN_LIMIT);
    }

    /**
     * BM25 on a sparse key declared with {@link SparseIndex#bm25()}: the text is analyzed like documents, each
     * distinct term weighted by its count; IDF and average document length come from the collection's current
     * statistics. Higher scores are better. (With one argument, {@link #knn(String)}, a text is a dense query.)
     *
     * @param key the BM25 sparse key
     * @param text the query text
     * @return the ranking, keeping {@value #DEFAULT_KNN_LIMIT} candidates
     * @throws InvalidArgumentException if the key or text is null or empty
     */
    static Knn knn(String key, String text) {
        return new TextKnn(key, text, DEFAULT_KNN_LIMIT);
    }

    /**
     * Sparse dot-product search on a sparse key declared with {@link SparseIndex#provided()}; higher scores are
     * better. On a {@link SparseIndex#bm25()} key the vector's values weight the query terms of a BM25 search.
     *
     * @param key the sparse key
     * @param query the sparse query vector
     * @return the ranking, keeping {@value #DEFAULT_KNN_LIMIT} candidates
     * @throws InvalidArgumentException if the key is empty or the vector null
     */
    static Knn knn(String key, SparseVector query) {
        return new SparseKnn(key, query, DEFAULT_KNN_LIMIT);
    }

    /**
     * Reciprocal rank fusion: each record scores {@code sum(1 / (k + rank_i))} over the rankings it appears in
     * (rank starting at 1); higher is better.
     *
     * @param k the RRF constant, greater than 0 (Chroma uses 60)
     * @param ranks one or more rankings
     * @return the fused ranking
     * @throws InvalidArgumentException if k is not positive or there is no ranking
     */
    static Rrf rrf(int k, Rank... ranks) {
        double[] weights = new double[ranks == null ? 0 : ranks.length];
        Arrays.fill(weights, 1.0);
        return new Rrf(k, weights, ranks == null ? List.of() : Arrays.asList(ranks));
    }

    /**
     * Weighted reciprocal rank fusion: {@code sum(w_i / (k + rank_i))}.
     *
     * @param k the RRF constant, greater than 0
     * @param weights one finite, non-negative weight per ranking
     * @param ranks one or more rankings
     * @return the fused ranking
     * @throws InvalidArgumentException if k is not positive, there is no ranking, or the weights do not match
     */
    static Rrf rrf(int k, double[] weights, Rank... ranks) {
        return new Rrf(k, weights, ranks == null ? List.of() : Arrays.asList(ranks));
    }

    /** A nearest-neighbour ranking on one vector space; {@link #limit(int)} sets how many candidates it keeps. */
    sealed interface Knn extends Rank {
        /**
         * The number of candidates kept before fusion or the final limit.
         *
         * @return at least 1
         */
        int limit();

        /**
         * A copy keeping {@code limit} candidates.
         *
         * @param limit at least 1
         * @return a new ranking
         * @throws InvalidArgumentException if limit is not positive
         */
        Knn limit(int limit);
    }

    /**
     * Dense KNN on the collection's embeddings.
     *
     * @param query the query embedding
     * @param limit candidates kept
     */
    record DenseKnn(float[] query, int limit) implements Knn {
        /**
         * Validates and copies the query.
         *
         * @throws InvalidArgumentException if the query is invalid or the limit not positive
         */
        public DenseKnn {
            if (query == null) {
                throw new InvalidArgumentException("Expected a knn query embedding, got null");
            }
            RecordValidator.checkEmbeddingValues(query, "of the knn query");
            query = query.clone();
            checkLimit(limit);
        }

        /**
         * The query embedding.
         *
         * @return a copy
         */
        @Override
        public float[] query() {
            return query.clone();
        }

        @Override
        public DenseKnn limit(int limit) {
            return new DenseKnn(query, limit);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof DenseKnn d && limit == d.limit && Arrays.equals(query, d.query);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(query) + limit;
        }

        @Override
        public String toString() {
            return "DenseKnn{dimension=" + query.length + ", limit=" + limit + '}';
        }
    }

    /**
     * Dense KNN by text: embedded with the collection's embedding function when the search runs, then ranked as
     * {@link DenseKnn}.
     *
     * @param text the query text
     * @param limit candidates kept
     */
    record DenseTextKnn(String text, int limit) implements Knn {
        /**
         * Validates the arguments.
         *
         * @throws InvalidArgumentException if the text is empty or the limit not positive
         */
        public DenseTextKnn {
            if (text == null || text.isEmpty()) {
                throw new InvalidArgumentException("Expected the dense knn query text to be a non-empty string, got "
                        + (text == null ? "null" : "''"));
            }
            WellFormedText.check("dense knn query text", text);
            checkLimit(limit);
        }

        @Override
        public DenseTextKnn limit(int limit) {
            return new DenseTextKnn(text, limit);
        }
    }

    /**
     * BM25 text search on a BM25 sparse key.
     *
     * @param key the sparse key
     * @param text the query text
     * @param limit candidates kept
     */
    record TextKnn(String key, String text, int limit) implements Knn {
        /**
         * Validates the arguments.
         *
         * @throws InvalidArgumentException if the key or text is empty or the limit not positive
         */
        public TextKnn {
            checkKey(key);
            if (text == null || text.isEmpty()) {
                throw new InvalidArgumentException("Expected knn query text for key '" + key
                        + "' to be a non-empty string, got " + (text == null ? "null" : "''"));
            }
            WellFormedText.check("knn query text for key '" + key + "'", text);
            checkLimit(limit);
        }

        @Override
        public TextKnn limit(int limit) {
            return new TextKnn(key, text, limit);
        }
    }

    /**
     * Sparse dot-product search on a provided sparse key.
     *
     * @param key the sparse key
     * @param query the sparse query vector
     * @param limit candidates kept
     */
    record SparseKnn(String key, SparseVector query, int limit) implements Knn {
        /**
         * Validates the arguments.
         *
         * @throws InvalidArgumentException if the key is empty, the vector null or the limit not positive
         */
        public SparseKnn {
            checkKey(key);
            if (query == null) {
                throw new InvalidArgumentException(
                        "Expected a sparse knn query vector for key '" + key + "', got null");
            }
            checkLimit(limit);
        }

        @Override
        public SparseKnn limit(int limit) {
            return new SparseKnn(key, query, limit);
        }
    }

    /**
     * Reciprocal rank fusion of several rankings.
     *
     * @param k the RRF constant
     * @param weights one weight per ranking
     * @param ranks the rankings
     */
    record Rrf(int k, double[] weights, List<Rank> ranks) implements Rank {
        /**
         * Validates and copies the arguments.
         *
         * @throws InvalidArgumentException if k is not positive, there is no ranking, a ranking is null, or the
         *     weights are not one finite non-negative number per ranking
         */
        public Rrf {
            if (k <= 0) {
                throw new InvalidArgumentException("Expected rrf k to be greater than 0, got " + k);
            }
            if (ranks == null || ranks.isEmpty()) {
                throw new InvalidArgumentException("Expected rrf to fuse at least one ranking, got none");
            }
            for (Rank rank : ranks) {
                if (rank == null) {
                    throw new InvalidArgumentException("Expected rrf rankings to be non-null, got " + ranks);
                }
            }
            if (weights == null || weights.length != ranks.size()) {
                throw new InvalidArgumentException("Expected one rrf weight per ranking (" + ranks.size() + "), got "
                        + (weights == null ? "null" : String.valueOf(weights.length)));
            }
            for (double w : weights) {
                if (!Double.isFinite(w) || w < 0) {
                    throw new InvalidArgumentException(
                            "Expected rrf weights to be finite and >= 0, got " + Arrays.toString(weights));
                }
            }
            weights = weights.clone();
            ranks = List.copyOf(ranks);
        }

        /**
         * The weights, one per ranking.
         *
         * @return a copy
         */
        @Override
        public double[] weights() {
            return weights.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Rrf r && k == r.k && Arrays.equals(weights, r.weights) && ranks.equals(r.ranks);
        }

        @Override
        public int hashCode() {
            return Objects.hash(k, Arrays.hashCode(weights), ranks);
        }

        @Override
        public String toString() {
            return "Rrf{k=" + k + ", weights=" + Arrays.toString(weights) + ", ranks=" + ranks + '}';
        }
    }

    private static void checkLimit(int limit) {
        if (limit <= 0) {
            throw new InvalidArgumentException("Expected knn limit to be greater than 0, got " + limit);
        }
    }

    private static void checkKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new InvalidArgumentException(
                    "Expected knn sparse key to be a non-empty string, got " + (key == null ? "null" : "''"));
        }
        WellFormedText.check("knn sparse key", key);
    }
}
