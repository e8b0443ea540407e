package dev.chromaj.micrometer;

import dev.chromaj.ChromaClient;
import dev.chromaj.ChromaCollection;
import dev.chromaj.ChromaObserver;
import dev.chromaj.ClientStats;
import dev.chromaj.CollectionStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Micrometer metrics of a chromaj client: a {@link ChromaObserver} that records timers, plus gauges and counters read
 * from {@link ChromaClient#stats()} and {@link ChromaCollection#stats()}.
 *
 * <pre>{@code
 * ChromaMetrics metrics = new ChromaMetrics(registry);
 * try (ChromaClient client = ChromaClient.builder().path(folder).observer(metrics).build()) {
 *     metrics.bindClient(client);                       // cache, storage and vector index meters
 *     metrics.bindCollection(client.getCollection("docs")); // size and state of one collection
 *     ...
 * }
 * metrics.close();                                      // removes the meters from the registry
 * }</pre>
 *
 * <p>Meters (names as given to Micrometer; a Prometheus registry writes {@code chromaj_operations_seconds_count} and
 * so on). Timers, recorded by the observer when the work ends:
 *
 * <ul>
 *   <li>{@code chromaj.operations} (timer), tags {@code operation} = {@code add}, {@code upsert}, {@code update},
 *       {@code delete}, {@code get}, {@code query}, {@code search} and {@code outcome} = {@code success} or
 *       {@code failure}: collection calls.
 *   <li>{@code chromaj.operation.records} (counter), tag {@code operation}: records written (add, upsert, update),
 *       deleted (delete) or returned (get, query, search) by successful calls.
 *   <li>{@code chromaj.compactions} (timer), tag {@code outcome}: compactions of a collection's log tail, explicit
 *       and background.
 *   <li>{@code chromaj.compaction.records} (counter): log records folded by successful compactions.
 *   <li>{@code chromaj.gc} (timer), tag {@code outcome}: garbage collection passes, explicit and background.
 *   <li>{@code chromaj.storage.requests} (timer), tags {@code operation} = {@code get}, {@code put}, {@code delete},
 *       {@code delete_all} (batch deletes), {@code head}, {@code list} and {@code outcome} = {@code success}, {@code not_found},
 *       {@code precondition_failed}, {@code retried}, {@code failed}: every attempt of an S3 request (local storage
 *       sends none).
 *   <li>{@code chromaj.wal.fsync} (timer): every fsync of a write-ahead log file.
 * </ul>
 *
 * <p>Client meters, registered by {@link #bindClient(ChromaClient)} and read from {@link ClientStats} at each
 * scrape:
 *
 * <ul>
 *   <li>{@code chromaj.cache.gets} (function counter), tag {@code result} = {@code hit} or {@code miss}: block cache
 *       lookups.
 *   <li>{@code chromaj.cache.size} (gauge, bytes): bytes held by the memory block cache.
 *   <li>{@code chromaj.storage.objects} (function counter), tag {@code operation} = {@code get}, {@code put},
 *       {@code delete}: object reads, writes and deletes, local or S3.
 *   <li>{@code chromaj.storage.calls} (function counter): every request sent to storage, retries included.
 *   <li>{@code chromaj.storage.bytes} (function counter, bytes), tag {@code direction} = {@code read} or
 *       {@code written}.
 *   <li>{@code chromaj.vector.index.size} (gauge, bytes) and {@code chromaj.vector.index.count} (gauge): HNSW
 *       indexes loaded in memory.
 * </ul>
 *
 * <p>Collection meters, registered by {@link #bindCollection(ChromaCollection)} with tags {@code tenant},
 * {@code database} and {@code collection} and read from {@link CollectionStats} at each scrape (NaN once the
 * collection is deleted or the client closed):
 *
 * <ul>
 *   <li>{@code chromaj.collection.records} (gauge): live records; {@code chromaj.collection.records.compacted}
 *       (gauge): those in the current segment version; {@code chromaj.collection.log.records} (gauge): log records
 *       not yet compacted.
 *   <li>{@code chromaj.collection.version} (gauge): the current segment version.
 *   <li>{@code chromaj.collection.size} (gauge, bytes) and {@code chromaj.collection.blocks} (gauge): stored bytes
 *       and blocks of the current version.
 *   <li>{@code chromaj.collection.compaction.failing} (gauge): 1 while the collection's compaction keeps failing,
 *       0 otherwise.
 * </ul>
 *
 * <p>Every meter also carries the common tags given to the constructor (e.g. {@code folder}). Timers publish no
 * percentiles or histograms unless a {@code MeterFilter} of the registry asks for them. Thread-safe; the observer
 * methods cost a map lookup and a timer update.
 */
public final class ChromaMetrics implements ChromaObserver, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChromaMetrics.class);

    private final MeterRegistry registry;
    private final Tags common;
    /** Every meter this binder registered, removed by {@link #close()}. */
    private final List<Meter> meters = new CopyOnWriteArrayList<>();
    /**
     * The clients and collections bound, held until {@link #close()}: Micrometer holds a function counter's object
     * weakly, and a collection handle may be dropped by its user while its meters should keep reporting.
     */
    private final List<Object> bound = new CopyOnWriteArrayList<>();

    private final Map<Operation, Timer> succeeded = new EnumMap<>(Operation.class);
    private final Map<Operation, Timer> failed = new EnumMap<>(Operation.class);
    private final Map<Operation, Counter> records = new EnumMap<>(Operation.class);
    private final Counter compactedRecords;
    /** Storage request timers by operation and outcome, created on first use (the operations are the backend's). */
    private final Map<String, Timer> storageRequests = new ConcurrentHashMap<>();

    private final Timer walFsync;

    /**
     * Metrics recorded into {@code registry}.
     *
     * @param registry where the meters go
     */
    public ChromaMetrics(MeterRegistry registry) {
        this(registry, Tags.empty());
    }

    /**
     * Metrics recorded into {@code registry}, every meter with {@code tags} (e.g. to tell two clients apart).
     *
     * @param registry where the meters go
     * @param tags tags added to every meter
     */
    public ChromaMetrics(MeterRegistry registry, Iterable<Tag> tags) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.common = Tags.of(Objects.requireNonNull(tags, "tags"));
        for (Operation op : Operation.values()) {
            switch (op) {
                case COMPACTION -> {
                    succeeded.put(op, timer("chromaj.compactions", "Compactions of a log tail", "success"));
                    failed.put(op, timer("chromaj.compactions", "Compactions of a log tail", "failure"));
                }
                case GARBAGE_COLLECTION -> {
                    succeeded.put(op, timer("chromaj.gc", "Garbage collection passes", "success"));
                    failed.put(op, timer("chromaj.gc", "Garbage collection passes", "failure"));
                }
                default -> {
                    succeeded.put(op, operationTimer(op, "success"));
                    failed.put(op, operationTimer(op, "failure"));
                    records.put(
                            op,
                            register(Counter.builder("chromaj.operation.records")
                                    .description("Records written, deleted or returned by collection calls")
                                    .tags(common)
                                    .tag("operation", name(op))
                                    .register(registry)));
                }
            }
        }
        this.compactedRecords = register(Counter.builder("chromaj.compaction.records")
                .description("Log records folded by compactions")
                .tags(common)
                .register(registry));
        this.walFsync = register(Timer.builder("chromaj.wal.fsync")
                .description("fsyncs of write-ahead log files")
                .tags(common)
                .register(registry));
    }

    // ---- ChromaObserver ----

    @Override
    public void operationCompleted(Operation operation, long records, long nanos, boolean success) {
        (success ? succeeded : failed).get(operation).record(nanos, TimeUnit.NANOSECONDS);
        if (success && records > 0) {
            if (operation == Operation.COMPACTION) {
                compactedRecords.increment((double) records);
            } else {
                Counter counter = this.records.get(operation);
                if (counter != null) {
                    counter.increment((double) records);
                }
            }
        }
    }

    @Override
    public void storageRequestCompleted(String operation, RequestOutcome outcome, long nanos) {
        String op = operation.toLowerCase(Locale.ROOT);
        String result = outcome.name().toLowerCase(Locale.ROOT);
        storageRequests
                .computeIfAbsent(
                        op + ' ' + result,
                        k -> register(Timer.builder("chromaj.storage.requests")
                                .description("Attempts of S3 requests")
                                .tags(common)
                                .tag("operation", op)
                                .tag("outcome", result)
                                .register(registry)))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void walSynced(long nanos) {
        walFsync.record(nanos, TimeUnit.NANOSECONDS);
    }

    // ---- gauges ----

    /**
     * Registers the client's cache, storage and vector index meters, read from {@link ChromaClient#stats()} at each
     * scrape. The registry holds the client until {@link #close()}.
     *
     * @param client the client, normally the one built with this observer
     * @return this
     */
    public ChromaMetrics bindClient(ChromaClient client) {
        Objects.requireNonNull(client, "client");
        bound.add(client);
        Function<ToDoubleFunction<ClientStats>, ToDoubleFunction<ChromaClient>> read =
                f -> c -> f.applyAsDouble(c.stats());
        functionCounter(
                "chromaj.cache.gets",
                "Block cache lookups",
                client,
                read.apply(ClientStats::cacheHits),
                null,
                "result",
                "hit");
        functionCounter(
                "chromaj.cache.gets",
                "Block cache lookups",
                client,
                read.apply(ClientStats::cacheMisses),
                null,
                "result",
                "miss");
        gauge(
                "chromaj.cache.size",
                "Bytes held by the memory block cache",
                client,
                read.apply(ClientStats::cacheBytes),
                "bytes",
                Tags.empty());
        functionCounter(
                "chromaj.storage.objects",
                "Object reads, writes and deletes",
                client,
                read.apply(ClientStats::storageGets),
                null,
                "operation",
                "get");
        functionCounter(
                "chromaj.storage.objects",
                "Object reads, writes and deletes",
                client,
                read.apply(ClientStats::storagePuts),
                null,
                "operation",
                "put");
        functionCounter(
                "chromaj.storage.objects",
                "Object reads, writes and deletes",
                client,
                read.apply(ClientStats::storageDeletes),
                null,
                "operation",
                "delete");
        functionCounter(
                "chromaj.storage.calls",
                "Requests sent to storage, retries included",
                client,
                read.apply(ClientStats::storageRequests),
                null,
                null,
                null);
        functionCounter(
                "chromaj.storage.bytes",
                "Bytes read from and written to storage",
                client,
                read.apply(ClientStats::bytesRead),
                "bytes",
                "direction",
                "read");
        functionCounter(
                "chromaj.storage.bytes",
                "Bytes read from and written to storage",
                client,
                read.apply(ClientStats::bytesWritten),
                "bytes",
                "direction",
                "written");
        gauge(
                "chromaj.vector.index.size",
                "Heap bytes of the HNSW indexes loaded",
                client,
                read.apply(ClientStats::vectorIndexBytes),
                "bytes",
                Tags.empty());
        gauge(
                "chromaj.vector.index.count",
                "HNSW indexes loaded",
                client,
                read.apply(ClientStats::vectorIndexCount),
                null,
                Tags.empty());
        return this;
    }

    /**
     * Registers one collection's gauges, read from {@link ChromaCollection#stats()} at each scrape. The registry
     * holds the collection handle until {@link #close()}.
     *
     * @param collection the collection
     * @return this
     */
    public ChromaMetrics bindCollection(ChromaCollection collection) {
        Objects.requireNonNull(collection, "collection");
        bound.add(collection);
        Tags tags = Tags.of(
                "tenant", collection.tenant(), "database", collection.database(), "collection", collection.name());
        Function<ToDoubleFunction<CollectionStats>, ToDoubleFunction<ChromaCollection>> read =
                f -> c -> f.applyAsDouble(c.stats());
        gauge(
                "chromaj.collection.records",
                "Live records",
                collection,
                read.apply(CollectionStats::records),
                null,
                tags);
        gauge(
                "chromaj.collection.records.compacted",
                "Live records in the current segment version",
                collection,
                read.apply(CollectionStats::compactedRecords),
                null,
                tags);
        gauge(
                "chromaj.collection.log.records",
                "Log records not yet compacted",
                collection,
                read.apply(CollectionStats::walRecords),
                null,
                tags);
        gauge(
                "chromaj.collection.version",
                "Current segment version",
                collection,
                read.apply(CollectionStats::version),
                null,
                tags);
        gauge(
                "chromaj.collection.size",
                "Stored bytes of the current version",
                collection,
                read.apply(CollectionStats::totalBytes),
                "bytes",
                tags);
        gauge(
                "chromaj.collection.blocks",
                "Blocks of the current version",
                collection,
                read.apply(CollectionStats::blockCount),
                null,
                tags);
        gauge(
                "chromaj.collection.compaction.failing",
                "1 while compaction keeps failing",
                collection,
                read.apply(s -> s.compactionFailure().isPresent() ? 1 : 0),
                null,
                tags);
        return this;
    }

    /** Removes every meter this binder registered from the registry. Recording afterwards is harmless. */
    @Override
    public void close() {
        for (Meter m : meters) {
            registry.remove(m);
        }
        meters.clear();
        bound.clear();
    }

    // ---- helpers ----

    private Timer operationTimer(Operation op, String outcome) {
        return register(Timer.builder("chromaj.operations")
                .description("Collection calls")
                .tags(common)
                .tag("operation", name(op))
                .tag("outcome", outcome)
                .register(registry));
    }

    private Timer timer(String name, String description, String outcome) {
        return register(Timer.builder(name)
                .description(description)
                .tags(common)
                .tag("outcome", outcome)
                .register(registry));
    }

    private <T> void gauge(
            String name, String description, T target, ToDoubleFunction<T> value, String unit, Tags tags) {
        register(Gauge.builder(name, target, orNaN(name, value))
                .description(description)
                .baseUnit(unit)
                .tags(common)
                .tags(tags)
                .strongReference(true)
                .register(registry));
    }

    private <T> void functionCounter(
            String name,
            String description,
            T target,
            ToDoubleFunction<T> value,
            String unit,
            String tagKey,
            String tagValue) {
        FunctionCounter.Builder<T> b = FunctionCounter.builder(name, target, orNaN(name, value))
                .description(description)
                .baseUnit(unit)
                .tags(common);
        if (tagKey != null) {
            b.tag(tagKey, tagValue);
        }
        register(b.register(registry));
    }

    /**
     * {@code value}, or NaN when it throws (a closed client, a deleted collection): a scrape must not fail because of
     * one meter. Logged at DEBUG: it is expected after close.
     */
    private static <T> ToDoubleFunction<T> orNaN(String name, ToDoubleFunction<T> value) {
        return target -> {
            try {
                return value.applyAsDouble(target);
            } catch (RuntimeException e) {
                LOG.debug("Meter {} cannot be read: {}", name, e.toString());
                return Double.NaN;
            }
        };
    }

    private <M extends Meter> M register(M meter) {
        meters.add(meter);
        return meter;
    }

    private static String name(Operation op) {
        return op.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "ChromaMetrics[" + registry.getClass().getSimpleName() + common + "]";
    }
}
