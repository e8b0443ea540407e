package dev.chromaj.storage;

/** A conditional put did not happen: the key existed (create-only) or its ETag differed (compare-and-swap). */
public final class PreconditionFailedException extends StorageException {
    private static final long serialVersionUID = 1L;

    public PreconditionFailedException(String operation, String key, String message) {
        super(operation, key, message);
    }
}
