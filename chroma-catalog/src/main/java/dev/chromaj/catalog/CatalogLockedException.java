package dev.chromaj.catalog;

import java.nio.file.Path;

/** Another process (or another open catalog of this process) holds the folder's lock: one writer per folder. */
public final class CatalogLockedException extends CatalogException {
    private static final long serialVersionUID = 1L;

    private final transient Path folder;

    public CatalogLockedException(Path folder, Path lockFile) {
        super("Another chromaj process is using " + folder + " (lock file " + lockFile + " held)");
        this.folder = folder;
    }

    /** The folder whose lock is held. */
    public Path folder() {
        return folder;
    }
}
