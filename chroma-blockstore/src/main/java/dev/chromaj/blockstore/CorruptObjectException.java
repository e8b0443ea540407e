package dev.chromaj.blockstore;

import dev.chromaj.annotations.Internal;
import dev.chromaj.storage.ObjectStorageException;

/**
 * A block or root object failed verification: wrong magic, unsupported format version, truncated, checksum
 * mismatch or an unexpected Arrow schema. The message names the object key; nothing was returned from it.
 */
@Internal
public final class CorruptObjectException extends ObjectStorageException {
    private static final long serialVersionUID = 1L;

    CorruptObjectException(String key, String message) {
        super("DECODE", key, "corrupt object: " + message);
    }

    CorruptObjectException(String key, String message, Throwable cause) {
        super("DECODE", key, "corrupt object: " + message, cause);
    }
}
