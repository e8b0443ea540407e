package dev.chromaj;

/** Maps failures of the lower modules to the public exception family. */
final class Errors {
    private Errors() {
    }

    static RuntimeException translate(RuntimeException e) {
        if (e instanceof ChromaException || e instanceof IllegalStateException) {
            return e;
        }
        if (e instanceof dev.chromaj.storage.StorageException se) {
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
        return e;
    }
}
