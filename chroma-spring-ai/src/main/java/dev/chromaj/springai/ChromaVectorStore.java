package dev.chromaj.springai;

import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.CollectionOptions;
import dev.chromaj.Database;
import dev.chromaj.DeleteRequest;
import dev.chromaj.InvalidArgumentException;
import dev.chromaj.QueryRequest;
import dev.chromaj.QueryResult;
import dev.chromaj.Space;
import dev.chromaj.Where;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.ai.document.Document;
import org.springframework.ai.document.DocumentMetadata;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.ai.embedding.EmbeddingOptions;
import org.springframework.ai.observation.conventions.VectorStoreSimilarityMetric;
import org.springframework.ai.vectorstore.AbstractVectorStoreBuilder;
import org.springframework.ai.vectorstore.SearchRequest;
import org.springframework.ai.vectorstore.filter.Filter;
import org.springframework.ai.vectorstore.observation.AbstractObservationVectorStore;
import org.springframework.ai.vectorstore.observation.VectorStoreObservationContext;

/**
 * A Spring AI {@link org.springframework.ai.vectorstore.VectorStore} over a chromaj collection: documents are
 * embedded with the configured {@link EmbeddingModel} and stored with their text and metadata; searches embed the
 * query text and run a nearest-neighbour query with the request's filter.
 *
 * <pre>{@code
 * ChromaClient client = ChromaClient.persistent(Path.of("chroma_data"));
 * VectorStore store = ChromaVectorStore.builder(client, embeddingModel)
 *         .collectionName("docs")                       // created (cosine space) when missing
 *         .build();
 * store.add(List.of(new Document("Spring AI on chromaj", Map.of("year", 2025))));
 * List<Document> hits = store.similaritySearch(SearchRequest.builder()
 *         .query("vector store").topK(4).similarityThreshold(0.5)
 *         .filterExpression("year >= 2024")
 *         .build());
 * }</pre>
 *
 * <p>Scores are what Spring AI's own {@code SimpleVectorStore} reports: the cosine similarity of the query and the
 * document ({@code 1 - cosine distance}), with the metadata entry {@code distance} set to {@code 1 - score};
 * results come best first, {@code topK} at most, those below {@code similarityThreshold} left out. The collection
 * must therefore use the cosine space: a collection with another space is rejected when the store is built.
 *
 * <p>{@link #add} writes with upsert semantics (an id added again replaces the document, as in
 * {@code SimpleVectorStore}). Filters are converted by {@link ChromaFilterExpressionConverter}, which rejects what a
 * chromaj {@link Where} cannot express exactly. Metadata values must be strings, numbers, booleans or lists of one
 * of these (Chroma's metadata types); anything else is rejected with an {@link InvalidArgumentException} and nothing
 * is written. Thread-safe; the store does not close the client.
 */
public final class ChromaVectorStore extends AbstractObservationVectorStore {
    /** The collection name used when the builder is given a client but no name. */
    public static final String DEFAULT_COLLECTION_NAME = "spring_ai_documents";

    private final ChromaCollection collection;
    private final ChromaFilterExpressionConverter filters = new ChromaFilterExpressionConverter();

    private ChromaVectorStore(Builder builder, ChromaCollection collection) {
        super(builder);
        this.collection = collection;
    }

    /**
     * A builder over a collection that exists; it must use {@link Space#COSINE}.
     *
     * @param collection the collection to store documents in
     * @param embeddingModel embeds documents and query texts
     * @return the builder
     */
    public static Builder builder(ChromaCollection collection, EmbeddingModel embeddingModel) {
        if (collection == null) {
            throw new InvalidArgumentException("collection must not be null");
        }
        return new Builder(null, collection, embeddingModel);
    }

    /**
     * A builder over a collection of {@code database} (a {@code ChromaClient} or one of its databases), opened or
     * created (with {@link Space#COSINE}) when the store is built.
     *
     * @param database where the collection lives
     * @param embeddingModel embeds documents and query texts
     * @return the builder
     */
    public static Builder builder(Database database, EmbeddingModel embeddingModel) {
        if (database == null) {
            throw new InvalidArgumentException("database must not be null");
        }
        return new Builder(database, null, embeddingModel);
    }

    /**
     * The collection behind this store.
     *
     * @return the collection
     */
    public ChromaCollection collection() {
        return collection;
    }

    /** {@inheritDoc} The native client is the {@link ChromaCollection}. */
    @Override
    @SuppressWarnings("unchecked")
    public <T> Optional<T> getNativeClient() {
        return Optional.of((T) collection);
    }

    @Override
    public void doAdd(List<Document> documents) {
        if (documents == null) {
            throw new InvalidArgumentException("documents must not be null");
        }
        if (documents.isEmpty()) {
            return;
        }
        List<float[]> embeddings =
                embeddingModel.embed(documents, EmbeddingOptions.builder().build(), batchingStrategy);
        if (embeddings.size() != documents.size()) {
            throw new InvalidArgumentException("the embedding model returned " + embeddings.size() + " embeddings for "
                    + documents.size() + " documents");
        }
        List<ChromaRecord> records = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            Document d = documents.get(i);
            records.add(ChromaRecord.builder(d.getId())
                    .embedding(embeddings.get(i))
                    .document(d.getText())
                    .metadata(d.getMetadata())
                    .build());
        }
        collection.upsert(records);
    }

    @Override
    public void doDelete(List<String> idList) {
        if (idList == null) {
            throw new InvalidArgumentException("ids must not be null");
        }
        if (!idList.isEmpty()) {
            collection.delete(idList);
        }
    }

    @Override
    protected void doDelete(Filter.Expression filterExpression) {
        Where where = filters.toWhere(filterExpression);
        collection.delete(DeleteRequest.builder().where(where).build());
    }

    @Override
    public List<Document> doSimilaritySearch(SearchRequest request) {
        if (request == null) {
            throw new InvalidArgumentException("search request must not be null");
        }
        Where where = request.hasFilterExpression() ? filters.toWhere(request.getFilterExpression()) : null;
        if (request.getTopK() == 0) {
            return List.of();
        }
        float[] query = embeddingModel.embed(request.getQuery());
        QueryRequest.Builder q = QueryRequest.builder().queryEmbedding(query).nResults(request.getTopK());
        if (where != null) {
            q.where(where);
        }
        QueryResult result = collection.query(q.build());
        List<String> ids = result.ids().get(0);
        List<Float> distances = result.distances().get(0);
        List<String> texts = result.documents().get(0);
        List<Map<String, Object>> metadatas = result.metadatas().get(0);
        List<Document> out = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            double distance = distances.get(i);
            double score = 1.0 - distance;
            if (score < request.getSimilarityThreshold()) {
                continue;
            }
            Map<String, Object> metadata = new HashMap<>();
            if (metadatas.get(i) != null) {
                metadata.putAll(metadatas.get(i));
            }
            metadata.put(DocumentMetadata.DISTANCE.value(), distance);
            out.add(Document.builder()
                    .id(ids.get(i))
                    .text(texts.get(i))
                    .metadata(metadata)
                    .score(score)
                    .build());
        }
        return out;
    }

    @Override
    public VectorStoreObservationContext.Builder createObservationContextBuilder(String operationName) {
        return VectorStoreObservationContext.builder("chromaj", operationName)
                .collectionName(collection.name())
                .dimensions(collection.dimension().orElse(0))
                .similarityMetric(VectorStoreSimilarityMetric.COSINE.value());
    }

    /** Builds a {@link ChromaVectorStore}; observation and batching settings come from Spring AI's builder. */
    public static final class Builder extends AbstractVectorStoreBuilder<Builder> {
        private final Database database;
        private final ChromaCollection collection;
        private String collectionName = DEFAULT_COLLECTION_NAME;

        private Builder(Database database, ChromaCollection collection, EmbeddingModel embeddingModel) {
            super(embeddingModel);
            this.database = database;
            this.collection = collection;
        }

        /**
         * The name of the collection to open or create (builders made from a database only); default
         * {@value ChromaVectorStore#DEFAULT_COLLECTION_NAME}.
         *
         * @param name the collection name
         * @return this builder
         */
        public Builder collectionName(String name) {
            if (collection != null) {
                throw new InvalidArgumentException(
                        "collectionName is set by the collection the builder was made with ('" + collection.name()
                                + "')");
            }
            if (name == null || name.isBlank()) {
                throw new InvalidArgumentException("collectionName must not be blank, got '" + name + "'");
            }
            this.collectionName = name;
            return this;
        }

        /**
         * Opens or creates the collection and builds the store.
         *
         * @return the store
         * @throws InvalidArgumentException if the collection does not use the cosine space
         */
        @Override
        public ChromaVectorStore build() {
            ChromaCollection c = collection != null
                    ? collection
                    : database.getOrCreateCollection(
                            collectionName,
                            CollectionOptions.builder().space(Space.COSINE).build());
            Space space = c.options().space();
            if (space != Space.COSINE) {
                throw new InvalidArgumentException("collection '" + c.name() + "' uses space " + space.chromaName()
                        + ": ChromaVectorStore reports Spring AI's cosine similarity and needs space cosine");
            }
            return new ChromaVectorStore(this, c);
        }
    }
}
