package dev.chromaj.catalog;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Child process of {@link CatalogLockTest}: opens the catalog of {@code args[0]}, says so, holds it until stdin ends.
 */
public final class CatalogLockHolder {
    private CatalogLockHolder() {}

    public static void main(String[] args) throws IOException {
        try (Catalog catalog = Catalog.open(Path.of(args[0]))) {
            System.out.println("locked " + catalog.folder());
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the lock until the parent closes our stdin
            }
        }
    }
}
