package dev.chromaj;

/**
 * Storage I/O (local folder or S3) that still failed after retries. The operation did not take effect.
 */
public class StorageException extends ChromaException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed and why
     */
    public StorageException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what failed and why
     * @param cause the underlying failure
     */
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
