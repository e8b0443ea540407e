package dev.chromaj.storage;

import dev.chromaj.annotations.Internal;

/** A conditional put did not happen: the key existed (create-only) or its ETag differed (compare-and-swap). */
@Internal
public final class PreconditionFailedException extends ObjectStorageException {
    private static final long serialVersionUID = 1L;

    public PreconditionFailedException(String operation, String key, String message) {
        super(operation, key, message);
    }
}
