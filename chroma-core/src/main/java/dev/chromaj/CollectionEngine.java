package dev.chromaj;

import dev.chromaj.catalog.CatalogConflictException;
import dev.chromaj.catalog.CollectionEntry;
import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.segment.CollectionSegments;
import dev.chromaj.segment.HnswSettings;
import dev.chromaj.segment.SegmentManifest;
import dev.chromaj.segment.log.LogCodec;
import dev.chromaj.segment.log.LogOperation;
import dev.chromaj.segment.log.RecordChange;
import dev.chromaj.storage.BucketLayout;
import dev.chromaj.wal.WalArchiver;
import dev.chromaj.wal.WalEntry;
import dev.chromaj.wal.WalOptions;
import dev.chromaj.wal.WalReader;
import dev.chromaj.wal.WalSyncPolicy;
import dev.chromaj.wal.WriteAheadLog;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine of one collection: its write-ahead log, the current {@link CollectionView} and compaction.
 *
 * <p>Writes to the collection are serialized by {@link #writeLock} (WAL order is tail order) only while they write
 * their WAL entry and build their view; they wait for durability (the fsync, shared by concurrent writers: group
 * commit) outside it and then publish their view, with every older pending one, in sequence order: readers never
 * see a write before it is acknowledged. Reads take no lock, they pin the current view. Compaction runs under
 * {@link #compactionLock}, builds the new version without blocking anyone, and swaps it in under the write lock.
 */
final class CollectionEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CollectionEngine.class);
    /** A long compaction logs its progress at most this often (between runs). */
    static final long COMPACTION_PROGRESS_NANOS = 10_000_000_000L;

    /** The interval in force: {@link #COMPACTION_PROGRESS_NANOS} unless a test shortens it (tests only). */
    static volatile long compactionProgressNanos = COMPACTION_PROGRESS_NANOS;

    final Engine engine;
    final UUID id;
    final String dir;
    private volatile CollectionEntry entry;
    private volatile CollectionOptions options;
    /** HNSW build and search settings; efSearch follows {@link #modifyHnsw(HnswParams)}. */
    private final HnswSettings hnsw;
    /** Null in a read-only client: it never writes and sees only committed versions. */
    private final WriteAheadLog wal;

    private final WalArchiver archiver;
    /** Serializes writes: validation against the dimension, WAL append and publication of the new view. */
    private final Object writeLock = new Object();
    /** One compaction of this collection at a time. */
    private final ReentrantLock compactionLock = new ReentrantLock();
    /** The view reads see: every acknowledged write. */
    private final AtomicReference<CollectionView> view = new AtomicReference<>();
    /**
     * Views of writes whose WAL entries are written but not yet committed, in sequence order; the last one is the
     * state the next write builds on. Guarded by {@link #pendingLock} (taken inside writeLock when both are held).
     */
    private final ArrayDeque<CollectionView> pending = new ArrayDeque<>();

    private final Object pendingLock = new Object();
    /** Test seam: runs in a writer between its WAL write and its commit (outside the locks). */
    volatile Runnable afterLogWrite;
    /**
     * Number of running reads per version number; GC keeps pinned versions. Counts change only inside the map's
     * atomic per-key operations, so a version is never unpinned while a read holds it.
     */
    private final ConcurrentHashMap<Long, Integer> pins = new ConcurrentHashMap<>();
    /** Bytes and write times of the uncompacted log entries, for the compaction policy. */
    private final TailFootprint footprint = new TailFootprint();
    /** Whether a failed background compaction waits for {@link #retryAt}. */
    private volatile boolean retryWaits;
    /** Ticker nanos before which a failed background compaction is not retried. */
    private volatile long retryAt;
    /** Failed compactions since the last successful one, shown in stats and logged by how persistent they are. */
    private final CompactionHealth compactionHealth = new CompactionHealth();

    private volatile boolean destroyed;

    private CollectionEngine(
            Engine engine,
            CollectionEntry entry,
            WriteAheadLog wal,
            WalArchiver archiver,
            Version version,
            HnswSettings hnsw) {
        this.engine = engine;
        this.id = entry.id();
        this.dir = BucketLayout.collectionDir(entry.id());
        this.entry = entry;
        this.options = boundTo(engine, CollectionOptionsJson.read(entry.optionsJson()));
        this.hnsw = hnsw;
        this.wal = wal;
        this.archiver = archiver;
        this.view.set(new CollectionView(
                version, TailOverlay.empty(version.segments().manifest().nextOffset())));
    }

    /** Opens the collection's WAL and replays its uncompacted tail; a read-only client opens no WAL. */
    static CollectionEngine open(Engine engine, CollectionEntry entry) {
        HnswSettings hnsw = hnswSettings(engine, CollectionOptionsJson.read(entry.optionsJson()));
        if (engine.config.readOnly()) {
            return new CollectionEngine(engine, entry, null, null, loadVersion(engine, entry, hnsw), hnsw);
        }
        WalOptions walOptions = walOptions(engine, entry);
        java.nio.file.Path walDir = engine.walRoot.resolve(entry.id().toString());
        if (!engine.config.s3Mode()) {
            Version version = loadVersion(engine, entry, hnsw);
            CollectionEngine ce =
                    new CollectionEngine(engine, entry, WriteAheadLog.open(walDir, walOptions), null, version, hnsw);
            ce.replayTail();
            return ce;
        }
        // The version (manifest, roots, live bitmap) is read while the WAL archive is restored and the archiver
        // starts (each lists the archive), so a cold open waits for the longer of the two chains of requests, not for
        // both one after the other.
        FutureTask<Version> loading = new FutureTask<>(() -> loadVersion(engine, entry, hnsw));
        Thread loader = new Thread(loading, "chromaj-open-" + entry.id());
        loader.setDaemon(true);
        loader.start();
        // A lost or stale local log is completed from the archive in the bucket.
        WalArchiver.restore(
                engine.storage, BucketLayout.walPrefix(entry.id()), walDir, entry.logPosition(), walOptions);
        WriteAheadLog wal = WriteAheadLog.open(walDir, walOptions);
        WalArchiver archiver = null;
        Version version;
        try {
            archiver = new WalArchiver(
                    wal, engine.storage, BucketLayout.walPrefix(entry.id()), engine.config.walArchiveInterval());
            version = awaitVersion(loading);
        } catch (RuntimeException | Error e) {
            if (archiver != null) {
                archiver.close();
            }
            wal.close();
            throw e;
        }
        CollectionEngine ce = new CollectionEngine(engine, entry, wal, archiver, version, hnsw);
        ce.replayTail();
        return ce;
    }

    private static Version awaitVersion(FutureTask<Version> loading) {
        try {
            return loading.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChromaException("Interrupted while opening a collection", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * The collection's WAL options. Numbering never restarts at or below the compacted position: a log that lost its
     * newest entries (never forced under an interval sync policy, or emptied by hand) after they were compacted would
     * otherwise hand out sequence numbers that replay skips as compacted, losing the writes that get them.
     */
    static WalOptions walOptions(Engine engine, CollectionEntry entry) {
        WalSyncPolicy policy = engine.config.walSync() instanceof WalSync.Interval i
                ? WalSyncPolicy.interval(i.period())
                : WalSyncPolicy.everyWrite();
        WalOptions.Builder options =
                WalOptions.builder().logId(entry.id()).sync(policy).firstSequence(entry.logPosition() + 1);
        SafeObserver observer = engine.observer;
        if (observer != null) {
            options.syncListener(observer::walSynced);
        }
        return options.build();
    }

    private static Version loadVersion(Engine engine, CollectionEntry entry, HnswSettings hnsw) {
        String dir = BucketLayout.collectionDir(entry.id());
        if (entry.version() == 0) {
            return new Version(0, 0, null, CollectionSegments.open(engine.blockfiles, dir, null, hnsw));
        }
        VersionManifest manifest =
                VersionManifest.read(engine.storage, VersionManifest.key(entry.id(), entry.version()));
        return new Version(
                entry.version(),
                manifest.logPosition(),
                manifest.segments(),
                CollectionSegments.open(engine.blockfiles, dir, manifest.segments(), hnsw));
    }

    private static HnswSettings hnswSettings(Engine engine, CollectionOptions options) {
        DistanceSpace space = distanceSpace(options.space());
        HnswParams p = options.hnsw();
        return new HnswSettings(
                engine.vectorIndexes,
                space,
                p.m(),
                p.efConstruction(),
                p.efSearch(),
                LegacyHnswMetadata.numThreads(
                        options.metadata(), Runtime.getRuntime().availableProcessors()),
                switch (p.quantization()) {
                    case NONE -> HnswSettings.Quantization.NONE;
                    case INT8 -> HnswSettings.Quantization.INT8;
                    case INT4 -> HnswSettings.Quantization.INT4;
                });
    }

    /** The options with their recorded embedding function resolved through this client's providers. */
    private static CollectionOptions boundTo(Engine engine, CollectionOptions options) {
        return options.embeddingFunction() instanceof StoredEmbeddingFunction stored
                ? options.withEmbeddingFunction(stored.bind(engine.embeddingProviders))
                : options;
    }

    /**
     * Read-only clients: switches to the version {@code latest} describes (committed by the writer meanwhile) and
     * takes its name and metadata. Reads that pinned the previous view finish on it.
     */
    void follow(CollectionEntry latest) {
        if (wal != null) {
            throw new IllegalStateException("only a read-only client follows versions");
        }
        synchronized (writeLock) {
            CollectionView current = view.get();
            if (latest.version() != current.version().number()) {
                Version next = loadVersion(engine, latest, hnsw);
                view.set(new CollectionView(
                        next, TailOverlay.empty(next.segments().manifest().nextOffset())));
                engine.vectorIndexes.retainOnly(dir, next.manifest());
            }
            entry = latest;
        }
    }

    private void replayTail() {
        Version version = view.get().version();
        List<TailOverlay.Entry> entries = new ArrayList<>();
        try (WalReader reader = wal.readFrom(version.logPosition() + 1)) {
            while (reader.hasNext()) {
                WalEntry e = reader.next();
                entries.add(new TailOverlay.Entry(e.sequence(), LogCodec.decode(e.payload())));
                // replayed writes count as written at open: their age before the restart is unknown
                footprint.written(e.sequence(), e.payload().length, engine.ticker.getAsLong());
            }
        }
        view.set(new CollectionView(version, TailOverlay.of(entries, version.segments())));
        if (entry.dimension() == null) {
            recoverDimension(entries);
        }
    }

    /**
     * A catalog rebuilt from the version manifests in storage does not know the dimension of a collection whose
     * embeddings are all still in its log: take it from the first embedding of the replayed tail.
     */
    private void recoverDimension(List<TailOverlay.Entry> entries) {
        for (TailOverlay.Entry e : entries) {
            for (LogOperation op : e.operations()) {
                RecordChange change = null;
                if (op instanceof LogOperation.Add add) {
                    change = add.change();
                } else if (op instanceof LogOperation.Upsert upsert) {
                    change = upsert.change();
                } else if (op instanceof LogOperation.Update update) {
                    change = update.change();
                }
                if (change != null && change.embedding() != null) {
                    int dimension = change.embedding().length;
                    if (!engine.config.readOnly()) {
                        engine.catalog.setDimension(id, dimension);
                    }
                    entry = entry.withDimension(dimension);
                    return;
                }
            }
        }
    }

    // ---- accessors ----

    CollectionEntry entry() {
        return entry;
    }

    CollectionOptions options() {
        return options;
    }

    /**
     * Embeds with the instance the application stated when it created the collection through this client (its
     * identity is what the collection recorded). A recorded identity read back from storage is already bound.
     */
    void useStatedFunction(EmbeddingFunction stated) {
        if (!(stated instanceof StoredEmbeddingFunction)) {
            options = options.withEmbeddingFunction(stated);
        }
    }

    /**
     * The function documents and query texts are embedded with: the recorded one (or the instance stated at
     * creation), {@link EmbeddingFunction#none()}, or for a collection that recorded none, Chroma's default function
     * when it is on the class path (as Chroma embeds with its default function then); null when there is none.
     */
    EmbeddingFunction embeddingFunction() {
        EmbeddingFunction recorded = options.embeddingFunction();
        if (recorded != null) {
            return recorded;
        }
        return engine.embeddingProviders.has(EmbeddingFunction.DEFAULT_NAME)
                ? new StoredEmbeddingFunction(EmbeddingFunction.DEFAULT_NAME, Map.of(), engine.embeddingProviders)
                : null;
    }

    /**
     * Checks a function the application supplies for this existing collection, as Chroma 1.5 checks the
     * {@code embedding_function} of {@code get_collection} and {@code get_or_create_collection} against the
     * persisted one: another name fails with Chroma's message; a collection that recorded none accepts any function.
     * Unlike Chroma, a supplied function named {@code default} is checked too: Chroma skips that name because its
     * parameter defaults to the default function, which in Java is expressed by supplying none.
     *
     * @throws InvalidArgumentException on a conflict
     */
    void checkSuppliedFunction(EmbeddingFunction supplied) {
        EmbeddingFunction recorded = options.embeddingFunction();
        if (recorded == null || supplied == null) {
            return;
        }
        if (!recorded.name().equals(supplied.name())) {
            throw new InvalidArgumentException("An embedding function already exists in the collection configuration,"
                    + " and a new one is provided. If this is intentional, please embed documents separately."
                    + " Embedding function conflict: new: " + supplied.name() + " vs persisted: " + recorded.name()
                    + " (collection '" + entry.name() + "')");
        }
        if (!java.util.Objects.equals(recorded.config(), supplied.config())) {
            LOG.warn(
                    "Collection {} recorded the embedding function '{}' with config {}; the handle uses the supplied"
                            + " one, whose config is {} (vectors from both must be comparable)",
                    entry.name(),
                    recorded.name(),
                    recorded.config(),
                    supplied.config());
        }
    }

    /**
     * {@code getOrCreateCollection} found this collection: as Chroma 1.5 does, its own metadata, space, HNSW
     * parameters and sparse keys stay; stated ones that differ are ignored, with a warning (Chroma ignores them
     * silently). The stated embedding function is checked like {@link #checkSuppliedFunction}.
     */
    void checkGetOrCreate(CollectionOptions stated) {
        checkSuppliedFunction(stated.embeddingFunction());
        List<String> ignored = new ArrayList<>();
        Map<String, Object> metadata = MetadataJson.read(entry.metadataJson());
        if (stated.metadataStated() && !stated.metadata().equals(metadata)) {
            ignored.add("metadata " + stated.metadata() + " (the collection has " + metadata + ")");
        }
        if (stated.space() != options.space() && (stated.spaceStated() || stated.space() != Space.L2)) {
            ignored.add("space " + stated.space().chromaName() + " (the collection has "
                    + options.space().chromaName() + ")");
        }
        if (!stated.hnsw().equals(options.hnsw())
                && (stated.hnswStated() || !stated.hnsw().equals(HnswParams.defaults()))) {
            ignored.add("HNSW parameters " + stated.hnsw() + " (the collection has " + options.hnsw() + ")");
        }
        if (!stated.sparseIndexes().isEmpty() && !stated.sparseIndexes().equals(options.sparseIndexes())) {
            ignored.add("sparse indexes " + stated.sparseIndexes().keySet() + " (the collection has "
                    + options.sparseIndexes().keySet() + ")");
        }
        if (!ignored.isEmpty()) {
            LOG.warn(
                    "getOrCreateCollection({}): the collection exists and keeps its own settings, as in Chroma; the"
                            + " stated {} are ignored",
                    entry.name(),
                    String.join(", ", ignored));
        }
    }

    /** The HNSW settings compaction builds with and queries search with. */
    HnswSettings hnsw() {
        return hnsw;
    }

    OptionalInt dimension() {
        Integer d = entry.dimension();
        return d == null ? OptionalInt.empty() : OptionalInt.of(d);
    }

    DistanceSpace space() {
        return distanceSpace(options.space());
    }

    /** The index's distance for a collection's space: the one place the public enum maps to the internal one. */
    private static DistanceSpace distanceSpace(Space space) {
        return switch (space) {
            case L2 -> DistanceSpace.L2;
            case COSINE -> DistanceSpace.COSINE;
            case IP -> DistanceSpace.IP;
        };
    }

    CollectionView view() {
        ensureUsable();
        return view.get();
    }

    /**
     * Pins the current view for one read: garbage collection keeps the pinned version's objects until the pin is
     * closed.
     */
    Pin pin() {
        ensureUsable();
        while (true) {
            CollectionView v = view.get();
            long number = v.version().number();
            pins.merge(number, 1, Integer::sum);
            if (view.get().version().number() == number) {
                return new Pin(v);
            }
            release(number); // compaction swapped versions in between: pin the new one
        }
    }

    private void release(long number) {
        pins.computeIfPresent(number, (k, count) -> count <= 1 ? null : count - 1);
    }

    boolean isPinned(long version) {
        return pins.containsKey(version);
    }

    /** A pinned view; close it when the read is done. */
    final class Pin implements AutoCloseable {
        private final CollectionView view;
        private boolean closed;

        private Pin(CollectionView view) {
            this.view = view;
        }

        CollectionView view() {
            return view;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release(view.version().number());
            }
        }
    }

    /** Runs {@code work} while no compaction or garbage collection of this collection runs. */
    void whileNotCompacting(Runnable work) {
        compactionLock.lock();
        try {
            work.run();
        } finally {
            compactionLock.unlock();
        }
    }

    /**
     * Pins the published view for a backup, together with the catalog entry that describes exactly its version. Taken
     * under the write lock, where a compaction swaps entry and view together; the view holds every write acknowledged
     * before the call. Close the snapshot's pin when the backup has copied the version.
     */
    BackupSnapshot backupSnapshot() {
        synchronized (writeLock) {
            Pin p = pin();
            Version v = p.view().version();
            return new BackupSnapshot(entry.withVersion(v.number(), v.logPosition()), p);
        }
    }

    /** A pinned view and the catalog entry of its version, as a backup copies them. */
    record BackupSnapshot(CollectionEntry entry, Pin pin) {}

    /** Garbage-collects this collection while no compaction of it runs. */
    GcResult collectGarbage(GarbageCollector gc) {
        compactionLock.lock();
        try {
            if (destroyed) {
                return GcResult.NOTHING;
            }
            return gc.collect(this, view.get().version());
        } finally {
            compactionLock.unlock();
        }
    }

    boolean isDestroyed() {
        return destroyed;
    }

    private void ensureUsable() {
        engine.ensureOpen();
        if (destroyed) {
            throw new NotFoundException("Collection " + entry.name() + " does not exist.");
        }
    }

    // ---- writes ----

    /**
     * Appends validated operations to the WAL and publishes them to readers. Returns once they are durable per the
     * sync policy. {@code embeddingDimension} is the dimension of the call's embeddings, or -1 if it has none.
     */
    void write(List<LogOperation> ops, int embeddingDimension) {
        if (ops.isEmpty()) {
            return;
        }
        engine.ensureWritable();
        ensureUsable();
        byte[] payload = LogCodec.encode(ops);
        long tailOps;
        long sequence;
        synchronized (writeLock) {
            ensureUsable();
            if (embeddingDimension >= 0) {
                fixDimension(embeddingDimension);
            }
            sequence = writeToLog(payload);
            tailOps = addPending(sequence, ops);
            footprint.written(sequence, payload.length, engine.ticker.getAsLong());
        }
        Runnable hook = afterLogWrite;
        if (hook != null) {
            hook.run();
        }
        commitAndPublish(sequence);
        if (engine.config.compactionPolicy().dueBySize(tailOps, footprint.bytes())) {
            engine.compactor().request(this);
        }
    }

    /**
     * Deletes the ids {@code resolver} picks from the current view; resolution and the WAL append happen under the
     * write lock, so the count is exact. Returns the number of records deleted.
     */
    int delete(java.util.function.Function<CollectionView, List<String>> resolver) {
        engine.ensureWritable();
        ensureUsable();
        long tailOps;
        int deleted;
        long sequence;
        synchronized (writeLock) {
            ensureUsable();
            List<String> ids = resolver.apply(latestView());
            if (ids.isEmpty()) {
                return 0;
            }
            List<LogOperation> ops = new ArrayList<>(ids.size());
            for (String id : ids) {
                ops.add(new LogOperation.Delete(id));
            }
            byte[] payload = LogCodec.encode(ops);
            sequence = writeToLog(payload);
            tailOps = addPending(sequence, ops);
            footprint.written(sequence, payload.length, engine.ticker.getAsLong());
            deleted = ids.size();
        }
        commitAndPublish(sequence);
        if (engine.config.compactionPolicy().dueBySize(tailOps, footprint.bytes())) {
            engine.compactor().request(this);
        }
        return deleted;
    }

    /** Writes one entry to the WAL (not yet durable); caller holds writeLock, which fixes the entry's order. */
    private long writeToLog(byte[] payload) {
        try {
            return wal.write(List.of(payload))[0];
        } catch (RuntimeException e) {
            throw new StorageException(
                    "Could not append to the write-ahead log of collection " + entry.name() + ": " + e.getMessage()
                            + " (the write was not applied)",
                    e);
        }
    }

    /**
     * The state the next write builds on: the newest pending view, else the published one. Caller holds writeLock.
     */
    private CollectionView latestView() {
        synchronized (pendingLock) {
            return pending.isEmpty() ? view.get() : pending.peekLast();
        }
    }

    /**
     * Queues the view with entry {@code sequence} applied; returns its tail's operation count. Caller holds
     * writeLock.
     */
    private long addPending(long sequence, List<LogOperation> ops) {
        synchronized (pendingLock) {
            CollectionView latest = pending.isEmpty() ? view.get() : pending.peekLast();
            TailOverlay next =
                    latest.tail().append(sequence, ops, latest.version().segments());
            pending.addLast(new CollectionView(latest.version(), next));
            return next.operationCount();
        }
    }

    /**
     * Waits until entry {@code sequence} is durable per the sync policy (without holding writeLock, so that
     * concurrent writers share the fsync), then publishes every pending view up to it. A failed commit publishes
     * nothing: the write is reported failed and the WAL refuses further writes until the collection is reopened.
     */
    private void commitAndPublish(long sequence) {
        try {
            wal.commit(sequence);
        } catch (RuntimeException e) {
            throw new StorageException(
                    "Could not make the write-ahead log of collection " + entry.name() + " durable: " + e.getMessage()
                            + " (the write was not acknowledged)",
                    e);
        }
        synchronized (pendingLock) {
            CollectionView newest = null;
            while (!pending.isEmpty() && pending.peekFirst().tail().lastSequence() <= sequence) {
                newest = pending.pollFirst();
            }
            if (newest != null) {
                view.set(newest);
            }
        }
    }

    CollectionStats stats() {
        CollectionView v = view();
        SegmentManifest m = v.version().manifest() == null
                ? SegmentManifest.EMPTY
                : v.version().manifest();
        return new CollectionStats(
                v.count(),
                m.recordCount(),
                v.tail().operationCount(),
                v.version().number(),
                m.segmentBytes(),
                m.blockCount(),
                compactionHealth.current());
    }

    /** Fixes the collection's dimension on its first embedding; rejects a mismatch. Caller holds writeLock. */
    private void fixDimension(int dimension) {
        Integer current = entry.dimension();
        if (current == null) {
            engine.catalog.setDimension(id, dimension);
            entry = entry.withDimension(dimension);
        } else if (current != dimension) {
            throw new InvalidArgumentException(
                    "Collection expecting embedding with dimension of " + current + ", got " + dimension);
        }
    }

    void modify(String newName, Map<String, Object> newMetadata) {
        engine.ensureWritable();
        ensureUsable();
        if (newName != null) {
            RecordValidator.checkCollectionName(newName);
        }
        String metadataJson = newMetadata == null ? null : MetadataJson.write(newMetadata);
        synchronized (writeLock) {
            try {
                engine.catalog.updateCollection(id, newName, metadataJson);
            } catch (CatalogConflictException e) {
                throw new AlreadyExistsException("Collection " + newName + " already exists");
            }
            entry = entry.withNameAndMetadata(newName, metadataJson);
            engine.writeManifest(VersionManifest.of(entry, view.get().version()));
        }
    }

    /**
     * Changes the collection's search-time HNSW parameter efSearch (what {@code modify(name, metadata, hnsw)} may
     * change); M and efConstruction are fixed at creation. Later queries use the new value; it is stored in the
     * catalog and the version manifest.
     */
    void modifyHnsw(HnswParams params) {
        engine.ensureWritable();
        ensureUsable();
        checkHnswChange(params);
        synchronized (writeLock) {
            CollectionOptions next = options.toBuilder().hnsw(params).build();
            String json = CollectionOptionsJson.write(next);
            engine.catalog.updateCollectionOptions(id, json);
            entry = entry.withOptionsJson(json);
            options = next;
            hnsw.efSearch(params.efSearch());
            engine.writeManifest(VersionManifest.of(entry, view.get().version()));
        }
    }

    /** Rejects HNSW parameters that change more than efSearch. */
    void checkHnswChange(HnswParams params) {
        HnswParams current = options.hnsw();
        if (params.m() != current.m()) {
            throw new InvalidArgumentException(
                    "HNSW m cannot change after creation: the collection has " + current.m() + ", got " + params.m());
        }
        if (params.quantization() != current.quantization()) {
            throw new InvalidArgumentException("HNSW quantization cannot change after creation: the collection has "
                    + current.quantization() + ", got " + params.quantization());
        }
        if (params.efConstruction() != current.efConstruction()) {
            throw new InvalidArgumentException("HNSW efConstruction cannot change after creation: the collection has "
                    + current.efConstruction() + ", got " + params.efConstruction());
        }
    }

    // ---- compaction ----

    /**
     * Folds the whole current log tail into new versions; returns after they are committed. A failure is counted
     * like a background one (see {@link CollectionStats#compactionFailure()}) and thrown as a {@link ChromaException}.
     */
    void compact() {
        compact(ProgressListener.none());
    }

    /**
     * {@link #compact()}, reporting the log records folded so far out of those in the tail at the call. What the
     * listener throws stops the compaction between two runs and reaches the caller as is: it is not a failure of
     * the compaction.
     */
    void compact(ProgressListener progress) {
        engine.ensureWritable();
        ensureUsable();
        ProgressListener reporting = CallbackFailure.guard(progress);
        compactionLock.lock();
        try {
            long target = view.get().tail().lastSequence();
            long total = operationsUpTo(target);
            reporting.onProgress(0, total);
            compactTo(target, total, () -> reporting.onProgress(total - operationsUpTo(target), total));
            reporting.onProgress(total, total);
        } catch (CallbackFailure e) {
            throw e;
        } catch (RuntimeException e) {
            if (engine.isClosed()) {
                throw new IllegalStateException(
                        "The client was closed during the compaction of collection " + entry.name(), e);
            }
            compactionHealth.failed(e, java.time.Instant.now());
            RuntimeException translated = Errors.translate(e);
            throw translated instanceof ChromaException
                    ? translated
                    : new ChromaException(
                            "Compaction of collection " + entry.name() + " failed ("
                                    + compactionHealth.consecutiveFailures() + " consecutive failures): " + e,
                            e);
        } finally {
            compactionLock.unlock();
        }
    }

    /**
     * Compacts if nobody else is; used by the background compactor, which retries later. A failure is logged here:
     * a warning while it may be transient, an error once the same failure keeps coming back (the log tail then
     * grows until someone fixes the cause), and counted in {@link #stats()}.
     */
    void compactIfIdle() {
        if (destroyed || view.get().tail().isEmpty() || !compactionLock.tryLock()) {
            return;
        }
        if (retryWaits && engine.ticker.getAsLong() - retryAt < 0) {
            compactionLock.unlock();
            return;
        }
        try {
            long target = view.get().tail().lastSequence();
            long before = view.get().version().number();
            compactTo(target, operationsUpTo(target), () -> {});
            if (view.get().version().number() > before) {
                // background compactions only: an explicit compact() leaves collection to the caller's GC calls
                engine.collectAfterCompaction(this);
            }
        } catch (RuntimeException e) {
            if (engine.isClosed() || destroyed) {
                LOG.debug("Compaction of {} interrupted by close: {}", this, e.toString());
                return;
            }
            reportBackgroundFailure(e);
            retryAt = engine.ticker.getAsLong() + retryDelayNanos();
            retryWaits = true;
        } finally {
            compactionLock.unlock();
        }
    }

    /**
     * Whether the compaction policy asks for this collection's tail to be compacted at {@code nowNanos} (ticker
     * time): a size limit is reached or its oldest write is old enough.
     */
    boolean compactionDue(long nowNanos) {
        if (destroyed) {
            return false;
        }
        long records = view.get().tail().operationCount();
        long oldest = footprint.oldestNanos(nowNanos);
        return engine.config
                .compactionPolicy()
                .due(records, footprint.bytes(), java.time.Duration.ofNanos(Math.max(0, nowNanos - oldest)));
    }

    /** Returns once no compaction of this collection is running (tests: after a background one). */
    void awaitCompaction() {
        compactionLock.lock();
        try {
            assert compactionLock.isHeldByCurrentThread();
        } finally {
            compactionLock.unlock();
        }
    }

    /** A failed background compaction waits this long before the next try: the age limit, at most 10 s. */
    private long retryDelayNanos() {
        return Math.min(
                engine.config.compactionPolicy().maxTailAge().toNanos(),
                java.time.Duration.ofSeconds(10).toNanos());
    }

    /** Folds the tail up to {@code target} ({@code records} log records), if not done yet, and records the success. */
    private void compactTo(long target, long records, Runnable afterEachRun) {
        if (!destroyed && view.get().version().logPosition() < target) {
            foldTo(target, records, afterEachRun);
        }
        int ended = compactionHealth.succeeded();
        if (ended >= CompactionHealth.PERSISTENT_AFTER) {
            LOG.info("Compaction of {} succeeded again after {} consecutive failures", this, ended);
        }
    }

    /**
     * Folds the tail up to {@code target} ({@code records} log records) run by run. Logs one INFO line at the start
     * and one at the end (records, versions, bytes written, duration), a progress line at most every
     * {@link #compactionProgressNanos} between runs of a long compaction, and tells the observer how long it took,
     * failed or not. Bytes written are the client's storage counter over the compaction: writes of other
     * collections or of the write-ahead log at the same time are counted too.
     */
    private void foldTo(long target, long records, Runnable afterEachRun) {
        long fromVersion = view.get().version().number();
        // A retry of a failing compaction (every compaction interval) logs at DEBUG: the failure is already reported
        // by CompactionHealth's throttled WARN/ERROR lines.
        boolean retry = compactionHealth.consecutiveFailures() > 0;
        if (retry) {
            LOG.debug("Compaction of {}: {} log record(s) from version {} (retry)", this, records, fromVersion);
        } else {
            LOG.info("Compaction of {}: {} log record(s) from version {}", this, records, fromVersion);
        }
        long started = System.nanoTime();
        long writtenBefore = engine.storage.stats().bytesWritten();
        long lastReport = started;
        int runs = 0;
        boolean succeeded = false;
        try {
            while (!destroyed && view.get().version().logPosition() < target) {
                compactOnce(target);
                runs++;
                afterEachRun.run();
                long now = System.nanoTime();
                if (!retry
                        && now - lastReport >= compactionProgressNanos
                        && view.get().version().logPosition() < target) { // the end line follows otherwise
                    lastReport = now;
                    Version at = view.get().version();
                    LOG.info(
                            "Compaction of {} in progress: {} of {} log record(s) folded into version {} ({} records,"
                                    + " {} run(s)), {} bytes written, {} ms",
                            this,
                            records - Math.min(records, operationsUpTo(target)),
                            records,
                            at.number(),
                            at.manifest().recordCount(),
                            runs,
                            engine.storage.stats().bytesWritten() - writtenBefore,
                            (now - started) / 1_000_000);
                }
            }
            succeeded = true;
        } finally {
            long nanos = System.nanoTime() - started;
            if (engine.observer != null) {
                engine.observer.operationCompleted(
                        ChromaObserver.Operation.COMPACTION, succeeded ? records : 0, nanos, succeeded);
            }
            long written = engine.storage.stats().bytesWritten() - writtenBefore;
            if (succeeded) {
                Version at = view.get().version();
                LOG.info(
                        "Compaction of {} folded {} log record(s) into version {} ({} records, {} run(s)), {} bytes"
                                + " written, in {} ms",
                        this,
                        records,
                        at.number(),
                        at.manifest().recordCount(),
                        runs,
                        written,
                        nanos / 1_000_000);
            } else if (!retry) {
                // the cause is reported by the caller (thrown, or logged by the background compactor)
                LOG.info(
                        "Compaction of {} stopped after {} run(s) in {} ms, at version {}, {} bytes written",
                        this,
                        runs,
                        nanos / 1_000_000,
                        view.get().version().number(),
                        written);
            }
        }
    }

    /** Log records of the current tail with a sequence up to {@code target}: what remains to compact. */
    private long operationsUpTo(long target) {
        long n = 0;
        for (TailOverlay.Entry e : view.get().tail().entries()) {
            if (e.sequence() > target) {
                break;
            }
            n += e.operations().size();
        }
        return n;
    }

    private void reportBackgroundFailure(RuntimeException e) {
        CompactionHealth.Report report = compactionHealth.failed(e, java.time.Instant.now());
        int failures = compactionHealth.consecutiveFailures();
        long pending = view.get().tail().operationCount();
        switch (report) {
            case WARN ->
                LOG.warn(
                        "Compaction of {} failed, will retry ({} consecutive failures, {} log records"
                                + " pending): {}",
                        this,
                        failures,
                        pending,
                        e.toString());
            case ERROR ->
                LOG.error(
                        "Compaction of {} keeps failing with the same error ({} consecutive failures):"
                                + " its log tail grows ({} log records pending) until the cause is fixed; writes are kept in"
                                + " the write-ahead log. Last error: {}",
                        this,
                        failures,
                        pending,
                        e.toString(),
                        e);
            case QUIET ->
                LOG.debug("Compaction of {} failed again ({} consecutive failures): {}", this, failures, e.toString());
        }
    }

    private void compactOnce(long target) {
        CollectionView current = view.get();
        Version base = current.version();
        Compaction.Result result = new Compaction(engine, this, base, current.tail(), target).run();
        Version next = result.version();
        engine.catalog.commitVersion(id, next.number(), VersionManifest.key(id, next.number()), next.logPosition());
        // The rest of the tail is re-based on the new version outside the write lock (it can be large); writes that
        // land meanwhile are appended to it under the lock.
        TailOverlay rest = TailOverlay.of(view.get().tail().entriesAfter(next.logPosition()), next.segments());
        synchronized (writeLock) {
            entry = entry.withVersion(next.number(), next.logPosition());
            synchronized (pendingLock) {
                // Writes published meanwhile join the re-based tail; writes still waiting for their commit get
                // re-based views in the pending queue, which their writers publish as before.
                CollectionView published = view.get();
                long publishedUpTo = published.tail().lastSequence();
                CollectionView latest = pending.isEmpty() ? published : pending.peekLast();
                long rebased = Math.max(next.logPosition(), rest.lastSequence());
                TailOverlay publishedRest = rest;
                List<CollectionView> rebasedPending = new ArrayList<>(pending.size());
                for (TailOverlay.Entry late : latest.tail().entriesAfter(rebased)) {
                    rest = rest.append(late.sequence(), late.operations(), next.segments());
                    if (late.sequence() <= publishedUpTo) {
                        publishedRest = rest;
                    } else {
                        rebasedPending.add(new CollectionView(next, rest));
                    }
                }
                view.set(new CollectionView(next, publishedRest));
                pending.clear();
                pending.addAll(rebasedPending);
            }
            CollectionEntry written = result.writtenWith();
            if (!java.util.Objects.equals(written.name(), entry.name())
                    || !java.util.Objects.equals(written.metadataJson(), entry.metadataJson())
                    || !java.util.Objects.equals(written.optionsJson(), entry.optionsJson())) {
                // modify() ran while this version was built: its manifest must carry the new name, metadata and
                // efSearch, or a catalog rebuilt from storage would bring the old ones back.
                engine.writeManifest(VersionManifest.of(entry, next));
            }
        }
        footprint.compactedThrough(next.logPosition());
        retryWaits = false;
        engine.vectorIndexes.retainOnly(dir, next.manifest());
        try {
            wal.purgeBelow(next.logPosition() + 1);
        } catch (RuntimeException ex) {
            LOG.warn(
                    "Could not purge the WAL of collection {} below {}: {}", id, next.logPosition() + 1, ex.toString());
        }
        LOG.debug("Collection {} compacted to version {} (log position {})", id, next.number(), next.logPosition());
    }

    // ---- lifecycle ----

    /** Records the deletion in the bucket so a catalog rebuilt from storage does not resurrect it. */
    void writeDeletionManifest() {
        engine.writeManifest(VersionManifest.deletion(entry, view.get().version()));
    }

    /** Closes the collection and deletes its local WAL; its objects are left to garbage collection. */
    void destroy() {
        synchronized (writeLock) {
            destroyed = true;
        }
        compactionLock.lock();
        try {
            closeArchiver();
            if (wal != null) {
                wal.destroy();
            }
            engine.vectorIndexes.retainOnly(dir, null);
        } finally {
            compactionLock.unlock();
        }
    }

    private void closeArchiver() {
        if (archiver != null) {
            archiver.close();
        }
    }

    @Override
    public void close() {
        compactionLock.lock();
        try {
            if (archiver != null) {
                try {
                    archiver.archiveNow();
                } catch (RuntimeException e) {
                    LOG.warn("Could not archive the WAL of collection {} on close: {}", id, e.toString());
                }
                archiver.close();
            }
            if (!destroyed && wal != null) {
                wal.close();
            }
        } finally {
            compactionLock.unlock();
        }
    }

    @Override
    public String toString() {
        return "Collection[" + entry.name() + ", " + id + "]";
    }
}
