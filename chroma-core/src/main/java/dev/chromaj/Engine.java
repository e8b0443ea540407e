package dev.chromaj;

import dev.chromaj.blockstore.ArrowRuntime;
import dev.chromaj.blockstore.BlockCache;
import dev.chromaj.blockstore.BlockfileOptions;
import dev.chromaj.blockstore.BlockfileStore;
import dev.chromaj.catalog.Catalog;
import dev.chromaj.catalog.CatalogConflictException;
import dev.chromaj.catalog.CatalogException;
import dev.chromaj.catalog.CatalogLockedException;
import dev.chromaj.catalog.ChromaPersistDirectoryException;
import dev.chromaj.catalog.CollectionEntry;
import dev.chromaj.segment.HnswIndexCache;
import dev.chromaj.storage.BucketLayout;
import dev.chromaj.storage.LocalStorage;
import dev.chromaj.storage.ObjectInfo;
import dev.chromaj.storage.ObjectStorageException;
import dev.chromaj.storage.RequestListener;
import dev.chromaj.storage.S3Storage;
import dev.chromaj.storage.Storage;
import dev.chromaj.storage.StorageStats;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared machinery behind one {@link ChromaClient}: storage, block cache, catalog, the open collections and
 * the background threads. Thread-safe.
 */
final class Engine implements AutoCloseable {
    static final String VERSION = "0.1.0-SNAPSHOT";
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    final ClientConfig config;
    final Storage storage;
    final BlockCache cache;
    final BlockfileStore blockfiles;
    final Catalog catalog;
    /** The user's observer made safe to call, or null when none is set (then nothing is measured). */
    final SafeObserver observer;
    /** The HNSW indexes loaded for queries, over all collections, within the configured budget. */
    final HnswIndexCache vectorIndexes;
    /** The embedding function providers on the class path and the functions this client created through them. */
    final EmbeddingProviders embeddingProviders = new EmbeddingProviders();
    /** Embeds documents of writes (on its own bounded pool) and query texts. */
    final Embedder embedder = new Embedder(Embedder.defaultThreads());

    final Path walRoot;
    private final Map<UUID, CollectionEngine> collections = new ConcurrentHashMap<>();
    private final ScheduledExecutorService background;
    private final Compactor compactor;
    private final GarbageCollector gc;
    /** The S3 writer lease; null for local storage and read-only clients. */
    private final WriterLease lease;
    /** Read-only clients: follows the writer's commits. */
    private final VersionFollower follower;
    /** A read-only S3 client's own catalog folder, deleted on close; null otherwise. */
    private final Path privateCatalogDir;
    /** Guards creation and removal of entries of {@link #collections} together with their catalog rows. */
    private final Object collectionsLock = new Object();
    /**
     * Backups running now. While any runs, objects of deleted collections are not collected: a backup copies the
     * collections it captured even if one of them is deleted meanwhile. Changed under {@link #collectionsLock}.
     */
    private final AtomicInteger backupsRunning = new AtomicInteger();

    /** Monotonic nanoseconds: what the compaction policy and cost reports measure time with. */
    final LongSupplier ticker;
    /** {@link #ticker} when the engine was created: the start of {@link #costReport}'s window. */
    private final long openedNanos;

    private volatile boolean closed;
    /** Test seam: runs in a backup between the capture and the copy. */
    volatile Runnable afterBackupCapture;

    private Engine(
            ClientConfig config,
            Storage storage,
            BlockCache cache,
            Catalog catalog,
            WriterLease lease,
            Path privateCatalogDir,
            SafeObserver observer) {
        this.config = config;
        this.ticker = config.ticker();
        this.openedNanos = ticker.getAsLong();
        this.observer = observer;
        this.lease = lease;
        this.privateCatalogDir = privateCatalogDir;
        this.storage = storage;
        this.cache = cache;
        this.catalog = catalog;
        this.vectorIndexes = new HnswIndexCache(config.vectorIndexBytes());
        this.blockfiles = new BlockfileStore(
                storage,
                cache,
                BlockfileOptions.defaults()
                        .withMaxBlockBytes(config.maxBlockBytes())
                        .withRecordMaxBlockBytes(config.recordBlockBytes())
                        .withCompression(config.blockCompression()));
        this.walRoot = config.path().resolve("wal");
        this.background = Executors.newScheduledThreadPool(2, runnable -> {
            Thread t = new Thread(runnable, "chromaj-background");
            t.setDaemon(true);
            return t;
        });
        this.compactor = new Compactor(this, background);
        this.gc = new GarbageCollector(this);
        this.follower = config.readOnly() ? new VersionFollower(this) : null;
    }

    static Engine open(ClientConfig config) {
        try {
            ArrowRuntime.check();
        } catch (IllegalStateException e) {
            throw new ChromaException(e.getMessage(), e);
        }
        Path path = config.path();
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new StorageException("Cannot create the data folder " + path + ": " + e, e);
        }
        // A read-only S3 client keeps a catalog of its own, rebuilt from the bucket: it may run anywhere, next to
        // other readers, and never touches the writer's folder.
        Path privateCatalogDir = null;
        Catalog catalog;
        try {
            if (config.readOnly() && config.s3Mode()) {
                privateCatalogDir = Files.createTempDirectory("chromaj-reader-catalog-");
                catalog = Catalog.open(privateCatalogDir);
            } else {
                catalog = config.readOnly() ? Catalog.openReadOnly(path) : Catalog.open(path);
            }
        } catch (CatalogLockedException e) {
            throw new ChromaException(
                    e.getMessage()
                            + (e.inThisJvm()
                                    ? ": share that client instead of opening another, or open this one with readOnly(true)"
                                    : ": close the client there, or open this one with readOnly(true)"),
                    e);
        } catch (ChromaPersistDirectoryException e) {
            throw new ChromaException(chromaFolderMessage(path), e);
        } catch (CatalogException e) {
            deleteFolder(privateCatalogDir);
            throw new ChromaException("Cannot open the catalog in " + path + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new StorageException("Cannot create a temporary catalog folder: " + e, e);
        }
        SafeObserver observer = SafeObserver.of(config.observer());
        Storage storage = null;
        BlockCache cache = null;
        WriterLease lease = null;
        try {
            if (config.s3Mode()) {
                storage = new S3Storage(
                        S3Configs.toStorageConfig(config.s3(), config.s3Retries()), requestListener(observer));
                if (!config.readOnly()) {
                    lease = WriterLease.acquire(
                            storage,
                            "s3://" + config.s3().bucket() + "/" + config.s3().prefix(),
                            config.leaseTiming());
                    storage = new FencedStorage(storage, lease);
                }
            } else {
                storage = new LocalStorage(path.resolve("data"));
            }
            BlockCache.Builder cb = BlockCache.builder().maxBytes(config.blockCacheBytes());
            if (config.blockCacheCompressedShare() != null) {
                cb.encodedShare(config.blockCacheCompressedShare());
            } else {
                // Reading a block again from a local folder costs a file read and the same decode, about two decodes;
                // a GET costs tens of milliseconds.
                cb.autoEncodedShare(
                        BlockCache.MAX_AUTO_ENCODED_SHARE, config.s3Mode() ? BlockCache.DEFAULT_READ_COST : 2);
            }
            if (config.diskCachePath() != null) {
                cb.diskTier(config.diskCachePath(), config.diskCacheBytes());
            }
            cache = cb.build();
        } catch (RuntimeException e) {
            closeQuietly(cache);
            closeQuietly(lease);
            closeQuietly(storage);
            closeQuietly(catalog);
            deleteFolder(privateCatalogDir);
            throw Errors.translate(e);
        }
        Engine engine = new Engine(config, storage, cache, catalog, lease, privateCatalogDir, observer);
        try {
            engine.start();
        } catch (RuntimeException e) {
            engine.close();
            throw Errors.translate(e);
        }
        return engine;
    }

    /** The storage module's request listener reporting to {@code observer}; a no-op without one. */
    private static RequestListener requestListener(SafeObserver observer) {
        if (observer == null) {
            return RequestListener.NONE;
        }
        return (operation, outcome, nanos) -> observer.storageRequestCompleted(
                operation,
                switch (outcome) {
                    case SUCCESS -> ChromaObserver.RequestOutcome.SUCCESS;
                    case NOT_FOUND -> ChromaObserver.RequestOutcome.NOT_FOUND;
                    case PRECONDITION_FAILED -> ChromaObserver.RequestOutcome.PRECONDITION_FAILED;
                    case RETRIED -> ChromaObserver.RequestOutcome.RETRIED;
                    case FAILED -> ChromaObserver.RequestOutcome.FAILED;
                },
                nanos);
    }

    /** What to do with a Chroma persist directory given as a chromaj folder: the exact commands to import it. */
    static String chromaFolderMessage(Path path) {
        String folder = path.toString();
        return folder + " is a Chroma persist directory (its " + Catalog.LEGACY_FILE_NAME + " holds Chroma's tables),"
                + " not a chromaj folder; chromaj does not open Chroma's files in place and changed nothing in it."
                + " Import it into a new folder and open that one: java -jar chroma-cli/target/chromaj-cli.jar"
                + " import-chroma " + shellWord(folder) + " <new folder> (or from Java, module chroma-import:"
                + " ChromaImport.builder().source(Path.of(\"" + folder.replace("\\", "\\\\") + "\"))"
                + ".target(Path.of(\"<new folder>\")).build().run())";
    }

    /** The folder as one word of a POSIX shell command line, quoted only when it needs to be. */
    private static String shellWord(String text) {
        return text.matches("[A-Za-z0-9_./:@%+=,-]+") ? text : "'" + text.replace("'", "'\\''") + "'";
    }

    private void start() {
        // With S3 an empty catalog is rebuilt from the bucket (a fresh machine); on a local folder a catalog file that
        // had to be created is rebuilt from the folder's own data store (a deleted or lost chromaj.sqlite3; a catalog
        // under its old name chroma.sqlite3 was renamed by Catalog.open, so it does not count as lost). In both
        // cases the collections' logs then replay every write after the compacted position the manifests give.
        if (config.s3Mode() ? catalog.isEmpty() : catalog.isNew()) {
            new CatalogRecovery(this).recover();
            if (!config.s3Mode()) {
                warnAboutLogsWithoutCollection();
            }
        }
        // WAL recovery: a writer replays every collection's uncompacted log tail into memory before serving.
        List<CollectionEntry> entries = catalog.allCollections();
        boolean replaying = !config.readOnly() && !entries.isEmpty();
        long started = System.nanoTime();
        if (replaying) {
            LOG.info("Replaying the write-ahead logs of {} collection(s) of {}", entries.size(), this);
        }
        long replayed = 0;
        for (CollectionEntry entry : entries) {
            CollectionEngine collection = CollectionEngine.open(this, entry);
            collections.put(entry.id(), collection);
            replayed += collection.view().tail().operationCount();
        }
        if (replaying) {
            LOG.info(
                    "Replayed {} log record(s) of {} collection(s) from the write-ahead logs in {} ms",
                    replayed,
                    entries.size(),
                    (System.nanoTime() - started) / 1_000_000);
        }
        if (config.readOnly()) {
            follower.start(background);
        } else {
            if (config.s3Mode()) {
                // a previous writer may have died between a manifest and its head: followers list once more
                touchManifestHead("open");
            }
            compactor.start();
            gc.start(background);
        }
    }

    /**
     * After a local catalog was rebuilt: a log folder of a collection that no manifest describes holds writes that
     * cannot be served (its collection's manifests are gone from {@code data/}). Never deleted here; said loudly.
     */
    private void warnAboutLogsWithoutCollection() {
        if (!Files.isDirectory(walRoot)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(walRoot)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                UUID id;
                try {
                    id = UUID.fromString(d.getFileName().toString());
                } catch (IllegalArgumentException e) {
                    continue;
                }
                if (catalog.getCollection(id).isEmpty()) {
                    LOG.warn(
                            "The write-ahead log folder {} belongs to no collection of the rebuilt catalog (no "
                                    + "version manifest of collection {} in {}): its writes are not served; it is left as is",
                            d,
                            id,
                            config.path().resolve("data"));
                }
            }
        } catch (IOException e) {
            LOG.warn("Could not list {} to check it against the rebuilt catalog: {}", walRoot, e.toString());
        }
    }

    /** Read-only clients: catches up with the writer's commits now; returns the number of collections changed. */
    int followWriter() {
        ensureOpen();
        if (follower == null) {
            throw new IllegalStateException("only a read-only client follows the writer");
        }
        return follower.poll();
    }

    /**
     * Read-only clients: makes the open collections match the catalog (new versions, renames, new and deleted
     * collections). A collection that cannot be opened yet is retried at the next call.
     */
    int followCatalog() {
        int changed = 0;
        synchronized (collectionsLock) {
            Map<UUID, CollectionEntry> latest = new HashMap<>();
            for (CollectionEntry e : catalog.allCollections()) {
                latest.put(e.id(), e);
            }
            for (UUID id : List.copyOf(collections.keySet())) {
                if (!latest.containsKey(id)) {
                    dropCollectionState(id);
                    changed++;
                }
            }
            for (CollectionEntry e : latest.values()) {
                CollectionEngine open = collections.get(e.id());
                try {
                    if (open == null) {
                        collections.put(e.id(), CollectionEngine.open(this, e));
                        changed++;
                    } else if (!open.entry().equals(e)) {
                        open.follow(e);
                        changed++;
                    }
                } catch (RuntimeException ex) {
                    LOG.warn("Could not follow collection {} to version {}: {}", e.name(), e.version(), ex.toString());
                }
            }
        }
        return changed;
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("The client is closed");
        }
    }

    /** Whether {@link #close()} has started: background work interrupted by it is expected to fail. */
    boolean isClosed() {
        return closed;
    }

    void ensureWritable() {
        ensureOpen();
        if (config.readOnly()) {
            throw new ChromaException("The client is read-only (built with readOnly(true)): writes are not allowed");
        }
        if (lease != null) {
            lease.checkNotLost();
        }
    }

    /**
     * Writes a version manifest, then (S3 mode) a new {@link BucketLayout#MANIFEST_HEAD} so that followers see the
     * change with one HEAD request.
     */
    void writeManifest(VersionManifest manifest) {
        manifest.writeTo(storage);
        if (config.s3Mode()) {
            touchManifestHead(manifest.key());
        }
    }

    /** Rewrites the manifest head with new contents (so a new ETag). */
    private void touchManifestHead(String reason) {
        byte[] body = ("{\"after\":\"" + reason + "\",\"id\":\"" + UUID.randomUUID() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        try {
            storage.put(BucketLayout.MANIFEST_HEAD, body);
        } catch (ObjectStorageException e) {
            throw Errors.translate(e);
        }
    }

    /** Collections with a garbage collection scheduled after a compaction. */
    private final Set<UUID> collectionsAfterCompaction = ConcurrentHashMap.newKeySet();

    /**
     * Schedules a garbage collection of {@code collection} once the version a compaction just superseded is past
     * {@code gcVersionTtl}, so its objects do not wait for the next full pass. One pending per collection: when
     * compactions committed meanwhile, the pass schedules the next one for them.
     */
    void collectAfterCompaction(CollectionEngine collection) {
        if (closed || config.readOnly() || !collectionsAfterCompaction.add(collection.id)) {
            return;
        }
        scheduleCollection(collection, collection.view().version().number());
    }

    // the task catches its own failures; the engine stops it by shutting the executor down
    @SuppressWarnings("FutureReturnValueIgnored")
    private void scheduleCollection(CollectionEngine collection, long versionAtSchedule) {
        long delayMillis = config.gcVersionTtl().toMillis() + 1_000;
        Runnable pass = () -> {
            try {
                if (!closed && !collection.isDestroyed()) {
                    collection.collectGarbage(gc);
                }
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.warn("Garbage collection of {} failed, will retry: {}", collection, e.toString());
                }
            }
            // a compaction that commits from here on schedules its own pass; one that committed since this pass
            // was scheduled gets the next one
            collectionsAfterCompaction.remove(collection.id);
            long current = collection.view().version().number();
            if (!closed
                    && !collection.isDestroyed()
                    && current > versionAtSchedule
                    && collectionsAfterCompaction.add(collection.id)) {
                scheduleCollection(collection, current);
            }
        };
        try {
            background.schedule(pass, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            collectionsAfterCompaction.remove(collection.id);
        }
    }

    /** The S3 writer lease, or null (local storage, read-only). */
    WriterLease lease() {
        return lease;
    }

    // ---- tenants and databases ----

    Database database(String tenant, String database) {
        ensureOpen();
        RecordValidator.checkTenantName(tenant);
        RecordValidator.checkDatabaseName(database);
        if (!catalog.databaseExists(tenant, database)) {
            throw new NotFoundException(
                    "Database " + database + " not found for tenant " + tenant + ". Are you sure it exists?");
        }
        return new DatabaseHandle(this, tenant, database);
    }

    void createTenant(String tenant) {
        ensureWritable();
        RecordValidator.checkTenantName(tenant);
        if (catalog.tenantExists(tenant)) {
            throw new AlreadyExistsException("Tenant " + tenant + " already exists");
        }
        catalog.createTenant(tenant);
    }

    void createDatabase(String tenant, String database) {
        ensureWritable();
        RecordValidator.checkTenantName(tenant);
        RecordValidator.checkDatabaseName(database);
        if (!catalog.tenantExists(tenant)) {
            throw new NotFoundException("Tenant " + tenant + " not found");
        }
        if (catalog.databaseExists(tenant, database)) {
            throw new AlreadyExistsException("Database " + database + " already exists for tenant " + tenant);
        }
        try {
            catalog.createDatabase(tenant, database);
        } catch (CatalogConflictException e) {
            throw new AlreadyExistsException("Database " + database + " already exists for tenant " + tenant);
        }
    }

    List<String> listTenants() {
        ensureOpen();
        return catalog.listTenants();
    }

    List<String> listDatabases(String tenant) {
        ensureOpen();
        RecordValidator.checkTenantName(tenant);
        if (!catalog.tenantExists(tenant)) {
            throw new NotFoundException("Tenant " + tenant + " not found");
        }
        return catalog.listDatabases(tenant);
    }

    void deleteDatabase(String tenant, String database) {
        ensureWritable();
        RecordValidator.checkTenantName(tenant);
        RecordValidator.checkDatabaseName(database);
        synchronized (collectionsLock) {
            if (!catalog.databaseExists(tenant, database)) {
                throw new NotFoundException("Database " + database + " not found for tenant " + tenant);
            }
            // As for a single collection: storage learns of the deletions first, so a rebuilt catalog keeps them.
            for (CollectionEntry entry : catalog.listCollections(tenant, database, Integer.MAX_VALUE, 0)) {
                writeDeletionManifest(entry.id());
            }
            List<CollectionEntry> deleted = catalog.deleteDatabase(tenant, database);
            for (CollectionEntry entry : deleted) {
                dropCollectionState(entry.id());
            }
        }
    }

    void reset() {
        ensureWritable();
        if (!config.allowReset()) {
            throw new ChromaException("Resetting is not allowed by this client: build it with allowReset(true)");
        }
        synchronized (collectionsLock) {
            for (CollectionEntry entry : catalog.allCollections()) {
                writeDeletionManifest(entry.id());
                catalog.deleteCollection(entry.id());
                dropCollectionState(entry.id());
            }
            for (String tenant : catalog.listTenants()) {
                for (String db : catalog.listDatabases(tenant)) {
                    if (!(tenant.equals(ChromaClient.DEFAULT_TENANT) && db.equals(ChromaClient.DEFAULT_DATABASE))) {
                        catalog.deleteDatabase(tenant, db);
                    }
                }
            }
        }
        collectDeletedCollections();
    }

    /** Deletes the objects of deleted collections; holds the lock so no collection is being created meanwhile. */
    GcResult collectDeletedCollections() {
        synchronized (collectionsLock) {
            if (backupsRunning.get() > 0) {
                LOG.debug("Objects of deleted collections are collected after the running backup");
                return GcResult.NOTHING;
            }
            return gc.collectDeletedCollections();
        }
    }

    // ---- backup ----

    /**
     * The state a backup copies: every tenant and database, and a pinned snapshot of every collection, taken under
     * the collections lock so that no collection is created or deleted half-way. Until {@link #endBackup} the
     * pinned versions and the objects of collections deleted meanwhile are kept by garbage collection.
     */
    Backup.Capture captureForBackup() {
        ensureOpen();
        if (config.readOnly()) {
            throw new ChromaException("A backup runs in the writer client, not in a read-only one (built with "
                    + "readOnly(true)): only the writer can keep the versions it copies from garbage collection");
        }
        synchronized (collectionsLock) {
            backupsRunning.incrementAndGet();
            List<CollectionEngine.BackupSnapshot> snapshots = new ArrayList<>();
            try {
                Map<String, List<String>> databases = new java.util.LinkedHashMap<>();
                for (String tenant : catalog.listTenants()) {
                    databases.put(tenant, catalog.listDatabases(tenant));
                }
                for (CollectionEntry entry : catalog.allCollections()) {
                    snapshots.add(collection(entry.id()).backupSnapshot());
                }
                return new Backup.Capture(databases, snapshots);
            } catch (RuntimeException e) {
                for (CollectionEngine.BackupSnapshot s : snapshots) {
                    s.pin().close();
                }
                backupsRunning.decrementAndGet();
                throw Errors.translate(e);
            }
        }
    }

    /** Releases what {@link #captureForBackup()} pinned. */
    void endBackup(Backup.Capture capture) {
        for (CollectionEngine.BackupSnapshot s : capture.collections()) {
            s.pin().close();
        }
        synchronized (collectionsLock) {
            backupsRunning.decrementAndGet();
        }
    }

    // ---- collections ----

    CollectionEngine createCollection(
            String tenant, String database, String name, CollectionOptions options, boolean getIfExists) {
        ensureOpen();
        RecordValidator.checkCollectionName(name);
        CollectionOptions opts = options == null ? CollectionOptions.builder().build() : options;
        try {
            return createOrGetCollection(tenant, database, name, opts, getIfExists);
        } catch (RuntimeException e) {
            throw Errors.translate(e); // the catalog's and the WAL's failures reach callers as library exceptions
        }
    }

    private CollectionEngine createOrGetCollection(
            String tenant, String database, String name, CollectionOptions opts, boolean getIfExists) {
        synchronized (collectionsLock) {
            Optional<CollectionEntry> existing = catalog.getCollection(tenant, database, name);
            if (existing.isPresent()) {
                if (getIfExists) {
                    CollectionEngine found = collection(existing.get().id());
                    found.checkGetOrCreate(opts);
                    return found;
                }
                throw new AlreadyExistsException("Collection " + name + " already exists");
            }
            ensureWritable();
            if (!catalog.databaseExists(tenant, database)) {
                throw new NotFoundException("Database " + database + " not found for tenant " + tenant);
            }
            UUID id = UUID.randomUUID();
            // Like Chroma, a collection that states no function gets the default one when it is available, and says
            // so in what it records; without it, the collection records none (documents-only writes then fail).
            EmbeddingFunction stated = opts.embeddingFunction();
            CollectionOptions recorded = stated == null && embeddingProviders.has(EmbeddingFunction.DEFAULT_NAME)
                    ? opts.withEmbeddingFunction(
                            new StoredEmbeddingFunction(EmbeddingFunction.DEFAULT_NAME, Map.of(), null))
                    : opts;
            CollectionEntry entry = new CollectionEntry(
                    id,
                    tenant,
                    database,
                    name,
                    MetadataJson.write(opts.metadata()),
                    CollectionOptionsJson.write(recorded),
                    null,
                    0,
                    0);
            // The bucket learns of the collection before the catalog does, so a catalog rebuilt from S3 knows it.
            writeManifest(VersionManifest.forNewCollection(entry));
            try {
                catalog.createCollection(entry);
            } catch (CatalogConflictException e) {
                throw new AlreadyExistsException("Collection " + name + " already exists");
            }
            CollectionEngine engine = CollectionEngine.open(this, entry);
            if (stated != null && !(stated instanceof NoEmbeddingFunction)) {
                engine.useStatedFunction(stated); // this client embeds with the instance it was given
            }
            collections.put(id, engine);
            return engine;
        }
    }

    CollectionEngine getCollection(String tenant, String database, String name) {
        ensureOpen();
        CollectionEntry entry = catalog.getCollection(tenant, database, name)
                .orElseThrow(() -> new NotFoundException("Collection " + name + " does not exist."));
        return collection(entry.id());
    }

    List<CollectionEngine> listCollections(String tenant, String database, int limit, int offset) {
        ensureOpen();
        if (limit <= 0) {
            throw new InvalidArgumentException("limit must be positive, got " + limit);
        }
        if (offset < 0) {
            throw new InvalidArgumentException("offset must not be negative, got " + offset);
        }
        List<CollectionEngine> out = new ArrayList<>();
        for (CollectionEntry entry : catalog.listCollections(tenant, database, limit, offset)) {
            out.add(collection(entry.id()));
        }
        return out;
    }

    int countCollections(String tenant, String database) {
        ensureOpen();
        return catalog.countCollections(tenant, database);
    }

    void deleteCollection(String tenant, String database, String name) {
        ensureWritable();
        synchronized (collectionsLock) {
            CollectionEntry entry = catalog.getCollection(tenant, database, name)
                    .orElseThrow(() -> new NotFoundException("Collection " + name + " does not exist."));
            CollectionEngine engine = collections.get(entry.id());
            if (engine != null) {
                engine.writeDeletionManifest();
            }
            catalog.deleteCollection(entry.id());
            dropCollectionState(entry.id());
        }
    }

    private void writeDeletionManifest(UUID id) {
        CollectionEngine engine = collections.get(id);
        if (engine != null) {
            engine.writeDeletionManifest();
        }
    }

    private void dropCollectionState(UUID id) {
        CollectionEngine engine = collections.remove(id);
        if (engine != null) {
            engine.destroy();
        }
    }

    CollectionEngine collection(UUID id) {
        CollectionEngine engine = collections.get(id);
        if (engine == null || engine.isDestroyed()) {
            throw new NotFoundException("Collection " + id + " does not exist.");
        }
        return engine;
    }

    Iterable<CollectionEngine> openCollections() {
        return collections.values();
    }

    Compactor compactor() {
        return compactor;
    }

    // ---- stats, gc, close ----

    ClientStats stats() {
        ensureOpen();
        BlockCache.Stats c = cache.stats();
        StorageStats st = storage.stats();
        long requests = st.gets() + st.rangeGets() + st.puts() + st.deletes() + st.lists() + st.heads();
        return new ClientStats(
                c.hits(),
                c.misses(),
                c.bytes(),
                st.gets() + st.rangeGets(),
                st.puts(),
                st.deletes(),
                requests,
                st.bytesRead(),
                st.bytesWritten(),
                vectorIndexes.bytes(),
                vectorIndexes.size(),
                vectorIndexes.vectorBytes(),
                vectorIndexes.budgetBytes(),
                cache.encodedMaxBytes(),
                cache.encodedBytes());
    }

    /**
     * The cost report of this client since it was opened: its storage counters, then one listing of every object
     * under its prefix or folder for the stored bytes (the listing's own requests count in later reports).
     */
    CostReport costReport(S3Prices prices) {
        ensureOpen();
        Errors.requireArgument(prices, "prices");
        StorageStats st = storage.stats();
        long window = Math.max(1, ticker.getAsLong() - openedNanos);
        long bytes = 0;
        long objects = 0;
        Iterator<ObjectInfo> it = storage.list("");
        while (it.hasNext()) {
            bytes += it.next().size();
            objects++;
        }
        return new CostReport(
                Duration.ofNanos(window),
                st.gets() + st.rangeGets(),
                st.heads(),
                st.puts(),
                st.lists(),
                st.deletes(),
                st.bytesRead(),
                st.bytesWritten(),
                bytes,
                objects,
                prices);
    }

    GcResult collectGarbage() {
        return collectGarbage(ProgressListener.none());
    }

    GcResult collectGarbage(ProgressListener progress) {
        ensureWritable();
        return gc.run(CallbackFailure.guard(progress));
    }

    VerifyReport verify(ProgressListener progress) {
        ensureOpen();
        return new Verifier(this).run(CallbackFailure.guard(progress));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        embedder.close(); // writes still embedding fail: nothing of them is written
        background.shutdownNow();
        try {
            background.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (CollectionEngine engine : collections.values()) {
            closeQuietly(engine);
        }
        collections.clear();
        closeQuietly(embeddingProviders); // the functions this client created, not those it was given
        closeQuietly(cache);
        vectorIndexes.clear(); // collection handles kept after close must not pin the loaded graphs
        closeQuietly(blockfiles); // its upload threads and Arrow memory
        closeQuietly(lease);
        closeQuietly(storage);
        closeQuietly(catalog);
        deleteFolder(privateCatalogDir);
    }

    private static void deleteFolder(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("Could not delete the temporary catalog folder {}: {}", dir, e.toString());
        }
    }

    @Override
    public String toString() {
        return (config.s3Mode()
                        ? "s3://" + config.s3().bucket() + "/" + config.s3().prefix() + ", "
                        : "")
                + config.path();
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("Failed to close {}: {}", c, e.toString());
        }
    }
}
