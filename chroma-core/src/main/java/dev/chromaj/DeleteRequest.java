package dev.chromaj;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A {@link ChromaCollection#delete(DeleteRequest)}: ids and/or a metadata filter and/or a document filter (all
 * given conditions must hold), with an optional limit on how many records are deleted. Immutable.
 */
public final class DeleteRequest {

    private final List<String> ids;
    private final Where where;
    private final WhereDocument whereDocument;
    private final Integer limit;

    private DeleteRequest(Builder b) {
        this.ids = b.ids;
        this.where = b.where;
        this.whereDocument = b.whereDocument;
        this.limit = b.limit;
    }

    /**
     * Starts a request.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Deletes these ids.
     *
     * @param ids unique non-empty ids; an empty list deletes nothing
     * @return the request
     * @throws InvalidArgumentException if an id is null, empty or repeated
     */
    public static DeleteRequest ofIds(List<String> ids) {
        return builder().ids(ids).build();
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
        return b;
    }

    /**
     * The ids to delete, or {@code null} when not restricted by id.
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
     * The maximum number of records to delete.
     *
     * @return the limit, or empty for no limit
     */
    public OptionalInt limit() {
        return limit == null ? OptionalInt.empty() : OptionalInt.of(limit);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeleteRequest r
                && Objects.equals(ids, r.ids)
                && Objects.equals(where, r.where)
                && Objects.equals(whereDocument, r.whereDocument)
                && Objects.equals(limit, r.limit);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ids, where, whereDocument, limit);
    }

    @Override
    public String toString() {
        return "DeleteRequest{ids=" + ids + ", where=" + where + ", whereDocument=" + whereDocument + ", limit=" + limit
                + '}';
    }

    /** Builds a {@link DeleteRequest}; not thread-safe. */
    public static final class Builder {
        private List<String> ids;
        private Where where;
        private WhereDocument whereDocument;
        private Integer limit;

        private Builder() {}

        /**
         * Restricts deletion to these ids; an empty list deletes nothing.
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
         * Deletes at most {@code limit} matching records.
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
         * Builds the request.
         *
         * @return the request
         * @throws InvalidArgumentException if none of ids, where and whereDocument is set (deleting everything
         *     must be explicit: use a filter)
         */
        public DeleteRequest build() {
            if (ids == null && where == null && whereDocument == null) {
                throw new InvalidArgumentException(
                        "Expected at least one of ids, where or whereDocument to be provided for delete");
            }
            return new DeleteRequest(this);
        }
    }
}
