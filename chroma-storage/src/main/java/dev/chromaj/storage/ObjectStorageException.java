package dev.chromaj.storage;

import dev.chromaj.annotations.Internal;

/** A storage operation failed (after retries, where the backend retries). The message names operation and key. */
@Internal
public class ObjectStorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String operation;
    private final String key;

    public ObjectStorageException(String operation, String key, String message, Throwable cause) {
        super(operation + " '" + key + "' failed: " + message, cause);
        this.operation = operation;
        this.key = key;
    }

    public ObjectStorageException(String operation, String key, String message) {
        this(operation, key, message, null);
    }

    /** The operation that failed, e.g. {@code GET}, {@code PUT}. */
    public String operation() {
        return operation;
    }

    /** The key the operation was about (a prefix for LIST). */
    public String key() {
        return key;
    }
}
