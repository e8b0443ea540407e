package dev.chromaj;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background compaction by the client's {@link CompactionPolicy}: a collection whose tail reached a size limit is
 * compacted as soon as a background thread is free (the write that reached it asks), and every
 * {@link CompactionPolicy#checkInterval()} the compactor compacts each collection whose oldest uncompacted write
 * reached the age limit. Time comes from the engine's ticker, so a fake one makes it deterministic. A failed
 * compaction (storage outage) leaves the previous version serving and is retried after
 * {@code min(maxTailAge, 10 s)}; the collection reports it (a warning, then an error once the same failure persists,
 * and in its stats).
 */
final class Compactor {
    private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

    private final Engine engine;
    private final ScheduledExecutorService executor;
    /** Collections with a pending threshold request, so a burst of writes queues one compaction, not many. */
    private final Set<CollectionEngine> requested = ConcurrentHashMap.newKeySet();

    Compactor(Engine engine, ScheduledExecutorService executor) {
        this.engine = engine;
        this.executor = executor;
    }

    // compactAll catches each collection's failure itself; the engine stops the task by shutting the executor down
    @SuppressWarnings("FutureReturnValueIgnored")
    void start() {
        long nanos = engine.config.compactionPolicy().checkInterval().toNanos();
        executor.scheduleWithFixedDelay(this::tick, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /** Asks for a compaction of {@code collection} soon, if it is still due then. */
    void request(CollectionEngine collection) {
        if (requested.add(collection)) {
            try {
                executor.execute(() -> {
                    requested.remove(collection);
                    // a tick or compact() may have folded the tail meanwhile: compact only what is still due
                    if (collection.compactionDue(engine.ticker.getAsLong())) {
                        compact(collection);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                requested.remove(collection);
            }
        }
    }

    /** Compacts, on this thread, every collection the policy says is due now; returns how many it tried. */
    int tick() {
        int tried = 0;
        for (CollectionEngine collection : engine.openCollections()) {
            if (Thread.currentThread().isInterrupted()) {
                return tried;
            }
            if (collection.compactionDue(engine.ticker.getAsLong())) {
                compact(collection);
                tried++;
            }
        }
        return tried;
    }

    private void compact(CollectionEngine collection) {
        try {
            collection.compactIfIdle();
        } catch (RuntimeException e) {
            // compactIfIdle reports its own failures; anything else (e.g. the collection was deleted meanwhile)
            // must not end the scheduled task.
            if (engine.isClosed()) {
                LOG.debug("Compaction of {} interrupted by close: {}", collection, e.toString());
            } else {
                LOG.warn("Compaction of {} failed, will retry: {}", collection, e.toString());
            }
        }
    }
}
