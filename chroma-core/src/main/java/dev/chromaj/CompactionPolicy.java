package dev.chromaj;

import java.time.Duration;

/**
 * When the background compactor folds a collection's log tail (its writes not yet compacted) into a new version:
 * as soon as the tail holds {@code maxTailRecords} log records or {@code maxTailBytes} bytes of encoded log records,
 * or once its oldest write is {@code maxTailAge} old, whichever comes first. Immutable.
 *
 * <p>The policy adapts to the write rate. A high rate reaches the size limits first: versions hold about
 * {@code maxTailRecords} records each, and the tail (kept in memory, overlaid on every read) stays bounded. A low
 * rate reaches the age limit: one version per {@code maxTailAge} however few records arrived, instead of one per
 * fixed interval. Every version costs object writes for the blocks it changes (on S3, PUT requests: a version of
 * random updates rewrites up to every block of the collection) and keeps those blocks stored until garbage
 * collection drops the version, so fewer, larger versions cost less. The price is staleness for others: read-only
 * followers see only compacted versions, so a write reaches them up to {@code maxTailAge} (plus their follow
 * interval) after it was acknowledged. The writer itself reads its tail at once, and the tail is durable in the local
 * write-ahead log (and its S3 archive) meanwhile.
 *
 * <p>{@link #local()} is the default for a local folder (today's 10 s and 1,000 records: objects there cost
 * nothing), {@link #objectStorage()} the default with S3.
 *
 * @param maxTailRecords log records in a tail that trigger a compaction at once; positive
 * @param maxTailBytes encoded bytes of log records in a tail that trigger a compaction at once; positive
 * @param maxTailAge the age of a tail's oldest write that triggers a compaction; positive. The compactor looks at
 *     every collection's age once per {@code min(1 s, maxTailAge / 2)}.
 */
public record CompactionPolicy(long maxTailRecords, long maxTailBytes, Duration maxTailAge) {

    /**
     * Checks every limit.
     *
     * @throws InvalidArgumentException naming the limit that is not positive (or null)
     */
    public CompactionPolicy {
        if (maxTailRecords <= 0) {
            throw new InvalidArgumentException("maxTailRecords must be positive, got " + maxTailRecords);
        }
        if (maxTailBytes <= 0) {
            throw new InvalidArgumentException("maxTailBytes must be positive, got " + maxTailBytes);
        }
        Errors.requireArgument(maxTailAge, "maxTailAge");
        if (maxTailAge.isZero() || maxTailAge.isNegative()) {
            throw new InvalidArgumentException("maxTailAge must be positive, got " + maxTailAge);
        }
    }

    /**
     * The default on a local folder: 1,000 records, 32 MiB, 10 s.
     *
     * @return the policy
     */
    public static CompactionPolicy local() {
        return new CompactionPolicy(1_000, 32L << 20, Duration.ofSeconds(10));
    }

    /**
     * The default with S3 (or another object store that bills requests): 50,000 records, 64 MiB, 1 hour. At a
     * trickle of writes that is one version an hour (720 a month) instead of one per 10 s (259,200 a month); at a
     * bulk load a version per 50,000 records. Followers see writes up to an hour late: lower {@code maxTailAge} when
     * they must see them sooner, at the price of more PUT requests and more versions to store until collected.
     *
     * @return the policy
     */
    public static CompactionPolicy objectStorage() {
        return new CompactionPolicy(50_000, 64L << 20, Duration.ofHours(1));
    }

    /**
     * This policy with another record limit.
     *
     * @param records the new {@link #maxTailRecords()}
     * @return a new policy
     */
    public CompactionPolicy withMaxTailRecords(long records) {
        return new CompactionPolicy(records, maxTailBytes, maxTailAge);
    }

    /**
     * This policy with another byte limit.
     *
     * @param bytes the new {@link #maxTailBytes()}
     * @return a new policy
     */
    public CompactionPolicy withMaxTailBytes(long bytes) {
        return new CompactionPolicy(maxTailRecords, bytes, maxTailAge);
    }

    /**
     * This policy with another age limit.
     *
     * @param age the new {@link #maxTailAge()}
     * @return a new policy
     */
    public CompactionPolicy withMaxTailAge(Duration age) {
        return new CompactionPolicy(maxTailRecords, maxTailBytes, age);
    }

    /**
     * Whether a tail of this size must be compacted now, whatever its age.
     *
     * @param tailRecords log records in the tail
     * @param tailBytes encoded bytes of those log records
     * @return true when either size limit is reached
     */
    public boolean dueBySize(long tailRecords, long tailBytes) {
        return tailRecords >= maxTailRecords || tailBytes >= maxTailBytes;
    }

    /**
     * Whether a tail must be compacted now.
     *
     * @param tailRecords log records in the tail (0: nothing to compact)
     * @param tailBytes encoded bytes of those log records
     * @param oldestWriteAge how long ago the tail's oldest write was acknowledged
     * @return true when the tail is not empty and a size or the age limit is reached
     */
    public boolean due(long tailRecords, long tailBytes, Duration oldestWriteAge) {
        return tailRecords > 0 && (dueBySize(tailRecords, tailBytes) || oldestWriteAge.compareTo(maxTailAge) >= 0);
    }

    /** How often the compactor checks ages: half the age limit, at most 1 s, at least 1 ms. */
    Duration checkInterval() {
        Duration half = maxTailAge.dividedBy(2);
        Duration max = Duration.ofSeconds(1);
        Duration min = Duration.ofMillis(1);
        return half.compareTo(max) > 0 ? max : half.compareTo(min) < 0 ? min : half;
    }
}
