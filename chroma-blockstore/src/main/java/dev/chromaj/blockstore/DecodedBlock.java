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
     * Index of {@code key} under the prefix of entry {@code previous} if it is the entry right after it, else -1:
     * the next key of an ascending walk is usually the next entry.
     */
    int findNext(int previous, K key) {
        int next = previous + 1;
        if (next >= keys.size() || next >= keys.runEnd(keys.runOf(previous))) {
            return -1;
        }
        return keys.compareKeyAt(next, key) == 0 ? next : -1;
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
