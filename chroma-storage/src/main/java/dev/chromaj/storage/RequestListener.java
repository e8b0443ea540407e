package dev.chromaj.storage;

import dev.chromaj.annotations.Internal;

/**
 * Told about every request attempt {@link S3Storage} sends, for metrics. Called on the thread that sent the attempt,
 * right after it ended; must be thread-safe and quick.
 */
@Internal
@FunctionalInterface
public interface RequestListener {
    /** A listener that ignores requests. */
    RequestListener NONE = (operation, outcome, nanos) -> {};

    /** How an attempt ended. */
    enum Outcome {
        /** It succeeded. */
        SUCCESS,
        /** The object does not exist (404). */
        NOT_FOUND,
        /** A condition failed (412, 409 on a conditional put) or a range was not satisfiable (416). */
        PRECONDITION_FAILED,
        /** It failed transiently and is retried. */
        RETRIED,
        /** It failed for good. */
        FAILED
    }

    /**
     * One attempt ended.
     *
     * @param operation {@code GET}, {@code PUT}, {@code DELETE}, {@code DELETE_ALL}, {@code HEAD} or {@code LIST}
     * @param outcome how it ended
     * @param nanos how long it took, in nanoseconds
     */
    void attemptCompleted(String operation, Outcome outcome, long nanos);
}
