package dev.chromaj;

/**
 * Receives the progress of a long operation ({@link ChromaClient#verify(ProgressListener)},
 * {@link ChromaClient#collectGarbage(ProgressListener)}, {@link ChromaCollection#compact(ProgressListener)},
 * {@link ChromaCollection#forEachRecord}): how much is done out of a total, in the unit the operation documents
 * (records, objects, collections). Called on the thread that runs the operation,
 * at least once at the end, with {@code done} never decreasing; keep it quick. An exception thrown by the listener
 * stops the operation and reaches its caller.
 */
@FunctionalInterface
public interface ProgressListener {

    /**
     * Reports progress.
     *
     * @param done units done so far, at most {@code total}
     * @param total units the operation has to do
     */
    void onProgress(long done, long total);

    /**
     * A listener that ignores progress.
     *
     * @return the listener
     */
    static ProgressListener none() {
        return (done, total) -> {};
    }
}
