package dev.chromaj;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link ChromaCollection#search(Search)}: optional filters, an optional {@link Rank} (dense, sparse, BM25 or a
 * fusion), paging ({@code limit} default 10, {@code offset} 0) and the fields each {@link Hit} carries (default
 * {@link Field#ID} and {@link Field#SCORE}). Without a rank, matching records come in the collection's order with no
 * score. Immutable.
 */
public final class Search {

    /** The default number of hits. */
    public static final int DEFAULT_LIMIT = 10;

    private static final Set<Field> DEFAULT_SELECT =
            Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(Field.ID, Field.SCORE)));

    private final Where where;
    private final WhereDocument whereDocument;
    private final Rank rank;
    private final int limit;
    private final int offset;
    private final Set<Field> select;

    private Search(Builder b) {
        this.where = b.where;
        this.whereDocument = b.whereDocument;
        this.rank = b.rank;
        this.limit = b.limit;
        this.offset = b.offset;
        this.select = b.select;
    }

    /**
     * Starts a search.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this search.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.where = where;
        b.whereDocument = whereDocument;
        b.rank = rank;
        b.limit = limit;
        b.offset = offset;
        b.select = select;
        return b;
    }

    /**
     * The metadata filter, or {@code null}.
     *
     * @return the filter
     */
    public Where where() {
        return where;
    }

    /**
     * The document filter, or {@code null}.
     *
     * @return the filter
     */
    public WhereDocument whereDocument() {
        return whereDocument;
    }

    /**
     * The ranking, or {@code null} for filter-only search.
     *
     * @return the rank
     */
    public Rank rank() {
        return rank;
    }

    /**
     * The maximum number of hits.
     *
     * @return at least 1
     */
    public int limit() {
        return limit;
    }

    /**
     * The number of best hits skipped.
     *
     * @return at least 0
     */
    public int offset() {
        return offset;
    }

    /**
     * The fields each hit carries (the id is always present).
     *
     * @return an unmodifiable set in selection order
     */
    public Set<Field> select() {
        return select;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Search s
                && Objects.equals(where, s.where)
                && Objects.equals(whereDocument, s.whereDocument)
                && Objects.equals(rank, s.rank)
                && limit == s.limit
                && offset == s.offset
                && select.equals(s.select);
    }

    @Override
    public int hashCode() {
        return Objects.hash(where, whereDocument, rank, limit, offset, select);
    }

    @Override
    public String toString() {
        return "Search{where=" + where + ", whereDocument=" + whereDocument + ", rank=" + rank + ", limit=" + limit
                + ", offset=" + offset + ", select=" + select + '}';
    }

    /** Builds a {@link Search}; not thread-safe. */
    public static final class Builder {
        private Where where;
        private WhereDocument whereDocument;
        private Rank rank;
        private int limit = DEFAULT_LIMIT;
        private int offset;
        private Set<Field> select = DEFAULT_SELECT;

        private Builder() {}

        /**
         * Sets the metadata filter.
         *
         * @param where the filter, or null
         * @return this builder
         */
        public Builder where(Where where) {
            this.where = where;
            return this;
        }

        /**
         * Sets the document filter.
         *
         * @param whereDocument the filter, or null
         * @return this builder
         */
        public Builder whereDocument(WhereDocument whereDocument) {
            this.whereDocument = whereDocument;
            return this;
        }

        /**
         * Sets the ranking.
         *
         * @param rank the rank, or null for filter-only search
         * @return this builder
         */
        public Builder rank(Rank rank) {
            this.rank = rank;
            return this;
        }

        /**
         * Sets the maximum number of hits.
         *
         * @param limit at least 1
         * @return this builder
         * @throws InvalidArgumentException if not positive
         */
        public Builder limit(int limit) {
            if (limit <= 0) {
                throw new InvalidArgumentException("Expected search limit to be greater than 0, got " + limit);
            }
            this.limit = limit;
            return this;
        }

        /**
         * Sets the number of best hits to skip.
         *
         * @param offset at least 0
         * @return this builder
         * @throws InvalidArgumentException if negative
         */
        public Builder offset(int offset) {
            if (offset < 0) {
                throw new InvalidArgumentException(
                        "Expected search offset to be a non-negative integer, got " + offset);
            }
            this.offset = offset;
            return this;
        }

        /**
         * Sets the fields each hit carries; the id is always returned.
         *
         * @param fields fields to return
         * @return this builder
         * @throws InvalidArgumentException if a field is null
         */
        public Builder select(Field... fields) {
            return select(fields == null ? null : Arrays.asList(fields));
        }

        /**
         * Sets the fields each hit carries; the id is always returned.
         *
         * @param fields fields to return
         * @return this builder
         * @throws InvalidArgumentException if a field is null
         */
        public Builder select(Collection<Field> fields) {
            if (fields == null) {
                throw new InvalidArgumentException("Expected select fields, got null");
            }
            Set<Field> set = new LinkedHashSet<>();
            set.add(Field.ID);
            for (Field f : fields) {
                if (f == null) {
                    throw new InvalidArgumentException("Expected select fields to be non-null, got " + fields);
                }
                set.add(f);
            }
            this.select = Collections.unmodifiableSet(set);
            return this;
        }

        /**
         * Builds the search.
         *
         * @return the search
         */
        public Search build() {
            return new Search(this);
        }
    }
}
