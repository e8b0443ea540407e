package dev.chromaj.storage;

import java.util.concurrent.atomic.LongAdder;

/** The mutable counters behind {@link StorageStats}; thread-safe and contention-free. */
final class StorageCounters {
    final LongAdder gets = new LongAdder();
    final LongAdder rangeGets = new LongAdder();
    final LongAdder puts = new LongAdder();
    final LongAdder deletes = new LongAdder();
    final LongAdder lists = new LongAdder();
    final LongAdder heads = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder bytesRead = new LongAdder();
    final LongAdder bytesWritten = new LongAdder();

    StorageStats snapshot() {
        return new StorageStats(
                gets.sum(),
                rangeGets.sum(),
                puts.sum(),
                deletes.sum(),
                lists.sum(),
                heads.sum(),
                retries.sum(),
                bytesRead.sum(),
                bytesWritten.sum());
    }
}
