package dev.chromaj;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chromaj.storage.BucketLayout;
import dev.chromaj.storage.ObjectInfo;
import dev.chromaj.storage.ObjectNotFoundException;
import dev.chromaj.storage.ObjectStorageException;
import dev.chromaj.storage.PreconditionFailedException;
import dev.chromaj.storage.Storage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-writer lease of an S3 prefix: the object {@code lease}, created with a create-only put
 * ({@code If-None-Match: *}) and renewed with compare-and-swap puts ({@code If-Match}) on a daemon thread.
 *
 * <p>Body: {@code {"holder": "<host>/<pid>/<uuid>", "since": <instant>, "expiresAt": <instant>}}. A second writer
 * fails fast naming the holder; a lease whose {@code expiresAt} has passed (or whose holder is a dead process on this
 * host) is taken over with a compare-and-swap on its ETag, so two candidates never both win.
 *
 * <p>Fencing: the holder treats its lease as valid only until {@code ttl - margin} after the start of its last
 * successful renewal, so it stops mutating the bucket before anyone may take over ({@link #checkValid(String, String)}); when a
 * renewal finds another holder, the lease is lost for good and {@link #checkNotLost()} fails every write. The
 * safety of the time-based part assumes clocks that drift less than the margin within one TTL.
 *
 * <p>Thread-safe.
 */
final class WriterLease implements AutoCloseable {
    static final String KEY = BucketLayout.LEASE;
    private static final Logger LOG = LoggerFactory.getLogger(WriterLease.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ACQUIRE_ATTEMPTS = 5;

    /** Timing of a lease; renewal must be well inside the TTL. */
    record Timing(Duration ttl, Duration renewInterval) {
        /**
         * 2 min TTL renewed every 30 s: 86,400 PUTs a month (at 10 s it was 259,200). A writer that died on another
         * host keeps a successor waiting up to the TTL; on the same host a dead holder is taken over at once.
         */
        static final Timing DEFAULT = new Timing(Duration.ofMinutes(2), Duration.ofSeconds(30));

        Timing {
            if (ttl.isNegative() || ttl.isZero() || renewInterval.isNegative() || renewInterval.isZero()) {
                throw new InvalidArgumentException(
                        "lease ttl and renew interval must be positive, got " + ttl + " and " + renewInterval);
            }
            if (renewInterval.compareTo(ttl.dividedBy(2)) > 0) {
                throw new InvalidArgumentException("lease renew interval must be at most half the ttl, got "
                        + renewInterval + " for a ttl of " + ttl);
            }
        }

        /** The holder stops writing this long before its lease could expire for others. */
        Duration margin() {
            return ttl.dividedBy(4);
        }
    }

    /** What the lease object says. */
    record Holder(String holder, Instant since, Instant expiresAt) {}

    private final Storage storage;
    private final String location;
    private final Timing timing;
    private final Clock clock;
    private final String holder;
    private final Instant since;
    private final ScheduledExecutorService renewer;
    /** Guards etag and the renewal bookkeeping; renewals and release are serialized. */
    private final Object lock = new Object();

    private String etag;
    /** {@link System#nanoTime()} until which this holder may mutate the bucket. */
    private volatile long validUntilNanos;
    /** Set when a renewal found another holder: permanent. */
    private volatile Holder lostTo;

    private volatile boolean released;

    private WriterLease(
            Storage storage,
            String location,
            Timing timing,
            Clock clock,
            String holder,
            Instant since,
            String etag,
            long startNanos) {
        this.storage = storage;
        this.location = location;
        this.timing = timing;
        this.clock = clock;
        this.holder = holder;
        this.since = since;
        this.etag = etag;
        this.validUntilNanos = startNanos + timing.ttl().minus(timing.margin()).toNanos();
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chromaj-writer-lease");
            t.setDaemon(true);
            return t;
        });
        long every = timing.renewInterval().toNanos();
        startRenewing(every);
    }

    // renewQuietly catches its own failures, and close() stops the task by shutting the executor down
    @SuppressWarnings("FutureReturnValueIgnored")
    private void startRenewing(long everyNanos) {
        renewer.scheduleWithFixedDelay(this::renewQuietly, everyNanos, everyNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Takes the lease of {@code storage}'s prefix ({@code location} names it in messages).
     *
     * @throws ChromaException naming the holder when another live writer holds it
     */
    static WriterLease acquire(Storage storage, String location, Timing timing) {
        return acquire(storage, location, timing, Clock.systemUTC());
    }

    static WriterLease acquire(Storage storage, String location, Timing timing, Clock clock) {
        String me = localHost() + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID();
        for (int attempt = 1; ; attempt++) {
            long start = System.nanoTime();
            Instant now = clock.instant();
            byte[] body = body(me, now, now.plus(timing.ttl()));
            try {
                String etag = storage.putIfAbsent(KEY, body);
                LOG.info("Took the writer lease of {} as {}", location, me);
                return new WriterLease(storage, location, timing, clock, me, now, etag, start);
            } catch (PreconditionFailedException exists) {
                Optional<ObjectInfo> info = storage.head(KEY);
                if (info.isEmpty()) {
                    continue; // released meanwhile: try the create-only put again
                }
                Holder current;
                try {
                    current = parse(storage.get(KEY));
                } catch (ObjectNotFoundException gone) {
                    continue;
                }
                boolean expired = !now.isBefore(current.expiresAt());
                boolean deadHere = !expired && isDeadProcessOnThisHost(current.holder());
                if (!expired && !deadHere) {
                    throw new ChromaException("Another writer holds " + location + ": " + current.holder()
                            + " since " + current.since() + " (its lease expires at " + current.expiresAt()
                            + " unless renewed). Close it, or open this client with readOnly(true)");
                }
                try {
                    String etag = storage.putIfMatch(KEY, body, info.get().etag());
                    LOG.warn(
                            "Took over the writer lease of {} from {} ({}); held since {}",
                            location,
                            current.holder(),
                            expired ? "expired at " + current.expiresAt() : "process is gone",
                            current.since());
                    return new WriterLease(storage, location, timing, clock, me, now, etag, start);
                } catch (PreconditionFailedException raced) {
                    if (attempt >= MAX_ACQUIRE_ATTEMPTS) {
                        throw new ChromaException(
                                "Could not take the writer lease of " + location + ": other clients keep changing it",
                                raced);
                    }
                }
            }
        }
    }

    /** Who holds the lease of {@code storage}'s prefix, if anyone. */
    static Optional<Holder> read(Storage storage) {
        try {
            return Optional.of(parse(storage.get(KEY)));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        }
    }

    /** This holder's identity, {@code host/pid/uuid}. */
    String holder() {
        return holder;
    }

    /** Fails when another client took the lease: this client must not write any more. */
    void checkNotLost() {
        Holder other = lostTo;
        if (other != null) {
            throw new ChromaException("This client lost the writer lease of " + location + " to " + other.holder()
                    + " (since " + other.since() + "); writes are refused. Reopen the client to write again");
        }
    }

    /**
     * Fails unless this client may mutate the bucket now: the lease is not lost and was renewed recently enough
     * that nobody else can have taken it over.
     *
     * @throws ObjectStorageException when the lease could not be renewed in time (e.g. an outage)
     */
    void checkValid(String operation, String key) {
        checkNotLost();
        if (released) {
            throw new ObjectStorageException(
                    operation, key, "the writer lease of " + location + " was released (client closed)");
        }
        if (System.nanoTime() - validUntilNanos > 0) {
            throw new ObjectStorageException(
                    operation,
                    key,
                    "the writer lease of " + location
                            + " has not been renewed in time (storage unreachable?); mutations wait for the next renewal");
        }
    }

    /** Renews now; false when storage could not be reached (the lease may still be valid). */
    boolean renew() {
        synchronized (lock) {
            if (released || lostTo != null) {
                return false;
            }
            long start = System.nanoTime();
            Instant now = clock.instant();
            byte[] body = body(holder, since, now.plus(timing.ttl()));
            try {
                etag = storage.putIfMatch(KEY, body, etag);
                validUntilNanos = start + timing.ttl().minus(timing.margin()).toNanos();
                return true;
            } catch (PreconditionFailedException changed) {
                return reconcile(body, start);
            }
        }
    }

    /**
     * The compare-and-swap failed: either another client took the lease, or our own previous put was applied but
     * its response was lost (so our ETag is stale). Caller holds {@link #lock}.
     */
    private boolean reconcile(byte[] body, long start) {
        Optional<ObjectInfo> info = storage.head(KEY);
        Holder current = null;
        if (info.isPresent()) {
            try {
                current = parse(storage.get(KEY));
            } catch (ObjectNotFoundException gone) {
                current = null;
            }
        }
        if (current != null && current.holder().equals(holder)) {
            etag = storage.putIfMatch(KEY, body, info.get().etag());
            validUntilNanos = start + timing.ttl().minus(timing.margin()).toNanos();
            return true;
        }
        lostTo = current != null
                ? current
                : new Holder("nobody (the lease object was deleted)", clock.instant(), clock.instant());
        LOG.error("Lost the writer lease of {} to {}: this client stops writing", location, lostTo.holder());
        return false;
    }

    private void renewQuietly() {
        try {
            renew();
        } catch (RuntimeException e) {
            LOG.warn(
                    "Could not renew the writer lease of {} (valid for {} ms more): {}",
                    location,
                    Math.max(0, (validUntilNanos - System.nanoTime()) / 1_000_000),
                    e.toString());
        }
    }

    /** Stops renewing and deletes the lease object if it is still ours. Idempotent. */
    @Override
    public void close() {
        renewer.shutdownNow();
        try {
            renewer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            if (released) {
                return;
            }
            released = true;
            if (lostTo != null) {
                return;
            }
            try {
                Optional<ObjectInfo> info = storage.head(KEY);
                if (info.isPresent() && info.get().etag().equals(etag)) {
                    storage.delete(KEY);
                    LOG.info("Released the writer lease of {}", location);
                }
            } catch (RuntimeException e) {
                LOG.warn("Could not release the writer lease of {}; it expires by itself: {}", location, e.toString());
            }
        }
    }

    private static byte[] body(String holder, Instant since, Instant expiresAt) {
        ObjectNode node = JSON.createObjectNode();
        node.put("holder", holder);
        node.put("since", since.toString());
        node.put("expiresAt", expiresAt.toString());
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Holder parse(byte[] bytes) {
        try {
            JsonNode node = JSON.readTree(bytes);
            return new Holder(
                    node.path("holder").asText("unknown"),
                    Instant.parse(node.path("since").asText()),
                    Instant.parse(node.path("expiresAt").asText()));
        } catch (IOException | RuntimeException e) {
            // An unreadable lease protects nobody: treat it as expired so it can be taken over.
            LOG.warn("The writer lease object is unreadable ({}); treating it as expired", e.toString());
            return new Holder("unknown (unreadable lease)", Instant.EPOCH, Instant.EPOCH);
        }
    }

    private static boolean isDeadProcessOnThisHost(String holder) {
        String[] parts = holder.split("/", -1);
        if (parts.length != 3 || !parts[0].equals(localHost())) {
            return false;
        }
        try {
            long pid = Long.parseLong(parts[1]);
            return pid != ProcessHandle.current().pid()
                    && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
