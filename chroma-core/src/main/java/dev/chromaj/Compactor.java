package dev.chromaj;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background compaction: every {@code compactionInterval} it compacts every collection with a log tail, and a
 * collection whose tail passed {@code compactionThreshold} is compacted as soon as a background thread is free. A
 * failed compaction (storage outage) leaves the previous version serving and is retried at the next tick; the
 * collection reports it (a warning, then an error once the same failure persists, and in its stats).
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
        long millis = engine.config.compactionInterval().toMillis();
        executor.scheduleWithFixedDelay(this::compactAll, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Asks for a compaction of {@code collection} soon. */
    void request(CollectionEngine collection) {
        if (requested.add(collection)) {
            try {
                executor.execute(() -> {
                    requested.remove(collection);
                    compact(collection);
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                requested.remove(collection);
            }
        }
    }

    private void compactAll() {
        for (CollectionEngine collection : engine.openCollections()) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            compact(collection);
        }
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
