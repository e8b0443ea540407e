package dev.chromaj.blockstore;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The keys of a decoded block (or the first keys of a root) in a primitive array, searched without allocation.
 * Immutable and thread-safe.
 */
abstract class KeyColumn<K> {

    abstract int size();

    /** The key at {@code i}, boxed. */
    abstract K get(int i);

    /** Sign of (key at {@code i}) compared with {@code key} in the blockfile order. */
    abstract int compareAt(int i, K key);

    /** Bytes this column occupies on the heap (estimate). */
    abstract long weight();

    /** A column of {@code keys} of {@code type} in its primitive array, as a decoded block or root holds them. */
    @SuppressWarnings("unchecked")
    static <K> KeyColumn<K> of(KeyType<K> type, List<K> keys) {
        int n = keys.size();
        if (type == KeyType.U32) {
            int[] a = new int[n];
            for (int i = 0; i < n; i++) {
                a[i] = (Integer) keys.get(i);
            }
            return (KeyColumn<K>) new UnsignedInts(a);
        } else if (type == KeyType.I64) {
            long[] a = new long[n];
            for (int i = 0; i < n; i++) {
                a[i] = (Long) keys.get(i);
            }
            return (KeyColumn<K>) new Longs(a);
        } else if (type == KeyType.F32) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = (Float) keys.get(i);
            }
            return (KeyColumn<K>) new Floats(a);
        } else if (type == KeyType.F64) {
            double[] a = new double[n];
            for (int i = 0; i < n; i++) {
                a[i] = (Double) keys.get(i);
            }
            return (KeyColumn<K>) new Doubles(a);
        } else if (type == KeyType.BOOL) {
            boolean[] a = new boolean[n];
            for (int i = 0; i < n; i++) {
                a[i] = (Boolean) keys.get(i);
            }
            return (KeyColumn<K>) new Booleans(a);
        } else if (type == KeyType.STRING) {
            return (KeyColumn<K>) new Strings(keys.toArray(new String[0]));
        }
        throw new IllegalArgumentException("unknown key type " + type);
    }

    /** First index in {@code [from, to)} whose key is {@code >= key}; {@code to} when none. */
    int lowerBound(int from, int to, K key) {
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (compareAt(mid, key) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    static final class Strings extends KeyColumn<String> {
        private final String[] keys;

        Strings(String[] keys) {
            this.keys = keys;
        }

        static Strings decode(byte[] data, int[] offsets, int count) {
            String[] keys = new String[count];
            for (int i = 0; i < count; i++) {
                keys[i] = new String(data, offsets[i], offsets[i + 1] - offsets[i], StandardCharsets.UTF_8);
            }
            return new Strings(keys);
        }

        @Override
        int size() {
            return keys.length;
        }

        @Override
        String get(int i) {
            return keys[i];
        }

        @Override
        int compareAt(int i, String key) {
            return Utf8Order.compare(keys[i], key);
        }

        @Override
        long weight() {
            long w = 16L + 4L * keys.length;
            for (String k : keys) {
                w += 40 + k.length();
            }
            return w;
        }
    }

    static final class UnsignedInts extends KeyColumn<Integer> {
        private final int[] keys;
        /**
         * Whether the keys are consecutive integers ({@code keys[i] == keys[0] + i}), as offsets of the record segment
         * are between deletes: a lookup then computes the position instead of searching.
         */
        private final boolean consecutive;

        UnsignedInts(int[] keys) {
            this.keys = keys;
            // Without wrapping past 2^32 - 1, so positions follow from unsigned differences.
            boolean c = keys.length > 0 && Integer.toUnsignedLong(keys[0]) + keys.length - 1 <= 0xFFFF_FFFFL;
            for (int i = 1; i < keys.length && c; i++) {
                c = keys[i] == keys[0] + i;
            }
            this.consecutive = c;
        }

        @Override
        int size() {
            return keys.length;
        }

        @Override
        Integer get(int i) {
            return keys[i];
        }

        @Override
        int compareAt(int i, Integer key) {
            return Integer.compareUnsigned(keys[i], key);
        }

        @Override
        int lowerBound(int from, int to, Integer boxed) {
            if (consecutive && from < to) {
                long position = Integer.toUnsignedLong(boxed) - Integer.toUnsignedLong(keys[0]);
                return (int) Math.min(to, Math.max(from, position));
            }
            int key = boxed ^ Integer.MIN_VALUE;
            int lo = from;
            int hi = to;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if ((keys[mid] ^ Integer.MIN_VALUE) < key) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        @Override
        long weight() {
            return 16L + 4L * keys.length;
        }
    }

    static final class Longs extends KeyColumn<Long> {
        private final long[] keys;

        Longs(long[] keys) {
            this.keys = keys;
        }

        @Override
        int size() {
            return keys.length;
        }

        @Override
        Long get(int i) {
            return keys[i];
        }

        @Override
        int compareAt(int i, Long key) {
            return Long.compare(keys[i], key);
        }

        @Override
        int lowerBound(int from, int to, Long boxed) {
            long key = boxed;
            int lo = from;
            int hi = to;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (keys[mid] < key) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        @Override
        long weight() {
            return 16L + 8L * keys.length;
        }
    }

    /** Floats in numeric order; stored keys are never NaN and never -0.0 (canonicalized at set). */
    static final class Floats extends KeyColumn<Float> {
        private final float[] keys;

        Floats(float[] keys) {
            this.keys = keys;
        }

        @Override
        int size() {
            return keys.length;
        }

        @Override
        Float get(int i) {
            return keys[i];
        }

        @Override
        int compareAt(int i, Float key) {
            float a = keys[i];
            float b = key;
            return a < b ? -1 : (a > b ? 1 : 0);
        }

        @Override
        int lowerBound(int from, int to, Float boxed) {
            float key = boxed;
            int lo = from;
            int hi = to;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (keys[mid] < key) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        @Override
        long weight() {
            return 16L + 4L * keys.length;
        }
    }

    static final class Doubles extends KeyColumn<Double> {
        private final double[] keys;

        Doubles(double[] keys) {
            this.keys = keys;
        }

        @Override
        int size() {
            return keys.length;
        }

        @Override
        Double get(int i) {
            return keys[i];
        }

        @Override
        int compareAt(int i, Double key) {
            double a = keys[i];
            double b = key;
            return a < b ? -1 : (a > b ? 1 : 0);
        }

        @Override
        int lowerBound(int from, int to, Double boxed) {
            double key = boxed;
            int lo = from;
            int hi = to;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (keys[mid] < key) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        @Override
        long weight() {
            return 16L + 8L * keys.length;
        }
    }

    static final class Booleans extends KeyColumn<Boolean> {
        private final boolean[] keys;

        Booleans(boolean[] keys) {
            this.keys = keys;
        }

        @Override
        int size() {
            return keys.length;
        }

        @Override
        Boolean get(int i) {
            return keys[i];
        }

        @Override
        int compareAt(int i, Boolean key) {
            return Boolean.compare(keys[i], key);
        }

        @Override
        long weight() {
            return 16L + keys.length;
        }
    }
}
