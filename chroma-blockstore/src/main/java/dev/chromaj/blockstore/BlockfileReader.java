package dev.chromaj.blockstore;

import dev.chromaj.annotations.Internal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Reads one blockfile version (a root): point lookups, ranks, bulk lookups and streaming scans in the order defined
 * by {@link KeyType}.
 *
 * <p>The root is decoded once when the reader is opened; blocks are fetched through the {@link BlockCache} when
 * first needed (a lookup costs one binary search over the root, one cache lookup, one binary search in the block).
 * Bulk lookups fetch the distinct blocks of all their keys at once. Scans start the reads of the next few blocks
 * while the cursor is in one (as many as a small share of the cache holds); {@link #scanAll} reads a whole
 * blockfile with all its block reads issued at once. Values returned are the caller's own copies.
 *
 * <p>Thread-safe: a reader is an immutable snapshot, later commits do not change what it returns.
 */
@Internal
public final class BlockfileReader<K, V> {
    private final BlockfileStore store;
    private final RootIndex root;
    private final KeyType<K> keyType;
    private final ValueType<V> valueType;
    private final BiFunction<String, Executor, CompletableFuture<CacheEntry>> loader;
    /** Blocks a scan reads ahead of its cursor: an eighth of the cache at the largest block size, 1 to 16. */
    private final int readAhead;

    /** Blocks this reader keeps for itself ({@link #privateReads()}), or null: point reads go through the cache. */
    private final PrivateBlocks own;

    BlockfileReader(BlockfileStore store, RootIndex root, KeyType<K> keyType, ValueType<V> valueType) {
        this(store, root, keyType, valueType, null);
    }

    private BlockfileReader(
            BlockfileStore store, RootIndex root, KeyType<K> keyType, ValueType<V> valueType, PrivateBlocks own) {
        this.own = own;
        this.store = store;
        this.root = root;
        this.keyType = keyType;
        this.valueType = valueType;
        this.loader = store.blockLoader(keyType, valueType);
        long blocksInEighth =
                store.cache().maxBytes() / 8 / Math.max(1, store.options().maxBlockBytes());
        this.readAhead = (int) Math.max(1, Math.min(16, blocksInEighth));
    }

    /** The value of (prefix, key), or null when absent. */
    public V get(String prefix, K key) {
        K k = lookupKey(prefix, key);
        if (k == null) {
            return null;
        }
        int b = root.blockFor(prefix, k);
        if (b < 0) {
            return null;
        }
        Block<K, V> block = block(b);
        int i = block.find(prefix, k);
        return i < 0 ? null : block.value(i);
    }

    /** Whether (prefix, key) has a value. */
    public boolean contains(String prefix, K key) {
        K k = lookupKey(prefix, key);
        if (k == null) {
            return false;
        }
        int b = root.blockFor(prefix, k);
        return b >= 0 && block(b).find(prefix, k) >= 0;
    }

    /** Number of entries. */
    public long count() {
        return root.count();
    }

    /** Number of entries strictly before (prefix, key) in the blockfile order (whether or not it is present). */
    public long rank(String prefix, K key) {
        K k = keyType.check("key", key);
        Utf8Order.checkWellFormed("prefix", prefix);
        int b = root.blockFor(prefix, k);
        if (b < 0) {
            return 0;
        }
        return root.cumulative[b] + block(b).lowerBound(prefix, k);
    }

    /** Cached blocks a {@link #scanBlocks} decodes ahead of its consumer (its reads run further ahead). */
    static final int DECODE_AHEAD = 4;

    /** Every entry in ascending order, streaming block by block. */
    public Iterator<BlockfileEntry<K, V>> scan() {
        return new Cursor(null, null, null);
    }

    /**
     * Every entry in ascending order, like {@link #scan()}, for reading the whole blockfile once into a structure of
     * the caller's own (an index being loaded). The reads of the first {@code blocksInFlight} blocks are issued when
     * this method is called, and each block the iterator enters issues the next one, so a blockfile of up to
     * {@code blocksInFlight} blocks costs a single storage round trip, whichever thread consumes it. Blocks found in
     * the memory cache are used; blocks read from storage are not put into it (they would evict what point reads
     * need). At most {@code blocksInFlight} blocks beyond the current one are held at a time.
     *
     * @throws IllegalArgumentException when {@code blocksInFlight < 1}
     */
    public Iterator<BlockfileEntry<K, V>> scanAll(int blocksInFlight) {
        if (blocksInFlight < 1) {
            throw new IllegalArgumentException("blocksInFlight must be >= 1, got " + blocksInFlight);
        }
        return new BulkCursor(blocksInFlight);
    }

    /**
     * Every block decoded whole by {@code decoder}, in key order: {@link #scanAll(int)} for a load that copies the
     * blockfile into flat arrays of its own, without an object per entry. Reads as {@code scanAll} does (the first
     * {@code blocksInFlight} blocks at once, then one more per block consumed, past the cache). A block read from
     * storage is decoded straight into the decoder's form on the block cache's decoder threads as it arrives (byte
     * values are handed over from the Arrow buffers, never copied into a cached block first); a block found in the
     * cache is decoded on {@code decodeOn}, a few ahead of the consumer. So decoding overlaps the consumer and the
     * reads. Decoded blocks are not cached. A read or decode failure is thrown by the iterator's {@code next()} for
     * that block.
     *
     * @throws IllegalArgumentException when {@code blocksInFlight < 1} or the decoder or executor is null
     */
    public <T> Iterator<T> scanBlocks(int blocksInFlight, BlockDecoder<K, V, T> decoder, Executor decodeOn) {
        if (blocksInFlight < 1) {
            throw new IllegalArgumentException("blocksInFlight must be >= 1, got " + blocksInFlight);
        }
        if (decoder == null || decodeOn == null) {
            throw new IllegalArgumentException("decoder and decodeOn must not be null");
        }
        return new DecodedBlockCursor<>(blocksInFlight, decoder, decodeOn);
    }

    /**
     * Starts reading every block into the cache at once when the blockfile takes at most a quarter of the cache
     * (counting each block at the largest block size); returns whether it did. Scans and lookups that follow find
     * the blocks loaded or loading, so the whole blockfile costs one storage round trip.
     */
    public boolean prefetchAll() {
        long estimate = (long) root.blockCount() * store.options().maxBlockBytes();
        if (estimate > store.cache().maxBytes() / 4) {
            return false;
        }
        for (int b = 0; b < root.blockCount(); b++) {
            prefetch(b);
        }
        return true;
    }

    /** Number of blocks. */
    public int blockCount() {
        return root.blockCount();
    }

    /** Every entry with this prefix in ascending key order. */
    public Iterator<BlockfileEntry<K, V>> scanPrefix(String prefix) {
        return new Cursor(Utf8Order.checkWellFormed("prefix", prefix), null, null);
    }

    /**
     * Entries with this prefix and {@code fromInclusive <= key < toExclusive}, ascending; a null bound is open.
     */
    public Iterator<BlockfileEntry<K, V>> range(String prefix, K fromInclusive, K toExclusive) {
        Utf8Order.checkWellFormed("prefix", prefix);
        K from = fromInclusive == null ? null : keyType.check("fromInclusive", fromInclusive);
        K to = toExclusive == null ? null : keyType.check("toExclusive", toExclusive);
        return new Cursor(prefix, from, to);
    }

    /** The values of the present keys among {@code keys} (absent keys are left out); blocks load in parallel. */
    public Map<K, V> getMany(String prefix, Collection<K> keys) {
        Map<Integer, List<K>> byBlock = keysByBlock(prefix, keys);
        Map<Integer, CompletableFuture<CacheEntry>> loads = new HashMap<>();
        for (Integer b : byBlock.keySet()) {
            loads.put(b, load(b));
        }
        Map<K, V> out = new HashMap<>();
        for (Map.Entry<Integer, List<K>> e : byBlock.entrySet()) {
            Block<K, V> block = checked(BlockCache.join(loads.get(e.getKey())));
            for (K k : e.getValue()) {
                int i = block.find(prefix, k);
                if (i >= 0) {
                    out.put(k, block.value(i));
                }
            }
        }
        return out;
    }

    /**
     * Receives float-list values in place: {@code data[from, from + length)} is the value of {@code key}. The array
     * belongs to a cached block and is shared: read it during the call only, never modify or keep it.
     */
    @FunctionalInterface
    public interface FloatSliceVisitor<K> {
        void accept(K key, float[] data, int from, int length);
    }

    /**
     * Like {@link #getMany} for a blockfile of float lists, without copying the values: {@code visitor} is called
     * once per present key among {@code keys} (absent keys are skipped; a key given twice is visited twice), block by
     * block, with the value as a slice
     * of the block's decoded array. For readers that only compute with the values (a re-rank) and would otherwise
     * copy each one out of the block.
     *
     * @throws IllegalStateException if this blockfile does not hold float lists
     */
    public void forEachFloats(String prefix, Collection<K> keys, FloatSliceVisitor<K> visitor) {
        if (valueType != ValueType.F32_LIST) {
            throw new IllegalStateException("forEachFloats needs a blockfile of " + ValueType.F32_LIST
                    + " values, this one holds " + valueType);
        }
        Map<Integer, List<K>> byBlock = keysByBlock(prefix, keys);
        Map<Integer, CompletableFuture<CacheEntry>> loads = new HashMap<>();
        for (Integer b : byBlock.keySet()) {
            loads.put(b, load(b));
        }
        for (Map.Entry<Integer, List<K>> e : byBlock.entrySet()) {
            Block<K, V> block = checked(BlockCache.join(loads.get(e.getKey())));
            FloatListColumn column = block.values() instanceof FloatListColumn c ? c : null;
            for (K k : e.getValue()) {
                int i = block.find(prefix, k);
                if (i < 0) {
                    continue;
                }
                if (column != null) {
                    int from = column.from(i);
                    visitor.accept(k, column.data(), from, column.to(i) - from);
                } else {
                    // no flat column to share (not expected for F32_LIST blocks): a copy
                    float[] value = (float[]) block.value(i);
                    visitor.accept(k, value, 0, value.length);
                }
            }
        }
    }

    /**
     * A view of this blockfile whose values are decoded by {@code decoder} once per block and cached in the
     * {@link BlockCache} under their own keys, weighed by {@link ValueDecoder#weight}: repeated lookups of decoded
     * values (posting blocks, skip lists, record ids) then cost a cache hit, not a decode, and the cache bound covers
     * the decoded forms too. Views are cheap; create one per reader and reuse it.
     *
     * @param name what the decoder produces, unique per decoding of this value type (e.g. {@code "posting-block"}):
     *             views of one block with the same name share their cache entry
     * @throws IllegalArgumentException if the name is empty or holds {@code '#'} or {@code '/'}
     */
    public <T> BlockfileView<K, T> view(String name, ValueDecoder<K, V, T> decoder) {
        return new BlockfileView<>(this, name, decoder);
    }

    /**
     * The blocks of this blockfile decoded whole by {@code decoder}, addressed by block index and cached in the
     * {@link BlockCache} next to the blocks (see {@link BlockfileBlocks}). Cheap; create one per reader
     * and reuse it.
     *
     * @param name what the decoder produces, unique per decoding of this value type: blocks with the same name
     *             share their cache entry
     * @throws IllegalArgumentException if the name is empty or holds {@code '#'} or {@code '/'}
     */
    public <T> BlockfileBlocks<K, T> blocks(String name, BlockDecoder<K, V, T> decoder) {
        return new BlockfileBlocks<>(this, name, decoder);
    }

    /** The version this reader reads. */
    public BlockfileRoot root() {
        return root.toRoot();
    }

    /** Every object key this version references (its root and blocks), for garbage collection. */
    public Set<String> objectKeys() {
        return BlockfileStore.objectKeys(root);
    }

    public KeyType<K> keyType() {
        return keyType;
    }

    public ValueType<V> valueType() {
        return valueType;
    }

    // ------------------------------------------------------------------------------------------- internals

    RootIndex rootIndex() {
        return root;
    }

    /**
     * Checks {@code prefix} and {@code keys} and groups the keys by the block that would hold them, blocks in key
     * order; keys before the first block, and keys the key type cannot store, are left out.
     */
    Map<Integer, List<K>> keysByBlock(String prefix, Collection<K> keys) {
        Utf8Order.checkWellFormed("prefix", prefix);
        Map<Integer, List<K>> byBlock = new TreeMap<>();
        for (K key : keys) {
            K k = checkedKey(key);
            if (k == null) {
                continue; // a key the type cannot store is absent
            }
            int b = root.blockFor(prefix, k);
            if (b >= 0) {
                byBlock.computeIfAbsent(b, x -> new ArrayList<>()).add(k);
            }
        }
        return byBlock;
    }

    /** A checked key for a lookup, or null when no entry can have it (NaN). */
    K lookupKey(String prefix, K key) {
        Utf8Order.checkWellFormed("prefix", prefix);
        return checkedKey(key);
    }

    /** {@link #lookupKey} for a prefix already checked. */
    K checkedKey(K key) {
        if (key == null) {
            throw new IllegalArgumentException("key must not be null");
        }
        if (!keyType.javaType().isInstance(key)) {
            throw new IllegalArgumentException(
                    "key must be a " + keyType.javaType().getSimpleName() + " for key type " + keyType + ", got "
                            + key.getClass().getName());
        }
        return keyType.unstorable(key) ? null : key;
    }

    Block<K, V> block(int b) {
        return checked(BlockCache.join(load(b)));
    }

    /** Block {@code b}: from the cache, or for a reader of {@link #privateReads()} from the cache or its own blocks. */
    private CompletableFuture<CacheEntry> load(int b) {
        if (own == null) {
            return store.cache().getAsync(root.blockKeys[b], loader);
        }
        return own.get(root.blockKeys[b], store.options().maxBlockBytes(valueType), store.cache(), loader);
    }

    /**
     * A reader of the same version for a writer that reads the blocks it replaces (a compaction looking up the old
     * state of the ids it changes, the postings it edits): blocks the shared cache holds are used, the others are read
     * past it and kept by this reader (up to the cache's size, least recently used dropped first), so that its many
     * point reads of one block read it once without evicting what queries need from the cache, and record and
     * embedding reads cache no entries. Scans and views go through the cache as usual.
     */
    public BlockfileReader<K, V> privateReads() {
        return new BlockfileReader<>(
                store, root, keyType, valueType, new PrivateBlocks(store.cache().maxBytes()));
    }

    /** The blocks a {@link #privateReads()} reader read past the cache, bounded by an estimate of their bytes. */
    private static final class PrivateBlocks {
        private final long maxBytes;
        private final java.util.LinkedHashMap<String, CompletableFuture<CacheEntry>> blocks =
                new java.util.LinkedHashMap<>(16, 0.75f, true);
        private final Map<String, Long> weights = new HashMap<>();
        private long bytes;

        PrivateBlocks(long maxBytes) {
            this.maxBytes = maxBytes;
        }

        synchronized CompletableFuture<CacheEntry> get(
                String key,
                long estimate,
                BlockCache cache,
                BiFunction<String, Executor, CompletableFuture<CacheEntry>> loader) {
            CompletableFuture<CacheEntry> f = blocks.get(key);
            if (f != null) {
                return f;
            }
            f = cache.peek(key);
            if (f != null) {
                return f;
            }
            f = cache.readPast(key, loader);
            // At least a few blocks are kept whatever the bound, so a run of lookups in one block reads it once.
            Iterator<Map.Entry<String, CompletableFuture<CacheEntry>>> eldest =
                    blocks.entrySet().iterator();
            while (blocks.size() >= 4 && bytes + estimate > maxBytes && eldest.hasNext()) {
                String dropped = eldest.next().getKey();
                eldest.remove();
                bytes -= weights.remove(dropped);
            }
            blocks.put(key, f);
            weights.put(key, estimate);
            bytes += estimate;
            return f;
        }
    }

    BlockfileStore store() {
        return store;
    }

    BiFunction<String, Executor, CompletableFuture<CacheEntry>> loader() {
        return loader;
    }

    /**
     * The cache loader of entries derived from this file's blocks ({@link BlockfileView}, {@link BlockfileBlocks}):
     * an entry's key is its block's key followed by {@code suffix}, and its value is {@code derive} of that block.
     * The block is another entry of the same cache: it is asked for on another thread, never inside the derived
     * entry's computation (a nested computation of the cache's map fails or deadlocks), and cached as any block.
     */
    BiFunction<String, Executor, CompletableFuture<CacheEntry>> derivedLoader(
            String suffix, Function<Block<K, V>, ? extends CacheEntry> derive) {
        BlockCache cache = store.cache();
        return (key, executor) -> CompletableFuture.completedFuture(key.substring(0, key.length() - suffix.length()))
                .thenComposeAsync(blockKey -> cache.getAsync(blockKey, loader), executor)
                .thenApplyAsync(entry -> derive.apply(checked(entry)), executor);
    }

    /** Checks the name of a derived kind of entry ({@code what}: "view", "blocks"): non-empty, no '#' or '/'. */
    static void checkDerivedName(String what, String name) {
        if (name == null || name.isEmpty() || name.indexOf('#') >= 0 || name.indexOf('/') >= 0) {
            throw new IllegalArgumentException(what + " name must be non-empty without '#' or '/', got " + name);
        }
    }

    @SuppressWarnings("unchecked")
    Block<K, V> checked(CacheEntry entry) {
        Block<K, V> block = (Block<K, V>) entry;
        if (block.keyType() != keyType || block.valueType() != valueType) {
            throw new IllegalStateException("cached block holds " + block.keyType() + " -> " + block.valueType()
                    + ", expected " + keyType + " -> " + valueType);
        }
        return block;
    }

    private void prefetch(int b) {
        store.cache().getAsync(root.blockKeys[b], loader).exceptionally(e -> null);
    }

    /** Streams entries from a start position until the prefix changes or the upper bound is reached. */
    private final class Cursor implements Iterator<BlockfileEntry<K, V>> {
        private final String prefix;
        private final K to;
        private int blockIndex;
        private Block<K, V> block;
        private int pos;
        private int run = -1;
        private int runEnd;
        private boolean runMatches;
        private BlockfileEntry<K, V> next;
        /** The last block whose read this cursor started. */
        private int requestedThrough = -1;

        Cursor(String prefix, K from, K to) {
            this.prefix = prefix;
            this.to = to;
            if (root.blockCount() == 0) {
                return;
            }
            if (prefix == null) {
                blockIndex = 0;
            } else if (from == null) {
                blockIndex = root.blockForPrefix(prefix);
            } else {
                blockIndex = Math.max(0, root.blockFor(prefix, from));
            }
            enter(blockIndex);
            pos = prefix == null ? 0 : block.lowerBound(prefix, from);
        }

        private void enter(int b) {
            // Reads of the blocks ahead start before waiting for this one, so they overlap it.
            int last = Math.min(root.blockCount() - 1, b + readAhead);
            for (int ahead = Math.max(requestedThrough, b) + 1; ahead <= last; ahead++) {
                if (prefix != null && root.blockStartsAtOrAfter(ahead, prefix, to)) {
                    break;
                }
                prefetch(ahead);
                requestedThrough = ahead;
            }
            blockIndex = b;
            block = block(b);
            pos = 0;
            run = -1;
            runEnd = 0;
        }

        @Override
        public boolean hasNext() {
            if (next == null) {
                next = advance();
            }
            return next != null;
        }

        @Override
        public BlockfileEntry<K, V> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            BlockfileEntry<K, V> e = next;
            next = null;
            return e;
        }

        private BlockfileEntry<K, V> advance() {
            while (block != null) {
                if (pos < block.size()) {
                    if (pos >= runEnd) {
                        run = block.runOf(pos);
                        runEnd = block.runEnd(run);
                        runMatches = prefix == null || block.runPrefix(run).equals(prefix);
                    }
                    if (!runMatches) {
                        block = null;
                        return null;
                    }
                    K key = block.key(pos);
                    if (to != null && keyType.compare(key, to) >= 0) {
                        block = null;
                        return null;
                    }
                    BlockfileEntry<K, V> e = new BlockfileEntry<>(block.runPrefix(run), key, block.value(pos));
                    pos++;
                    return e;
                }
                int b = blockIndex + 1;
                if (b >= root.blockCount() || (prefix != null && root.blockStartsAtOrAfter(b, prefix, to))) {
                    block = null;
                    return null;
                }
                enter(b);
            }
            return null;
        }
    }

    /** A block decoded by a scan's own {@link BlockDecoder} as it was read; never put into the cache. */
    record Loaded<T>(T value) implements CacheEntry {
        @Override
        public long weight() {
            return 0;
        }
    }

    /**
     * Every block of the blockfile decoded: reads run a fixed number of blocks ahead, past the cache, each decoded
     * into the decoder's form as it arrives (holding that form instead of a cached block's copy of the values);
     * blocks found in the cache are decoded only {@link #DECODE_AHEAD} ahead (a decoded block is often larger than
     * the block, and whatever is in flight survives the young collections of a heap that the load is filling).
     */
    private final class DecodedBlockCursor<T> implements Iterator<T> {
        /** Blocks found in the cache, until they are decoded. */
        private final List<CompletableFuture<CacheEntry>> cached;

        private final List<CompletableFuture<T>> decodes;
        private final int window;
        private final BlockDecoder<K, V, T> decoder;
        private final BiFunction<String, Executor, CompletableFuture<CacheEntry>> decodingLoader;
        private final Executor decodeOn;
        private int read;
        private int decoded;
        private int next;

        DecodedBlockCursor(int window, BlockDecoder<K, V, T> decoder, Executor decodeOn) {
            this.window = window;
            this.decoder = decoder;
            this.decodingLoader = store.decodingLoader(keyType, valueType, decoder);
            this.decodeOn = decodeOn;
            this.cached = new ArrayList<>(Collections.nCopies(root.blockCount(), null));
            this.decodes = new ArrayList<>(Collections.nCopies(root.blockCount(), null));
            issue();
        }

        private void issue() {
            int readUntil = (int) Math.min(root.blockCount(), (long) next + window);
            while (read < readUntil) {
                String key = root.blockKeys[read];
                CompletableFuture<CacheEntry> present = store.cache().getIfPresent(key);
                if (present != null) {
                    cached.set(read, present);
                } else {
                    decodes.set(
                            read,
                            store.cache().readUncached(key, decodingLoader).thenApply(this::unwrap));
                }
                read++;
            }
            int decodeUntil = Math.min(read, next + DECODE_AHEAD);
            while (decoded < decodeUntil) {
                CompletableFuture<CacheEntry> block = cached.set(decoded, null);
                if (block != null) {
                    decodes.set(
                            decoded,
                            block.thenApplyAsync(entry -> BlockfileBlocks.decode(checked(entry), decoder), decodeOn));
                }
                decoded++;
            }
        }

        @SuppressWarnings("unchecked") // the decoding loader wraps what the decoder returns
        private T unwrap(CacheEntry entry) {
            return ((Loaded<T>) entry).value();
        }

        @Override
        public boolean hasNext() {
            return next < root.blockCount();
        }

        @Override
        public T next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            CompletableFuture<T> load = decodes.set(next, null);
            next++;
            issue();
            return BlockCache.join(load);
        }
    }

    /** Streams every entry of the blockfile, reading ahead a fixed number of blocks past the cache. */
    private final class BulkCursor implements Iterator<BlockfileEntry<K, V>> {
        private final List<CompletableFuture<CacheEntry>> loads;
        private final int window;
        private int issued;
        private int blockIndex = -1;
        private Block<K, V> block;
        private int pos;
        private int run = -1;
        private int runEnd;

        BulkCursor(int window) {
            this.window = window;
            this.loads = new ArrayList<>(Collections.nCopies(root.blockCount(), null));
            issue();
        }

        private void issue() {
            int until = (int) Math.min(root.blockCount(), (long) blockIndex + 1 + window);
            while (issued < until) {
                loads.set(issued, store.cache().getUncached(root.blockKeys[issued], loader));
                issued++;
            }
        }

        @Override
        public boolean hasNext() {
            while (block == null || pos >= block.size()) {
                if (blockIndex + 1 >= root.blockCount()) {
                    block = null;
                    return false;
                }
                blockIndex++;
                CompletableFuture<CacheEntry> load = loads.set(blockIndex, null);
                issue();
                block = checked(BlockCache.join(load));
                pos = 0;
                run = -1;
                runEnd = 0;
            }
            return true;
        }

        @Override
        public BlockfileEntry<K, V> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            if (pos >= runEnd) {
                run = block.runOf(pos);
                runEnd = block.runEnd(run);
            }
            BlockfileEntry<K, V> e = new BlockfileEntry<>(block.runPrefix(run), block.key(pos), block.value(pos));
            pos++;
            return e;
        }
    }
}
