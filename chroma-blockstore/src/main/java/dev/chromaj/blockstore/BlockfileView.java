package dev.chromaj.blockstore;

import dev.chromaj.annotations.Internal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;

/**
 * Point and bulk lookups of a blockfile's values in a decoded form (see {@link BlockfileReader#view}). Each block's
 * values are decoded once, when a lookup first needs the block, and the decoded block is cached in the
 * {@link BlockCache} under the block's object key plus {@code "#"} and the view's name, weighed by the decoder's
 * estimate: blocks are immutable, so the decoded form never goes stale, versions sharing a block share its decoded
 * form, and the cache's byte bound covers decoded and encoded blocks together. Decoding a missing block first loads
 * the block itself through the cache (storage, disk tier, decoder threads as usual).
 *
 * <p>Thread-safe. Values returned are shared between callers: decoders produce immutable values.
 *
 * @param <K> key type
 * @param <T> decoded value type
 */
@Internal
public final class BlockfileView<K, T> {
    private final BlockfileReader<K, ?> reader;
    private final RootIndex root;
    private final BlockCache cache;
    private final String suffix;
    /** Cache keys of the decoded blocks, built on first use (racy but idempotent: strings are immutable). */
    private final String[] keys;

    private final BiFunction<String, Executor, CompletableFuture<CacheEntry>> loader;
    /**
     * The prefix checked last: lookups repeat one prefix (a sparse key, the record prefix), so its check is skipped
     * when the same string comes again. A racy cache of an immutable string: a miss only repeats the check.
     */
    private String checkedPrefix;

    <V> BlockfileView(BlockfileReader<K, V> reader, String name, ValueDecoder<K, V, T> decoder) {
        BlockfileReader.checkDerivedName("view", name);
        if (decoder == null) {
            throw new IllegalArgumentException("decoder must not be null");
        }
        this.reader = reader;
        this.root = reader.rootIndex();
        this.cache = reader.store().cache();
        this.suffix = "#" + name;
        this.keys = new String[root.blockCount()];
        this.loader = reader.derivedLoader(suffix, block -> DecodedBlock.decode(block, decoder));
    }

    /** The decoded value of (prefix, key), or null when absent. */
    public T get(String prefix, K key) {
        K k = lookupKey(prefix, key);
        if (k == null) {
            return null;
        }
        int b = root.blockFor(prefix, k);
        if (b < 0) {
            return null;
        }
        DecodedBlock<K, T> block = checked(BlockCache.join(cache.getAsync(key(b), loader)));
        int i = block.find(prefix, k);
        return i < 0 ? null : block.value(i);
    }

    /** The decoded values of the present keys among {@code keys} (absent keys are left out); blocks load in parallel. */
    public Map<K, T> getMany(String prefix, Collection<K> keys) {
        Map<Integer, List<K>> byBlock = reader.keysByBlock(prefix, keys);
        Map<Integer, CompletableFuture<CacheEntry>> loads = new HashMap<>();
        for (Integer b : byBlock.keySet()) {
            loads.put(b, cache.getAsync(key(b), loader));
        }
        Map<K, T> out = new HashMap<>();
        for (Map.Entry<Integer, List<K>> e : byBlock.entrySet()) {
            DecodedBlock<K, T> block = checked(BlockCache.join(loads.get(e.getKey())));
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
     * The decoded values of {@code keys} in their order, null where a key is absent: like {@link #getMany} without
     * building a map, for the small lookups of one query (a query's terms, a page of hits). Blocks load in parallel.
     */
    public List<T> getAll(String prefix, List<K> keys) {
        int n = keys.size();
        Object[] checkedKeys = new Object[n];
        int[] slots = new int[n];
        int[] blocks = new int[Math.min(n, root.blockCount())];
        int distinct = 0;
        int last = -1;
        for (int i = 0; i < n; i++) {
            K k = lookupKey(prefix, keys.get(i));
            int b = k == null ? -1 : root.blockFor(prefix, k);
            if (b < 0) {
                slots[i] = -1;
                continue;
            }
            checkedKeys[i] = k;
            // Keys of one lookup cluster in few blocks: try the previous key's block first, then the others.
            int slot = last >= 0 && blocks[last] == b ? last : -1;
            for (int j = 0; slot < 0 && j < distinct; j++) {
                if (blocks[j] == b) {
                    slot = j;
                }
            }
            if (slot < 0) {
                slot = distinct++;
                blocks[slot] = b;
            }
            slots[i] = slot;
            last = slot;
        }
        List<CompletableFuture<CacheEntry>> loads = new ArrayList<>(distinct);
        for (int j = 0; j < distinct; j++) {
            loads.add(cache.getAsync(key(blocks[j]), loader));
        }
        List<DecodedBlock<K, T>> loaded = new ArrayList<>(distinct);
        for (CompletableFuture<CacheEntry> load : loads) {
            loaded.add(checked(BlockCache.join(load)));
        }
        List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            T value = null;
            if (slots[i] >= 0) {
                DecodedBlock<K, T> block = loaded.get(slots[i]);
                @SuppressWarnings("unchecked")
                int at = block.find(prefix, (K) checkedKeys[i]);
                value = at < 0 ? null : block.value(at);
            }
            out.add(value);
        }
        return out;
    }

    /**
     * Lookups of ascending keys under {@code prefix}, such as the blocks of one posting list read by one query: a key
     * after the previous one in the decoded block already at hand is found there, without searching the root or
     * asking the cache. Other keys are looked up as by {@link #get}. Holds on to at most one decoded block; use one
     * per walk and drop it with the walk.
     */
    public AscendingLookup ascending(String prefix) {
        Utf8Order.checkWellFormed("prefix", prefix);
        return new AscendingLookup(prefix);
    }

    /** See {@link #ascending}. Thread-safe: the remembered position is one immutable object. */
    public final class AscendingLookup {
        private final String prefix;
        private Position<K, T> last;

        private AscendingLookup(String prefix) {
            this.prefix = prefix;
        }

        /** The decoded value of (prefix, key), or null when absent. */
        public T get(K key) {
            K k = reader.checkedKey(key);
            if (k == null) {
                return null;
            }
            Position<K, T> p = last;
            if (p != null) {
                int next = p.block().findAfter(p.index(), k);
                if (next >= 0) {
                    last = new Position<>(p.block(), next);
                    return p.block().value(next);
                }
            }
            int b = root.blockFor(prefix, k);
            if (b < 0) {
                return null;
            }
            DecodedBlock<K, T> block = checked(BlockCache.join(cache.getAsync(key(b), loader)));
            int i = block.find(prefix, k);
            if (i < 0) {
                return null;
            }
            last = new Position<>(block, i);
            return block.value(i);
        }
    }

    /** Where the last lookup of an {@link AscendingLookup} found its key. */
    private record Position<K, T>(DecodedBlock<K, T> block, int index) {}

    private K lookupKey(String prefix, K key) {
        if (prefix == null || !prefix.equals(checkedPrefix)) {
            Utf8Order.checkWellFormed("prefix", prefix);
            checkedPrefix = prefix;
        }
        return reader.checkedKey(key);
    }

    private String key(int b) {
        String key = keys[b];
        if (key == null) {
            key = root.blockKeys[b] + suffix;
            keys[b] = key;
        }
        return key;
    }

    @SuppressWarnings("unchecked")
    private DecodedBlock<K, T> checked(CacheEntry entry) {
        if (!(entry instanceof DecodedBlock<?, ?> decoded)) {
            throw new IllegalStateException(
                    "cache entry of a decoded view holds " + entry.getClass().getSimpleName());
        }
        return (DecodedBlock<K, T>) decoded;
    }
}
