package dev.chromaj;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A {@link ChromaCollection#get(GetRequest)}: optional ids, filters and paging, and the fields to return
 * (default {@link Include#DOCUMENTS} and {@link Include#METADATAS}). Immutable; validated when built.
 */
public final class GetRequest {

    private static final Set<Include> DEFAULT_INCLUDE =
            Collections.unmodifiableSet(EnumSet.of(Include.DOCUMENTS, Include.METADATAS));

    private final List<String> ids;
    private final Where where;
    private final WhereDocument whereDocument;
    private final Integer limit;
    private final int offset;
    private final Set<Include> include;

    private GetRequest(Builder b) {
        this.ids = b.ids;
        this.where = b.where;
        this.whereDocument = b.whereDocument;
        this.limit = b.limit;
        this.offset = b.offset;
        this.include = b.include;
    }

    /**
     * Starts a request that matches every record.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this request.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.ids = ids;
        b.where = where;
        b.whereDocument = whereDocument;
        b.limit = limit;
        b.offset = offset;
        b.include = include;
        return b;
    }

    /**
     * The ids to fetch, or {@code null} for all records.
     *
     * @return an unmodifiable list, or null
     */
    public List<String> ids() {
        return ids;
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
     * The maximum number of records to return.
     *
     * @return the limit, or empty for no limit
     */
    public OptionalInt limit() {
        return limit == null ? OptionalInt.empty() : OptionalInt.of(limit);
    }

    /**
     * The number of matching records to skip (in the collection's order).
     *
     * @return the offset, 0 by default
     */
    public int offset() {
        return offset;
    }

    /**
     * The fields to return besides ids.
     *
     * @return an unmodifiable set
     */
    public Set<Include> include() {
        return include;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GetRequest r
                && Objects.equals(ids, r.ids)
                && Objects.equals(where, r.where)
                && Objects.equals(whereDocument, r.whereDocument)
                && Objects.equals(limit, r.limit)
                && offset == r.offset
                && include.equals(r.include);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ids, where, whereDocument, limit, offset, include);
    }

    @Override
    public String toString() {
        return "GetRequest{ids=" + ids + ", where=" + where + ", whereDocument=" + whereDocument + ", limit=" + limit
                + ", offset=" + offset + ", include=" + include + '}';
    }

    /** Builds a {@link GetRequest}; not thread-safe. Arguments are validated as they are set. */
    public static final class Builder {
        private List<String> ids;
        private Where where;
        private WhereDocument whereDocument;
        private Integer limit;
        private int offset;
        private Set<Include> include = DEFAULT_INCLUDE;

        private Builder() {}

        /**
         * Restricts the request to these ids; {@code null} means all records, an empty list matches nothing.
         *
         * @param ids unique non-empty ids
         * @return this builder
         * @throws InvalidArgumentException if an id is null, empty or repeated
         */
        public Builder ids(List<String> ids) {
            this.ids = ids == null ? null : RecordValidator.checkIds(ids);
            return this;
        }

        /**
         * Varargs form of {@link #ids(List)}.
         *
         * @param ids unique non-empty ids
         * @return this builder
         */
        public Builder ids(String... ids) {
            return ids(Arrays.asList(Errors.requireArgument(ids, "ids")));
        }

        /**
         * Sets the metadata filter; {@code null} clears it.
         *
         * @param where the filter
         * @return this builder
         */
        public Builder where(Where where) {
            this.where = where;
            return this;
        }

        /**
         * Sets the document filter; {@code null} clears it.
         *
         * @param whereDocument the filter
         * @return this builder
         */
        public Builder whereDocument(WhereDocument whereDocument) {
            this.whereDocument = whereDocument;
            return this;
        }

        /**
         * Sets the maximum number of records.
         *
         * @param limit at least 0
         * @return this builder
         * @throws InvalidArgumentException if negative
         */
        public Builder limit(int limit) {
            if (limit < 0) {
                throw new InvalidArgumentException("Expected limit to be a non-negative integer, got " + limit);
            }
            this.limit = limit;
            return this;
        }

        /**
         * Removes the limit.
         *
         * @return this builder
         */
        public Builder noLimit() {
            this.limit = null;
            return this;
        }

        /**
         * Sets the number of matching records to skip.
         *
         * @param offset at least 0
         * @return this builder
         * @throws InvalidArgumentException if negative
         */
        public Builder offset(int offset) {
            if (offset < 0) {
                throw new InvalidArgumentException("Expected offset to be a non-negative integer, got " + offset);
            }
            this.offset = offset;
            return this;
        }

        /**
         * Sets the fields to return; no argument returns ids only.
         *
         * @param include any of DOCUMENTS, METADATAS, EMBEDDINGS, URIS
         * @return this builder
         * @throws InvalidArgumentException for {@link Include#DISTANCES} or a null element
         */
        public Builder include(Include... include) {
            return include(include == null ? null : Arrays.asList(include));
        }

        /**
         * Sets the fields to return; an empty collection returns ids only.
         *
         * @param include any of DOCUMENTS, METADATAS, EMBEDDINGS, URIS
         * @return this builder
         * @throws InvalidArgumentException for {@link Include#DISTANCES} or a null element
         */
        public Builder include(Collection<Include> include) {
            Set<Include> set = includeSet(include);
            if (set.contains(Include.DISTANCES)) {
                throw new InvalidArgumentException("Include item cannot be one of distances, got distances");
            }
            this.include = set;
            return this;
        }

        /**
         * Builds the request.
         *
         * @return the request
         */
        public GetRequest build() {
            return new GetRequest(this);
        }
    }

    /** Copies an include list into an unmodifiable enum set. */
    static Set<Include> includeSet(Collection<Include> include) {
        if (include == null) {
            throw new InvalidArgumentException("Expected include to be a list, got null");
        }
        EnumSet<Include> set = EnumSet.noneOf(Include.class);
        for (Include item : include) {
            if (item == null) {
                throw new InvalidArgumentException("Expected include item to be one of documents, embeddings,"
                        + " metadatas, distances, uris, got null");
            }
            set.add(item);
        }
        return Collections.unmodifiableSet(set);
    }
}
