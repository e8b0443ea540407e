package dev.chromaj.blockstore;

/**
 * The values of one block decoded by a {@link ValueDecoder}, with the block's keys to find them: what a
 * {@link BlockfileView} caches. Holds no reference to the block's encoded values, so evicting the block frees them.
 * Immutable and thread-safe.
 */
final class DecodedBlock<K, T> implements CacheEntry {
    private static final long OVERHEAD = 64;

    private final Block<K, ?> keys;
    private final Object[] values;
    private final long weight;

    private DecodedBlock(Block<K, ?> keys, Object[] values, long weight) {
        this.keys = keys;
        this.values = values;
        this.weight = weight;
    }

    /** Decodes every value of {@code block}. */
    static <K, V, T> DecodedBlock<K, T> decode(Block<K, V> block, ValueDecoder<K, V, T> decoder) {
        int size = block.size();
        Object[] values = new Object[size];
        Block<K, V> keys = block.keysOnly();
        long weight = OVERHEAD + keys.weight() + 8L * size;
        int run = 0;
        for (int i = 0; i < size; i++) {
            while (i >= block.runEnd(run)) {
                run++;
            }
            T decoded = decoder.decode(block.runPrefix(run), block.key(i), block.value(i));
            values[i] = decoded;
            weight += decoder.weight(decoded);
        }
        return new DecodedBlock<>(keys, values, weight);
    }

    /** Index of the entry, or -1. */
    int find(String prefix, K key) {
        return keys.find(prefix, key);
    }

    /**
     * Index of {@code key} among the entries after {@code previous} under the same prefix, or -1 when it is not
     * there (it may be in a later block): an ascending walk finds its next key without searching the root. Gallops
     * from {@code previous}, so a key a few entries further costs a few comparisons near entries just read.
     */
    int findAfter(int previous, K key) {
        int end = keys.runEnd(keys.runOf(previous));
        int lo = previous + 1;
        int probe = lo;
        int step = 1;
        while (probe < end) {
            int c = keys.compareKeyAt(probe, key);
            if (c == 0) {
                return probe;
            }
            if (c > 0) {
                break;
            }
            lo = probe + 1;
            probe = lo + step;
            step <<= 1;
        }
        // The key is in [lo, probe) if anywhere in this run.
        int hi = Math.min(probe, end);
        int i = keys.lowerBoundKey(lo, hi, key);
        return i < hi && keys.compareKeyAt(i, key) == 0 ? i : -1;
    }

    @SuppressWarnings("unchecked")
    T value(int i) {
        return (T) values[i];
    }

    @Override
    public long weight() {
        return weight;
    }
}
