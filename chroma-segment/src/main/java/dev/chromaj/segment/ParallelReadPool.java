package dev.chromaj.segment;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pools for blocking storage reads issued in parallel (roots of a version, the blocks of an HNSW graph). Shared by
 * every client of the JVM, with a thread per concurrent read. Every task is joined by the call that submitted it, so
 * once a client's calls have returned its reads are done, and a thread idle for {@link #IDLE_SECONDS} ends: after the
 * last client closes, none of these threads outlives it by more than that (a program can exit without waiting).
 */
final class ParallelReadPool {
    /** Threads idle this long end; starting one again costs microseconds next to a storage read. */
    static final long IDLE_SECONDS = 1;

    private ParallelReadPool() {}

    /** A pool of daemon threads named {@code <prefix><n>}, created on demand, ended after one second idle. */
    static ExecutorService create(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(
                0, Integer.MAX_VALUE, IDLE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, prefix + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }
}
