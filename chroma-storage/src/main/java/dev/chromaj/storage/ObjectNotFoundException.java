package dev.chromaj.storage;

/** The key does not exist. */
public final class ObjectNotFoundException extends StorageException {
    private static final long serialVersionUID = 1L;

    public ObjectNotFoundException(String operation, String key) {
        super(operation, key, "no such object");
    }
}
