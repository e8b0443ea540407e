package dev.chromaj.importer;

import dev.chromaj.ChromaException;

/**
 * A Chroma persist directory could not be imported: it is not one, its schema version is unknown, Chroma is
 * writing to it, its files are inconsistent, or the target already holds a collection of the same name with other
 * options. The message names the file, collection or record and what was wrong. Nothing in the source folder is
 * ever changed; records written to the target before the failure stay there and a re-run completes the import.
 */
public class ChromaImportException extends ChromaException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what failed and why
     */
    public ChromaImportException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param message what failed and why
     * @param cause the underlying failure
     */
    public ChromaImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
