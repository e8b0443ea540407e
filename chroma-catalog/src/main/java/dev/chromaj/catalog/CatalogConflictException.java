package dev.chromaj.catalog;

import dev.chromaj.annotations.Internal;

/**
 * A change conflicts with the catalog's state: a name that exists already, a version that is not newer than the
 * current one. Nothing was changed.
 */
@Internal
public final class CatalogConflictException extends CatalogException {
    private static final long serialVersionUID = 1L;

    public CatalogConflictException(String message) {
        super(message);
    }
}
