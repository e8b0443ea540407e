package dev.chromaj.index.sparse;

import dev.chromaj.annotations.Internal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntPredicate;

/**
 * A top-k query over posting lists: a document's score is the sum, over the query terms it holds, of each term's
 * {@link TermWeight} contribution (dot product for provided sparse vectors, BM25 for BM25 keys). Only documents
 * holding at least one query term are candidates. Immutable; build with {@link #builder()}.
 *
 * <p>{@code allowed} restricts candidates (a {@code where} filter's offsets); {@code excluded} removes offsets that
 * were deleted or overridden by newer records. Both are called only for documents that could enter the top k.
 */
@Internal
public final class SparseQuery {

    private final List<QueryTerm> terms;
    private final int k;
    private final IntPredicate allowed;
    private final IntPredicate excluded;

    /**
     * One query term.
     *
     * @param postings the term's posting list
     * @param weight   how its postings are scored
     */
    public record QueryTerm(PostingList postings, TermWeight weight) {
        /** Rejects nulls. */
        public QueryTerm {
            Objects.requireNonNull(postings, "postings");
            Objects.requireNonNull(weight, "weight");
        }
    }

    private SparseQuery(Builder builder) {
        this.terms = List.copyOf(builder.terms);
        this.k = builder.k;
        this.allowed = builder.allowed;
        this.excluded = builder.excluded;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Query terms in query order (the order in which contributions are summed). */
    public List<QueryTerm> terms() {
        return terms;
    }

    /** Number of results wanted. */
    public int k() {
        return k;
    }

    /** Offsets a result may have; always true when no filter was set. */
    public IntPredicate allowed() {
        return allowed;
    }

    /** Offsets that must not appear (deleted or overridden); always false when none were set. */
    public IntPredicate excluded() {
        return excluded;
    }

    /** True when {@code offset} may be returned. */
    boolean accepts(int offset) {
        return allowed.test(offset) && !excluded.test(offset);
    }

    /** Builder of {@link SparseQuery}; not thread-safe. */
    public static final class Builder {
        private final List<QueryTerm> terms = new ArrayList<>();
        private int k = 10;
        private IntPredicate allowed = offset -> true;
        private IntPredicate excluded = offset -> false;

        private Builder() {}

        /** Adds a query term. */
        public Builder term(PostingList postings, TermWeight weight) {
            terms.add(new QueryTerm(postings, weight));
            return this;
        }

        /**
         * Number of results (default 10).
         *
         * @throws IllegalArgumentException if {@code k < 1}
         */
        public Builder k(int k) {
            if (k < 1) {
                throw new IllegalArgumentException("k must be >= 1, got " + k);
            }
            this.k = k;
            return this;
        }

        /** Restricts results to offsets accepted by {@code allowed}. */
        public Builder allowed(IntPredicate allowed) {
            this.allowed = Objects.requireNonNull(allowed, "allowed");
            return this;
        }

        /** Removes offsets accepted by {@code excluded} (deleted or overridden documents). */
        public Builder excluded(IntPredicate excluded) {
            this.excluded = Objects.requireNonNull(excluded, "excluded");
            return this;
        }

        /** Builds the query. */
        public SparseQuery build() {
            return new SparseQuery(this);
        }
    }
}
