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
     * Opens a collection, creating it with default options if absent.
     *
     * @param name the collection name
     * @return the collection
     */
    default ChromaCollection getOrCreateCollection(String name) {
        return getOrCreateCollection(name, CollectionOptions.defaults());
    }

    /**
     * Opens a collection, creating it with {@code options} if absent; an existing collection keeps its own options.
     *
     * @param name the collection name
     * @param options options used only when creating
     * @return the collection
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
