package dev.chromaj;

/**
 * Stored data failed its integrity checks: a block, root or manifest whose checksum does not match or that is
 * truncated, or a write-ahead log file damaged where it cannot be repaired automatically. The message names the
 * object or file, the offset where known, and what to do. Nothing is ever served from data that failed its checks.
 */
public class CorruptionException extends ChromaException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is damaged, where, and what to do
     */
    public CorruptionException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is damaged, where, and what to do
     * @param cause the underlying failure
     */
    public CorruptionException(String message, Throwable cause) {
        super(message, cause);
    }
}
