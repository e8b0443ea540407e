package dev.chromaj.blockstore;

import dev.chromaj.annotations.Internal;
import java.util.AbstractList;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Builds a new blockfile version: {@link #set} and {@link #delete} in any order, then {@link #commit()}.
 *
 * <p>A writer from {@link BlockfileStore#fork} starts from an existing root. Its commit rewrites only the blocks
 * whose key range received a change (consecutive changed blocks are merged and re-cut; a result under a quarter of the
 * maximum block size also absorbs one unchanged neighbour so that deletes do not leave slivers) and shares every other block by id. Nothing of the
 * parent is modified. Blocks are encoded and uploaded in parallel, then the root is written: the version exists once
 * {@code commit} returns.
 *
 * <p>{@code set} and {@code delete} append to a change log (three array stores, no per-call sorting or hashing);
 * {@code commit} sorts the log once, stably, and keeps the last change of each entry.
 *
 * <p>Not thread-safe: one thread uses a writer. A writer commits once.
 */
@Internal
public final class BlockfileWriter<K, V> {
    private static final Object TOMBSTONE = new Object();
    /** Parent blocks a fork loads ahead of the one it merges. */
    static final int FORK_BLOCKS_IN_FLIGHT = 8;
    /** New blocks of a fork being encoded or uploaded at once. */
    static final int UPLOADS_IN_FLIGHT = 8;

    private final BlockfileStore store;
    private final String dir;
    private final KeyType<K> keyType;
    private final ValueType<V> valueType;
    private final RootIndex base;
    /** Parent blocks this fork found decoded in the memory cache: their replacements are written through to it. */
    private final java.util.Set<Integer> cachedParents = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Parent blocks this fork found in the cache's encoded tier only. */
    private final java.util.Set<Integer> encodedParents = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The change log in call order: prefix, key, and the value or {@link #TOMBSTONE}. */
    private final Entries log = new Entries(64);

    private boolean committed;

    BlockfileWriter(BlockfileStore store, String dir, KeyType<K> keyType, ValueType<V> valueType, RootIndex base) {
        this.store = store;
        this.dir = dir;
        this.keyType = keyType;
        this.valueType = valueType;
        this.base = base;
    }

    /** Sets the value of (prefix, key), replacing any earlier value. */
    public void set(String prefix, K key, V value) {
        ensureOpen();
        String p = Utf8Order.checkWellFormed("prefix", prefix);
        K k = keyType.check("key", key);
        V v = valueType.check("value", value);
        append(p, k, v);
    }

    /**
     * Sets the value of (prefix, key) to {@code value.apply(key)}, computed only when the commit writes the block
     * that holds it, so the change log holds no value (pass one {@link Computed} for many keys). The function must
     * give the same value whenever it is called until {@link #commit()} returns; it runs on the committing thread.
     */
    public void setComputed(String prefix, K key, Computed<K, V> value) {
        ensureOpen();
        String p = Utf8Order.checkWellFormed("prefix", prefix);
        K k = keyType.check("key", key);
        append(p, k, Objects.requireNonNull(value, "value"));
    }

    /** Values computed from their keys when written (see {@link #setComputed}). */
    public static final class Computed<K, V> {
        private final Function<? super K, ? extends V> function;

        private Computed(Function<? super K, ? extends V> function) {
            this.function = function;
        }

        /** Values computed by {@code function} from their keys. */
        public static <K, V> Computed<K, V> of(Function<? super K, ? extends V> function) {
            return new Computed<>(Objects.requireNonNull(function, "function"));
        }
    }

    /** {@code value} itself, or the value it computes for {@code key}. */
    @SuppressWarnings("unchecked")
    private Object resolve(Object key, Object value) {
        if (value instanceof Computed<?, ?> computed) {
            return valueType.check("value", ((Computed<K, V>) computed).function.apply((K) key));
        }
        return value;
    }

    /** Deletes (prefix, key); deleting an absent entry is a no-op. */
    public void delete(String prefix, K key) {
        ensureOpen();
        String p = Utf8Order.checkWellFormed("prefix", prefix);
        K k = keyType.check("key", key);
        append(p, k, TOMBSTONE);
    }

    private void append(String prefix, Object key, Object value) {
        log.add(prefix, key, value);
    }

    /** Number of accepted set and delete calls so far. */
    public int pendingChanges() {
        return log.size;
    }

    /**
     * Uploads the new blocks (in parallel), then the root.
     *
     * @throws dev.chromaj.storage.ObjectStorageException when an upload fails; no root is written then
     */
    public BlockfileRoot commit() {
        ensureOpen();
        committed = true;
        boolean fork = base != null && base.blockCount() > 0;
        Entries changes = sortedChanges(!fork);
        log.release();

        List<RootIndex.BlockRef<K>> refs = fork ? writeFork(changes) : writeNew(changes);

        UUID rootId = UUID.randomUUID();
        long maxBlockBytes = store.options().maxBlockBytes(valueType);
        byte[] rootBytes = RootIndex.encode(
                store.allocator(),
                keyType,
                valueType,
                maxBlockBytes,
                refs,
                store.options().rootCompression());
        store.storage().put(BlockfileStore.rootKey(dir, rootId), rootBytes);
        RootIndex root = rootIndex(rootId, maxBlockBytes, refs, rootBytes.length);
        store.cacheRoot(root);
        return root.toRoot();
    }

    // ------------------------------------------------------------------------------------------- sorting

    @SuppressWarnings("unchecked")
    private int compareLog(int a, int b) {
        int c = Utf8Order.compare(log.prefixes[a], log.prefixes[b]);
        return c != 0 ? c : keyType.compare((K) log.keys[a], (K) log.keys[b]);
    }

    /** An order of log indices. */
    private interface LogOrder {
        int compare(int a, int b);
    }

    /** The log sorted by (prefix, key), one change per entry (the last); tombstones dropped when asked. */
    private Entries sortedChanges(boolean dropTombstones) {
        int n = log.size;
        int[] order = new int[n];
        boolean sorted = true;
        for (int i = 0; i < n; i++) {
            order[i] = i;
            if (sorted && i > 0 && compareLog(i - 1, i) > 0) {
                sorted = false;
            }
        }
        LogOrder same = this::compareLog;
        if (!sorted) {
            same = sortLog(order);
        }
        Entries out = new Entries(n);
        for (int i = 0; i < n; i++) {
            int at = order[i];
            if (i + 1 < n && same.compare(at, order[i + 1]) == 0) {
                continue; // a later change of the same entry wins (the sort is stable)
            }
            if (dropTombstones && log.values[at] == TOMBSTONE) {
                continue;
            }
            // A new blockfile cuts and encodes all its entries at once: computed values are computed here.
            out.add(
                    log.prefixes[at],
                    log.keys[at],
                    dropTombstones ? resolve(log.keys[at], log.values[at]) : log.values[at]);
        }
        return out;
    }

    /**
     * Sorts log indices stably by (prefix, key) and returns the order used. Numeric keys are sorted on primitive
     * copies (ranks of the prefixes, sort bits of the keys): comparing boxed keys scattered over the heap costs a
     * cache miss per comparison. A single prefix with 32-bit keys packs (key, index) into one long and uses
     * {@link Arrays#sort(long[])}.
     */
    @SuppressWarnings("unchecked")
    private LogOrder sortLog(int[] order) {
        int n = order.length;
        if (!keyType.hasSortBits()) {
            mergeSort(order, new int[n], 0, n, this::compareLog);
            return this::compareLog;
        }
        long[] bits = new long[n];
        for (int i = 0; i < n; i++) {
            bits[i] = keyType.sortBits((K) log.keys[i]);
        }
        int[] ranks = prefixRanks(n);
        if (ranks == null && keyType.sortBitsFit32()) {
            long[] packed = new long[n];
            for (int i = 0; i < n; i++) {
                packed[i] = ((bits[i] - 0x80000000L) << 32) | i;
            }
            Arrays.sort(packed);
            for (int i = 0; i < n; i++) {
                order[i] = (int) packed[i];
            }
            return (a, b) -> Long.compare(bits[a], bits[b]);
        }
        LogOrder primitive = ranks == null
                ? (a, b) -> Long.compare(bits[a], bits[b])
                : (a, b) -> ranks[a] != ranks[b] ? Integer.compare(ranks[a], ranks[b]) : Long.compare(bits[a], bits[b]);
        mergeSort(order, new int[n], 0, n, primitive);
        return primitive;
    }

    /** Each log entry's prefix rank in the prefix order, or null when every entry has the same prefix. */
    private int[] prefixRanks(int n) {
        String first = log.prefixes[0];
        boolean single = true;
        for (int i = 1; i < n && single; i++) {
            single = log.prefixes[i].equals(first);
        }
        if (single) {
            return null;
        }
        Map<String, Integer> rank = new HashMap<>();
        for (int i = 0; i < n; i++) {
            rank.putIfAbsent(log.prefixes[i], 0);
        }
        String[] distinct = rank.keySet().toArray(new String[0]);
        Arrays.sort(distinct, Utf8Order::compare);
        for (int r = 0; r < distinct.length; r++) {
            rank.put(distinct[r], r);
        }
        int[] ranks = new int[n];
        String last = null;
        int lastRank = 0;
        for (int i = 0; i < n; i++) {
            String p = log.prefixes[i];
            if (!p.equals(last)) {
                last = p;
                lastRank = rank.get(p);
            }
            ranks[i] = lastRank;
        }
        return ranks;
    }

    /** Stable merge sort of log indices. */
    private static void mergeSort(int[] a, int[] tmp, int from, int to, LogOrder cmp) {
        if (to - from <= 16) {
            for (int i = from + 1; i < to; i++) {
                int x = a[i];
                int j = i - 1;
                while (j >= from && cmp.compare(a[j], x) > 0) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = x;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(a, tmp, from, mid, cmp);
        mergeSort(a, tmp, mid, to, cmp);
        if (cmp.compare(a[mid - 1], a[mid]) <= 0) {
            return;
        }
        System.arraycopy(a, from, tmp, from, to - from);
        int i = from;
        int j = mid;
        for (int k = from; k < to; k++) {
            if (j >= to || (i < mid && cmp.compare(tmp[i], tmp[j]) <= 0)) {
                a[k] = tmp[i++];
            } else {
                a[k] = tmp[j++];
            }
        }
    }

    /** Entries in parallel arrays: prefix, key, value (or tombstone); the change log in call order, or sorted. */
    private final class Entries implements Sink {
        private String[] prefixes;
        private Object[] keys;
        private Object[] values;
        private int size;

        Entries(int capacity) {
            capacity = Math.max(8, capacity);
            prefixes = new String[capacity];
            keys = new Object[capacity];
            values = new Object[capacity];
        }

        /** Drops the references of entries {@code [from, to)}, which are no longer needed. */
        void clear(int from, int to) {
            Arrays.fill(prefixes, from, to, null);
            Arrays.fill(keys, from, to, null);
            Arrays.fill(values, from, to, null);
        }

        /** Frees the arrays once they are no longer needed; {@link #size} stays what it was. */
        void release() {
            prefixes = null;
            keys = null;
            values = null;
        }

        @Override
        public void add(String prefix, Object key, Object value) {
            if (size == keys.length) {
                int capacity = size * 2;
                prefixes = Arrays.copyOf(prefixes, capacity);
                keys = Arrays.copyOf(keys, capacity);
                values = Arrays.copyOf(values, capacity);
            }
            prefixes[size] = prefix;
            keys[size] = key;
            values[size] = value;
            size++;
        }

        @SuppressWarnings("unchecked")
        K key(int i) {
            return (K) keys[i];
        }

        long size(int i) {
            return entrySize(prefixes[i], keys[i], values[i]);
        }
    }

    /** A new block to write: entries {@code [from, to)}. */
    private record Chunk(BlockfileWriter<?, ?>.Entries entries, int from, int to) {}

    // ------------------------------------------------------------------------------------------- forks

    /**
     * Writes the fork in two passes. The first decides which parent blocks are rewritten: the blocks with changes,
     * plus the neighbours absorbed by small runs; it needs only the size of each merged run, and stops reading a run
     * once it is too large to absorb anything. The second merges each run of rewritten blocks block by block and
     * uploads every new block as soon as it is cut: at most two cut blocks, {@link #FORK_BLOCKS_IN_FLIGHT} parent
     * blocks and {@link #UPLOADS_IN_FLIGHT} uploads are held at once, not the merged entries of every changed block.
     * Changes are released as they are merged. The blocks written are the ones a single merge of each whole run would
     * cut.
     */
    private List<RootIndex.BlockRef<K>> writeFork(Entries changes) {
        int blocks = base.blockCount();
        // Changes are sorted, so the blocks they fall into are non-decreasing: record each block's change range.
        int[] changeFrom = new int[blocks];
        int[] changeTo = new int[blocks];
        boolean[] changed = new boolean[blocks];
        boolean[] touched = new boolean[blocks];
        for (int j = 0; j < changes.size; j++) {
            int b = Math.max(0, base.blockFor(changes.prefixes[j], changes.key(j)));
            if (!changed[b]) {
                changed[b] = true;
                touched[b] = true;
                changeFrom[b] = j;
            }
            changeTo[b] = j + 1;
        }
        BiFunction<String, Executor, CompletableFuture<CacheEntry>> loader = store.blockLoader(keyType, valueType);
        long maxBlockBytes = store.options().maxBlockBytes(valueType);
        // Pass 1: the rewritten blocks. A run's merged size depends only on its blocks, so it is computed once.
        Map<Long, Long> runBytes = new HashMap<>();
        boolean again;
        do {
            again = false;
            int i = 0;
            while (i < blocks) {
                if (!changed[i]) {
                    i++;
                    continue;
                }
                int end = i;
                boolean onlyTouched = touched[i];
                while (end + 1 < blocks && changed[end + 1]) {
                    end++;
                    onlyTouched &= touched[end];
                }
                if (onlyTouched) {
                    int from = i;
                    int to = end;
                    long bytes = runBytes.computeIfAbsent(
                            (long) from * blocks + to,
                            k -> mergedBytes(from, to, changes, changeFrom, changeTo, loader, maxBlockBytes / 4));
                    // Absorb at most one neighbour per run of touched blocks: a fork rewrites only touched blocks and
                    // their direct neighbours, never a chain. -1: the run merges to nothing.
                    if (bytes >= 0 && bytes < maxBlockBytes / 4) {
                        int neighbour = end + 1 < blocks && !changed[end + 1]
                                ? end + 1
                                : (i - 1 >= 0 && !changed[i - 1] ? i - 1 : -1);
                        if (neighbour >= 0 && bytes + base.blockBytes[neighbour] < maxBlockBytes) {
                            changed[neighbour] = true;
                            changeFrom[neighbour] = 0;
                            changeTo[neighbour] = 0;
                            // runs are found again from the start, as the neighbour may join the run before
                            again = true;
                            break;
                        }
                    }
                }
                i = end + 1;
            }
        } while (again);

        // Pass 2: merge, cut and upload run by run.
        Prefetch loads = new Prefetch(changed, loader);
        Uploads uploads = new Uploads();
        int i = 0;
        while (i < blocks) {
            if (!changed[i]) {
                uploads.keep(new RootIndex.BlockRef<>(
                        base.firstPrefixes[i], firstKey(i), base.blockIds[i], base.count(i), base.blockBytes[i]));
                i++;
                continue;
            }
            int end = i;
            while (end + 1 < blocks && changed[end + 1]) {
                end++;
            }
            Cutter cutter = new Cutter(maxBlockBytes, uploads);
            for (int b = i; b <= end; b++) {
                merge(loads.take(b), changes, changeFrom[b], changeTo[b], cutter);
                changes.clear(changeFrom[b], changeTo[b]);
            }
            cutter.finish();
            i = end + 1;
        }
        return uploads.finish();
    }

    /**
     * The bytes of the parent's blocks {@code [from, to]} merged with their changes, reading blocks only until the
     * sum reaches {@code enough} (then a value {@code >= enough}); -1 when the run merges to no entry.
     */
    private long mergedBytes(
            int from,
            int to,
            Entries changes,
            int[] changeFrom,
            int[] changeTo,
            BiFunction<String, Executor, CompletableFuture<CacheEntry>> loader,
            long enough) {
        Counter counter = new Counter();
        for (int b = from; b <= to && counter.bytes < enough; b++) {
            @SuppressWarnings("unchecked")
            Block<K, V> block = (Block<K, V>) BlockCache.join(parentBlock(b, loader));
            merge(block, changes, changeFrom[b], changeTo[b], counter);
        }
        return counter.entries == 0 ? -1 : counter.bytes;
    }

    /** Where {@link #merge} puts the merged entries. */
    private interface Sink {
        void add(String prefix, Object key, Object value);
    }

    /** Counts merged entries and their bytes. */
    private final class Counter implements Sink {
        long bytes;
        long entries;

        @Override
        public void add(String prefix, Object key, Object value) {
            bytes += entrySize(prefix, key, value);
            entries++;
        }
    }

    @SuppressWarnings("unchecked")
    private long entrySize(String prefix, Object key, Object value) {
        return 6L + Utf8Order.utf8Length(prefix) + keyType.encodedSize((K) key) + valueType.encodedSize((V) value);
    }

    /**
     * Cuts entries into blocks as they arrive (the merged entries of one fork run, or a new blockfile's): greedy
     * blocks of at most the maximum size, and a last block under a quarter of it takes half of its predecessor's
     * bytes. A block is uploaded once the next one has started and a third one starts, so only the
     * last two are held.
     */
    private final class Cutter implements Sink {
        private final long max;
        private final Uploads uploads;
        /** The complete block before {@link #current}, held back for the final split; or null. */
        private Entries pending;

        private Entries current = new Entries(0);
        private long currentBytes;

        Cutter(long max, Uploads uploads) {
            this.max = max;
            this.uploads = uploads;
        }

        @Override
        public void add(String prefix, Object key, Object value) {
            long size = entrySize(prefix, key, value);
            if (currentBytes > 0 && currentBytes + size > max) {
                if (pending != null) {
                    uploads.upload(new Chunk(pending, 0, pending.size));
                }
                pending = current;
                current = new Entries(0);
                currentBytes = 0;
            }
            current.add(prefix, key, value);
            currentBytes += size;
        }

        void finish() {
            if (pending != null && currentBytes < max / 4) {
                // a cut never leaves a sliver: the small last block takes half of its predecessor's bytes
                Entries both = new Entries(pending.size + current.size);
                long total = 0;
                for (Entries part : List.of(pending, current)) {
                    for (int e = 0; e < part.size; e++) {
                        both.add(part.prefixes[e], part.keys[e], part.values[e]);
                        total += part.size(e);
                    }
                }
                long half = 0;
                int split = 0;
                while (split < both.size - 1 && half + both.size(split) <= total / 2) {
                    half += both.size(split++);
                }
                split = Math.max(1, split);
                uploads.upload(new Chunk(both, 0, split));
                uploads.upload(new Chunk(both, split, both.size));
            } else {
                if (pending != null) {
                    uploads.upload(new Chunk(pending, 0, pending.size));
                }
                if (current.size > 0) {
                    uploads.upload(new Chunk(current, 0, current.size));
                }
            }
            pending = null;
            current = null;
        }
    }

    /**
     * The new root's blocks in order: kept parent blocks and uploads, at most {@link #UPLOADS_IN_FLIGHT} (or the
     * store's upload parallelism, if larger) of these running (or queued) at once. The first failure stops new
     * uploads and is thrown by {@link #finish()} once the running ones have ended.
     */
    private final class Uploads {
        private final List<CompletableFuture<RootIndex.BlockRef<K>>> refs = new ArrayList<>();
        private final ArrayDeque<CompletableFuture<RootIndex.BlockRef<K>>> running = new ArrayDeque<>();
        private RuntimeException failure;

        void keep(RootIndex.BlockRef<K> ref) {
            refs.add(CompletableFuture.completedFuture(ref));
        }

        void upload(Chunk chunk) {
            while (running.size() >= Math.max(UPLOADS_IN_FLIGHT, store.options().uploadParallelism())) {
                await(running.poll());
            }
            if (failure != null) {
                return;
            }
            CompletableFuture<RootIndex.BlockRef<K>> f =
                    CompletableFuture.supplyAsync(() -> encodeAndPut(chunk), store.uploads());
            refs.add(f);
            running.add(f);
        }

        private void await(CompletableFuture<RootIndex.BlockRef<K>> f) {
            try {
                BlockCache.join(f);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }

        List<RootIndex.BlockRef<K>> finish() {
            while (!running.isEmpty()) {
                await(running.poll());
            }
            if (failure != null) {
                throw failure;
            }
            List<RootIndex.BlockRef<K>> out = new ArrayList<>(refs.size());
            for (CompletableFuture<RootIndex.BlockRef<K>> f : refs) {
                out.add(BlockCache.join(f));
            }
            return out;
        }
    }

    /**
     * Loads of the changed blocks, issued in order at most {@link #FORK_BLOCKS_IN_FLIGHT} ahead of the block being
     * merged. A block taken is no longer referenced here: once merged it can be collected (the cache may keep it).
     */
    private final class Prefetch {
        private final boolean[] changed;
        private final BiFunction<String, Executor, CompletableFuture<CacheEntry>> loader;
        private final List<CompletableFuture<CacheEntry>> loads;
        private int next;
        private int inFlight;

        Prefetch(boolean[] changed, BiFunction<String, Executor, CompletableFuture<CacheEntry>> loader) {
            this.changed = changed;
            this.loader = loader;
            this.loads = new ArrayList<>(Collections.nCopies(changed.length, null));
        }

        /** The parent's block {@code b} (a changed block), waiting for its load. */
        @SuppressWarnings("unchecked")
        Block<K, V> take(int b) {
            while (next < changed.length && (next <= b || inFlight < FORK_BLOCKS_IN_FLIGHT)) {
                if (changed[next]) {
                    loads.set(next, parentBlock(next, loader));
                    inFlight++;
                }
                next++;
            }
            CompletableFuture<CacheEntry> load = loads.set(b, null);
            inFlight--;
            return (Block<K, V>) BlockCache.join(load);
        }
    }

    /**
     * The parent's block {@code b}, which this fork replaces: from the memory cache when it is there (remembered in
     * {@link #cachedParents}, for the write-through of its replacement), else read past the memory tier. A compaction
     * reads every block it rewrites once; caching them would evict what queries need for blocks that the new version
     * no longer references.
     */
    private CompletableFuture<CacheEntry> parentBlock(
            int b, BiFunction<String, Executor, CompletableFuture<CacheEntry>> loader) {
        CompletableFuture<CacheEntry> cached = store.cache().peek(base.blockKeys[b]);
        if (cached != null) {
            cachedParents.add(b);
            return cached;
        }
        if (store.cache().holdsEncoded(base.blockKeys[b])) {
            encodedParents.add(b);
        }
        return store.cache().readPast(base.blockKeys[b], loader);
    }

    @SuppressWarnings("unchecked")
    private K firstKey(int block) {
        return (K) base.firstKeys.get(block);
    }

    /** Appends the block's entries with changes {@code [from, to)} applied (both sorted) to {@code out}. */
    private void merge(Block<K, V> block, Entries changes, int from, int to, Sink out) {
        int n = block.size();
        int i = 0;
        int j = from;
        int run = 0;
        while (i < n || j < to) {
            if (i < n) {
                while (i >= block.runEnd(run)) {
                    run++;
                }
            }
            int c;
            if (i >= n) {
                c = 1;
            } else if (j >= to) {
                c = -1;
            } else {
                c = block.compareAt(i, changes.prefixes[j], changes.key(j));
            }
            if (c < 0) {
                out.add(block.runPrefix(run), block.key(i), block.value(i));
                i++;
            } else {
                if (changes.values[j] != TOMBSTONE) {
                    out.add(changes.prefixes[j], changes.keys[j], resolve(changes.keys[j], changes.values[j]));
                }
                j++;
                if (c == 0) {
                    i++;
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------- cutting

    /** Writes a new blockfile's sorted live entries in blocks cut by {@link Cutter}, uploading as it goes. */
    private List<RootIndex.BlockRef<K>> writeNew(Entries entries) {
        Uploads uploads = new Uploads();
        Cutter cutter = new Cutter(store.options().maxBlockBytes(valueType), uploads);
        for (int e = 0; e < entries.size; e++) {
            cutter.add(entries.prefixes[e], entries.keys[e], entries.values[e]);
        }
        cutter.finish();
        return uploads.finish();
    }

    // ------------------------------------------------------------------------------------------- writing

    @SuppressWarnings("unchecked")
    private RootIndex.BlockRef<K> encodeAndPut(Chunk chunk) {
        Entries entries = (Entries) chunk.entries();
        int from = chunk.from();
        int n = chunk.to() - from;
        long estimate = 0;
        for (int i = from; i < chunk.to(); i++) {
            estimate += entries.size(i);
        }
        List<String> prefixes = Arrays.asList(entries.prefixes).subList(from, chunk.to());
        List<K> keys = slice(entries.keys, from, n);
        List<V> values = slice(entries.values, from, n);
        byte[] bytes = BlockCodec.encode(
                store.allocator(),
                keyType,
                valueType,
                prefixes,
                keys,
                values,
                estimate,
                store.options().compression(valueType));
        UUID id = UUID.randomUUID();
        String blockKey = BlockfileStore.blockKey(dir, id);
        store.storage().put(blockKey, bytes);
        writeThrough(blockKey, bytes, prefixes, keys);
        return new RootIndex.BlockRef<>(prefixes.get(0), keys.get(0), id, n, bytes.length);
    }

    /**
     * Puts the new block {@code blockKey} of a fork into the memory cache when a parent block its keys come from was
     * cached (its stored bytes into the encoded tier, and the decoded block when the parent was held decoded): the
     * new version's readers then find in memory what they found in the parent's, instead of reading the rewritten
     * blocks again. Bounded by what was cached.
     */
    private void writeThrough(String blockKey, byte[] bytes, List<String> prefixes, List<K> keys) {
        if (base == null) {
            return;
        }
        int n = keys.size();
        int first = base.blockFor(prefixes.get(0), keys.get(0));
        int last = base.blockFor(prefixes.get(n - 1), keys.get(n - 1));
        boolean decoded = false;
        boolean encoded = false;
        for (int b = Math.max(0, first); b <= last; b++) {
            decoded |= cachedParents.contains(b);
            encoded |= encodedParents.contains(b);
        }
        if (decoded || encoded) {
            store.cache().putEncoded(blockKey, bytes);
        }
        if (decoded) {
            store.cache()
                    .put(
                            blockKey,
                            store.whileOpen(
                                    () -> BlockCodec.decode(blockKey, bytes, keyType, valueType, store.allocator())));
        }
    }

    /** A read-only typed view of {@code array[from, from + n)}. */
    private static <T> List<T> slice(Object[] array, int from, int n) {
        return new AbstractList<>() {
            @Override
            @SuppressWarnings("unchecked")
            public T get(int i) {
                return (T) array[from + i];
            }

            @Override
            public int size() {
                return n;
            }
        };
    }

    private RootIndex rootIndex(UUID rootId, long maxBlockBytes, List<RootIndex.BlockRef<K>> refs, long rootBytes) {
        int n = refs.size();
        String[] prefixes = new String[n];
        List<K> firstKeys = new ArrayList<>(n);
        UUID[] ids = new UUID[n];
        long[] counts = new long[n];
        long[] bytes = new long[n];
        for (int i = 0; i < n; i++) {
            RootIndex.BlockRef<K> r = refs.get(i);
            prefixes[i] = r.firstPrefix();
            firstKeys.add(r.firstKey());
            ids[i] = r.id();
            counts[i] = r.count();
            bytes[i] = r.bytes();
        }
        return new RootIndex(
                rootId,
                dir,
                keyType,
                valueType,
                maxBlockBytes,
                prefixes,
                KeyColumn.of(keyType, firstKeys),
                ids,
                counts,
                bytes,
                rootBytes);
    }

    /** The first keys of a freshly written root, without a round trip through Arrow. */
    private void ensureOpen() {
        if (committed) {
            throw new IllegalStateException("this BlockfileWriter has committed; fork the new root to change it");
        }
    }
}
