package dev.chromaj.importer;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Chroma persist directory opened for import: {@code chroma.sqlite3} (read through {@link SourceDatabase}) and
 * one folder of HNSW files per vector segment. Nothing in the folder is ever written.
 *
 * <p>Because an idle Chroma process leaves no trace, the database file's size and modification time are recorded
 * when it is opened and compared again by {@link #verifyUnchanged()}: a change means Chroma wrote meanwhile and
 * what was read may be torn, so the import stops instead of writing it.
 */
final class SourceFolder implements AutoCloseable {

    static final String DATABASE_FILE = "chroma.sqlite3";
    private static final Pattern SEGMENT_FOLDER =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private final Path folder;
    private final Path databaseFile;
    private final SourceDatabase database;
    private final String fingerprint;

    private SourceFolder(Path folder, Path databaseFile, SourceDatabase database, String fingerprint) {
        this.folder = folder;
        this.databaseFile = databaseFile;
        this.database = database;
        this.fingerprint = fingerprint;
    }

    /**
     * Checks and opens a persist directory.
     *
     * @param folder the directory a Chroma {@code PersistentClient} was given
     * @return the open source
     * @throws ChromaImportException if it is not a Chroma persist directory, Chroma is writing to it, or its
     *     schema version is unknown
     */
    static SourceFolder open(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new ChromaImportException(
                    "Chroma persist directory " + folder + " does not exist or is not a" + " directory");
        }
        Path databaseFile = folder.resolve(DATABASE_FILE);
        if (!Files.isRegularFile(databaseFile)) {
            throw new ChromaImportException(folder + " is not a Chroma persist directory: it has no " + DATABASE_FILE);
        }
        RunningChroma.check(folder, databaseFile);
        String fingerprint = fingerprint(databaseFile);
        SourceDatabase database = SourceDatabase.open(databaseFile);
        return new SourceFolder(folder, databaseFile, database, fingerprint);
    }

    Path path() {
        return folder;
    }

    SourceDatabase database() {
        return database;
    }

    /** The HNSW folder of a vector segment. */
    Path segmentFolder(String segmentId) {
        return folder.resolve(segmentId);
    }

    /**
     * Fails if Chroma started writing to the folder since it was opened.
     *
     * @throws ChromaImportException if the database file changed or a writer holds it now
     */
    void verifyUnchanged() {
        RunningChroma.check(folder, databaseFile);
        String now = fingerprint(databaseFile);
        if (!now.equals(fingerprint)) {
            throw new ChromaImportException("Chroma wrote to " + folder + " during the import (" + DATABASE_FILE
                    + " changed from " + fingerprint + " to " + now + "): stop the Chroma process and import again;"
                    + " the records already imported are kept and the re-run completes them.");
        }
    }

    /** Segment-like folders that no segment of the catalog refers to (left behind by deleted collections). */
    List<Path> orphanSegmentFolders(Set<String> segmentIds) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                if (Files.isDirectory(p) && SEGMENT_FOLDER.matcher(name).matches() && !segmentIds.contains(name)) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            throw new ChromaImportException("Cannot list " + folder + ": " + e, e);
        }
        return out;
    }

    private static String fingerprint(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return a.size() + " bytes, modified " + a.lastModifiedTime();
        } catch (IOException e) {
            throw new ChromaImportException("Cannot inspect " + file + ": " + e, e);
        }
    }

    @Override
    public void close() {
        database.close();
    }
}
