package dev.chromaj;

import java.util.ArrayList;
import java.util.List;

/** A {@link Database} of one tenant, backed by the client's {@link Engine}. */
final class DatabaseHandle implements Database {
    private final Engine engine;
    private final String tenant;
    private final String name;

    DatabaseHandle(Engine engine, String tenant, String name) {
        this.engine = engine;
        this.tenant = tenant;
        this.name = name;
    }

    @Override
    public String tenant() {
        return tenant;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ChromaCollection createCollection(String collection) {
        return createCollection(collection, null);
    }

    @Override
    public ChromaCollection createCollection(String collection, CollectionOptions options) {
        return guarded(() -> new CollectionHandle(
                engine.createCollection(tenant, name, collection, options, false), statedFunction(options)));
    }

    @Override
    public ChromaCollection getCollection(String collection) {
        Errors.requireArgument(collection, "collection name");
        return guarded(() -> new CollectionHandle(engine.getCollection(tenant, name, collection)));
    }

    @Override
    public ChromaCollection getCollection(String collection, EmbeddingFunction embeddingFunction) {
        Errors.requireArgument(collection, "collection name");
        Errors.requireArgument(embeddingFunction, "embedding function");
        return guarded(() -> {
            EmbeddingFunctionIdentity.check(embeddingFunction);
            CollectionEngine found = engine.getCollection(tenant, name, collection);
            EmbeddingFunction supplied = boundHere(embeddingFunction);
            if (!(supplied instanceof NoEmbeddingFunction)) {
                // none() embeds nothing, so it cannot mix incomparable vectors into the collection: always allowed.
                found.checkSuppliedFunction(supplied);
            }
            return new CollectionHandle(found, supplied);
        });
    }

    @Override
    public ChromaCollection getOrCreateCollection(String collection) {
        return getOrCreateCollection(collection, null);
    }

    @Override
    public ChromaCollection getOrCreateCollection(String collection, CollectionOptions options) {
        return guarded(() -> new CollectionHandle(
                engine.createCollection(tenant, name, collection, options, true), statedFunction(options)));
    }

    /** The function the options state, for the handle to embed with; null when they state none. */
    private EmbeddingFunction statedFunction(CollectionOptions options) {
        return options == null || options.embeddingFunction() == null ? null : boundHere(options.embeddingFunction());
    }

    /** A function recorded by a collection (e.g. another collection's options) resolves through this client. */
    private EmbeddingFunction boundHere(EmbeddingFunction function) {
        return function instanceof StoredEmbeddingFunction stored ? stored.bind(engine.embeddingProviders) : function;
    }

    @Override
    public List<ChromaCollection> listCollections() {
        return listCollections(Integer.MAX_VALUE, 0);
    }

    @Override
    public List<ChromaCollection> listCollections(int limit, int offset) {
        return guarded(() -> {
            List<ChromaCollection> out = new ArrayList<>();
            for (CollectionEngine c : engine.listCollections(tenant, name, limit, offset)) {
                out.add(new CollectionHandle(c));
            }
            return out;
        });
    }

    @Override
    public int countCollections() {
        return guarded(() -> engine.countCollections(tenant, name));
    }

    @Override
    public void deleteCollection(String collection) {
        Errors.requireArgument(collection, "collection name");
        guarded(() -> {
            engine.deleteCollection(tenant, name, collection);
            return null;
        });
    }

    /** Runs one public call, translating failures of the lower modules into the public exception family. */
    static <T> T guarded(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw Errors.translate(e);
        }
    }

    @Override
    public String toString() {
        return "Database[" + tenant + "/" + name + "]";
    }
}
