package dev.chromaj.blockstore;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.chromaj.annotations.Internal;
import dev.chromaj.storage.Storage;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decoded-block cache shared by every blockfile of a client: a Caffeine cache keyed by object key, bounded by
 * the estimated heap bytes of the decoded blocks and roots it holds, with an optional disk tier.
 *
 * <p>A miss is loaded once however many threads ask for the object at the same time (they share one future, so one
 * Storage read). The load checks the disk tier first (when configured), then fetches from Storage; each object is
 * decoded once per load on the cache's decoder threads. Blocks are immutable, so nothing is ever invalidated for
 * freshness. With a disk tier, every object fetched from Storage is also written to disk in the background, so a
 * block evicted from memory is served from disk; a damaged disk file fails its checksum, is deleted and re-fetched.
 *
 * <p>The memory tier is split between decoded blocks and blocks kept as stored (compressed), which a lookup decodes
 * again instead of reading them again. By default the split adapts ({@link CacheSplit}): all of the bytes hold decoded
 * blocks while nothing is read twice; blocks the decoded part evicted and that are then read again move bytes to the
 * compressed part (up to {@link #MAX_AUTO_ENCODED_SHARE}); decodes that a larger decoded part would have saved move
 * them back. {@link Builder#encodedShare} pins the split instead.
 *
 * <p>Thread-safe. {@link #close()} stops its threads.
 */
@Internal
public final class BlockCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BlockCache.class);

    /** The largest share of the bytes the adaptive split gives to compressed objects. */
    public static final double MAX_AUTO_ENCODED_SHARE = 0.875;

    /**
     * The default cost of reading an object again, in decodes, for the adaptive split: a GET of tens of milliseconds
     * against a decode of well under one.
     */
    public static final int DEFAULT_READ_COST = 64;

    /**
     * Counters since the cache was built; {@code bytes} is the current weighted size of the decoded part of the
     * memory tier. A lookup is a hit when memory answers it: a decoded object, or an encoded one decoded again.
     */
    public record Stats(long hits, long misses, long loads, long evictions, long bytes, long diskHits) {}

    /** Objects of one kind read from storage by this cache since it was built: their count and their bytes. */
    public record StorageReads(long objects, long bytes) {}

    /** Decodes a verified object into its cached form; throws {@link CorruptObjectException} when damaged. */
    interface Decoder {
        CacheEntry decode(String key, byte[] bytes);
    }

    private final long maxBytes;
    /** The adaptive split; null when the share is pinned. */
    private final CacheSplit split;
    /** The current bound of the encoded tier; written under {@link #resizeLock}. */
    private volatile long encodedMax;
    /** Orders the resizes of the two tiers (taken before Caffeine's own locks, never while holding the split's). */
    private final Object resizeLock = new Object();
    /**
     * The objects as read from storage (compressed), for the blocks the decoded tier has no room for: on a miss of
     * the decoded tier they are decoded again instead of read again. Null with a pinned share of 0.
     */
    private final Cache<String, byte[]> encoded;
    /** Loads of the memory tier that the encoded tier answered. */
    private final LongAdder encodedHits = new LongAdder();

    private final AsyncCache<String, CacheEntry> cache;
    private final DiskTier disk;
    private final ExecutorService decoders;
    /** The executor given to loads past the memory tier: what they read is not kept in the encoded tier either. */
    private final Executor past;

    private final LongAdder diskHits = new LongAdder();
    /** Objects read from storage by kind ({@code "root"}, or a block's key and value types). */
    private final Map<String, LongAdder[]> storageReads = new ConcurrentHashMap<>();
    /** Objects being read past the memory tier, so that concurrent point reads of one block share one read. */
    private final Map<String, CompletableFuture<CacheEntry>> readingPast = new ConcurrentHashMap<>();

    private BlockCache(Builder b) {
        this.maxBytes = b.maxBytes;
        this.split = b.pinnedShare != null || b.maxBytes == 0
                ? null
                : new CacheSplit(b.maxBytes, b.maxAutoShare, b.readCost);
        AtomicInteger n = new AtomicInteger();
        this.decoders = Executors.newFixedThreadPool(b.decoderThreads, r -> {
            Thread t = new Thread(r, "chromaj-block-cache-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        long encodedBytes = b.pinnedShare == null ? 0 : (long) (b.maxBytes * b.pinnedShare);
        this.encodedMax = encodedBytes;
        this.encoded = encodedBytes <= 0 && split == null
                ? null
                : Caffeine.newBuilder()
                        .maximumWeight(encodedBytes)
                        .weigher((String key, byte[] bytes) -> 64 + 2 * key.length() + bytes.length)
                        .executor(Runnable::run)
                        .build();
        this.past = r -> decoders.execute(r);
        CacheSplit ghosts = split;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(b.maxBytes - encodedBytes)
                .weigher((String key, CacheEntry entry) -> (int) Math.min(Integer.MAX_VALUE, entry.weight()))
                .evictionListener((String key, CacheEntry entry, RemovalCause cause) -> {
                    // Runs under the decoded tier's eviction lock; CacheSplit never calls back into a cache.
                    if (ghosts != null && cause == RemovalCause.SIZE && key != null && entry != null) {
                        ghosts.evicted(key, entry.weight());
                    }
                })
                .executor(decoders)
                .recordStats()
                .buildAsync();
        this.disk = b.diskDir == null ? null : new DiskTier(b.diskDir, b.diskMaxBytes);
    }

    /** A builder; {@code maxBytes} must be set. */
    public static Builder builder() {
        return new Builder();
    }

    /** The configured bound of the memory tier in bytes. */
    public long maxBytes() {
        return maxBytes;
    }

    /**
     * The bytes of the memory tier that may hold objects as stored (compressed) now: the pinned share of {@link
     * #maxBytes()}, or the adaptive split's current choice (0 until blocks are read again); the decoded part has the
     * rest.
     */
    public long encodedMaxBytes() {
        return encodedMax;
    }

    /** The bytes held now by objects kept as stored (compressed), at most {@link #encodedMaxBytes()}. */
    public long encodedBytes() {
        if (encoded == null) {
            return 0;
        }
        encoded.cleanUp();
        return encoded.policy().eviction().orElseThrow().weightedSize().orElse(0);
    }

    /** Whether the split between decoded and compressed objects adapts to the lookups (not pinned). */
    public boolean adaptiveSplit() {
        return split != null;
    }

    /** Hits, misses, loads and evictions of the memory tier, its current bytes, and hits of the disk tier. */
    public Stats stats() {
        CacheStats s = cache.synchronous().stats();
        long fromEncoded = encodedHits.sum();
        return new Stats(
                s.hitCount() + fromEncoded,
                s.missCount() - fromEncoded,
                s.loadCount(),
                s.evictionCount(),
                weightedBytes(),
                diskHits.sum());
    }

    /**
     * Objects read from storage since the cache was built, by kind: {@code "root"} for blockfile roots, else the
     * block's key and value types (such as {@code "U32->DATA_RECORD"} for record blocks). Each read is also logged at
     * DEBUG with its key, kind and size.
     */
    public Map<String, StorageReads> storageReads() {
        Map<String, StorageReads> out = new TreeMap<>();
        storageReads.forEach((kind, n) -> out.put(kind, new StorageReads(n[0].sum(), n[1].sum())));
        return out;
    }

    private long weightedBytes() {
        return cache.synchronous()
                .policy()
                .eviction()
                .orElseThrow()
                .weightedSize()
                .orElse(0);
    }

    /** Stops the decoder and disk writer threads; cached entries are dropped. */
    @Override
    public void close() {
        cache.synchronous().invalidateAll();
        if (disk != null) {
            disk.close();
        }
        decoders.shutdown();
    }

    // ------------------------------------------------------------------------------------------- package API

    /**
     * A loader for {@link #get}: create once per reader, so a hit allocates nothing. {@code kind} names what it loads
     * in {@link #storageReads()}.
     */
    BiFunction<String, Executor, CompletableFuture<CacheEntry>> loader(Storage storage, Decoder decoder, String kind) {
        LongAdder[] counters =
                storageReads.computeIfAbsent(kind, k -> new LongAdder[] {new LongAdder(), new LongAdder()});
        return (key, executor) -> load(key, storage, decoder, kind, counters, executor != past);
    }

    CompletableFuture<CacheEntry> getAsync(
            String key, BiFunction<String, Executor, CompletableFuture<CacheEntry>> loader) {
        return cache.get(key, loader);
    }

    /**
     * The entry from the memory tier when it is there, otherwise loaded (disk tier, then storage) without being put
     * into the memory tier: for objects read once into a structure of their own (an index being loaded), which
     * would only evict what other readers need. Concurrent loads of one key are not merged.
     */
    CompletableFuture<CacheEntry> getUncached(
            String key, BiFunction<String, Executor, CompletableFuture<CacheEntry>> loader) {
        CompletableFuture<CacheEntry> present = cache.getIfPresent(key);
        return present != null ? present : readUncached(key, loader);
    }

    /** The entry of {@code key} in the memory tier (loaded or loading; a hit or a miss in the counters), or null. */
    CompletableFuture<CacheEntry> getIfPresent(String key) {
        return cache.getIfPresent(key);
    }

    /**
     * Loads {@code key} (encoded tier, disk tier, then storage) without looking into or filling the memory tier;
     * concurrent loads of one key are not merged.
     */
    CompletableFuture<CacheEntry> readUncached(
            String key, BiFunction<String, Executor, CompletableFuture<CacheEntry>> loader) {
        return loader.apply(key, past);
    }

    /**
     * The entry of {@code key} when the decoded tier holds it loaded (or loading), else null; recorded in neither the
     * hit nor the miss counters, but counted as an access by the eviction policy.
     */
    CompletableFuture<CacheEntry> peek(String key) {
        CompletableFuture<CacheEntry> f = cache.asMap().get(key);
        return f == null || f.isCompletedExceptionally() ? null : f;
    }

    /**
     * Loads {@code key} without putting it into the memory tier (encoded tier, disk tier, then storage), sharing the
     * read with concurrent calls for the same key: for a writer reading the blocks it replaces.
     */
    CompletableFuture<CacheEntry> readPast(
            String key, BiFunction<String, Executor, CompletableFuture<CacheEntry>> loader) {
        CompletableFuture<CacheEntry> mine = new CompletableFuture<>();
        CompletableFuture<CacheEntry> f = readingPast.putIfAbsent(key, mine);
        if (f != null) {
            return f;
        }
        // Completes mine, which the concurrent callers wait for; the stage returned here has nothing more to say.
        CompletableFuture<Void> unused = loader.apply(key, past).handle((entry, error) -> {
            readingPast.remove(key, mine);
            if (error != null) {
                mine.completeExceptionally(error);
            } else {
                mine.complete(entry);
            }
            return null;
        });
        return mine;
    }

    /** The cached or loaded entry; storage and corruption errors are rethrown unwrapped. */
    CacheEntry get(String key, BiFunction<String, Executor, CompletableFuture<CacheEntry>> loader) {
        return join(cache.get(key, loader));
    }

    static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        } catch (CompletionException e) {
            throw unwrap(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading a block", e);
        }
    }

    static RuntimeException unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    private CompletableFuture<CacheEntry> load(
            String key, Storage storage, Decoder decoder, String kind, LongAdder[] counters, boolean keep) {
        // May run inside the decoded tier's compute of this key: the split is told here (it calls nothing), but the
        // tiers are resized on a decoder thread, outside that compute.
        CacheSplit.Ghost ghost = keep && split != null ? split.take(key) : CacheSplit.Ghost.NONE;
        byte[] kept = encoded == null ? null : encoded.getIfPresent(key);
        if (kept != null) {
            boolean moved = false;
            if (keep) {
                encodedHits.increment();
                moved = split != null && split.answered(ghost, true);
            }
            boolean resize = moved;
            return CompletableFuture.supplyAsync(
                    () -> {
                        if (resize) {
                            resize();
                        }
                        return decoder.decode(key, kept);
                    },
                    decoders);
        }
        boolean moved = split != null && split.answered(ghost, false);
        if (disk == null) {
            return fromStorage(key, storage, decoder, kind, counters, keep, moved);
        }
        return CompletableFuture.supplyAsync(
                        () -> {
                            if (moved) {
                                resize();
                            }
                            return fromDisk(key, decoder);
                        },
                        decoders)
                .thenCompose(found -> found != null
                        ? CompletableFuture.completedFuture(found)
                        : fromStorage(key, storage, decoder, kind, counters, keep, false));
    }

    /** Gives the tiers the bounds the split chose (a no-op when they have them). */
    private void resize() {
        synchronized (resizeLock) {
            long target = split.target();
            if (target == encodedMax) {
                return;
            }
            Policy.Eviction<String, byte[]> enc = encoded.policy().eviction().orElseThrow();
            Policy.Eviction<String, CacheEntry> dec =
                    cache.synchronous().policy().eviction().orElseThrow();
            if (target > encodedMax) {
                dec.setMaximum(maxBytes - target);
                enc.setMaximum(target);
            } else {
                enc.setMaximum(target);
                dec.setMaximum(maxBytes - target);
            }
            encodedMax = target;
        }
    }

    private CacheEntry fromDisk(String key, Decoder decoder) {
        byte[] bytes = disk.read(key);
        if (bytes == null) {
            return null;
        }
        try {
            CacheEntry entry = decoder.decode(key, bytes);
            diskHits.increment();
            return entry;
        } catch (CorruptObjectException e) {
            LOG.warn("disk block cache: damaged copy of '{}' deleted, fetching it again: {}", key, e.getMessage());
            disk.invalidate(key);
            return null;
        }
    }

    private CompletableFuture<CacheEntry> fromStorage(
            String key,
            Storage storage,
            Decoder decoder,
            String kind,
            LongAdder[] counters,
            boolean keep,
            boolean resize) {
        return storage.getAsync(key)
                .thenApplyAsync(
                        bytes -> {
                            if (resize) {
                                resize();
                            }
                            counters[0].increment();
                            counters[1].add(bytes.length);
                            LOG.debug("block cache: read {} ({}, {} bytes) from storage", key, kind, bytes.length);
                            CacheEntry entry = decoder.decode(key, bytes);
                            if (keep && encoded != null && encodedMax > 0) {
                                encoded.put(key, bytes);
                            }
                            if (disk != null) {
                                disk.writeLater(key, bytes);
                            }
                            return entry;
                        },
                        decoders);
    }

    void put(String key, CacheEntry entry) {
        cache.put(key, CompletableFuture.completedFuture(entry));
    }

    /** Keeps an object's stored bytes in the encoded tier (a block just written that replaces one held there). */
    void putEncoded(String key, byte[] bytes) {
        if (encoded != null && encodedMax > 0) {
            encoded.put(key, bytes);
        }
    }

    /** Whether the encoded tier holds {@code key}. */
    boolean holdsEncoded(String key) {
        return encoded != null && encoded.asMap().containsKey(key);
    }

    /** Runs pending evictions now (tests). */
    void cleanUp() {
        cache.synchronous().cleanUp();
        if (encoded != null) {
            encoded.cleanUp();
        }
    }

    /** Times the adaptive split grew and shrank the encoded tier (tests); {0, 0} when pinned. */
    long[] splitMoves() {
        return split == null ? new long[2] : split.moves();
    }

    /** Drops an entry from memory only (tests). */
    void evictFromMemory(String key) {
        cache.synchronous().invalidate(key);
    }

    boolean inMemory(String key) {
        return cache.synchronous().getIfPresent(key) != null;
    }

    DiskTier disk() {
        return disk;
    }

    /** Configures a {@link BlockCache}, mirroring {@code Caffeine.newBuilder()}. */
    public static final class Builder {
        private long maxBytes = -1;
        private Path diskDir;
        private long diskMaxBytes;
        private int decoderThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
        private Double pinnedShare;
        private double maxAutoShare = MAX_AUTO_ENCODED_SHARE;
        private int readCost = DEFAULT_READ_COST;

        private Builder() {}

        /** Bound of the memory tier: estimated heap bytes of decoded blocks and roots. Must be {@code >= 0}. */
        public Builder maxBytes(long maxBytes) {
            if (maxBytes < 0) {
                throw new IllegalArgumentException("maxBytes must be >= 0, got " + maxBytes);
            }
            this.maxBytes = maxBytes;
            return this;
        }

        /** Enables the disk tier in {@code dir}, bounded by {@code maxBytes} of files. */
        public Builder diskTier(Path dir, long maxBytes) {
            if (dir == null) {
                throw new IllegalArgumentException("diskTier dir must not be null");
            }
            if (maxBytes <= 0) {
                throw new IllegalArgumentException("diskTier maxBytes must be > 0, got " + maxBytes);
            }
            this.diskDir = dir;
            this.diskMaxBytes = maxBytes;
            return this;
        }

        /**
         * Pins the share of {@code maxBytes} that holds objects as stored (compressed) rather than decoded, instead of
         * the adaptive split of the default ({@link #autoEncodedShare}): a compressed record block takes a third to a
         * half of its decoded size, so the same bytes hold two to three times more blocks, at the cost of decoding
         * again a block that the decoded part has no room for. 0 keeps decoded objects only. Must be in {@code [0,
         * 1)}.
         */
        public Builder encodedShare(double share) {
            if (!(share >= 0 && share < 1)) {
                throw new IllegalArgumentException("encodedShare must be in [0, 1), got " + share);
            }
            this.pinnedShare = share;
            return this;
        }

        /**
         * The adaptive split (the default): the compressed share starts at 0, grows while blocks the decoded part
         * evicted are read again, and shrinks while a larger decoded part would have saved decodes (see {@link
         * CacheSplit}).
         *
         * @param maxShare the largest share of {@code maxBytes} for compressed objects, in {@code (0, 1)} (default
         *     {@value #MAX_AUTO_ENCODED_SHARE})
         * @param readCost what reading an object again costs, in decodes, {@code >= 1} (default {@value
         *     #DEFAULT_READ_COST}): the larger, the more decodes the split accepts to save one read
         */
        public Builder autoEncodedShare(double maxShare, int readCost) {
            if (!(maxShare > 0 && maxShare < 1)) {
                throw new IllegalArgumentException("autoEncodedShare maxShare must be in (0, 1), got " + maxShare);
            }
            if (readCost < 1) {
                throw new IllegalArgumentException("autoEncodedShare readCost must be >= 1, got " + readCost);
            }
            this.pinnedShare = null;
            this.maxAutoShare = maxShare;
            this.readCost = readCost;
            return this;
        }

        /** Threads that decode loaded objects (default: number of processors, at least 2). */
        public Builder decoderThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("decoderThreads must be >= 1, got " + threads);
            }
            this.decoderThreads = threads;
            return this;
        }

        public BlockCache build() {
            if (maxBytes < 0) {
                throw new IllegalStateException("BlockCache.builder(): maxBytes must be set");
            }
            return new BlockCache(this);
        }
    }
}
