package dev.chromaj.catalog;

import java.nio.file.Path;

/**
 * The folder holds a Chroma database ({@code chroma.sqlite3} with Chroma's tables) and no chromaj catalog: it is a
 * Chroma persist directory, which chromaj imports but never opens in place. Thrown before anything is written to the
 * folder.
 */
public final class ChromaPersistDirectoryException extends CatalogException {
    private static final long serialVersionUID = 1L;

    private final transient Path folder;

    ChromaPersistDirectoryException(Path folder, Path database, String evidence) {
        super(folder + " is a Chroma persist directory: " + database.getFileName() + " holds Chroma's " + evidence
                + ", and the folder has no chromaj catalog (" + Catalog.FILE_NAME + ")");
        this.folder = folder;
    }

    /**
     * The folder that was refused.
     *
     * @return the folder, as given to the catalog
     */
    public Path folder() {
        return folder;
    }
}
