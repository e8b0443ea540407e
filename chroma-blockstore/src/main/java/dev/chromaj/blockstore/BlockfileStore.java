package dev.chromaj.blockstore;

import dev.chromaj.annotations.Internal;
import dev.chromaj.storage.BucketLayout;
import dev.chromaj.storage.Storage;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.apache.arrow.memory.RootAllocator;

/**
 * Creates, forks and opens blockfiles in a {@link Storage}, reading through a shared {@link BlockCache}.
 *
 * <p>A blockfile lives in an object-key folder {@code dir} (such as {@code collection/<uuid>}): its blocks are
 * {@code <dir>/block/<block-uuid>}, its roots {@code <dir>/root/<root-uuid>}. Objects are never modified; a
 * commit adds new blocks and a new root, so readers of older roots keep their snapshot.
 *
 * <p>Thread-safe. {@link #close()} releases the upload threads and the Arrow allocator; readers and writers of a
 * closed store must not be used.
 */
@Internal
public final class BlockfileStore implements AutoCloseable {
    private final Storage storage;
    private final BlockCache cache;
    private final BlockfileOptions options;
    private final RootAllocator allocator;
    private final ExecutorService uploads;
    private final BiFunction<String, Executor, CompletableFuture<CacheEntry>> rootLoader;
    /**
     * Decodes hold the read lock, {@link #close()} the write lock: the allocator is closed only once no decode uses
     * it (reads issued ahead, such as a scan's, may still be decoding when the store is closed). Guards
     * {@link #closed}.
     */
    private final ReentrantReadWriteLock decoding = new ReentrantReadWriteLock();

    private boolean closed;

    /**
     * @throws IllegalStateException when the JVM lacks {@value ArrowRuntime#REQUIRED_JVM_FLAG} (see
     *                               {@link ArrowRuntime#check()})
     */
    public BlockfileStore(Storage storage, BlockCache cache, BlockfileOptions options) {
        ArrowRuntime.check();
        if (storage == null || cache == null || options == null) {
            throw new IllegalArgumentException("storage, cache and options must not be null");
        }
        this.storage = storage;
        this.cache = cache;
        this.options = options;
        this.allocator = ArrowRuntime.newRootAllocator();
        AtomicInteger n = new AtomicInteger();
        this.uploads = Executors.newFixedThreadPool(options.uploadParallelism(), r -> {
            Thread t = new Thread(r, "chromaj-block-upload-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.rootLoader = cache.loader(storage, this::decodeRoot, "root");
    }

    /** A writer of a new, empty blockfile in {@code dir}. */
    public <K, V> BlockfileWriter<K, V> create(String dir, KeyType<K> keyType, ValueType<V> valueType) {
        checkDir(dir);
        checkTypes(keyType, valueType);
        return new BlockfileWriter<>(this, dir, keyType, valueType, null);
    }

    /**
     * A writer that starts from the blockfile version {@code rootId} in {@code dir}. Its commit shares every
     * unchanged block and never modifies the parent.
     *
     * @throws IllegalArgumentException when the root holds other key or value types
     */
    public <K, V> BlockfileWriter<K, V> fork(String dir, UUID rootId, KeyType<K> keyType, ValueType<V> valueType) {
        return new BlockfileWriter<>(this, dir, keyType, valueType, root(dir, rootId, keyType, valueType));
    }

    /**
     * A reader of the blockfile version {@code rootId} in {@code dir}.
     *
     * @throws IllegalArgumentException when the root holds other key or value types
     * @throws dev.chromaj.storage.ObjectNotFoundException when the root does not exist
     * @throws CorruptObjectException when the root fails verification
     */
    public <K, V> BlockfileReader<K, V> open(String dir, UUID rootId, KeyType<K> keyType, ValueType<V> valueType) {
        return new BlockfileReader<>(this, root(dir, rootId, keyType, valueType), keyType, valueType);
    }

    /** Every object key the version {@code rootId} references (its root and its blocks), for garbage collection. */
    public Set<String> objectKeys(String dir, UUID rootId) {
        checkDir(dir);
        if (rootId == null) {
            throw new IllegalArgumentException("rootId must not be null");
        }
        return objectKeys((RootIndex) cache.get(rootKey(dir, rootId), rootLoader));
    }

    static Set<String> objectKeys(RootIndex root) {
        Set<String> keys = new LinkedHashSet<>();
        keys.add(rootKey(root.dir, root.id));
        Collections.addAll(keys, root.blockKeys);
        return Collections.unmodifiableSet(keys);
    }

    /** The object key of a block. */
    public static String blockKey(String dir, UUID blockId) {
        return BucketLayout.blockKey(dir, blockId);
    }

    /** The object key of a root. */
    public static String rootKey(String dir, UUID rootId) {
        return BucketLayout.rootKey(dir, rootId);
    }

    public Storage storage() {
        return storage;
    }

    public BlockCache cache() {
        return cache;
    }

    public BlockfileOptions options() {
        return options;
    }

    /**
     * Stops the upload threads and closes the Arrow allocator (which fails loudly if Arrow memory leaked), after the
     * decodes under way; reads that complete later fail.
     */
    @Override
    public void close() {
        uploads.shutdown();
        decoding.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                allocator.close();
            }
        } finally {
            decoding.writeLock().unlock();
        }
    }

    // ------------------------------------------------------------------------------------------- package API

    RootAllocator allocator() {
        return allocator;
    }

    ExecutorService uploads() {
        return uploads;
    }

    void cacheRoot(RootIndex root) {
        cache.put(rootKey(root.dir, root.id), root);
    }

    <K, V> BiFunction<String, Executor, CompletableFuture<CacheEntry>> blockLoader(
            KeyType<K> keyType, ValueType<V> valueType) {
        return cache.loader(
                storage,
                (key, bytes) -> whileOpen(() -> BlockCodec.decode(key, bytes, keyType, valueType, allocator)),
                keyType + "->" + valueType);
    }

    /**
     * A loader of blocks decoded straight into {@code decoder}'s form (wrapped in a {@link BlockfileReader.Loaded}),
     * for a scan that reads a blockfile once: what {@link BlockCodec#decode(String, byte[], KeyType, ValueType,
     * org.apache.arrow.memory.BufferAllocator, BlockDecoder)} does, on the block cache's decoder threads. Its
     * entries must never be put into the cache.
     */
    <K, V, T> BiFunction<String, Executor, CompletableFuture<CacheEntry>> decodingLoader(
            KeyType<K> keyType, ValueType<V> valueType, BlockDecoder<K, V, T> decoder) {
        return cache.loader(
                storage,
                (key, bytes) -> new BlockfileReader.Loaded<>(
                        whileOpen(() -> BlockCodec.decode(key, bytes, keyType, valueType, allocator, decoder))),
                keyType + "->" + valueType);
    }

    private RootIndex root(String dir, UUID rootId, KeyType<?> keyType, ValueType<?> valueType) {
        checkDir(dir);
        checkTypes(keyType, valueType);
        if (rootId == null) {
            throw new IllegalArgumentException("rootId must not be null");
        }
        String key = rootKey(dir, rootId);
        RootIndex root = (RootIndex) cache.get(key, rootLoader);
        if (root.keyType != keyType || root.valueType != valueType) {
            throw new IllegalArgumentException("blockfile root '" + key + "' holds " + root.keyType + " -> "
                    + root.valueType + " entries, but was opened as " + keyType + " -> " + valueType);
        }
        return root;
    }

    private RootIndex decodeRoot(String key, byte[] bytes) {
        BucketLayout.RootKey parsed = BucketLayout.parseRootKey(key);
        return whileOpen(() -> RootIndex.decode(key, parsed.rootId(), parsed.collectionDir(), bytes, allocator));
    }

    /** Runs a decode unless the store is closed; close waits for it. */
    <T> T whileOpen(Supplier<T> decode) {
        decoding.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the blockfile store is closed");
            }
            return decode.get();
        } finally {
            decoding.readLock().unlock();
        }
    }

    private static void checkTypes(KeyType<?> keyType, ValueType<?> valueType) {
        if (keyType == null || valueType == null) {
            throw new IllegalArgumentException("keyType and valueType must not be null");
        }
    }

    static void checkDir(String dir) {
        if (dir == null || dir.isEmpty() || dir.startsWith("/") || dir.endsWith("/") || dir.contains("//")) {
            throw new IllegalArgumentException("dir must be a non-empty object-key folder without leading, trailing "
                    + "or doubled '/', got '" + dir + "'");
        }
    }
}
