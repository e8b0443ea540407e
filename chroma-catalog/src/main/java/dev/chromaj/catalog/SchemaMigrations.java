package dev.chromaj.catalog;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Forward-only schema migrations. Version {@code i + 1} is reached by running {@code MIGRATIONS.get(i)}; the
 * current version is the single row of {@code schema_version}. Never edit a released migration: append a new one.
 */
final class SchemaMigrations {
    static final List<List<String>> MIGRATIONS = List.of(List.of("""
                    CREATE TABLE tenants (
                        name TEXT PRIMARY KEY,
                        created_at INTEGER NOT NULL)""", """
                    CREATE TABLE databases (
                        tenant TEXT NOT NULL REFERENCES tenants(name) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        PRIMARY KEY (tenant, name))""", """
                    CREATE TABLE collections (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        id TEXT NOT NULL UNIQUE,
                        tenant TEXT NOT NULL,
                        database TEXT NOT NULL,
                        name TEXT NOT NULL,
                        metadata_json TEXT,
                        options_json TEXT,
                        dimension INTEGER,
                        version INTEGER NOT NULL,
                        log_position INTEGER NOT NULL,
                        UNIQUE (tenant, database, name),
                        FOREIGN KEY (tenant, database) REFERENCES databases(tenant, name) ON DELETE CASCADE)""", """
                    CREATE TABLE collection_versions (
                        collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
                        version INTEGER NOT NULL,
                        manifest_key TEXT NOT NULL,
                        log_position INTEGER NOT NULL,
                        created_at INTEGER NOT NULL,
                        PRIMARY KEY (collection_id, version))"""));

    private SchemaMigrations() {}

    static int latestVersion() {
        return MIGRATIONS.size();
    }

    /** Brings the schema to the latest version inside the caller's transaction; returns the version found. */
    static int migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            int current = currentVersion(c);
            if (current > latestVersion()) {
                throw new CatalogException("The catalog's schema version " + current
                        + " is newer than this library supports (" + latestVersion() + "); upgrade chromaj");
            }
            for (int v = current; v < latestVersion(); v++) {
                for (String sql : MIGRATIONS.get(v)) {
                    s.execute(sql);
                }
            }
            if (current == 0) {
                s.execute("INSERT INTO schema_version (version) VALUES (" + latestVersion() + ")");
            } else if (current < latestVersion()) {
                s.execute("UPDATE schema_version SET version = " + latestVersion());
            }
            return current;
        }
    }

    /** The version recorded in {@code schema_version}, 0 for a new file. */
    static int currentVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT version FROM schema_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }
}
