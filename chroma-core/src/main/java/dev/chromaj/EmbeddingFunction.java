package dev.chromaj;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Turns texts into dense embeddings: documents when records are written without an embedding, query texts when a
 * query or search asks by text. A collection keeps its function for life; the function's {@link #name()} and
 * {@link #config()} are stored with the collection, and a client that reopens the collection finds the function
 * again through an {@link EmbeddingFunctionProvider} of the same name on the class path.
 *
 * <p>Implementations must be thread-safe: the library calls them from several threads at once, outside any
 * collection lock, with batches of texts. A call returns one finite vector per text, in order, all of one dimension.
 * Whatever an implementation throws, or a wrong count, dimension or non-finite value it returns, fails the whole write
 * or query with a {@link ChromaException} naming the function; nothing of the batch is written.
 *
 * <p>Like Chroma, a collection created without a stated function uses the built-in all-MiniLM-L6-v2 model (provider
 * name {@value #DEFAULT_NAME}) when the {@code chroma-embeddings} module is on the class path. A collection that must
 * never hold dense vectors states {@link #none()}.
 *
 * <p><b>Who closes it.</b> A client closes, when it closes, the functions it created itself through an
 * {@link EmbeddingFunctionProvider} (for collections that recorded a function by name). A function the application
 * passes in ({@link CollectionOptions.Builder#embeddingFunction(EmbeddingFunction)},
 * {@link Database#getCollection(String, EmbeddingFunction)}) stays the application's: close it after the clients
 * that use it are closed.
 */
public interface EmbeddingFunction extends AutoCloseable {

    /** The name of Chroma's default function (all-MiniLM-L6-v2), provided by the {@code chroma-embeddings} module. */
    String DEFAULT_NAME = "default";

    /** The name of {@link #none()}. */
    String NONE_NAME = "none";

    /**
     * The name under which the function is stored with a collection and found again by {@link EmbeddingFunctionProvider}.
     *
     * @return a stable, non-empty name, e.g. {@code "default"} or {@code "openai"}
     */
    String name();

    /**
     * Embeds documents (at write time).
     *
     * @param documents the texts, not null, none null
     * @return one embedding per document, in order
     */
    List<float[]> embedDocuments(List<String> documents);

    /**
     * Embeds query texts (at query time). Models trained with different prompts for queries and documents override
     * this; the default embeds queries as documents.
     *
     * @param queries the texts, not null, none null
     * @return one embedding per query, in order
     */
    default List<float[]> embedQueries(List<String> queries) {
        return embedDocuments(queries);
    }

    /**
     * The function's configuration, stored with the collection and handed back to
     * {@link EmbeddingFunctionProvider#create(Map)} when the collection is reopened. Values are JSON-able: strings,
     * numbers, booleans, lists and maps of them. Never put secrets here (they would be stored in plain text): let the
     * function read them from the environment instead, as Chroma's functions do.
     *
     * @return the configuration; empty by default
     */
    default Map<String, Object> config() {
        return Map.of();
    }

    /**
     * The dimension of the embeddings, when known without embedding anything.
     *
     * @return the dimension, or empty when unknown
     */
    default OptionalInt dimension() {
        return OptionalInt.empty();
    }

    /**
     * The function of a collection that never holds dense embeddings (full text, BM25 or sparse search only): a
     * documents-only write stores no embedding and a dense query by text fails with an
     * {@link InvalidArgumentException}.
     *
     * @return the shared "none" function
     */
    static EmbeddingFunction none() {
        return NoEmbeddingFunction.INSTANCE;
    }

    /**
     * Releases what the function holds (a model session, threads, connections). Called by a client on the functions
     * it created through an {@link EmbeddingFunctionProvider}, once, when it closes; never on a function the
     * application passed in. Does nothing by default.
     */
    @Override
    default void close() {}
}
