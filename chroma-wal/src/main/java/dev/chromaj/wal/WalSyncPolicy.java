package dev.chromaj.wal;

import dev.chromaj.annotations.Internal;
import java.time.Duration;
import java.util.Objects;

/**
 * When {@link WriteAheadLog#append} returns relative to the fsync of the entries.
 *
 * <ul>
 *   <li>{@link #everyWrite()} (the default): an append returns once its entries are on disk. Concurrent appenders
 *   share one fsync (group commit), so throughput grows with the number of writers.</li>
 *   <li>{@link #interval(Duration)}: an append returns after the write to the operating system; a background thread
 *   fsyncs at the given interval, which bounds what a machine crash (not a process crash) can lose.</li>
 * </ul>
 */
@Internal
public sealed interface WalSyncPolicy {

    /** fsync before every append returns, shared by concurrent appenders. */
    static WalSyncPolicy everyWrite() {
        return EveryWrite.INSTANCE;
    }

    /** Return after the write; fsync in the background every {@code interval} (positive). */
    static WalSyncPolicy interval(Duration interval) {
        return new Interval(interval);
    }

    /** fsync before returning. */
    enum EveryWrite implements WalSyncPolicy {
        INSTANCE;

        @Override
        public String toString() {
            return "everyWrite";
        }
    }

    /** Background fsync every {@code period}. */
    record Interval(Duration period) implements WalSyncPolicy {
        public Interval {
            Objects.requireNonNull(period, "interval");
            if (period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("sync interval must be positive, got " + period);
            }
        }
    }
}
