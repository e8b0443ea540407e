package dev.chromaj;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The {@link ChromaCollection} users hold: validates requests, embeds documents and query texts, and hands them to
 * the collection's {@link CollectionEngine}. Thread-safe; cheap to create.
 */
final class CollectionHandle implements ChromaCollection {
    private final CollectionEngine engine;
    /** The function this handle embeds with instead of the collection's (given to getCollection), or null. */
    private final EmbeddingFunction function;

    CollectionHandle(CollectionEngine engine) {
        this(engine, null);
    }

    CollectionHandle(CollectionEngine engine, EmbeddingFunction function) {
        this.engine = engine;
        this.function = function;
    }

    /** The function documents and query texts are embedded with, or null when the collection has none. */
    private EmbeddingFunction function() {
        return function != null ? function : engine.embeddingFunction();
    }

    @Override
    public UUID id() {
        return engine.id;
    }

    @Override
    public String name() {
        return engine.entry().name();
    }

    @Override
    public String tenant() {
        return engine.entry().tenant();
    }

    @Override
    public String database() {
        return engine.entry().database();
    }

    @Override
    public Map<String, Object> metadata() {
        return guarded(() -> MetadataJson.read(engine.entry().metadataJson()));
    }

    @Override
    public CollectionOptions options() {
        // The engine holds the options the collection was created with; its metadata changes with modify.
        return guarded(() -> {
            CollectionOptions options = engine.options().toBuilder()
                    .metadata(MetadataJson.read(engine.entry().metadataJson()))
                    .build();
            return function == null ? options : options.withEmbeddingFunction(function);
        });
    }

    @Override
    public OptionalInt dimension() {
        return engine.dimension();
    }

    // ---- writes ----

    @Override
    public void add(List<ChromaRecord> records) {
        write(ChromaObserver.Operation.ADD, RecordValidator.Operation.ADD, records);
    }

    @Override
    public void upsert(List<ChromaRecord> records) {
        write(ChromaObserver.Operation.UPSERT, RecordValidator.Operation.UPSERT, records);
    }

    @Override
    public void update(List<ChromaRecord> records) {
        write(ChromaObserver.Operation.UPDATE, RecordValidator.Operation.UPDATE, records);
    }

    private void write(
            ChromaObserver.Operation observed, RecordValidator.Operation operation, List<ChromaRecord> records) {
        observed(observed, records == null ? 0 : records.size(), () -> {
            engine.engine.ensureWritable(); // before embedding: a read-only client must not embed for nothing
            List<ChromaRecord> valid = RecordValidator.validate(
                    operation, records, engine.dimension(), engine.options().sparseIndexes());
            // Outside the write lock: embedding can take seconds, other writers and readers go on meanwhile.
            valid = engine.engine.embedder.embedRecords(name(), function(), valid, engine.dimension());
            int dimension = -1;
            for (ChromaRecord r : valid) {
                if (r.embeddingView() != null) {
                    dimension = r.embeddingView().length;
                    break;
                }
            }
            engine.write(LogOperations.of(operation, valid, engine.options()), dimension);
            return null;
        });
    }

    @Override
    public int delete(List<String> ids) {
        Errors.requireArgument(ids, "ids");
        return delete(DeleteRequest.builder().ids(ids).build());
    }

    @Override
    public int delete(DeleteRequest request) {
        Errors.requireArgument(request, "delete request");
        return observed(
                ChromaObserver.Operation.DELETE,
                Integer::longValue,
                () -> engine.delete(view -> {
                    CollectionReader reader = new CollectionReader(view);
                    GetResult matching = reader.get(
                            request.ids(),
                            filter(request.where()),
                            filter(request.whereDocument()),
                            limit(request.limit()),
                            0,
                            Set.of());
                    return matching.ids();
                }));
    }

    // ---- reads ----

    @Override
    public GetResult get(List<String> ids) {
        Errors.requireArgument(ids, "ids");
        return get(GetRequest.builder().ids(ids).build());
    }

    @Override
    public GetResult get(GetRequest request) {
        Errors.requireArgument(request, "get request");
        return observed(ChromaObserver.Operation.GET, r -> r.ids().size(), () -> {
            try (CollectionEngine.Pin pin = engine.pin()) {
                return new CollectionReader(pin.view())
                        .get(
                                request.ids(),
                                filter(request.where()),
                                filter(request.whereDocument()),
                                limit(request.limit()),
                                request.offset(),
                                request.include());
            }
        });
    }

    @Override
    public QueryResult query(QueryRequest request) {
        Errors.requireArgument(request, "query request");
        return observed(ChromaObserver.Operation.QUERY, CollectionHandle::hits, () -> {
            OptionalInt dimension = engine.dimension();
            List<float[]> queries;
            if (!request.queryTexts().isEmpty()) {
                queries = engine.engine.embedder.embedQueries(name(), function(), request.queryTexts(), dimension);
            } else {
                // validated and copied when the request was built; the request is immutable
                queries = request.queryEmbeddingsView();
                requireDenseVectors(dimension);
                if (dimension.isPresent()) {
                    for (int i = 0; i < queries.size(); i++) {
                        if (queries.get(i).length != dimension.getAsInt()) {
                            throw new InvalidArgumentException("Collection expecting embedding with dimension of "
                                    + dimension.getAsInt() + ", got " + queries.get(i).length);
                        }
                    }
                }
            }
            try (CollectionEngine.Pin pin = engine.pin()) {
                return new CollectionReader(pin.view())
                        .query(
                                queries,
                                request.nResults(),
                                request.ids(),
                                filter(request.where()),
                                filter(request.whereDocument()),
                                request.include(),
                                engine.space());
            }
        });
    }

    @Override
    public SearchResult search(Search search) {
        return observed(ChromaObserver.Operation.SEARCH, r -> r.hits().size(), () -> {
            Search resolved = embedTexts(search);
            if (resolved != null && hasDenseKnn(resolved.rank())) {
                requireDenseVectors(engine.dimension());
            }
            SearchExecutor.validate(resolved, engine.options(), engine.dimension());
            try (CollectionEngine.Pin pin = engine.pin()) {
                return new SearchExecutor(pin.view(), engine.options(), engine.space()).execute(resolved);
            }
        });
    }

    /**
     * A dense query on an {@link EmbeddingFunction#none()} collection that holds no vector could only return empty
     * results: rejected, so that a caller does not mistake it for "nothing similar".
     */
    private void requireDenseVectors(OptionalInt dimension) {
        if (dimension.isEmpty() && function() instanceof NoEmbeddingFunction) {
            throw new InvalidArgumentException("Collection '" + name() + "' has no dense embedding function"
                    + " (EmbeddingFunction.none()) and holds no embeddings: a dense query (queryEmbeddings,"
                    + " Rank.knn(vector)) cannot match anything; search a BM25 sparse key with Rank.knn(key, text)");
        }
    }

    private static boolean hasDenseKnn(Rank rank) {
        if (rank instanceof Rank.DenseKnn) {
            return true;
        }
        if (rank instanceof Rank.Rrf rrf) {
            for (Rank sub : rrf.ranks()) {
                if (hasDenseKnn(sub)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The search with every dense {@link Rank.DenseTextKnn} replaced by its embedding (one call for all texts). */
    private Search embedTexts(Search search) {
        if (search == null || search.rank() == null) {
            return search;
        }
        List<String> texts = new ArrayList<>();
        collectTexts(search.rank(), texts);
        if (texts.isEmpty()) {
            return search;
        }
        List<float[]> vectors = engine.engine.embedder.embedQueries(name(), function(), texts, engine.dimension());
        return search.toBuilder()
                .rank(withVectors(search.rank(), vectors.iterator()))
                .build();
    }

    private static void collectTexts(Rank rank, List<String> texts) {
        if (rank instanceof Rank.DenseTextKnn text) {
            texts.add(text.text());
        } else if (rank instanceof Rank.Rrf rrf) {
            for (Rank sub : rrf.ranks()) {
                collectTexts(sub, texts);
            }
        }
    }

    private static Rank withVectors(Rank rank, Iterator<float[]> vectors) {
        if (rank instanceof Rank.DenseTextKnn text) {
            return new Rank.DenseKnn(vectors.next(), text.limit());
        }
        if (rank instanceof Rank.Rrf rrf) {
            List<Rank> ranks = new ArrayList<>(rrf.ranks().size());
            for (Rank sub : rrf.ranks()) {
                ranks.add(withVectors(sub, vectors));
            }
            return new Rank.Rrf(rrf.k(), rrf.weights(), ranks);
        }
        return rank;
    }

    @Override
    public long count() {
        return guarded(() -> engine.view().count());
    }

    @Override
    public GetResult peek(int limit) {
        // Chroma's peek is a get with this limit: 0 returns no record, a negative limit is rejected.
        return get(GetRequest.builder().limit(limit).build());
    }

    @Override
    public void modify(String newName, Map<String, Object> newMetadata) {
        guarded(() -> {
            if (newMetadata != null) {
                RecordValidator.checkCollectionMetadata(newMetadata);
                LegacyHnswMetadata.checkModify(name(), newMetadata);
            }
            engine.modify(newName, newMetadata);
            return null;
        });
    }

    @Override
    public void modify(String newName, Map<String, Object> newMetadata, HnswParams hnsw) {
        guarded(() -> {
            if (newMetadata != null) {
                RecordValidator.checkCollectionMetadata(newMetadata);
                LegacyHnswMetadata.checkModify(name(), newMetadata);
            }
            if (newName != null) {
                RecordValidator.checkCollectionName(newName);
            }
            if (hnsw != null) {
                engine.checkHnswChange(hnsw);
            }
            if (newName != null || newMetadata != null) {
                engine.modify(newName, newMetadata);
            }
            if (hnsw != null) {
                engine.modifyHnsw(hnsw);
            }
            return null;
        });
    }

    @Override
    public void compact() {
        guarded(() -> {
            engine.compact();
            return null;
        });
    }

    @Override
    public void compact(ProgressListener progress) {
        Errors.requireArgument(progress, "progress");
        guarded(() -> {
            engine.compact(progress);
            return null;
        });
    }

    @Override
    public long forEachRecord(Consumer<? super ChromaRecord> action, ProgressListener progress) {
        Errors.requireArgument(action, "action");
        Errors.requireArgument(progress, "progress");
        try (CollectionEngine.Pin pin = engine.pin()) {
            return new RecordScan(pin.view(), engine.options()).run(action, progress);
        } catch (RuntimeException e) {
            throw Errors.translate(e);
        }
    }

    @Override
    public CollectionStats stats() {
        return guarded(engine::stats);
    }

    /**
     * Runs one public call, translating failures of the lower modules (storage, corrupt objects, internal errors)
     * into the public exception family.
     */
    private static <T> T guarded(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw Errors.translate(e);
        }
    }

    /**
     * {@link #guarded} timed for the client's observer, if any: {@code records} of the result (0 on failure). Without
     * an observer nothing is measured.
     */
    private <T> T observed(
            ChromaObserver.Operation operation,
            java.util.function.ToLongFunction<T> records,
            java.util.function.Supplier<T> call) {
        SafeObserver observer = engine.engine.observer;
        if (observer == null) {
            return guarded(call);
        }
        long started = System.nanoTime();
        T result;
        try {
            result = guarded(call);
        } catch (RuntimeException e) {
            observer.operationCompleted(operation, 0, System.nanoTime() - started, false);
            throw e;
        }
        observer.operationCompleted(operation, records.applyAsLong(result), System.nanoTime() - started, true);
        return result;
    }

    /** {@link #observed} of a call whose record count is known before it runs (writes). */
    private void observed(ChromaObserver.Operation operation, long records, java.util.function.Supplier<Void> call) {
        observed(operation, r -> records, call);
    }

    private static long hits(QueryResult result) {
        long n = 0;
        for (List<String> ids : result.ids()) {
            n += ids.size();
        }
        return n;
    }

    private static Integer limit(java.util.OptionalInt limit) {
        return limit.isPresent() ? limit.getAsInt() : null;
    }

    private static dev.chromaj.segment.filter.MetadataFilter filter(Where where) {
        return where == null ? null : where.filter();
    }

    private static dev.chromaj.segment.filter.DocumentFilter filter(WhereDocument where) {
        return where == null ? null : where.filter();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CollectionHandle h && h.engine.id.equals(engine.id);
    }

    @Override
    public int hashCode() {
        return engine.id.hashCode();
    }

    @Override
    public String toString() {
        return "ChromaCollection[" + name() + ", " + id() + "]";
    }
}
