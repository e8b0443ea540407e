package dev.chromaj.blockstore;

/**
 * A decoded block: entries sorted by (prefix, key) in plain arrays, searched by binary search without allocation.
 * Prefixes are run-length encoded (entries with one prefix are contiguous), so a lookup first finds the prefix's run,
 * then the key inside it. Immutable and thread-safe; built once per cache load.
 */
final class Block<K, V> implements CacheEntry {
    private final KeyType<K> keyType;
    private final ValueType<V> valueType;
    /** Distinct prefixes in order. */
    private final String[] runPrefixes;
    /** {@code runStarts[r]} is the first entry of run {@code r}; {@code runStarts[runs]} is the size. */
    private final int[] runStarts;

    private final KeyColumn<K> keys;
    private final ValueColumn<V> values;
    private final long weight;

    Block(
            KeyType<K> keyType,
            ValueType<V> valueType,
            String[] runPrefixes,
            int[] runStarts,
            KeyColumn<K> keys,
            ValueColumn<V> values) {
        this.keyType = keyType;
        this.valueType = valueType;
        this.runPrefixes = runPrefixes;
        this.runStarts = runStarts;
        this.keys = keys;
        this.values = values;
        long w = 96L + 4L * runStarts.length + 8L * runPrefixes.length + keys.weight() + values.weight();
        for (String p : runPrefixes) {
            w += 40 + p.length();
        }
        this.weight = w;
    }

    /** This block's keys without its values, for an index over values decoded elsewhere. */
    Block<K, V> keysOnly() {
        return new Block<>(keyType, valueType, runPrefixes, runStarts, keys, new ValueColumn<>() {
            @Override
            public V get(int i) {
                throw new UnsupportedOperationException("values are not kept in a key-only block");
            }

            @Override
            public long weight() {
                return 0;
            }
        });
    }

    KeyType<K> keyType() {
        return keyType;
    }

    ValueType<V> valueType() {
        return valueType;
    }

    int size() {
        return runStarts[runStarts.length - 1];
    }

    @Override
    public long weight() {
        return weight;
    }

    /** The run holding entry {@code i}. */
    int runOf(int i) {
        int lo = 0;
        int hi = runPrefixes.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (runStarts[mid] <= i) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    String runPrefix(int run) {
        return runPrefixes[run];
    }

    int runEnd(int run) {
        return runStarts[run + 1];
    }

    String prefix(int i) {
        return runPrefixes[runOf(i)];
    }

    K key(int i) {
        return keys.get(i);
    }

    V value(int i) {
        return values.get(i);
    }

    /** The value column itself, for readers that use values in place ({@link FloatListColumn}). */
    ValueColumn<V> values() {
        return values;
    }

    /** Index of the run with this prefix, or {@code -(insertion point) - 1}. */
    private int findRun(String prefix) {
        int lo = 0;
        int hi = runPrefixes.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Utf8Order.compare(runPrefixes[mid], prefix);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    /** Index of the entry, or -1. */
    int find(String prefix, K key) {
        int run = findRun(prefix);
        if (run < 0) {
            return -1;
        }
        int end = runStarts[run + 1];
        int i = keys.lowerBound(runStarts[run], end, key);
        return i < end && keys.compareAt(i, key) == 0 ? i : -1;
    }

    /** First entry {@code >= (prefix, key)}; with a null key, the first entry {@code >= (prefix, -infinity)}. */
    int lowerBound(String prefix, K key) {
        int run = findRun(prefix);
        if (run < 0) {
            return runStarts[-run - 1];
        }
        return key == null ? runStarts[run] : keys.lowerBound(runStarts[run], runStarts[run + 1], key);
    }

    /** First index in {@code [from, to)} (inside one run) whose key is {@code >= key}; {@code to} when none. */
    int lowerBoundKey(int from, int to, K key) {
        return keys.lowerBound(from, to, key);
    }

    /** Compares the key of entry {@code i} with {@code key}, ignoring prefixes. */
    int compareKeyAt(int i, K key) {
        return keys.compareAt(i, key);
    }

    /** Compares entry {@code i} with {@code (prefix, key)}. */
    int compareAt(int i, String prefix, K key) {
        int c = Utf8Order.compare(prefix(i), prefix);
        return c != 0 ? c : keys.compareAt(i, key);
    }
}
