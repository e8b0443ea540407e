package dev.chromaj.catalog;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * The file {@value #FILE_NAME} in a folder: the name chromaj's catalog had before it became {@value Catalog#FILE_NAME},
 * and the name of Chroma's own database. Which one a file is follows from its tables: Chroma's hold a
 * {@code migrations} table (and {@code embeddings_queue}, {@code segments}, {@code embeddings}), chromaj's a
 * {@code schema_version} and a {@code collection_versions} table. Both have {@code tenants}, {@code databases} and
 * {@code collections}, so those say nothing.
 *
 * <p>A chromaj catalog under the old name is renamed to the new one, together with its SQLite {@code -wal},
 * {@code -shm} and {@code -journal} files, by {@link #migrate(Path)} while the caller holds the folder lock. A Chroma
 * database is never touched: {@link #classify(Path)} reads it as an immutable SQLite file (no lock, no journal, no
 * file created).
 */
final class LegacyCatalogFile {
    /** The old name of chromaj's catalog file, and the name of Chroma's database file. */
    static final String FILE_NAME = "chroma.sqlite3";

    /** SQLite's companion files, renamed before the main file (see {@link #migrate(Path)}). */
    private static final List<String> COMPANIONS = List.of("-wal", "-shm", "-journal");

    /** Tables only Chroma's database has (any one of them is enough). */
    private static final List<String> CHROMA_TABLES =
            List.of("migrations", "embeddings_queue", "segments", "embeddings", "embedding_metadata", "max_seq_id");

    private static final Logger LOG = LoggerFactory.getLogger(LegacyCatalogFile.class);

    /** What an old-named file holds. */
    enum Kind {
        /** chromaj's catalog under its old name. */
        CHROMAJ,
        /** A Chroma database. */
        CHROMA,
        /** An empty file, or a SQLite file without tables: what a catalog looks like right after it was created. */
        EMPTY,
        /** Neither: not SQLite, or some other application's tables. */
        UNKNOWN
    }

    /** What a file holds, and the tables that say so. */
    record Contents(Kind kind, Set<String> tables, String detail) {}

    private LegacyCatalogFile() {}

    /**
     * Reads the tables of {@code file} without changing the folder. Tables a SQLite write-ahead log holds but the
     * main file does not yet (chromaj's catalog runs in WAL mode; a crash can leave its schema only in the
     * {@code -wal} file) are read through a read-only connection, which may create the {@code -shm} index file.
     */
    static Contents classify(Path file) {
        try {
            if (Files.size(file) == 0 && !hasContent(companion(file, "-wal"))) {
                return new Contents(Kind.EMPTY, Set.of(), "an empty file");
            }
        } catch (IOException e) {
            return new Contents(Kind.UNKNOWN, Set.of(), "unreadable: " + e);
        }
        Contents found = classify(file, true);
        if ((found.kind() == Kind.EMPTY || found.kind() == Kind.UNKNOWN) && hasContent(companion(file, "-wal"))) {
            Contents throughLog = classify(file, false);
            if (throughLog.kind() != Kind.UNKNOWN || found.kind() == Kind.UNKNOWN) {
                return throughLog;
            }
        }
        return found;
    }

    private static Contents classify(Path file, boolean immutable) {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        String url;
        if (immutable) {
            config.setOpenMode(SQLiteOpenMode.OPEN_URI);
            // immutable=1: no lock, no journal, no -wal or -shm file; the folder stays byte-for-byte as it was.
            url = "jdbc:sqlite:" + file.toAbsolutePath().toUri() + "?immutable=1";
        } else {
            url = "jdbc:sqlite:" + file.toAbsolutePath();
        }
        Set<String> tables = new TreeSet<>();
        try (Connection c = DriverManager.getConnection(url, config.toProperties());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        } catch (SQLException e) {
            return new Contents(Kind.UNKNOWN, Set.of(), "not a SQLite database (" + e.getMessage() + ")");
        }
        for (String table : CHROMA_TABLES) {
            if (tables.contains(table)) {
                return new Contents(Kind.CHROMA, tables, "table '" + table + "'");
            }
        }
        if (tables.contains("schema_version") && tables.contains("collection_versions")) {
            return new Contents(Kind.CHROMAJ, tables, "chromaj's catalog tables");
        }
        if (tables.isEmpty()) {
            return new Contents(Kind.EMPTY, tables, "a SQLite database without tables");
        }
        return new Contents(Kind.UNKNOWN, tables, "tables " + tables);
    }

    /**
     * Renames an old-named chromaj catalog of {@code dir} to {@value Catalog#FILE_NAME}; the caller holds the folder
     * lock, so no chromaj process uses either name meanwhile. Companion files move first and the main file last: a
     * crash in between leaves the main file under the old name, which the next open classifies and renames again,
     * and never a new-named main file without the log that holds its newest transactions.
     *
     * @return whether a file was renamed
     */
    static boolean migrate(Path dir) throws IOException {
        Path legacy = dir.resolve(FILE_NAME);
        Path current = dir.resolve(Catalog.FILE_NAME);
        if (!Files.exists(legacy) || Files.exists(current)) {
            return false;
        }
        for (String suffix : COMPANIONS) {
            Path from = companion(legacy, suffix);
            if (Files.exists(from)) {
                move(from, companion(current, suffix));
            }
        }
        move(legacy, current);
        syncDirectory(dir);
        LOG.info(
                "Renamed the catalog {} to {} with its SQLite companion files: chromaj's catalog is named {} now,"
                        + " so that it never collides with Chroma's database file {}",
                legacy,
                current.getFileName(),
                Catalog.FILE_NAME,
                FILE_NAME);
        return true;
    }

    static Path companion(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    private static boolean hasContent(Path file) {
        try {
            return Files.isRegularFile(file) && Files.size(file) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // Same folder, so only exotic file systems get here; a plain rename is what remains.
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Makes the renames durable (POSIX); file systems that cannot open a directory need not. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("Could not fsync directory {}: {}", dir, e.toString());
        }
    }
}
