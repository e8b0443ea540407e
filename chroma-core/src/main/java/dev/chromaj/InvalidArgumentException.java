package dev.chromaj;

/**
 * Bad input: the message names the field, the value and the rule, e.g. "Collection expecting embedding with
 * dimension of 3, got 4". A call rejected with this exception changed nothing.
 */
public class InvalidArgumentException extends ChromaException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed and why
     */
    public InvalidArgumentException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what failed and why
     * @param cause the underlying failure
     */
    public InvalidArgumentException(String message, Throwable cause) {
        super(message, cause);
    }
}
