package dev.chromaj.blockstore;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Function;
import org.roaringbitmap.RoaringBitmap;

/** Random keys, values and an independent reference order for the blockfile tests. */
final class TestData {
    static final List<String> PREFIXES = List.of("", "a", "ab", "b", "é", "z", "中文", "😀", "\uFFFD", "k/1", "Z");
    private static final String ALPHABET = "abzAZ09é中😀\uFFFD\uE000ß";

    private TestData() {}

    /** Reference order of prefixes/string keys: the UTF-8 bytes compared unsigned (independent of Utf8Order). */
    static int compareUtf8(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** Reference key order per key type, written independently of KeyType. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static <K> Comparator<K> referenceOrder(KeyType<K> type) {
        Comparator c;
        if (type == KeyType.STRING) {
            c = (Comparator<String>) TestData::compareUtf8;
        } else if (type == KeyType.U32) {
            c = (Comparator<Integer>) Integer::compareUnsigned;
        } else if (type == KeyType.F32) {
            c = (Comparator<Float>) (a, b) -> Float.compare(a + 0.0f, b + 0.0f);
        } else if (type == KeyType.F64) {
            c = (Comparator<Double>) (a, b) -> Double.compare(a + 0.0, b + 0.0);
        } else if (type == KeyType.I64) {
            c = (Comparator<Long>) Long::compare;
        } else {
            c = (Comparator<Boolean>) Boolean::compare;
        }
        return c;
    }

    static String randomString(Random r, int maxLength) {
        int n = r.nextInt(maxLength + 1);
        StringBuilder sb = new StringBuilder();
        int[] cps = ALPHABET.codePoints().toArray();
        for (int i = 0; i < n; i++) {
            sb.appendCodePoint(cps[r.nextInt(cps.length)]);
        }
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    static <K> Function<Random, K> keys(KeyType<K> type) {
        Function<Random, ?> f;
        if (type == KeyType.STRING) {
            f = r -> randomString(r, 5);
        } else if (type == KeyType.U32) {
            f = r -> switch (r.nextInt(10)) {
                case 0 -> -1;
                case 1 -> Integer.MIN_VALUE;
                case 2 -> Integer.MAX_VALUE;
                default -> r.nextInt(4000) - 2000;
            };
        } else if (type == KeyType.F32) {
            f = r -> switch (r.nextInt(12)) {
                case 0 -> -0.0f;
                case 1 -> 0.0f;
                case 2 -> Float.NEGATIVE_INFINITY;
                case 3 -> -Float.MAX_VALUE;
                case 4 -> Float.MIN_VALUE;
                default -> (r.nextInt(4000) - 2000) / 8f;
            };
        } else if (type == KeyType.F64) {
            f = r -> switch (r.nextInt(10)) {
                case 0 -> -0.0;
                case 1 -> Double.POSITIVE_INFINITY;
                case 2 -> -Double.MIN_VALUE;
                default -> (r.nextInt(4000) - 2000) / 16.0;
            };
        } else if (type == KeyType.I64) {
            f = r -> switch (r.nextInt(10)) {
                case 0 -> Long.MIN_VALUE;
                case 1 -> Long.MAX_VALUE;
                case 2 -> (long) r.nextInt() << 20;
                default -> (long) r.nextInt(4000) - 2000;
            };
        } else {
            f = Random::nextBoolean;
        }
        return (Function<Random, K>) f;
    }

    /** The key as the blockfile stores it (-0.0 becomes 0.0). */
    @SuppressWarnings("unchecked")
    static <K> K canonical(K key) {
        if (key instanceof Float f && f == 0.0f) {
            return (K) Float.valueOf(0.0f);
        }
        if (key instanceof Double d && d == 0.0) {
            return (K) Double.valueOf(0.0);
        }
        return key;
    }

    @SuppressWarnings("unchecked")
    static <V> Function<Random, V> values(ValueType<V> type) {
        Function<Random, ?> f;
        if (type == ValueType.STRING) {
            f = r -> r.nextInt(20) == 0 ? randomString(r, 300) : randomString(r, 30);
        } else if (type == ValueType.U32) {
            f = Random::nextInt;
        } else if (type == ValueType.F32) {
            f = r -> (r.nextFloat() - 0.5f) * 1e6f;
        } else if (type == ValueType.U32_LIST) {
            f = r -> r.ints(r.nextInt(20)).toArray();
        } else if (type == ValueType.F32_LIST) {
            f = r -> {
                float[] a = new float[r.nextInt(20)];
                for (int i = 0; i < a.length; i++) {
                    a[i] = r.nextFloat() - 0.5f;
                }
                return a;
            };
        } else if (type == ValueType.ROARING) {
            f = r -> {
                RoaringBitmap b = new RoaringBitmap();
                int n = r.nextInt(40);
                for (int i = 0; i < n; i++) {
                    b.add(r.nextInt(200_000));
                }
                if (r.nextInt(5) == 0) {
                    long from = r.nextInt(1_000_000);
                    b.add(from, from + r.nextInt(5000));
                }
                return b;
            };
        } else if (type == ValueType.BYTES) {
            f = r -> {
                byte[] a = new byte[r.nextInt(60)];
                r.nextBytes(a);
                return a;
            };
        } else {
            f = TestData::randomRecord;
        }
        return (Function<Random, V>) f;
    }

    static DataRecord randomRecord(Random r) {
        float[] embedding = null;
        if (r.nextInt(6) != 0) {
            embedding = new float[r.nextInt(10) == 0 ? 3 : 4];
            for (int i = 0; i < embedding.length; i++) {
                embedding[i] = r.nextFloat() * 2 - 1;
            }
        }
        Map<String, Object> metadata = null;
        if (r.nextInt(4) != 0) {
            metadata = new LinkedHashMap<>();
            int n = r.nextInt(5);
            for (int i = 0; i < n; i++) {
                String key = "k" + i + randomString(r, 2);
                Object v = switch (r.nextInt(8)) {
                    case 0 -> randomString(r, 10);
                    case 1 -> r.nextLong();
                    case 2 -> r.nextDouble() * 100 - 50;
                    case 3 -> r.nextBoolean();
                    case 4 -> List.of(randomString(r, 3), randomString(r, 3));
                    case 5 -> List.of((long) r.nextInt(), -5L);
                    case 6 -> List.of(1.5, r.nextDouble());
                    default -> List.of(true, r.nextBoolean());
                };
                metadata.put(key, v);
            }
        }
        return new DataRecord(
                "id-" + randomString(r, 8),
                embedding,
                r.nextInt(3) == 0 ? null : randomString(r, 40),
                metadata,
                r.nextInt(4) == 0 ? "s3://bucket/" + r.nextInt(100) : null);
    }

    static boolean same(Object a, Object b) {
        return Objects.deepEquals(a, b);
    }

    static String show(Object v) {
        if (v instanceof int[] a) {
            return Arrays.toString(a);
        } else if (v instanceof float[] a) {
            return Arrays.toString(a);
        } else if (v instanceof byte[] a) {
            return Arrays.toString(a);
        }
        return String.valueOf(v);
    }
}
