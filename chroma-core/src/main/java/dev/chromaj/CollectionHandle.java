package dev.chromaj;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;

/**
 * The {@link ChromaCollection} users hold: validates requests and hands them to the collection's
 * {@link CollectionEngine}. Thread-safe; cheap to create.
 */
final class CollectionHandle implements ChromaCollection {
    private final CollectionEngine engine;

    CollectionHandle(CollectionEngine engine) {
        this.engine = engine;
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
        return engine.options();
    }

    @Override
    public OptionalInt dimension() {
        return engine.dimension();
    }

    // ---- writes ----

    @Override
    public void add(List<ChromaRecord> records) {
        write(RecordValidator.Operation.ADD, records);
    }

    @Override
    public void upsert(List<ChromaRecord> records) {
        write(RecordValidator.Operation.UPSERT, records);
    }

    @Override
    public void update(List<ChromaRecord> records) {
        write(RecordValidator.Operation.UPDATE, records);
    }

    private void write(RecordValidator.Operation operation, List<ChromaRecord> records) {
        guarded(() -> {
            List<ChromaRecord> valid = RecordValidator.validate(
                    operation, records, engine.dimension(), engine.options().sparseIndexes());
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
        return guarded(() -> engine.delete(view -> {
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
        return guarded(() -> {
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
        return guarded(() -> {
            OptionalInt dimension = engine.dimension();
            if (dimension.isPresent()) {
                for (float[] q : request.queryEmbeddings()) {
                    if (q.length != dimension.getAsInt()) {
                        throw new InvalidArgumentException("Collection expecting embedding with dimension of "
                                + dimension.getAsInt() + ", got " + q.length);
                    }
                }
            }
            try (CollectionEngine.Pin pin = engine.pin()) {
                return new CollectionReader(pin.view())
                        .query(
                                request.queryEmbeddings(),
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
        return guarded(() -> {
            SearchExecutor.validate(search, engine.options(), engine.dimension());
            try (CollectionEngine.Pin pin = engine.pin()) {
                return new SearchExecutor(pin.view(), engine.options(), engine.space()).execute(search);
            }
        });
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
