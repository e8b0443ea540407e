package dev.chromaj;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The compaction failures of one collection since its last successful compaction, and how loudly to report the next
 * one: a failure that may be transient (an outage the next attempt outlives) is a warning; the same failure
 * {@link #PERSISTENT_AFTER} times in a row is an error, repeated at most every {@link #ERROR_INTERVAL} so a failure
 * that lasts for days neither floods the log nor goes quiet. Thread-safe.
 */
final class CompactionHealth {
    /** Consecutive failures with the same cause after which the failure is reported as persistent. */
    static final int PERSISTENT_AFTER = 3;
    /** Minimum time between two ERROR reports of the same persistent failure. */
    static final Duration ERROR_INTERVAL = Duration.ofMinutes(15);

    /** How to log a failure. */
    enum Report {
        /** A failure that may be transient: logged at WARN, retried. */
        WARN,
        /** A persistent failure: logged at ERROR (first time, then at most every {@link #ERROR_INTERVAL}). */
        ERROR,
        /** A persistent failure reported at ERROR not long ago: logged at DEBUG. */
        QUIET
    }

    private int consecutive;
    private int sameCause;
    private String cause;
    private String message;
    private Instant lastFailure;
    private Instant lastError;

    /**
     * Records a failed compaction.
     *
     * @param failure the exception
     * @param now the time of the failure
     * @return how loudly to report it
     */
    synchronized Report failed(Throwable failure, Instant now) {
        String signature = signature(failure);
        consecutive++;
        sameCause = signature.equals(cause) ? sameCause + 1 : 1;
        cause = signature;
        message = failure.getClass().getSimpleName() + ": " + failure.getMessage();
        lastFailure = now;
        if (sameCause < PERSISTENT_AFTER) {
            return Report.WARN;
        }
        if (sameCause == PERSISTENT_AFTER
                || lastError == null
                || Duration.between(lastError, now).compareTo(ERROR_INTERVAL) >= 0) {
            lastError = now;
            return Report.ERROR;
        }
        return Report.QUIET;
    }

    /**
     * Records a successful compaction, clearing the failure.
     *
     * @return the number of consecutive failures it ends (0 when there were none)
     */
    synchronized int succeeded() {
        int ended = consecutive;
        consecutive = 0;
        sameCause = 0;
        cause = null;
        message = null;
        lastFailure = null;
        lastError = null;
        return ended;
    }

    /** The number of failures since the last success. */
    synchronized int consecutiveFailures() {
        return consecutive;
    }

    /** The current failure, empty after a success. */
    synchronized Optional<CompactionFailure> current() {
        return consecutive == 0
                ? Optional.empty()
                : Optional.of(new CompactionFailure(message, consecutive, lastFailure));
    }

    /**
     * What makes two failures "the same": the exception types along the cause chain. Messages are left out: they
     * name the object a put failed on, which differs between attempts of the same failure.
     */
    private static String signature(Throwable failure) {
        StringBuilder sb = new StringBuilder();
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 8; t = t.getCause(), depth++) {
            sb.append(t.getClass().getName()).append('<');
        }
        return sb.toString();
    }
}
