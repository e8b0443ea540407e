package dev.chromaj.langchain4j;

import dev.chromaj.AlreadyExistsException;
import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaRecord;
import dev.chromaj.CollectionOptions;
import dev.chromaj.Database;
import dev.chromaj.DeleteRequest;
import dev.chromaj.EmbeddingFunction;
import dev.chromaj.GetRequest;
import dev.chromaj.GetResult;
import dev.chromaj.Include;
import dev.chromaj.InvalidArgumentException;
import dev.chromaj.NotFoundException;
import dev.chromaj.QueryRequest;
import dev.chromaj.QueryResult;
import dev.chromaj.S3Config;
import dev.chromaj.Space;
import dev.chromaj.Where;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.CosineSimilarity;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.RelevanceScore;
import dev.langchain4j.store.embedding.filter.Filter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A LangChain4j {@link EmbeddingStore} of {@link TextSegment}s over a chromaj collection: embeddings, segment texts
 * (as documents) and segment metadata live in the collection, on a local folder or on S3.
 *
 * <pre>{@code
 * try (ChromaEmbeddingStore store = ChromaEmbeddingStore.builder()
 *         .path(Path.of("rag_data"))                 // or .client(chromaClient), + .s3(s3Config)
 *         .collectionName("docs")
 *         .build()) {
 *     store.addAll(embeddings, segments);
 *     EmbeddingSearchResult<TextSegment> hits = store.search(EmbeddingSearchRequest.builder()
 *             .queryEmbedding(queryEmbedding).maxResults(5).minScore(0.6)
 *             .filter(metadataKey("lang").isEqualTo("en"))
 *             .build());
 * }
 * }</pre>
 *
 * <p><b>Writes.</b> {@code add}/{@code addAll} write the embedding, the segment's text as the record's document and
 * its metadata (converted as {@link MetadataConversion} describes: UUIDs as strings, integers as longs). Adding under
 * an id that exists replaces that record's embedding, text and metadata in one atomic upsert (keys the new metadata
 * lacks are removed), as LangChain4j's persistent stores do; adding an embedding without a segment under an id that
 * holds a text is rejected, because the old text would survive.
 *
 * <p><b>Search.</b> {@link #search} runs a dense query for {@code maxResults} neighbours, filtered by the
 * {@link FilterMapper translation} of the request's filter, and keeps the matches whose score reaches
 * {@code minScore}. The relevance score is LangChain4j's, {@code (1 + cosine similarity) / 2} in [0, 1]: for a
 * {@link Space#COSINE} collection (the default here) from Chroma's cosine distance, {@code 1 - distance / 2}; for
 * {@link Space#IP} from the dot product, {@code (1 + dot) / 2} (the cosine for unit vectors, as LangChain4j's Milvus
 * store reads IP); for {@link Space#L2} the cosine similarity of the query and the stored embedding computed by
 * {@link CosineSimilarity}, as LangChain4j's in-memory store computes every score (matches are still ranked by L2
 * distance then). The request's query text is not used (no hybrid search through this interface).
 *
 * <p><b>Removal.</b> {@code remove}, {@code removeAll(ids)}, {@code removeAll(Filter)} delete records;
 * {@code removeAll()} deletes every record of the collection and keeps the collection (its id, space and options).
 *
 * <p><b>Errors.</b> Argument checks that LangChain4j's contract defines (a null or blank id, null or empty id
 * lists, a null filter, lists of different sizes) throw {@link IllegalArgumentException} with LangChain4j's
 * messages; what chromaj rejects (a filter without an exact Chroma equivalent, metadata keys Chroma reserves, a
 * dimension that differs from the collection's) throws {@link InvalidArgumentException}; a {@code ContainsString}
 * filter throws {@link UnsupportedOperationException} (see {@link FilterMapper}).
 *
 * <p>Thread-safe. {@link #close()} closes the client only if the store opened it ({@link Builder#path(Path)}); a
 * client passed to {@link Builder#client(ChromaClient)} stays the caller's.
 */
public final class ChromaEmbeddingStore implements EmbeddingStore<TextSegment>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChromaEmbeddingStore.class);

    /** Ids fetched and deleted per round by {@link #removeAll()}. */
    private static final int REMOVE_ALL_PAGE = 1_000;

    private final ChromaCollection collection;
    private final Space space;
    private final ChromaClient ownedClient;

    private ChromaEmbeddingStore(ChromaCollection collection, ChromaClient ownedClient) {
        this.collection = collection;
        this.space = collection.options().space();
        this.ownedClient = ownedClient;
    }

    /**
     * A builder; state a client or a path, and a collection name.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The collection the store reads and writes.
     *
     * @return the collection
     */
    public ChromaCollection collection() {
        return collection;
    }

    /**
     * The collection's space, which decides how scores are computed.
     *
     * @return the space
     */
    public Space space() {
        return space;
    }

    // ------------------------------------------------------------------------------------------------ add

    @Override
    public String add(Embedding embedding) {
        String id = UUID.randomUUID().toString();
        add(id, embedding);
        return id;
    }

    @Override
    public void add(String id, Embedding embedding) {
        requireNonBlank(id, "id");
        addAll(List.of(id), List.of(requireNonNull(embedding, "embedding")), null);
    }

    @Override
    public String add(Embedding embedding, TextSegment textSegment) {
        String id = UUID.randomUUID().toString();
        addAll(
                List.of(id),
                List.of(requireNonNull(embedding, "embedding")),
                List.of(requireNonNull(textSegment, "textSegment")));
        return id;
    }

    @Override
    public List<String> addAll(List<Embedding> embeddings) {
        requireNonNull(embeddings, "embeddings");
        List<String> ids = generateIds(embeddings.size());
        addAll(ids, embeddings, null);
        return ids;
    }

    /**
     * Adds or replaces records; {@code embedded} may be null (embeddings without segments).
     *
     * @param ids one id per embedding, unique, not blank
     * @param embeddings the embeddings
     * @param embedded one segment per embedding, or null
     * @throws IllegalArgumentException when a list is null, the sizes differ, or an id is blank or repeated
     * @throws InvalidArgumentException when chromaj rejects a record (dimension, metadata)
     */
    @Override
    public void addAll(List<String> ids, List<Embedding> embeddings, List<TextSegment> embedded) {
        requireNonNull(ids, "ids");
        requireNonNull(embeddings, "embeddings");
        if (ids.size() != embeddings.size()) {
            throw new IllegalArgumentException(
                    "ids and embeddings must have the same size, got " + ids.size() + " and " + embeddings.size());
        }
        if (embedded != null && embedded.size() != embeddings.size()) {
            throw new IllegalArgumentException("embeddings and embedded must have the same size, got "
                    + embeddings.size() + " and " + embedded.size());
        }
        if (ids.isEmpty()) {
            return;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            requireNonBlank(ids.get(i), "ids[" + i + "]");
            if (!seen.add(ids.get(i))) {
                throw new IllegalArgumentException("ids must be unique, got '" + ids.get(i) + "' twice");
            }
            requireNonNull(embeddings.get(i), "embeddings[" + i + "]");
        }
        Map<String, Existing> existing = existing(ids);
        List<ChromaRecord> records = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            TextSegment segment = embedded == null ? null : embedded.get(i);
            Existing old = existing.get(id);
            ChromaRecord.Builder record =
                    ChromaRecord.builder(id).embedding(embeddings.get(i).vector());
            Map<String, Object> metadata =
                    segment == null ? new HashMap<>() : MetadataConversion.toChroma(segment.metadata());
            if (old != null) {
                if (segment == null && old.document() != null) {
                    throw new InvalidArgumentException("Record '" + id + "' holds a text segment; adding an "
                            + "embedding without a segment under the same id would keep the old text: remove it first");
                }
                // the stored metadata must become exactly the new one: upsert merges, so drop the keys it lacks
                for (String key : old.metadataKeys()) {
                    metadata.putIfAbsent(key, null);
                }
            }
            if (!metadata.isEmpty()) {
                record.metadata(metadata);
            }
            if (segment != null) {
                record.document(segment.text());
            }
            records.add(record.build());
        }
        collection.upsert(records);
    }

    /** What an add must overwrite: the stored document and metadata keys of ids that already exist. */
    private Map<String, Existing> existing(List<String> ids) {
        GetResult found = collection.get(GetRequest.builder()
                .ids(ids)
                .include(Include.DOCUMENTS, Include.METADATAS)
                .build());
        Map<String, Existing> out = new HashMap<>();
        for (int i = 0; i < found.ids().size(); i++) {
            Map<String, Object> md = found.metadatas().get(i);
            out.put(
                    found.ids().get(i),
                    new Existing(found.documents().get(i), md == null ? Set.of() : Set.copyOf(md.keySet())));
        }
        return out;
    }

    private record Existing(String document, Set<String> metadataKeys) {}

    // --------------------------------------------------------------------------------------------- remove

    /**
     * Removes records by id; ids that do not exist are ignored.
     *
     * @param ids the ids, not null or empty, none blank
     * @throws IllegalArgumentException when {@code ids} is null or empty or holds a blank id
     */
    @Override
    public void removeAll(Collection<String> ids) {
        if (ids == null || ids.isEmpty()) {
            throw new IllegalArgumentException("ids cannot be null or empty");
        }
        List<String> list = new ArrayList<>(ids);
        for (int i = 0; i < list.size(); i++) {
            requireNonBlank(list.get(i), "ids[" + i + "]");
        }
        collection.delete(list);
    }

    /**
     * Removes the records the filter selects.
     *
     * @param filter the filter, not null
     * @throws IllegalArgumentException when {@code filter} is null
     * @throws InvalidArgumentException when the filter has no exact Chroma equivalent (see {@link FilterMapper})
     * @throws UnsupportedOperationException when the filter holds a {@code ContainsString}
     */
    @Override
    public void removeAll(Filter filter) {
        if (filter == null) {
            throw new IllegalArgumentException("filter cannot be null");
        }
        collection.delete(
                DeleteRequest.builder().where(FilterMapper.toWhere(filter)).build());
    }

    /**
     * Removes every record, a page of ids at a time; the collection itself (its id, space and options) stays. Logs
     * one INFO line at the start and one at the end.
     */
    @Override
    public void removeAll() {
        long start = System.nanoTime();
        LOG.info("Removing every record of collection '{}'", collection.name());
        long removed = 0;
        while (true) {
            List<String> page = collection
                    .get(GetRequest.builder().limit(REMOVE_ALL_PAGE).include().build())
                    .ids();
            if (page.isEmpty()) {
                break;
            }
            removed += collection.delete(page);
        }
        LOG.info(
                "Removed {} records of collection '{}' in {} ms",
                removed,
                collection.name(),
                (System.nanoTime() - start) / 1_000_000);
    }

    // --------------------------------------------------------------------------------------------- search

    /**
     * Finds the {@code maxResults} nearest records that pass the filter, keeps those scoring at least
     * {@code minScore}, best first.
     *
     * @param request the request
     * @return the matches, each with its id, score, stored embedding and segment (null for a record without text)
     * @throws InvalidArgumentException when the filter has no exact Chroma equivalent, or the query's dimension
     *     differs from the collection's
     * @throws UnsupportedOperationException when the filter holds a {@code ContainsString}
     */
    @Override
    public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request) {
        requireNonNull(request, "request");
        Where where = FilterMapper.toWhere(request.filter());
        if (collection.dimension().isEmpty()) {
            // nothing with an embedding was ever written: there is nothing to rank
            return new EmbeddingSearchResult<>(List.of());
        }
        Embedding query = request.queryEmbedding();
        QueryResult result = collection.query(QueryRequest.builder()
                .queryEmbedding(query.vector())
                .nResults(request.maxResults())
                .where(where)
                .include(Include.DOCUMENTS, Include.METADATAS, Include.EMBEDDINGS, Include.DISTANCES)
                .build());
        List<String> ids = result.ids().get(0);
        List<EmbeddingMatch<TextSegment>> matches = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            Embedding stored = Embedding.from(result.embeddings().get(0).get(i));
            double score = score(result.distances().get(0).get(i), query, stored);
            if (score < request.minScore()) {
                continue;
            }
            String text = result.documents().get(0).get(i);
            TextSegment segment = text == null
                    ? null
                    : TextSegment.from(
                            text,
                            MetadataConversion.toLangChain4j(
                                    id, result.metadatas().get(0).get(i)));
            matches.add(new EmbeddingMatch<>(score, id, stored, segment));
        }
        return new EmbeddingSearchResult<>(matches);
    }

    /** LangChain4j's relevance score for Chroma's distance in this collection's space (see the class comment). */
    private double score(float distance, Embedding query, Embedding stored) {
        return switch (space) {
            case COSINE, IP -> RelevanceScore.fromCosineSimilarity(1.0 - distance);
            case L2 -> RelevanceScore.fromCosineSimilarity(CosineSimilarity.between(query, stored));
        };
    }

    /** Closes the client if this store opened it. */
    @Override
    public void close() {
        if (ownedClient != null) {
            ownedClient.close();
        }
    }

    @Override
    public String toString() {
        return "ChromaEmbeddingStore[collection=" + collection.name() + ", space=" + space + "]";
    }

    private static <T> T requireNonNull(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " cannot be null");
        }
        return value;
    }

    private static void requireNonBlank(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " cannot be null or blank");
        }
    }

    /**
     * Settings of a store. Not thread-safe. State either {@link #client(ChromaClient)} (or {@link #database}) or
     * {@link #path(Path)}.
     */
    public static final class Builder {
        private Database database;
        private Path path;
        private S3Config s3;
        private String collectionName = "default";
        private boolean createIfMissing = true;
        private Space space;
        private EmbeddingFunction embeddingFunction = EmbeddingFunction.none();

        private Builder() {}

        /**
         * An open client (its default tenant and database); the store does not close it.
         *
         * @param client the client
         * @return this builder
         */
        public Builder client(ChromaClient client) {
            this.database = client;
            return this;
        }

        /**
         * A database of an open client ({@code client.database(tenant, name)}); the store does not close it.
         *
         * @param database the database
         * @return this builder
         */
        public Builder database(Database database) {
            this.database = database;
            return this;
        }

        /**
         * A folder for a client the store opens (and closes in {@link ChromaEmbeddingStore#close()}).
         *
         * @param path the folder (created if absent)
         * @return this builder
         */
        public Builder path(Path path) {
            this.path = path;
            return this;
        }

        /**
         * Keeps the data of the client the store opens on S3 (with {@link #path(Path)} only).
         *
         * @param s3 the bucket and prefix
         * @return this builder
         */
        public Builder s3(S3Config s3) {
            this.s3 = s3;
            return this;
        }

        /**
         * The collection's name; {@code "default"} unless stated.
         *
         * @param collectionName the name
         * @return this builder
         */
        public Builder collectionName(String collectionName) {
            this.collectionName = collectionName;
            return this;
        }

        /**
         * Whether a missing collection is created (default) or {@link #build()} fails with
         * {@link NotFoundException}.
         *
         * @param createIfMissing true to create
         * @return this builder
         */
        public Builder createIfMissing(boolean createIfMissing) {
            this.createIfMissing = createIfMissing;
            return this;
        }

        /**
         * The space of a collection the store creates ({@link Space#COSINE} unless stated, the space LangChain4j's
         * scores assume). For an existing collection, a stated space must be the collection's.
         *
         * @param space the space
         * @return this builder
         */
        public Builder space(Space space) {
            this.space = space;
            return this;
        }

        /**
         * The embedding function recorded with a collection the store creates, for chromaj code that later queries
         * the collection by text (the store itself always writes and queries with LangChain4j's embeddings);
         * {@link EmbeddingFunction#none()} unless stated. For example {@link MiniLmEmbeddingModel#embeddingFunction()}
         * or {@link EmbeddingModelFunction}.
         *
         * @param embeddingFunction the function
         * @return this builder
         */
        public Builder embeddingFunction(EmbeddingFunction embeddingFunction) {
            this.embeddingFunction = embeddingFunction;
            return this;
        }

        /**
         * Opens (or creates) the collection.
         *
         * @return the store
         * @throws InvalidArgumentException when neither or both of a client and a path are stated, S3 is stated
         *     without a path, the name is invalid, or a stated space differs from the existing collection's
         * @throws NotFoundException when the collection is missing and {@link #createIfMissing(boolean)} is false
         */
        public ChromaEmbeddingStore build() {
            if ((database == null) == (path == null)) {
                throw new InvalidArgumentException("ChromaEmbeddingStore needs either a client (client(...) or "
                        + "database(...)) or a folder (path(...)), got " + (database == null ? "neither" : "both"));
            }
            if (s3 != null && path == null) {
                throw new InvalidArgumentException("ChromaEmbeddingStore: s3(...) applies to the client the store "
                        + "opens with path(...); a client passed in already has its storage");
            }
            if (embeddingFunction == null) {
                throw new InvalidArgumentException(
                        "ChromaEmbeddingStore: embeddingFunction must not be null; use EmbeddingFunction.none()");
            }
            ChromaClient owned = null;
            Database db = database;
            if (path != null) {
                owned = s3 == null ? ChromaClient.persistent(path) : ChromaClient.persistent(path, s3);
                db = owned;
            }
            try {
                ChromaCollection collection = open(db);
                if (space != null && collection.options().space() != space) {
                    throw new InvalidArgumentException("Collection '" + collectionName + "' exists with space "
                            + collection.options().space() + ", but the store states space " + space);
                }
                return new ChromaEmbeddingStore(collection, owned);
            } catch (RuntimeException e) {
                if (owned != null) {
                    owned.close();
                }
                throw e;
            }
        }

        private ChromaCollection open(Database db) {
            try {
                return db.getCollection(collectionName);
            } catch (NotFoundException e) {
                if (!createIfMissing) {
                    throw e;
                }
            }
            CollectionOptions options = CollectionOptions.builder()
                    .space(space == null ? Space.COSINE : space)
                    .embeddingFunction(embeddingFunction)
                    .build();
            try {
                return db.createCollection(collectionName, options);
            } catch (AlreadyExistsException raced) {
                return db.getCollection(collectionName);
            }
        }
    }
}
