package dev.chromaj.wal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The daemon thread that extends the active files of every open log of the JVM with zeroes (the work is rare and
 * short, so one thread serves all). Reference-counted by the open logs: the first log to open starts it, and it ends
 * when the last one closes, so no thread of the library outlives the clients that used it.
 */
final class PreallocationThread {
    static final String NAME = "chromaj-wal-preallocator";

    /** Guards {@link #executor} and {@link #openLogs}. */
    private static final Object LOCK = new Object();

    private static ExecutorService executor;
    private static int openLogs;

    private PreallocationThread() {}

    /** Registers an open log; returns the executor it hands its preallocations to until {@link #release()}. */
    static ExecutorService acquire() {
        synchronized (LOCK) {
            if (openLogs++ == 0) {
                executor = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, NAME);
                    t.setDaemon(true);
                    return t;
                });
            }
            return executor;
        }
    }

    /**
     * Unregisters a closed log. With the last one the thread stops once the queued work is done (work of closed logs
     * returns at once); it is not interrupted, since an interrupt in the middle of file I/O closes the channel.
     */
    static void release() {
        synchronized (LOCK) {
            if (openLogs <= 0) {
                throw new IllegalStateException("more releases than acquisitions of the preallocation thread");
            }
            if (--openLogs == 0) {
                executor.shutdown();
                executor = null;
            }
        }
    }
}
