package dev.chromaj.storage;

import dev.chromaj.annotations.Internal;
import java.util.Collection;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A flat key → bytes object store: a local folder ({@link LocalStorage}) or an S3 bucket (S3Storage).
 *
 * <p>Keys are relative, '/'-separated paths ({@code collection/<uuid>/block/<uuid>}); they never start with '/',
 * never contain an empty, '.' or '..' segment. Objects are written whole and are immutable unless overwritten
 * by a later put.
 *
 * <p>ETags are opaque strings handed out without surrounding quotes (the hex MD5 of the content for objects written
 * in one piece); {@link #putIfMatch} accepts them quoted or not. Keys list in UTF-8 byte order, as S3 lists them.
 *
 * <p>Implementations are thread-safe. Every failure is a {@link ObjectStorageException} naming the operation and the
 * key; a failed write leaves either the old object or none, never a partial one.
 */
@Internal
public interface Storage extends AutoCloseable {

    /** The whole object. @throws ObjectNotFoundException when the key does not exist. */
    byte[] get(String key);

    /**
     * {@code length} bytes starting at {@code offset}; fewer when the object ends first.
     * @throws ObjectNotFoundException when the key does not exist.
     */
    byte[] getRange(String key, long offset, int length);

    /**
     * Starts a get without dedicating a thread to it, so that many keys can be fetched in parallel. The future
     * fails with the same exceptions {@link #get(String)} throws.
     */
    CompletableFuture<byte[]> getAsync(String key);

    /** Creates or replaces the object. Returns its new ETag. */
    String put(String key, byte[] data);

    /**
     * Creates the object only if no object has the key (S3 {@code If-None-Match: *}); atomic against concurrent
     * writers. Returns the new ETag. @throws PreconditionFailedException when the key exists.
     */
    String putIfAbsent(String key, byte[] data);

    /**
     * Replaces the object only if its current ETag equals {@code expectedEtag} (S3 {@code If-Match}); a
     * compare-and-swap. Returns the new ETag. @throws PreconditionFailedException when the object is missing or
     * its ETag differs.
     */
    String putIfMatch(String key, byte[] data, String expectedEtag);

    /** Deletes the object; deleting a missing key is not an error. */
    void delete(String key);

    /** Deletes every key (batched; missing keys are ignored). */
    void deleteAll(Collection<String> keys);

    /**
     * Every object whose key starts with {@code prefix}, in ascending key order, fetched page by page as the
     * iterator advances (any number of keys).
     */
    Iterator<ObjectInfo> list(String prefix);

    /**
     * The folders one level below {@code prefix}: for every key that starts with {@code prefix} and has a '/' after
     * it, the key up to and including the first such '/', each folder once, in ascending key order (S3
     * {@code ListObjectsV2} with delimiter '/' returns these as common prefixes). Keys with no '/' after the prefix
     * are not returned. Costs one request per 1,000 folders however many objects lie under them, where {@link #list}
     * costs one per 1,000 objects. A folder whose last object was deleted may still be listed locally (an empty
     * directory left behind); callers treat a listed folder as possibly empty.
     */
    Iterator<String> listFolders(String prefix);

    /** Size, ETag and modification time of the object, or empty when it does not exist. */
    Optional<ObjectInfo> head(String key);

    /** Requests and bytes so far, per kind of operation. */
    StorageStats stats();

    /** Releases connections and threads. */
    @Override
    void close();
}
