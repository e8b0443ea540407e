package dev.chromaj.importer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * Stands in for a running Chroma process in tests: opens a {@code chroma.sqlite3} in another JVM, starts a write
 * transaction (SQLite's RESERVED lock, as Chroma holds while it writes), prints {@code locked} and keeps the lock
 * until its standard input closes, then rolls back so the file is left as it was.
 */
public final class SqliteWriteLockHolder {

    private SqliteWriteLockHolder() {}

    /**
     * Holds the lock.
     *
     * @param args the database file
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + args[0]);
                Statement s = c.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close our input
            }
            s.execute("ROLLBACK");
        }
    }
}
