package dev.chromaj;

/**
 * Base of every exception thrown by chromaj's public API. Unchecked: callers catch the subclasses they can handle.
 */
public class ChromaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what failed and why
     */
    public ChromaException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param message what failed and why
     * @param cause the underlying failure
     */
    public ChromaException(String message, Throwable cause) {
        super(message, cause);
    }
}
