package dev.chromaj;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A dense nearest-neighbour {@link ChromaCollection#query(QueryRequest)}: one or more query embeddings or query texts
 * (embedded with the collection's embedding function when the query runs), the number of results per query (default
 * 10), optional filters and an optional id restriction, and the fields to return (default {@link Include#DOCUMENTS},
 * {@link Include#METADATAS}, {@link Include#DISTANCES}). Immutable; validated when built.
 */
public final class QueryRequest {

    /** Chroma's default number of results. */
    public static final int DEFAULT_N_RESULTS = 10;

    private static final Set<Include> DEFAULT_INCLUDE =
            Collections.unmodifiableSet(EnumSet.of(Include.DOCUMENTS, Include.METADATAS, Include.DISTANCES));

    private final List<float[]> queryEmbeddings;
    private final List<String> queryTexts;
    private final int nResults;
    private final Where where;
    private final WhereDocument whereDocument;
    private final List<String> ids;
    private final Set<Include> include;

    private QueryRequest(Builder b) {
        this.queryEmbeddings = b.queryEmbeddings == null ? List.of() : b.queryEmbeddings;
        this.queryTexts = b.queryTexts == null ? List.of() : b.queryTexts;
        this.nResults = b.nResults;
        this.where = b.where;
        this.whereDocument = b.whereDocument;
        this.ids = b.ids;
        this.include = b.include;
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
     * A builder holding this request.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.queryEmbeddings = queryEmbeddings.isEmpty() ? null : queryEmbeddings;
        b.queryTexts = queryTexts.isEmpty() ? null : queryTexts;
        b.nResults = nResults;
        b.where = where;
        b.whereDocument = whereDocument;
        b.ids = ids;
        b.include = include;
        return b;
    }

    /**
     * The query embeddings.
     *
     * @return an unmodifiable list of copies; empty when the request queries by text
     */
    public List<float[]> queryEmbeddings() {
        return Copies.embeddings(queryEmbeddings);
    }

    /** The query embeddings without copying; callers inside the library must not modify them. */
    List<float[]> queryEmbeddingsView() {
        return queryEmbeddings;
    }

    /**
     * The query texts, embedded with the collection's embedding function when the query runs.
     *
     * @return an unmodifiable list; empty when the request queries by embedding
     */
    public List<String> queryTexts() {
        return queryTexts;
    }

    /**
     * The number of queries: of embeddings or of texts.
     *
     * @return at least 1
     */
    int queryCount() {
        return queryTexts.isEmpty() ? queryEmbeddings.size() : queryTexts.size();
    }

    /**
     * The number of results per query.
     *
     * @return at least 1
     */
    public int nResults() {
        return nResults;
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
     * The ids results are restricted to, or {@code null} for no restriction.
     *
     * @return an unmodifiable list, or null
     */
    public List<String> ids() {
        return ids;
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
        if (!(o instanceof QueryRequest r)
                || nResults != r.nResults
                || queryEmbeddings.size() != r.queryEmbeddings.size()
                || !queryTexts.equals(r.queryTexts)
                || !Objects.equals(where, r.where)
                || !Objects.equals(whereDocument, r.whereDocument)
                || !Objects.equals(ids, r.ids)
                || !include.equals(r.include)) {
            return false;
        }
        for (int i = 0; i < queryEmbeddings.size(); i++) {
            if (!Arrays.equals(queryEmbeddings.get(i), r.queryEmbeddings.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(nResults, queryTexts, where, whereDocument, ids, include);
        for (float[] e : queryEmbeddings) {
            h = 31 * h + Arrays.hashCode(e);
        }
        return h;
    }

    @Override
    public String toString() {
        return "QueryRequest{queries=" + queryCount() + (queryTexts.isEmpty() ? "" : " (texts)") + ", nResults="
                + nResults + ", where=" + where + ", whereDocument=" + whereDocument + ", ids=" + ids + ", include="
                + include + '}';
    }

    /** Builds a {@link QueryRequest}; not thread-safe. */
    public static final class Builder {
        private List<float[]> queryEmbeddings;
        private List<String> queryTexts;
        private int nResults = DEFAULT_N_RESULTS;
        private Where where;
        private WhereDocument whereDocument;
        private List<String> ids;
        private Set<Include> include = DEFAULT_INCLUDE;

        private Builder() {}

        /**
         * Sets the query embeddings (copied), all of the same dimension.
         *
         * @param queryEmbeddings one or more non-empty, finite embeddings
         * @return this builder
         * @throws InvalidArgumentException if the list is empty, or an embedding is null, empty, not finite or of
         *     another dimension than the first
         */
        public Builder queryEmbeddings(List<float[]> queryEmbeddings) {
            if (queryEmbeddings == null || queryEmbeddings.isEmpty()) {
                throw new InvalidArgumentException("Expected query embeddings to be a list with at least one item, got "
                        + (queryEmbeddings == null ? "null" : "0 embeddings"));
            }
            List<float[]> copy = new ArrayList<>(queryEmbeddings.size());
            for (int i = 0; i < queryEmbeddings.size(); i++) {
                float[] e = queryEmbeddings.get(i);
                if (e == null) {
                    throw new InvalidArgumentException(
                            "Expected query embedding at position " + i + " to be an array, got null");
                }
                RecordValidator.checkEmbeddingValues(e, "of query ", i);
                if (i > 0 && e.length != copy.get(0).length) {
                    throw new InvalidArgumentException("Expected query embeddings to share one dimension, got "
                            + copy.get(0).length + " and " + e.length + " at position " + i);
                }
                copy.add(e.clone());
            }
            this.queryEmbeddings = Collections.unmodifiableList(copy);
            return this;
        }

        /**
         * Sets a single query embedding.
         *
         * @param queryEmbedding a non-empty, finite embedding
         * @return this builder
         * @throws InvalidArgumentException if it is null, empty or not finite
         */
        public Builder queryEmbedding(float[] queryEmbedding) {
            return queryEmbeddings(Collections.singletonList(queryEmbedding));
        }

        /**
         * Sets the query texts (copied), which the collection's embedding function embeds when the query runs
         * ({@link EmbeddingFunction#embedQueries(List)}), as Chroma's {@code query_texts}. A request has query
         * embeddings or query texts, not both.
         *
         * @param queryTexts one or more texts, none null
         * @return this builder
         * @throws InvalidArgumentException if there is no text or a text is null or not well-formed UTF-16
         */
        public Builder queryTexts(String... queryTexts) {
            return queryTexts(queryTexts == null ? null : Arrays.asList(queryTexts));
        }

        /**
         * Sets the query texts (copied); see {@link #queryTexts(String...)}.
         *
         * @param queryTexts one or more texts, none null
         * @return this builder
         * @throws InvalidArgumentException if the list is empty or a text is null or not well-formed UTF-16
         */
        public Builder queryTexts(List<String> queryTexts) {
            if (queryTexts == null || queryTexts.isEmpty()) {
                throw new InvalidArgumentException("Expected query texts to be a list with at least one item, got "
                        + (queryTexts == null ? "null" : "0 texts"));
            }
            List<String> copy = new ArrayList<>(queryTexts.size());
            for (int i = 0; i < queryTexts.size(); i++) {
                String text = queryTexts.get(i);
                if (text == null) {
                    throw new InvalidArgumentException(
                            "Expected query text at position " + i + " to be a string, got null");
                }
                WellFormedText.check("query text at position " + i, text);
                copy.add(text);
            }
            this.queryTexts = Collections.unmodifiableList(copy);
            return this;
        }

        /**
         * Sets the number of results per query.
         *
         * @param nResults at least 1
         * @return this builder
         * @throws InvalidArgumentException if zero or negative
         */
        public Builder nResults(int nResults) {
            if (nResults <= 0) {
                throw new InvalidArgumentException(
                        "Number of requested results " + nResults + ", cannot be negative, or zero.");
            }
            this.nResults = nResults;
            return this;
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
         * Restricts results to these ids; {@code null} means no restriction, an empty list matches nothing.
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
         * Sets the fields to return; no argument returns ids only.
         *
         * @param include any of the {@link Include} values
         * @return this builder
         */
        public Builder include(Include... include) {
            return include(include == null ? null : Arrays.asList(include));
        }

        /**
         * Sets the fields to return; an empty collection returns ids only.
         *
         * @param include any of the {@link Include} values
         * @return this builder
         */
        public Builder include(Collection<Include> include) {
            this.include = GetRequest.includeSet(include);
            return this;
        }

        /**
         * Builds the request.
         *
         * @return the request
         * @throws InvalidArgumentException if neither query embeddings nor query texts were set, or both were
         */
        public QueryRequest build() {
            if (queryEmbeddings == null && queryTexts == null) {
                throw new InvalidArgumentException("Expected query embeddings or query texts to be set, got none");
            }
            if (queryEmbeddings != null && queryTexts != null) {
                throw new InvalidArgumentException(
                        "You must provide either query embeddings or query texts, but not both");
            }
            return new QueryRequest(this);
        }
    }
}
