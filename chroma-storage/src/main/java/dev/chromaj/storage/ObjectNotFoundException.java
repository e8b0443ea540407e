package dev.chromaj.storage;

import dev.chromaj.annotations.Internal;

/** The key does not exist. */
@Internal
public final class ObjectNotFoundException extends ObjectStorageException {
    private static final long serialVersionUID = 1L;

    public ObjectNotFoundException(String operation, String key) {
        super(operation, key, "no such object");
    }
}
