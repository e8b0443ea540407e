package dev.chromaj;

import dev.chromaj.blockstore.ArrowRuntime;
import dev.chromaj.blockstore.BlockCache;
import dev.chromaj.blockstore.BlockfileOptions;
import dev.chromaj.blockstore.BlockfileStore;
import dev.chromaj.catalog.Catalog;
import dev.chromaj.catalog.CatalogConflictException;
import dev.chromaj.catalog.CatalogException;
import dev.chromaj.catalog.CatalogLockedException;
import dev.chromaj.catalog.CollectionEntry;
import dev.chromaj.segment.HnswIndexCache;
import dev.chromaj.storage.LocalStorage;
import dev.chromaj.storage.S3Storage;
import dev.chromaj.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
    /** The HNSW indexes loaded for queries, over all collections, within the configured budget. */
    final HnswIndexCache vectorIndexes;

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

    private volatile boolean closed;

    private Engine(
            ClientConfig config,
            Storage storage,
            BlockCache cache,
            Catalog catalog,
            WriterLease lease,
            Path privateCatalogDir) {
        this.config = config;
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
        } catch (CatalogException e) {
            deleteFolder(privateCatalogDir);
            throw new ChromaException("Cannot open the catalog in " + path + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new StorageException("Cannot create a temporary catalog folder: " + e, e);
        }
        Storage storage = null;
        BlockCache cache = null;
        WriterLease lease = null;
        try {
            if (config.s3Mode()) {
                storage = new S3Storage(S3Configs.toStorageConfig(config.s3(), config.s3Retries()));
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
        Engine engine = new Engine(config, storage, cache, catalog, lease, privateCatalogDir);
        try {
            engine.start();
        } catch (RuntimeException e) {
            engine.close();
            throw Errors.translate(e);
        }
        return engine;
    }

    private void start() {
        // With S3 an empty catalog is rebuilt from the bucket (a fresh machine); on a local folder a catalog file that
        // had to be created is rebuilt from the folder's own data store (a deleted or lost chroma.sqlite3). In both
        // cases the collections' logs then replay every write after the compacted position the manifests give.
        if (config.s3Mode() ? catalog.isEmpty() : catalog.isNew()) {
            new CatalogRecovery(this).recover();
            if (!config.s3Mode()) {
                warnAboutLogsWithoutCollection();
            }
        }
        for (CollectionEntry entry : catalog.allCollections()) {
            collections.put(entry.id(), CollectionEngine.open(this, entry));
        }
        if (config.readOnly()) {
            follower.start(background);
        } else {
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
            return gc.collectDeletedCollections();
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
                    return collection(existing.get().id());
                }
                throw new AlreadyExistsException("Collection " + name + " already exists");
            }
            ensureWritable();
            if (!catalog.databaseExists(tenant, database)) {
                throw new NotFoundException("Database " + database + " not found for tenant " + tenant);
            }
            UUID id = UUID.randomUUID();
            CollectionEntry entry = new CollectionEntry(
                    id,
                    tenant,
                    database,
                    name,
                    MetadataJson.write(opts.metadata()),
                    CollectionOptionsJson.write(opts),
                    null,
                    0,
                    0);
            // The bucket learns of the collection before the catalog does, so a catalog rebuilt from S3 knows it.
            VersionManifest.forNewCollection(entry).writeTo(storage);
            try {
                catalog.createCollection(entry);
            } catch (CatalogConflictException e) {
                throw new AlreadyExistsException("Collection " + name + " already exists");
            }
            CollectionEngine engine = CollectionEngine.open(this, entry);
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
        dev.chromaj.storage.StorageStats st = storage.stats();
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
                vectorIndexes.size());
    }

    GcResult collectGarbage() {
        ensureWritable();
        return gc.run();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
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
        closeQuietly(cache);
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
