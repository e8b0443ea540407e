package dev.chromaj.catalog;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * The catalog's SQLite connections: one writer connection used under a lock (SQLite has a single writer anyway;
 * serializing in-process avoids busy retries), and a pool of reader connections that run concurrently with the
 * writer thanks to WAL journal mode.
 */
final class SqliteConnections implements AutoCloseable {
    private static final int BUSY_TIMEOUT_MS = 5_000;
    private static final int MAX_IDLE_READERS = 8;

    /** What a unit of work does with a connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final String url;
    private final boolean readOnly;
    /** Guards the writer connection: one write transaction at a time. */
    private final ReentrantLock writerLock = new ReentrantLock();

    private final Connection writer;
    private final Deque<Connection> idleReaders = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    SqliteConnections(Path dbFile, boolean readOnly) throws SQLException {
        this.url = "jdbc:sqlite:" + dbFile.toAbsolutePath();
        this.readOnly = readOnly;
        this.writer = readOnly
                ? null
                : DriverManager.getConnection(url, writerConfig().toProperties());
    }

    private static SQLiteConfig writerConfig() {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // FULL: a committed version must survive a power loss, because the WAL is purged right after it.
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        config.enforceForeignKeys(true);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        return config;
    }

    private SQLiteConfig readerConfig() {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        config.enforceForeignKeys(true);
        config.setReadOnly(true);
        return config;
    }

    /** Runs {@code work} in one write transaction: committed when it returns, rolled back when it throws. */
    <T> T write(Work<T> work) throws SQLException {
        if (readOnly) {
            throw new CatalogException("The catalog was opened read-only");
        }
        writerLock.lock();
        try {
            ensureOpen();
            writer.setAutoCommit(false);
            try {
                T result = work.run(writer);
                writer.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                writer.rollback();
                throw e;
            } finally {
                writer.setAutoCommit(true);
            }
        } finally {
            writerLock.unlock();
        }
    }

    /** Runs {@code work} on a reader connection in one read transaction (a consistent snapshot). */
    <T> T read(Work<T> work) throws SQLException {
        ensureOpen();
        Connection c = idleReaders.pollFirst();
        if (c == null) {
            c = DriverManager.getConnection(url, readerConfig().toProperties());
        }
        boolean reusable = false;
        try {
            c.setAutoCommit(false);
            T result = work.run(c);
            c.commit();
            c.setAutoCommit(true);
            reusable = true;
            return result;
        } finally {
            if (reusable && !closed && idleReaders.size() < MAX_IDLE_READERS) {
                idleReaders.addFirst(c);
                if (closed) {
                    closeIdleReaders(); // close() ran meanwhile and may have missed this connection
                }
            } else {
                c.close();
            }
        }
    }

    private void closeIdleReaders() throws SQLException {
        Connection c;
        while ((c = idleReaders.pollFirst()) != null) {
            c.close();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new CatalogException("The catalog is closed");
        }
    }

    @Override
    public void close() throws SQLException {
        closed = true;
        closeIdleReaders();
        if (writer != null) {
            writerLock.lock();
            try {
                writer.close();
            } finally {
                writerLock.unlock();
            }
        }
    }
}
