package dev.chromaj.catalog;

import dev.chromaj.annotations.Internal;
import java.nio.file.Path;

/**
 * The folder is already open for writing: by another catalog of this JVM ({@link #inThisJvm()}) or by another
 * process. One writer per folder.
 */
@Internal
public final class CatalogLockedException extends CatalogException {
    private static final long serialVersionUID = 1L;

    private final transient Path folder;
    private final boolean inThisJvm;

    private CatalogLockedException(String message, Path folder, boolean inThisJvm) {
        super(message);
        this.folder = folder;
        this.inThisJvm = inThisJvm;
    }

    /** The folder is open in this JVM; {@code holder} says when and by what. */
    static CatalogLockedException inThisJvm(Path folder, String holder) {
        return new CatalogLockedException(
                "The folder " + folder + " is already open in this JVM (" + holder + ")", folder, true);
    }

    /** Another process holds {@code lockFile}; {@code holder} is what it wrote there, or null. */
    static CatalogLockedException inAnotherProcess(Path folder, Path lockFile, String holder) {
        return new CatalogLockedException(
                "The folder " + folder + " is held by another process (" + (holder == null ? "" : holder + ", ")
                        + "lock file " + lockFile + ")",
                folder,
                false);
    }

    /** The folder whose lock is held. */
    public Path folder() {
        return folder;
    }

    /** Whether the holder is another open catalog of this JVM rather than another process. */
    public boolean inThisJvm() {
        return inThisJvm;
    }
}
