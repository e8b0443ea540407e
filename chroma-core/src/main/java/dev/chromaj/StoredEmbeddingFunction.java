package dev.chromaj;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The embedding function a collection recorded, known by name and configuration: what a reopened, recovered or
 * read-only client knows of it. Bound to a client's {@link EmbeddingProviders}, it finds the function through the
 * provider of that name the first time it must embed (loading a model can take a second; a collection that is only
 * read never pays it), and fails then, naming the function and the module to add, when no provider of that name is
 * on the class path. Thread-safe; {@link #close()} does nothing (the client closes what its providers created).
 */
final class StoredEmbeddingFunction implements EmbeddingFunction {

    private final String name;
    private final Map<String, Object> config;
    /** Null until bound to a client. */
    private final EmbeddingProviders providers;

    StoredEmbeddingFunction(String name, Map<String, Object> config, EmbeddingProviders providers) {
        this.name = name;
        this.config = config;
        this.providers = providers;
    }

    /** The same identity, resolved through {@code providers}. */
    StoredEmbeddingFunction bind(EmbeddingProviders providers) {
        return new StoredEmbeddingFunction(name, config, providers);
    }

    /**
     * The function itself, created through its provider on first use.
     *
     * @param collection the collection that needs it, for the message; null when unknown
     * @throws ChromaException naming the function and the module to add when no provider of its name is found, or
     *     the provider's failure
     */
    EmbeddingFunction resolve(String collection) {
        if (providers == null) {
            throw new ChromaException("Embedding function '" + name + "'"
                    + (collection == null ? "" : " of collection '" + collection + "'")
                    + " is only a recorded name: open the collection through a client to embed with it");
        }
        return providers.function(name, config, collection);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<float[]> embedDocuments(List<String> documents) {
        return resolve(null).embedDocuments(documents);
    }

    @Override
    public List<float[]> embedQueries(List<String> queries) {
        return resolve(null).embedQueries(queries);
    }

    @Override
    public Map<String, Object> config() {
        return config;
    }

    /** The function's dimension once it has been created; empty before (asking must not load a model). */
    @Override
    public OptionalInt dimension() {
        EmbeddingFunction created = providers == null ? null : providers.createdFunction(name, config);
        return created == null ? OptionalInt.empty() : created.dimension();
    }

    @Override
    public String toString() {
        return "EmbeddingFunction[name=" + name + ", config=" + config + ", as recorded by the collection]";
    }
}
