package dev.chromaj;

/**
 * Receives timings of what a {@link ChromaClient} does, for metrics: collection operations, compactions, garbage
 * collection passes, storage requests and write-ahead log fsyncs. Set one with
 * {@link ChromaClient.Builder#observer(ChromaObserver)}; module {@code chroma-micrometer} provides one that records
 * into a Micrometer registry. Counters and sizes (cache hits, stored bytes, record counts) are not pushed here: read
 * them from {@link ChromaClient#stats()} and {@link ChromaCollection#stats()}.
 *
 * <p>Every method has an empty default, so an observer implements only what it needs. Methods are called on the
 * thread that did the work (a caller's thread, the background compactor, an S3 I/O thread, a WAL sync thread), after
 * the work, possibly from several threads at once: implementations must be thread-safe and quick (no I/O, no locks
 * held long), because they run on the path of every call. Without an observer the client measures nothing. What an
 * observer throws is logged and ignored: it never fails the operation it observes.
 */
public interface ChromaObserver {

    /** The collection and client operations an observer is told about. */
    enum Operation {
        /** {@link ChromaCollection#add}. */
        ADD,
        /** {@link ChromaCollection#upsert}. */
        UPSERT,
        /** {@link ChromaCollection#update}. */
        UPDATE,
        /** {@link ChromaCollection#delete(DeleteRequest)} and its shortcut. */
        DELETE,
        /** {@link ChromaCollection#get(GetRequest)} and its shortcuts. */
        GET,
        /** {@link ChromaCollection#query}. */
        QUERY,
        /** {@link ChromaCollection#search}. */
        SEARCH,
        /** One compaction of a collection's log tail, explicit ({@link ChromaCollection#compact()}) or background. */
        COMPACTION,
        /** One garbage collection pass over every collection, explicit or background. */
        GARBAGE_COLLECTION
    }

    /** How a storage request attempt ended. */
    enum RequestOutcome {
        /** The request succeeded. */
        SUCCESS,
        /** The object does not exist (a normal answer to a GET or HEAD of a missing object). */
        NOT_FOUND,
        /** A conditional write found its condition false (e.g. the writer lease is held by another writer). */
        PRECONDITION_FAILED,
        /** The attempt failed transiently and is retried. */
        RETRIED,
        /** The request failed for good. */
        FAILED
    }

    /**
     * An operation ended.
     *
     * @param operation what ran
     * @param records records the operation was given (writes), returned (reads) or folded (compaction); 0 for
     *     garbage collection
     * @param nanos how long it took, in nanoseconds
     * @param succeeded false when it threw
     */
    default void operationCompleted(Operation operation, long records, long nanos, boolean succeeded) {}

    /**
     * One attempt of a request to S3 ended (local storage sends no requests and reports none).
     *
     * @param operation the request: {@code GET} (whole or ranged), {@code PUT}, {@code DELETE}, {@code DELETE_ALL}
     *     (a batch delete of up to 1,000 objects), {@code HEAD} or {@code LIST}
     * @param outcome how the attempt ended
     * @param nanos how long the attempt took, in nanoseconds
     */
    default void storageRequestCompleted(String operation, RequestOutcome outcome, long nanos) {}

    /**
     * The write-ahead log of a collection forced its file to disk.
     *
     * @param nanos how long the fsync took, in nanoseconds
     */
    default void walSynced(long nanos) {}
}
