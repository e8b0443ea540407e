package dev.chromaj;

import dev.chromaj.blockstore.BlockfileOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * An embedded chromaj database: all data under a local folder, or compacted data in an S3 bucket with the WAL,
 * the catalog and the optional disk cache in the local folder.
 *
 * <pre>{@code
 * try (ChromaClient client = ChromaClient.persistent(Path.of("chroma_data"))) {
 *     ChromaCollection docs = client.getOrCreateCollection("docs");
 *     docs.add(List.of(ChromaRecord.builder("a").embedding(new float[] {1, 0}).document("hello").build()));
 *     QueryResult r = docs.query(QueryRequest.builder().queryEmbedding(new float[] {1, 0}).nResults(1).build());
 * }
 * }</pre>
 *
 * <p>The client acts on the default tenant {@code default_tenant} and database {@code default_database}; use
 * {@link #database(String, String)} for others. It is thread-safe: share one client per folder in the process.
 * One writer process may open a folder (and one writer client an S3 prefix) at a time; a second one fails fast.
 *
 * <p>The JVM must run with {@code --add-opens=java.base/java.nio=org.apache.arrow.memory.core,ALL-UNNAMED}
 * (Apache Arrow); opening a client without it fails with a message that gives the flag.
 */
public final class ChromaClient implements Database, AutoCloseable {
    /** Tenant used by the client's own {@link Database} methods. */
    public static final String DEFAULT_TENANT = "default_tenant";
    /** Database used by the client's own {@link Database} methods. */
    public static final String DEFAULT_DATABASE = "default_database";

    private final Engine engine;
    private final Database defaultDatabase;

    private ChromaClient(ClientConfig config) {
        this.engine = Engine.open(config);
        this.defaultDatabase = engine.database(DEFAULT_TENANT, DEFAULT_DATABASE);
    }

    /** Opens (or creates) a database whose data lives entirely under {@code path}. */
    public static ChromaClient persistent(Path path) {
        return builder().path(path).build();
    }

    /**
     * Opens (or creates) a database whose segment data lives in S3; {@code path} holds the catalog, the
     * write-ahead log and caches. With an empty {@code path}, the catalog and archived log are recovered from S3.
     */
    public static ChromaClient persistent(Path path, S3Config s3) {
        return builder().path(path).s3(s3).build();
    }

    /** A builder for every setting; {@link Builder#path(Path)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The database {@code tenant}/{@code database}. @throws NotFoundException when either does not exist. */
    public Database database(String tenant, String database) {
        return DatabaseHandle.guarded(() -> engine.database(tenant, database));
    }

    /** Creates a tenant. @throws AlreadyExistsException when it exists. */
    public void createTenant(String tenant) {
        DatabaseHandle.guarded(() -> {
            engine.createTenant(tenant);
            return null;
        });
    }

    /** Creates a database in an existing tenant. @throws AlreadyExistsException when it exists. */
    public void createDatabase(String tenant, String database) {
        DatabaseHandle.guarded(() -> {
            engine.createDatabase(tenant, database);
            return null;
        });
    }

    /**
     * Names of every tenant, in creation order (the default tenant first).
     *
     * @return the tenant names
     */
    public List<String> listTenants() {
        return DatabaseHandle.guarded(engine::listTenants);
    }

    /** Names of the databases of a tenant, in creation order. */
    public List<String> listDatabases(String tenant) {
        return DatabaseHandle.guarded(() -> engine.listDatabases(tenant));
    }

    /** Deletes a database and all its collections. @throws NotFoundException when it does not exist. */
    public void deleteDatabase(String tenant, String database) {
        DatabaseHandle.guarded(() -> {
            engine.deleteDatabase(tenant, database);
            return null;
        });
    }

    /** The current time in nanoseconds since the epoch; proves the client is open. */
    public long heartbeat() {
        engine.ensureOpen();
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** The library version. */
    public String version() {
        return Engine.VERSION;
    }

    /**
     * Deletes every tenant, database and collection. Only allowed when the client was built with
     * {@code allowReset(true)}.
     */
    public void reset() {
        DatabaseHandle.guarded(() -> {
            engine.reset();
            return null;
        });
    }

    /** Cache and storage counters since the client was opened. */
    public ClientStats stats() {
        return DatabaseHandle.guarded(engine::stats);
    }

    /**
     * What this client's use of storage costs per month at {@code prices}, extrapolated from its request counters
     * since it was opened, with the bytes stored now. Lists every object under the client's S3 prefix (or data
     * folder) once to measure them: one LIST request per 1,000 objects, counted in later reports. Use
     * {@link CostReport#since(CostReport)} for the window between two reports.
     *
     * @param prices the prices, e.g. {@link S3Prices#usEast1Standard()}
     * @return the report
     * @throws InvalidArgumentException when {@code prices} is null
     * @throws StorageException when the listing fails after retries
     */
    public CostReport costReport(S3Prices prices) {
        return DatabaseHandle.guarded(() -> engine.costReport(prices));
    }

    /** Runs garbage collection now and returns what it deleted. */
    public GcResult collectGarbage() {
        return DatabaseHandle.guarded(() -> engine.collectGarbage(ProgressListener.none()));
    }

    /**
     * {@link #collectGarbage()}, reporting progress in steps: one per collection, then one for the data of deleted
     * collections.
     *
     * @param progress the listener, called on this thread; what it throws stops the pass between two collections
     *     and reaches the caller
     * @return what was deleted
     */
    public GcResult collectGarbage(ProgressListener progress) {
        Errors.requireArgument(progress, "progress");
        return DatabaseHandle.guarded(() -> engine.collectGarbage(progress));
    }

    /**
     * Reads every object the kept versions of every collection reference — version manifests, blockfile roots and
     * blocks — from storage (not from the cache) and checks each as a reader would: checksums, formats, Arrow
     * decoding and entry counts. Damaged and missing objects are reported, not thrown; the collections stay usable.
     * Reads the whole compacted data set once, several objects at a time; each collection's compaction waits while
     * its blocks are read. Logs one INFO line at the start and one at the end, and a WARN per problem.
     *
     * <p>On a read-only client, the writer's garbage collection (another process) may delete a version that is being
     * verified; its objects are then reported missing. Verify again to tell such a race from damage.
     *
     * @return what was checked and what was found
     * @throws StorageException if storage fails otherwise (e.g. S3 unreachable after retries)
     */
    public VerifyReport verify() {
        return verify(ProgressListener.none());
    }

    /**
     * {@link #verify()}, reporting progress in objects: version manifests and roots first, then blocks; the total is
     * known once every root has been read.
     *
     * @param progress the listener, called on this thread
     * @return what was checked and what was found
     */
    public VerifyReport verify(ProgressListener progress) {
        Errors.requireArgument(progress, "progress");
        return DatabaseHandle.guarded(() -> engine.verify(progress));
    }

    /**
     * Writes a consistent backup of the whole store into {@code destination}, a new (or empty) local folder, while
     * writes, compactions and queries carry on. The backup holds every tenant, database and collection, and for each
     * collection every write acknowledged before this call (compacted or still in the log tail); writes acknowledged
     * during the call may or may not be in it, each wholly or not at all. The folder is a complete local store:
     * restore by opening it, {@code ChromaClient.persistent(destination)}, or by moving it where the application
     * expects its folder. With S3, the backup folder holds the data as well (a local store with the same contents).
     *
     * <p>The versions being copied are kept from garbage collection until the call returns. The folder is written
     * next to {@code destination} and renamed into place when complete, so it never holds a partial backup. Only the
     * writer client can back up (a read-only client cannot keep the writer's garbage collection away). Logs one INFO
     * line at the start and one at the end.
     *
     * @param destination a folder that does not exist yet, or an empty one, outside this client's folder
     * @return what was written and how long it took
     * @throws InvalidArgumentException when {@code destination} is null, a file, a non-empty folder, or inside the
     *     client's folder (nothing is written)
     * @throws StorageException when reading the store or writing the backup fails (nothing is left at
     *     {@code destination})
     * @throws ChromaException when the client is read-only
     */
    public BackupResult backup(Path destination) {
        return DatabaseHandle.guarded(() -> new Backup(engine).toFolder(destination));
    }

    /**
     * Writes a consistent backup of the whole store into an empty S3 prefix (any S3-compatible store; it may be
     * another bucket, endpoint or account), while writes, compactions and queries carry on. It holds, for each
     * collection, every write acknowledged before this call: the copied blocks, roots and version manifests, and the
     * uncompacted log tail as an archived log object; the object {@code backup.json}, written last, marks it complete.
     * Restore by opening a writer on an empty local folder with {@code destination} as its S3 configuration (it
     * rebuilds the catalog from the manifests and replays the archived log), or copy the prefix's objects to the
     * production prefix first and open that. Tenants and databases that hold no collection are not in a bucket
     * backup. Objects are copied through this client (read, then written), not server-side.
     *
     * @param destination where to write; its prefix must hold no object and must not overlap this client's prefix
     * @return what was written and how long it took
     * @throws InvalidArgumentException when {@code destination} is null, not empty, or overlaps this client's prefix
     *     (nothing is written)
     * @throws StorageException when reading the store or writing the backup fails (what was written is removed)
     * @throws ChromaException when the client is read-only
     */
    public BackupResult backup(S3Config destination) {
        return DatabaseHandle.guarded(() -> new Backup(engine).toBucket(destination));
    }

    /** The engine behind this client, for tests and tools in this package. */
    Engine engine() {
        return engine;
    }

    /** Stops background work, syncs the write-ahead log and releases the single-writer lock. Idempotent. */
    @Override
    public void close() {
        engine.close();
    }

    @Override
    public String tenant() {
        return defaultDatabase.tenant();
    }

    @Override
    public String name() {
        return defaultDatabase.name();
    }

    @Override
    public ChromaCollection createCollection(String name) {
        return defaultDatabase.createCollection(name);
    }

    @Override
    public ChromaCollection createCollection(String name, CollectionOptions options) {
        return defaultDatabase.createCollection(name, options);
    }

    @Override
    public ChromaCollection getCollection(String name) {
        return defaultDatabase.getCollection(name);
    }

    @Override
    public ChromaCollection getCollection(String name, EmbeddingFunction embeddingFunction) {
        return defaultDatabase.getCollection(name, embeddingFunction);
    }

    @Override
    public ChromaCollection getOrCreateCollection(String name) {
        return defaultDatabase.getOrCreateCollection(name);
    }

    @Override
    public ChromaCollection getOrCreateCollection(String name, CollectionOptions options) {
        return defaultDatabase.getOrCreateCollection(name, options);
    }

    @Override
    public List<ChromaCollection> listCollections() {
        return defaultDatabase.listCollections();
    }

    @Override
    public List<ChromaCollection> listCollections(int limit, int offset) {
        return defaultDatabase.listCollections(limit, offset);
    }

    @Override
    public int countCollections() {
        return defaultDatabase.countCollections();
    }

    @Override
    public void deleteCollection(String name) {
        defaultDatabase.deleteCollection(name);
    }

    @Override
    public String toString() {
        return "ChromaClient[" + engine + "]";
    }

    /**
     * Settings of a {@link ChromaClient}, in the style of Caffeine's builder. Not thread-safe; build once.
     */
    public static final class Builder {
        private Path path;
        private S3Config s3;
        private long blockCacheBytes = 256L << 20;
        /** Null: the adaptive split. */
        private Double blockCacheCompressedShare;

        private Path diskCachePath;
        private long diskCacheBytes;
        private CompactionPolicy compactionPolicy;
        private Duration compactionInterval;
        private Integer compactionThreshold;
        private WalSync walSync = WalSync.EVERY_WRITE;
        private int gcKeepVersions = 1;
        private Duration gcVersionTtl = Duration.ofMinutes(10);
        private Duration gcInterval = Duration.ofHours(1);
        private boolean allowReset;
        private boolean readOnly;
        private int maxBlockBytes = -1;
        private boolean blockCompression = true;
        private int recordBlockBytes = (int) BlockfileOptions.RECORD_MAX_BLOCK_BYTES;
        private Duration walArchiveInterval = Duration.ofSeconds(30);
        private WriterLease.Timing leaseTiming = WriterLease.Timing.DEFAULT;
        private Duration followInterval;
        private ClientConfig.S3RetrySettings s3Retries;
        private long vectorIndexBytes = Math.max(64L << 20, Runtime.getRuntime().maxMemory() / 2);
        private ChromaObserver observer;
        private java.util.function.LongSupplier ticker = System::nanoTime;

        private Builder() {}

        /** The local folder: catalog, write-ahead log, caches and, without S3, the data. Required. */
        public Builder path(Path path) {
            this.path = Errors.requireArgument(path, "path");
            return this;
        }

        /** Keeps segment data in S3 (or a compatible store) instead of the local folder. */
        public Builder s3(S3Config s3) {
            this.s3 = s3;
            return this;
        }

        /** Upper bound of the in-memory block cache, in bytes (default 256 MiB). */
        public Builder blockCacheBytes(long bytes) {
            this.blockCacheBytes = positive("blockCacheBytes", bytes);
            return this;
        }

        /**
         * Pins the share of {@link #blockCacheBytes} that keeps blocks as stored (compressed) instead of decoded. A
         * block the decoded part has no room for is then decoded again from memory instead of read again from
         * storage: a decode costs well under a millisecond, a GET tens of milliseconds and money.
         *
         * <p>Without this call the split is automatic: the whole cache holds decoded blocks while the blocks your
         * queries touch fit it decoded (warm queries never pay a decode); when blocks the cache evicted are read
         * again, up to 87.5% of it moves to compressed blocks (record blocks compress two to three times, so the cache
         * holds more of them), and it moves back when a larger decoded part would have saved decodes. The split
         * follows the order of lookups, not time; {@link ClientStats#cacheCompressedMaxBytes()} reports it. Pin it
         * when you know better: 0 never keeps compressed blocks; a fixed share such as 0.75 costs warm queries whose
         * blocks would fit decoded (about twice as slow, docs/operations.md). A disk tier ({@link #diskCache}) is the
         * other way to avoid the GETs.
         *
         * @param share in {@code [0, 1)}
         * @throws InvalidArgumentException if {@code share} is outside {@code [0, 1)}
         */
        public Builder blockCacheCompressedShare(double share) {
            if (!(share >= 0 && share < 1)) {
                throw new InvalidArgumentException(
                        "blockCacheCompressedShare must be at least 0 and below 1, got " + share);
            }
            this.blockCacheCompressedShare = share;
            return this;
        }

        /** A local disk tier for blocks evicted from memory (useful with S3), bounded by {@code maxBytes}. */
        public Builder diskCache(Path dir, long maxBytes) {
            this.diskCachePath = Errors.requireArgument(dir, "diskCache dir");
            this.diskCacheBytes = positive("diskCache maxBytes", maxBytes);
            return this;
        }

        /**
         * When the background compactor folds a collection's log tail into a new version: by tail size and by the
         * age of its oldest write (default {@link CompactionPolicy#local()} on a local folder,
         * {@link CompactionPolicy#objectStorage()} with S3). {@link #compactionInterval(Duration)} and
         * {@link #compactionThreshold(int)}, when also called, override its age and record limits.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder compactionPolicy(CompactionPolicy policy) {
            this.compactionPolicy = Errors.requireArgument(policy, "compactionPolicy");
            return this;
        }

        /**
         * The longest a write stays uncompacted: the {@link CompactionPolicy#maxTailAge() age limit} of the
         * compaction policy (default 10 s on a local folder, 1 h with S3). Longer: fewer, larger versions (fewer S3
         * PUTs); shorter: read-only followers see writes sooner.
         */
        public Builder compactionInterval(Duration interval) {
            this.compactionInterval = positive("compactionInterval", interval);
            return this;
        }

        /**
         * Number of records in a collection's log tail that triggers a compaction: the
         * {@link CompactionPolicy#maxTailRecords() record limit} of the compaction policy (default 1,000 on a local
         * folder, 50,000 with S3). The policy's {@link CompactionPolicy#maxTailBytes() byte limit} (32 MiB local,
         * 64 MiB with S3) still applies, because the tail is held in memory; set a {@link #compactionPolicy} to change
         * it.
         */
        public Builder compactionThreshold(int records) {
            this.compactionThreshold = (int) positive("compactionThreshold", records);
            return this;
        }

        /** When writes are fsynced before they are acknowledged (default {@link WalSync#EVERY_WRITE}). */
        public Builder walSync(WalSync sync) {
            this.walSync = Errors.requireArgument(sync, "walSync");
            return this;
        }

        /**
         * Number of newest versions garbage collection keeps per collection, the current one included (default 1:
         * older versions are kept only for {@link #gcVersionTtl(Duration)} after they were superseded).
         */
        public Builder gcKeepVersions(int versions) {
            this.gcKeepVersions = (int) positive("gcKeepVersions", versions);
            return this;
        }

        /**
         * How long garbage collection keeps a version after a newer one replaced it (default 10 min), for read-only
         * clients in other processes that still read it until they follow (keep it well above their
         * {@link #followInterval(Duration)} plus the longest query). Each compaction in the background schedules a
         * collection of its collection this long after it, so a superseded version's objects are deleted about a TTL
         * after the compaction, not at the next {@link #gcInterval(Duration)}: the bucket holds little more than the
         * current versions. A longer TTL keeps more versions to restore from, at their storage cost.
         */
        public Builder gcVersionTtl(Duration ttl) {
            this.gcVersionTtl = Errors.requireArgument(ttl, "gcVersionTtl");
            if (ttl.isNegative()) {
                throw new InvalidArgumentException("gcVersionTtl must not be negative, got " + ttl);
            }
            return this;
        }

        /** How often garbage collection runs in the background (default 1 h). */
        public Builder gcInterval(Duration interval) {
            this.gcInterval = positive("gcInterval", interval);
            return this;
        }

        /** Allows {@link ChromaClient#reset()} (default false). */
        public Builder allowReset(boolean allow) {
            this.allowReset = allow;
            return this;
        }

        /**
         * Opens without taking the writer lock or the S3 writer lease; every write fails (default false). A read-only
         * client serves the versions the writer has compacted (not its uncompacted log tail) and follows new ones
         * as they are committed, checking every {@link #followInterval(Duration)}. With S3 it keeps its own
         * catalog, rebuilt from the bucket, in a temporary folder, so several readers can share a bucket.
         */
        public Builder readOnly(boolean readOnly) {
            this.readOnly = readOnly;
            return this;
        }

        /** Maximum size of a blockfile block in bytes (default 8 MiB on S3, 1 MiB locally). */
        public Builder maxBlockBytes(int bytes) {
            this.maxBlockBytes = (int) positive("maxBlockBytes", bytes);
            return this;
        }

        /**
         * Whether new blocks and roots are compressed (default true: Zstandard, with a byte-shuffle first for float
         * vectors; a block that does not shrink is stored as is). Objects are read whatever their codec, so a
         * folder or bucket may mix both; turn it off only to compare.
         */
        public Builder blockCompression(boolean enabled) {
            this.blockCompression = enabled;
            return this;
        }

        /**
         * Maximum size of a block of whole records, which a query reads one per hit it returns (default 256 KiB;
         * {@link #maxBlockBytes(int)} applies when it is smaller).
         */
        public Builder recordBlockBytes(int bytes) {
            this.recordBlockBytes = (int) positive("recordBlockBytes", bytes);
            return this;
        }

        /**
         * How often the active write-ahead log file is archived to S3 (default 30 s; S3 mode only). It bounds what a
         * machine lost with its disk can lose: the writes acknowledged in the last interval (a process crash loses
         * nothing, the local log is on disk). Each archive of a log that received writes costs one PUT and one
         * DELETE (of the upload it supersedes): about 173,000 requests a month at 30 s, 1 M at 5 s.
         */
        public Builder walArchiveInterval(Duration interval) {
            this.walArchiveInterval = positive("walArchiveInterval", interval);
            return this;
        }

        /**
         * How often a read-only client looks for versions committed by the writer (default 30 s with S3, 5 s on a
         * local folder). With S3 a look when nothing changed costs one HEAD request (86,400 a month at 30 s); after a
         * commit, one LIST request per 1,000 objects of the prefix plus one GET per changed collection.
         */
        public Builder followInterval(Duration interval) {
            this.followInterval = positive("followInterval", interval);
            return this;
        }

        /** The monotonic clock of the compaction policy and cost reports, in nanoseconds; faked by tests. */
        Builder ticker(java.util.function.LongSupplier ticker) {
            this.ticker = java.util.Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** S3 writer lease timing (default 2 min TTL, renewed every 30 s); shortened by tests. */
        Builder leaseTiming(Duration ttl, Duration renewInterval) {
            this.leaseTiming = new WriterLease.Timing(ttl, renewInterval);
            return this;
        }

        /** S3 retry schedule; shortened by tests so faults do not stall the suite. */
        Builder s3Retries(int maxAttempts, Duration baseBackoff, Duration maxBackoff, Duration requestTimeout) {
            this.s3Retries = new ClientConfig.S3RetrySettings(maxAttempts, baseBackoff, maxBackoff, requestTimeout);
            return this;
        }

        /**
         * Memory budget of the HNSW indexes loaded for queries, over all collections (default half of the maximum
         * heap, at least 64 MiB). Least recently used indexes are unloaded beyond it and reloaded from their block
         * files when queried again; {@link ClientStats#vectorIndexBytes()} reports the current use.
         */
        public Builder vectorIndexBytes(long bytes) {
            this.vectorIndexBytes = positive("vectorIndexBytes", bytes);
            return this;
        }

        /**
         * Tells {@code observer} how long operations, compactions, garbage collection passes, S3 requests and
         * write-ahead log fsyncs take (default none: nothing is measured). Module {@code chroma-micrometer} turns
         * these into Micrometer meters.
         *
         * @param observer the observer, or null for none
         * @return this builder
         */
        public Builder observer(ChromaObserver observer) {
            this.observer = observer;
            return this;
        }

        /** Opens the client. */
        public ChromaClient build() {
            if (path == null) {
                throw new InvalidArgumentException("path is required: ChromaClient.builder().path(Path.of(\"...\"))");
            }
            if (diskCachePath != null && s3 == null) {
                throw new InvalidArgumentException(
                        "diskCache is only used with S3 storage: set s3(...) or drop diskCache");
            }
            int blockBytes = maxBlockBytes > 0 ? maxBlockBytes : (s3 != null ? 8 << 20 : 1 << 20);
            CompactionPolicy policy = compactionPolicy != null
                    ? compactionPolicy
                    : (s3 != null ? CompactionPolicy.objectStorage() : CompactionPolicy.local());
            if (compactionInterval != null) {
                policy = policy.withMaxTailAge(compactionInterval);
            }
            if (compactionThreshold != null) {
                policy = policy.withMaxTailRecords(compactionThreshold);
            }
            return new ChromaClient(new ClientConfig(
                    path,
                    s3,
                    blockCacheBytes,
                    blockCacheCompressedShare,
                    diskCachePath,
                    diskCacheBytes,
                    policy,
                    walSync,
                    gcKeepVersions,
                    gcVersionTtl,
                    gcInterval,
                    allowReset,
                    readOnly,
                    blockBytes,
                    walArchiveInterval,
                    leaseTiming,
                    followInterval != null
                            ? followInterval
                            : (s3 != null ? Duration.ofSeconds(30) : Duration.ofSeconds(5)),
                    s3Retries,
                    vectorIndexBytes,
                    blockCompression,
                    recordBlockBytes,
                    observer,
                    ticker));
        }

        private static long positive(String field, long value) {
            if (value <= 0) {
                throw new InvalidArgumentException(field + " must be positive, got " + value);
            }
            return value;
        }

        private static Duration positive(String field, Duration value) {
            Errors.requireArgument(value, field);
            if (value.isZero() || value.isNegative()) {
                throw new InvalidArgumentException(field + " must be positive, got " + value);
            }
            return value;
        }
    }
}
