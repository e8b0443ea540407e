package dev.chromaj.catalog;

import dev.chromaj.annotations.Internal;

/** A change names a tenant, database or collection that does not exist. Nothing was changed. */
@Internal
public final class CatalogNotFoundException extends CatalogException {
    private static final long serialVersionUID = 1L;

    public CatalogNotFoundException(String message) {
        super(message);
    }
}
