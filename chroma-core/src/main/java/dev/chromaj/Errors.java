package dev.chromaj;

import dev.chromaj.storage.ObjectStorageException;

/**
 * Maps failures of the lower modules to the public exception family, so that every exception a caller of the public
 * API sees is a {@link ChromaException} (or an {@link IllegalStateException} for a closed client).
 */
final class Errors {
    private Errors() {}

    static RuntimeException translate(RuntimeException e) {
        if (e instanceof ChromaException || e instanceof IllegalStateException) {
            return e;
        }
        if (e instanceof dev.chromaj.blockstore.CorruptObjectException ce) {
            // Checked before ObjectStorageException, its superclass: the message names the damaged object.
            return new CorruptionException(ce.getMessage(), ce);
        }
        if (e instanceof ObjectStorageException se) {
            return new StorageException(se.getMessage(), se);
        }
        if (e instanceof dev.chromaj.catalog.CatalogException ce) {
            return new ChromaException(ce.getMessage(), ce);
        }
        if (e instanceof dev.chromaj.wal.WalCorruptionException wc) {
            return new CorruptionException(wc.getMessage(), wc);
        }
        if (e instanceof dev.chromaj.wal.WalException we) {
            return new ChromaException(we.getMessage(), we);
        }
        if (e instanceof java.io.UncheckedIOException io) {
            return new StorageException(io.getMessage(), io);
        }
        // Anything else is a failure inside the library: report it in the library's own type, with its cause.
        return new ChromaException("Internal error: " + e, e);
    }

    /**
     * Rejects a null argument of a public method.
     *
     * @param value the argument
     * @param name its name, for the message
     * @param <T> its type
     * @return the argument
     * @throws InvalidArgumentException if it is null
     */
    static <T> T requireArgument(T value, String name) {
        if (value == null) {
            throw new InvalidArgumentException("Expected " + name + " to be non-null, got null");
        }
        return value;
    }
}
