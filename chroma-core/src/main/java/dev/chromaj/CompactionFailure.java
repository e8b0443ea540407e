package dev.chromaj;

import java.time.Instant;
import java.util.Objects;

/**
 * Why the compaction of a collection is failing: reported by {@link CollectionStats#compactionFailure()} from the
 * first failed compaction until the next one that succeeds. While compaction fails, every write stays in the
 * write-ahead log (nothing acknowledged is lost, reads see it) but the log tail grows; a failure that persists is
 * also logged at ERROR.
 *
 * @param message the last failure: its exception type and message
 * @param consecutiveFailures failed compactions since the last one that succeeded, at least 1
 * @param lastFailure when the last failure happened
 */
public record CompactionFailure(String message, int consecutiveFailures, Instant lastFailure) {

    /** Checks the fields. */
    public CompactionFailure {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(lastFailure, "lastFailure");
        if (consecutiveFailures < 1) {
            throw new IllegalArgumentException("consecutiveFailures must be at least 1, got " + consecutiveFailures);
        }
    }
}
