package dev.chromaj;

import java.time.Duration;

/**
 * When the write-ahead log is forced to disk. {@link #EVERY_WRITE} (the default) acknowledges a write only after
 * an fsync, batched across concurrent writers; {@link #interval(Duration)} fsyncs periodically, so a crash may lose
 * the writes of the last interval.
 */
public sealed interface WalSync {

    /** Fsync before acknowledging each write (group commit across concurrent writers). */
    WalSync EVERY_WRITE = new EveryWrite();

    /**
     * Fsync at most every {@code period}.
     *
     * @param period the interval, positive
     * @return the policy
     * @throws InvalidArgumentException if the period is null, zero or negative
     */
    static WalSync interval(Duration period) {
        return new Interval(period);
    }

    /** Fsync before acknowledging each write. Use {@link #EVERY_WRITE}. */
    record EveryWrite() implements WalSync {}

    /**
     * Fsync periodically.
     *
     * @param period time between fsyncs, positive
     */
    record Interval(Duration period) implements WalSync {
        /**
         * Validates the period.
         *
         * @throws InvalidArgumentException if the period is null, zero or negative
         */
        public Interval {
            if (period == null || period.isZero() || period.isNegative()) {
                throw new InvalidArgumentException("Expected WAL sync interval to be positive, got " + period);
            }
        }
    }
}
