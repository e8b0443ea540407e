package dev.chromaj.catalog;

import dev.chromaj.annotations.Internal;

/** A catalog operation failed. Unchecked base of the catalog's exceptions; the message names what and why. */
@Internal
public class CatalogException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CatalogException(String message) {
        super(message);
    }

    public CatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
