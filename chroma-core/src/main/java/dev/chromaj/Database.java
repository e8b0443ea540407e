package dev.chromaj;

import java.util.List;

/**
 * The collections of one database of one tenant. Implementations are thread-safe.
 */
public interface Database {

    /**
     * The tenant this database belongs to.
     *
     * @return the tenant name
     */
    String tenant();

    /**
     * The database name.
     *
     * @return the name
     */
    String name();

    /**
     * Creates a collection with default options.
     *
     * @param name 3–512 characters of {@code [a-zA-Z0-9._-]}, starting and ending alphanumeric, no {@code ..}
     * @return the new collection
     * @throws AlreadyExistsException if a collection of that name exists
     * @throws InvalidArgumentException if the name breaks the rules
     */
    default ChromaCollection createCollection(String name) {
        return createCollection(name, CollectionOptions.defaults());
    }

    /**
     * Creates a collection.
     *
     * @param name the collection name
     * @param options metadata, space, index parameters and sparse keys
     * @return the new collection
     * @throws AlreadyExistsException if a collection of that name exists
     * @throws InvalidArgumentException if the name breaks the rules
     */
    ChromaCollection createCollection(String name, CollectionOptions options);

    /**
     * Opens a collection.
     *
     * @param name the collection name
     * @return the collection
     * @throws NotFoundException if there is no such collection
     */
    ChromaCollection getCollection(String name);

    /**
     * Opens a collection whose documents and query texts the returned handle embeds with {@code embeddingFunction},
     * like Chroma's {@code get_collection(name, embedding_function=...)}: for a collection whose recorded function is
     * not on the class path (no {@link EmbeddingFunctionProvider} of its name), or that recorded none. The function
     * applies to the returned handle only and is not recorded; it stays the caller's to close.
     *
     * @param name the collection name
     * @param embeddingFunction the function, not null; {@link EmbeddingFunction#none()} disables embedding for the
     *     handle whatever the collection recorded (records are then written exactly as given, as an import or a copy
     *     needs: documents without embeddings stay without, an update of a document keeps the stored vector)
     * @return the collection
     * @throws NotFoundException if there is no such collection
     * @throws InvalidArgumentException if the collection recorded a function of another name (Chroma's "embedding
     *     function conflict"), unless {@code embeddingFunction} is {@link EmbeddingFunction#none()}
     */
    default ChromaCollection getCollection(String name, EmbeddingFunction embeddingFunction) {
        throw new UnsupportedOperationException(
                getClass().getName() + " does not implement getCollection(String, EmbeddingFunction)");
    }

    /**
     * Opens a collection, creating it with default options if absent.
     *
     * @param name the collection name
     * @return the collection
     */
    default ChromaCollection getOrCreateCollection(String name) {
        return getOrCreateCollection(name, CollectionOptions.defaults());
    }

    /**
     * Opens a collection, creating it with {@code options} if absent. As in Chroma, an existing collection keeps its
     * own metadata, space, HNSW parameters and sparse keys: stated options that differ are ignored (and logged as a
     * warning). A stated embedding function is checked against the one the collection recorded: another name fails
     * (Chroma's "embedding function conflict"); otherwise the returned handle embeds with the stated function.
     *
     * @param name the collection name
     * @param options options used when creating; of an existing collection only the embedding function is used
     * @return the collection
     * @throws InvalidArgumentException if the stated embedding function conflicts with the recorded one
     */
    ChromaCollection getOrCreateCollection(String name, CollectionOptions options);

    /**
     * Every collection of this database, ordered by creation.
     *
     * @return the collections
     */
    default List<ChromaCollection> listCollections() {
        return listCollections(Integer.MAX_VALUE, 0);
    }

    /**
     * A page of the collections of this database, ordered by creation.
     *
     * @param limit the maximum number returned, at least 0
     * @param offset the number skipped, at least 0
     * @return the collections
     */
    List<ChromaCollection> listCollections(int limit, int offset);

    /**
     * The number of collections.
     *
     * @return the count
     */
    int countCollections();

    /**
     * Deletes a collection and all its data.
     *
     * @param name the collection name
     * @throws NotFoundException if there is no such collection
     */
    void deleteCollection(String name);
}
