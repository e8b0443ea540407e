package dev.chromaj.importer;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Tells whether a Chroma process is writing to a persist directory, from what SQLite leaves next to and on
 * {@code chroma.sqlite3}. Chroma 0.4–1.5 use SQLite's default rollback journal (the files they leave have a
 * legacy-mode header), so while a write transaction runs:
 * <ul>
 *   <li>the writer holds SQLite's RESERVED, PENDING or EXCLUSIVE lock: a POSIX byte-range write lock on the bytes
 *   at offset 2^30 of the database file (SQLite's lock page), which another process can test without
 *   disturbing it;</li>
 *   <li>a non-empty {@code chroma.sqlite3-journal} exists; one left by a crash is a hot journal that SQLite rolls
 *   back the next time a writer opens the file, so until then the database file may hold half a transaction.</li>
 * </ul>
 * A database switched to WAL mode keeps committed pages in {@code chroma.sqlite3-wal} until a checkpoint, so a
 * non-empty WAL file means the main file alone is not the whole database. Between transactions an idle Chroma holds
 * no lock and leaves no file; {@link SourceFolder} therefore also checks that the database file did not change
 * while it was read.
 */
final class RunningChroma {

    /** SQLite's lock bytes (os_unix.c): PENDING, RESERVED, then the SHARED range of 510 bytes. */
    private static final long PENDING_BYTE = 0x40000000L;

    private static final long LOCK_RANGE = 2 + 510;

    private RunningChroma() {}

    /**
     * Refuses a folder that a Chroma process is writing to, or whose database file is not self-contained.
     *
     * @param folder the persist directory
     * @param database its {@code chroma.sqlite3}
     * @throws ChromaImportException saying what was found and what to do
     */
    static void check(Path folder, Path database) {
        Path journal = database.resolveSibling(database.getFileName() + "-journal");
        if (nonEmpty(journal)) {
            throw new ChromaImportException("Chroma is writing to " + folder + " (or stopped in the middle of a write):"
                    + " its rollback journal " + journal.getFileName() + " is not empty, so chroma.sqlite3 may hold"
                    + " half a transaction. Stop the Chroma process; if none is running, open the folder once with"
                    + " Chroma so SQLite rolls the journal back, then import again.");
        }
        Path wal = database.resolveSibling(database.getFileName() + "-wal");
        if (nonEmpty(wal)) {
            throw new ChromaImportException("Chroma is using " + folder + ": " + wal.getFileName() + " is not empty,"
                    + " so committed data is not yet in chroma.sqlite3. Stop the Chroma process (closing it"
                    + " checkpoints the WAL into chroma.sqlite3), then import again.");
        }
        String holder = writeLockHolder(database);
        if (holder != null) {
            throw new ChromaImportException(
                    "Chroma is writing to " + folder + ": " + holder + ". Stop the Chroma process, then import again.");
        }
    }

    private static boolean nonEmpty(Path file) {
        try {
            return Files.exists(file) && Files.size(file) > 0;
        } catch (IOException e) {
            throw new ChromaImportException("Cannot inspect " + file + ": " + e, e);
        }
    }

    /**
     * Tests SQLite's lock bytes with a shared lock, which only fails against another process's write lock
     * (RESERVED, PENDING or EXCLUSIVE); the test lock is released at once.
     *
     * @return a description of the lock found, or {@code null}
     */
    private static String writeLockHolder(Path database) {
        try (FileChannel channel = FileChannel.open(database, StandardOpenOption.READ)) {
            FileLock lock = channel.tryLock(PENDING_BYTE, LOCK_RANGE, true);
            if (lock == null) {
                return "another process holds a SQLite write lock on " + database.getFileName();
            }
            lock.release();
            return null;
        } catch (OverlappingFileLockException e) {
            // This JVM already locks that range, so it has the database open itself: not ours to judge.
            return null;
        } catch (IOException e) {
            throw new ChromaImportException("Cannot inspect the locks on " + database + ": " + e, e);
        }
    }
}
