package dev.chromaj.catalog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Writes the skeleton of a Chroma persist directory: a {@code chroma.sqlite3} with the tables Chroma 0.5 creates
 * (names and key columns as in Chroma's migrations) and one HNSW segment folder. Enough to be recognised, not to
 * be imported.
 */
final class ChromaDatabases {
    private ChromaDatabases() {}

    static void create(Path folder) throws IOException, SQLException {
        Files.createDirectories(folder);
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + folder.resolve("chroma.sqlite3"));
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE migrations (dir TEXT NOT NULL, version INTEGER NOT NULL, filename TEXT NOT NULL,"
                    + " sql TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (dir, version))");
            s.execute("INSERT INTO migrations VALUES ('sysdb', 1, '00001-collections.sqlite.sql', '', 'x')");
            s.execute("CREATE TABLE embeddings_queue (seq_id INTEGER PRIMARY KEY, created_at TIMESTAMP, operation"
                    + " INTEGER, topic TEXT, id TEXT, vector BLOB, encoding TEXT, metadata TEXT)");
            s.execute("CREATE TABLE tenants (id TEXT PRIMARY KEY)");
            s.execute("CREATE TABLE databases (id TEXT PRIMARY KEY, name TEXT, tenant_id TEXT)");
            s.execute("CREATE TABLE collections (id TEXT PRIMARY KEY, name TEXT, dimension INTEGER, database_id TEXT)");
            s.execute("CREATE TABLE segments (id TEXT PRIMARY KEY, type TEXT, scope TEXT, collection TEXT)");
            s.execute("CREATE TABLE embeddings (id INTEGER PRIMARY KEY, segment_id TEXT, embedding_id TEXT,"
                    + " seq_id BLOB, created_at TIMESTAMP)");
            s.execute("INSERT INTO tenants VALUES ('default_tenant')");
        }
        Files.createDirectories(folder.resolve("5c3cb23c-8c33-4d58-9583-31a419523d82"));
        Files.write(folder.resolve("5c3cb23c-8c33-4d58-9583-31a419523d82").resolve("header.bin"), new byte[100]);
    }
}
