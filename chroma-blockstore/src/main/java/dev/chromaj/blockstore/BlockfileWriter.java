package dev.chromaj.blockstore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;

/**
 * Builds a new blockfile version: {@link #set} and {@link #delete} in any order, then {@link #commit()}.
 *
 * <p>A writer from {@link BlockfileStore#fork} starts from an existing root. Its commit rewrites only the blocks
 * whose key range received a change (consecutive changed blocks are merged and re-cut; a result under a quarter of the
 * maximum block size also absorbs one unchanged neighbour so that deletes do not leave slivers) and shares every other block by id. Nothing of the
 * parent is modified. Blocks are encoded and uploaded in parallel, then the root is written: the version exists once
 * {@code commit} returns.
 *
 * <p>Not thread-safe: one thread uses a writer. A writer commits once.
 */
public final class BlockfileWriter<K, V> {
    private static final Object TOMBSTONE = new Object();

    private final BlockfileStore store;
    private final String dir;
    private final KeyType<K> keyType;
    private final ValueType<V> valueType;
    private final RootIndex base;
    /** Pending changes: the value, or {@link #TOMBSTONE} for a delete of a base entry. */
    private final HashMap<EntryKey<K>, Object> changes = new HashMap<>();
    private final Comparator<EntryKey<K>> order;
    private boolean committed;

    record EntryKey<K>(String prefix, K key) {
    }

    BlockfileWriter(BlockfileStore store, String dir, KeyType<K> keyType, ValueType<V> valueType, RootIndex base) {
        this.store = store;
        this.dir = dir;
        this.keyType = keyType;
        this.valueType = valueType;
        this.base = base;
        this.order = (a, b) -> {
            int c = Utf8Order.compare(a.prefix, b.prefix);
            return c != 0 ? c : keyType.compare(a.key, b.key);
        };
    }

    /** Sets the value of (prefix, key), replacing any earlier value. */
    public void set(String prefix, K key, V value) {
        ensureOpen();
        EntryKey<K> k = new EntryKey<>(Utf8Order.checkWellFormed("prefix", prefix), keyType.check("key", key));
        changes.put(k, valueType.check("value", value));
    }

    /** Deletes (prefix, key); deleting an absent entry is a no-op. */
    public void delete(String prefix, K key) {
        ensureOpen();
        EntryKey<K> k = new EntryKey<>(Utf8Order.checkWellFormed("prefix", prefix), keyType.check("key", key));
        if (base == null || base.blockCount() == 0) {
            changes.remove(k);
        } else {
            changes.put(k, TOMBSTONE);
        }
    }

    /** Number of pending sets and deletes. */
    public int pendingChanges() {
        return changes.size();
    }

    /**
     * Uploads the new blocks (in parallel), then the root.
     *
     * @throws dev.chromaj.storage.StorageException when an upload fails; no root is written then
     */
    public BlockfileRoot commit() {
        ensureOpen();
        committed = true;
        @SuppressWarnings("unchecked")
        Map.Entry<EntryKey<K>, Object>[] sorted = changes.entrySet().toArray(new Map.Entry[0]);
        changes.clear();
        Arrays.sort(sorted, (a, b) -> order.compare(a.getKey(), b.getKey()));
        List<Map.Entry<EntryKey<K>, Object>> sortedChanges = Arrays.asList(sorted);

        List<Object> plan = new ArrayList<>(); // RootIndex.BlockRef (kept) or List<Map.Entry> (new block)
        if (base == null || base.blockCount() == 0) {
            plan.addAll(cut(sortedChanges));
        } else {
            planFork(sortedChanges, plan);
        }
        List<RootIndex.BlockRef<K>> refs = upload(plan);

        UUID rootId = UUID.randomUUID();
        long maxBlockBytes = store.options().maxBlockBytes();
        byte[] rootBytes = RootIndex.encode(store.allocator(), keyType, valueType, maxBlockBytes, refs);
        store.storage().put(BlockfileStore.rootKey(dir, rootId), rootBytes);
        RootIndex root = rootIndex(rootId, maxBlockBytes, refs, rootBytes.length);
        store.cacheRoot(root);
        return root.toRoot();
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
        return new RootIndex(rootId, dir, keyType, valueType, maxBlockBytes, prefixes,
                new FirstKeys<>(firstKeys, keyType), ids, counts, bytes, rootBytes);
    }

    /** The first keys of a freshly written root, without a round trip through Arrow. */
    private static final class FirstKeys<K> extends KeyColumn<K> {
        private final List<K> keys;
        private final KeyType<K> type;

        FirstKeys(List<K> keys, KeyType<K> type) {
            this.keys = keys;
            this.type = type;
        }

        @Override
        int size() {
            return keys.size();
        }

        @Override
        K get(int i) {
            return keys.get(i);
        }

        @Override
        int compareAt(int i, K key) {
            return type.compare(keys.get(i), key);
        }

        @Override
        long weight() {
            return 16L + 24L * keys.size();
        }
    }

    private void planFork(List<Map.Entry<EntryKey<K>, Object>> sortedChanges, List<Object> plan) {
        int blocks = base.blockCount();
        // Changes are sorted, so the blocks they fall into are non-decreasing: record each block's change range.
        int[] changeFrom = new int[blocks];
        int[] changeTo = new int[blocks];
        boolean[] changed = new boolean[blocks];
        boolean[] touched = new boolean[blocks];
        for (int j = 0; j < sortedChanges.size(); j++) {
            EntryKey<K> k = sortedChanges.get(j).getKey();
            int b = Math.max(0, base.blockFor(k.prefix, k.key));
            if (!changed[b]) {
                changed[b] = true;
                touched[b] = true;
                changeFrom[b] = j;
            }
            changeTo[b] = j + 1;
        }
        BiFunction<String, Executor, CompletableFuture<CacheEntry>> loader = store.blockLoader(keyType, valueType);
        long maxBlockBytes = store.options().maxBlockBytes();
        List<Object> attempt;
        boolean again;
        do {
            again = false;
            attempt = new ArrayList<>();
            List<CompletableFuture<CacheEntry>> loads = new ArrayList<>(blocks);
            for (int i = 0; i < blocks; i++) {
                loads.add(changed[i] ? store.cache().getAsync(base.blockKeys[i], loader) : null);
            }
            int i = 0;
            while (i < blocks) {
                if (!changed[i]) {
                    attempt.add(new RootIndex.BlockRef<>(base.firstPrefixes[i], firstKey(i), base.blockIds[i],
                            base.count(i), base.blockBytes[i]));
                    i++;
                    continue;
                }
                int end = i;
                while (end + 1 < blocks && changed[end + 1]) {
                    end++;
                }
                List<Map.Entry<EntryKey<K>, Object>> merged = new ArrayList<>();
                for (int b = i; b <= end; b++) {
                    @SuppressWarnings("unchecked")
                    Block<K, V> block = (Block<K, V>) BlockCache.join(loads.get(b));
                    merge(block, sortedChanges.subList(changeFrom[b], changeTo[b]), merged);
                }
                long bytes = 0;
                boolean onlyTouched = true;
                for (int b = i; b <= end; b++) {
                    onlyTouched &= touched[b];
                }
                for (Map.Entry<EntryKey<K>, Object> e : merged) {
                    bytes += entrySize(e);
                }
                // Absorb at most one neighbour per run of touched blocks: a fork rewrites only touched blocks and
                // their direct neighbours, never a chain.
                if (onlyTouched && !merged.isEmpty() && bytes < maxBlockBytes / 4) {
                    int neighbour = end + 1 < blocks && !changed[end + 1] ? end + 1
                            : (i - 1 >= 0 && !changed[i - 1] ? i - 1 : -1);
                    if (neighbour >= 0 && bytes + base.blockBytes[neighbour] < maxBlockBytes) {
                        changed[neighbour] = true;
                        changeFrom[neighbour] = 0;
                        changeTo[neighbour] = 0;
                        again = true;
                    }
                }
                attempt.addAll(cut(merged));
                i = end + 1;
            }
        } while (again);
        plan.addAll(attempt);
    }

    @SuppressWarnings("unchecked")
    private K firstKey(int block) {
        return (K) base.firstKeys.get(block);
    }

    /** Appends the block's entries with the changes applied (both sorted) to {@code out}. */
    private void merge(Block<K, V> block, List<Map.Entry<EntryKey<K>, Object>> changes,
                       List<Map.Entry<EntryKey<K>, Object>> out) {
        int n = block.size();
        int i = 0;
        int j = 0;
        int run = 0;
        while (i < n || j < changes.size()) {
            if (i < n) {
                while (i >= block.runEnd(run)) {
                    run++;
                }
            }
            int c;
            if (i >= n) {
                c = 1;
            } else if (j >= changes.size()) {
                c = -1;
            } else {
                EntryKey<K> k = changes.get(j).getKey();
                c = block.compareAt(i, k.prefix, k.key);
            }
            if (c < 0) {
                out.add(Map.entry(new EntryKey<>(block.runPrefix(run), block.key(i)), block.value(i)));
                i++;
            } else {
                Map.Entry<EntryKey<K>, Object> change = changes.get(j);
                if (change.getValue() != TOMBSTONE) {
                    out.add(change);
                }
                j++;
                if (c == 0) {
                    i++;
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private long entrySize(Map.Entry<EntryKey<K>, Object> e) {
        return 6L + Utf8Order.utf8Length(e.getKey().prefix) + keyType.encodedSize(e.getKey().key)
                + valueType.encodedSize((V) e.getValue());
    }

    /** Cuts sorted entries (tombstones dropped) into blocks of at most the maximum size. */
    private List<List<Map.Entry<EntryKey<K>, Object>>> cut(List<Map.Entry<EntryKey<K>, Object>> entries) {
        List<Map.Entry<EntryKey<K>, Object>> live = entries;
        if (entries.stream().anyMatch(e -> e.getValue() == TOMBSTONE)) {
            live = new ArrayList<>(entries.size());
            for (Map.Entry<EntryKey<K>, Object> e : entries) {
                if (e.getValue() != TOMBSTONE) {
                    live.add(e);
                }
            }
        }
        int n = live.size();
        long[] sizes = new long[n];
        for (int i = 0; i < n; i++) {
            sizes[i] = entrySize(live.get(i));
        }
        long max = store.options().maxBlockBytes();
        List<Integer> starts = new ArrayList<>();
        long current = 0;
        for (int i = 0; i < n; i++) {
            if (i == 0 || (current > 0 && current + sizes[i] > max)) {
                starts.add(i);
                current = 0;
            }
            current += sizes[i];
        }
        // A small last block borrows half of its predecessor's bytes, so a cut never leaves a sliver.
        if (starts.size() >= 2 && current < max / 4) {
            int prevStart = starts.get(starts.size() - 2);
            long total = 0;
            for (int i = prevStart; i < n; i++) {
                total += sizes[i];
            }
            long half = 0;
            int split = prevStart;
            while (split < n - 1 && half + sizes[split] <= total / 2) {
                half += sizes[split++];
            }
            starts.set(starts.size() - 1, Math.max(prevStart + 1, split));
        }
        List<List<Map.Entry<EntryKey<K>, Object>>> chunks = new ArrayList<>(starts.size());
        for (int c = 0; c < starts.size(); c++) {
            int to = c + 1 < starts.size() ? starts.get(c + 1) : n;
            chunks.add(live.subList(starts.get(c), to));
        }
        return chunks;
    }

    @SuppressWarnings("unchecked")
    private List<RootIndex.BlockRef<K>> upload(List<Object> plan) {
        List<CompletableFuture<RootIndex.BlockRef<K>>> futures = new ArrayList<>(plan.size());
        for (Object item : plan) {
            if (item instanceof RootIndex.BlockRef<?> kept) {
                futures.add(CompletableFuture.completedFuture((RootIndex.BlockRef<K>) kept));
            } else {
                List<Map.Entry<EntryKey<K>, Object>> chunk = (List<Map.Entry<EntryKey<K>, Object>>) item;
                futures.add(CompletableFuture.supplyAsync(() -> encodeAndPut(chunk), store.uploads()));
            }
        }
        List<RootIndex.BlockRef<K>> refs = new ArrayList<>(futures.size());
        RuntimeException failure = null;
        for (CompletableFuture<RootIndex.BlockRef<K>> f : futures) {
            try {
                refs.add(BlockCache.join(f));
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return refs;
    }

    @SuppressWarnings("unchecked")
    private RootIndex.BlockRef<K> encodeAndPut(List<Map.Entry<EntryKey<K>, Object>> chunk) {
        int n = chunk.size();
        List<String> prefixes = new ArrayList<>(n);
        List<K> keys = new ArrayList<>(n);
        List<V> values = new ArrayList<>(n);
        long estimate = 0;
        for (Map.Entry<EntryKey<K>, Object> e : chunk) {
            prefixes.add(e.getKey().prefix);
            keys.add(e.getKey().key);
            values.add((V) e.getValue());
            estimate += entrySize(e);
        }
        byte[] bytes = BlockCodec.encode(store.allocator(), keyType, valueType, prefixes, keys, values, estimate);
        UUID id = UUID.randomUUID();
        store.storage().put(BlockfileStore.blockKey(dir, id), bytes);
        return new RootIndex.BlockRef<>(prefixes.get(0), keys.get(0), id, n, bytes.length);
    }

    private void ensureOpen() {
        if (committed) {
            throw new IllegalStateException("this BlockfileWriter has committed; fork the new root to change it");
        }
    }
}
