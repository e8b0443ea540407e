package dev.chromaj.blockstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.testing.TestRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The one blockfile order: UTF-8 byte order for text, unsigned u32, numeric floats with -0.0 == 0.0, no NaN. */
class BlockfileOrderingTest {
    private final MemoryStorage storage = new MemoryStorage();
    private final BlockCache cache = BlockCache.builder().maxBytes(1 << 20).build();
    private final BlockfileStore store = new BlockfileStore(storage, cache, new BlockfileOptions(256, 2));

    @AfterEach
    void close() {
        store.close();
        cache.close();
        storage.close();
    }

    private <K, V> BlockfileReader<K, V> write(
            KeyType<K> kt, ValueType<V> vt, List<String> prefixes, List<K> keys, List<V> values) {
        String dir = "c/" + UUID.randomUUID();
        BlockfileWriter<K, V> w = store.create(dir, kt, vt);
        for (int i = keys.size() - 1; i >= 0; i--) {
            w.set(prefixes.get(i), keys.get(i), values.get(i));
        }
        return store.open(dir, w.commit().id(), kt, vt);
    }

    private static <K, V> List<BlockfileEntry<K, V>> all(Iterator<BlockfileEntry<K, V>> it) {
        List<BlockfileEntry<K, V>> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void nonAsciiPrefixesSortByTheirUtf8Bytes() {
        List<String> prefixes = new ArrayList<>(List.of("z", "é", "😀", "\uFFFD", "\uE000", "a", "", "ab", "中"));
        List<Integer> keys = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (String p : prefixes) {
            keys.add(1);
            values.add("v" + p);
        }
        BlockfileReader<Integer, String> r = write(KeyType.U32, ValueType.STRING, prefixes, keys, values);
        List<String> expected = new ArrayList<>(prefixes);
        expected.sort(TestData::compareUtf8);
        // UTF-16 order would put the emoji (a surrogate pair) before U+E000 and U+FFFD; UTF-8 order puts it last.
        assertEquals(List.of("", "a", "ab", "z", "é", "中", "\uE000", "\uFFFD", "😀"), expected);
        assertEquals(
                expected, all(r.scan()).stream().map(BlockfileEntry::prefix).toList());
        for (String p : prefixes) {
            assertEquals("v" + p, r.get(p, 1));
            assertEquals(1, all(r.scanPrefix(p)).size());
        }
    }

    @Test
    void stringKeysSortByTheirUtf8Bytes() {
        List<String> keys = List.of("😀", "\uFFFD", "b", "B", "é", "");
        BlockfileReader<String, Integer> r =
                write(KeyType.STRING, ValueType.U32, List.of("", "", "", "", "", ""), keys, List.of(1, 2, 3, 4, 5, 6));
        List<String> expected = new ArrayList<>(keys);
        expected.sort(TestData::compareUtf8);
        assertEquals(expected, all(r.scan()).stream().map(BlockfileEntry::key).toList());
        assertEquals(
                List.of("\uFFFD", "😀"),
                all(r.range("", "\uFFFD", null)).stream()
                        .map(BlockfileEntry::key)
                        .toList());
    }

    @Test
    void utf8OrderAgreesWithByteComparisonOnRandomStrings() {
        Random random = TestRandom.random();
        for (int i = 0; i < 20_000; i++) {
            String a = TestData.randomString(random, 4);
            String b = TestData.randomString(random, 4);
            assertEquals(
                    Integer.signum(TestData.compareUtf8(a, b)),
                    Integer.signum(Utf8Order.compare(a, b)),
                    a + " vs " + b);
            assertEquals(a.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, Utf8Order.utf8Length(a));
        }
    }

    @Test
    void u32KeysSortUnsigned() {
        List<Integer> keys = List.of(-1, Integer.MIN_VALUE, Integer.MAX_VALUE, 1, 0);
        BlockfileReader<Integer, Integer> r =
                write(KeyType.U32, ValueType.U32, List.of("", "", "", "", ""), keys, keys);
        assertEquals(
                List.of(0, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, -1),
                all(r.scan()).stream().map(BlockfileEntry::key).toList());
        assertEquals(
                List.of(Integer.MAX_VALUE, Integer.MIN_VALUE),
                all(r.range("", Integer.MAX_VALUE, -1)).stream()
                        .map(BlockfileEntry::key)
                        .toList());
        assertEquals(3, r.rank("", Integer.MIN_VALUE));
        assertTrue(KeyType.U32.compare(-1, 1) > 0);
    }

    @Test
    void negativeFloatsSortNumericallyAndNegativeZeroIsZero() {
        List<Float> keys =
                List.of(2.5f, -0.0f, -1.5f, Float.NEGATIVE_INFINITY, -Float.MIN_VALUE, Float.MAX_VALUE, -100f);
        BlockfileReader<Float, String> r = write(
                KeyType.F32,
                ValueType.STRING,
                List.of("", "", "", "", "", "", ""),
                keys,
                List.of("a", "b", "c", "d", "e", "f", "g"));
        assertEquals(
                List.of(Float.NEGATIVE_INFINITY, -100f, -1.5f, -Float.MIN_VALUE, 0.0f, 2.5f, Float.MAX_VALUE),
                all(r.scan()).stream().map(BlockfileEntry::key).toList());
        assertEquals("b", r.get("", 0.0f));
        assertEquals("b", r.get("", -0.0f));
        assertEquals(
                List.of(-1.5f, -Float.MIN_VALUE),
                all(r.range("", -1.5f, -0.0f)).stream().map(BlockfileEntry::key).toList());
        assertEquals(0, KeyType.F32.compare(-0.0f, 0.0f));
    }

    @Test
    void negativeZeroAndZeroAreOneKey() {
        BlockfileWriter<Double, String> w = store.create("c/zero", KeyType.F64, ValueType.STRING);
        w.set("", -0.0, "negative");
        w.set("", 0.0, "positive");
        BlockfileReader<Double, String> r = store.open("c/zero", w.commit().id(), KeyType.F64, ValueType.STRING);
        assertEquals(1, r.count());
        assertEquals("positive", r.get("", -0.0));
        assertEquals(0.0, all(r.scan()).get(0).key());
        assertEquals(0, Double.compare(0.0, all(r.scan()).get(0).key()), "stored as +0.0");
    }

    @Test
    void nanKeysAreRejectedOnWriteAndAbsentOnRead() {
        BlockfileWriter<Float, String> w = store.create("c/nan", KeyType.F32, ValueType.STRING);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.set("", Float.NaN, "x"));
        assertTrue(e.getMessage().contains("key") && e.getMessage().contains("NaN"), e.getMessage());
        assertEquals(0, w.pendingChanges());
        w.set("", 1f, "one");
        BlockfileReader<Float, String> r = store.open("c/nan", w.commit().id(), KeyType.F32, ValueType.STRING);
        assertNull(r.get("", Float.NaN));
        assertFalse(r.contains("", Float.NaN));
        assertTrue(r.getMany("", List.of(Float.NaN, 1f)).containsKey(1f));
        assertThrows(IllegalArgumentException.class, () -> r.range("", Float.NaN, null));
    }

    @Test
    void signedLongsDoublesAndBooleansSortNaturally() {
        BlockfileReader<Long, Integer> longs = write(
                KeyType.I64,
                ValueType.U32,
                List.of("", "", "", ""),
                List.of(5L, Long.MIN_VALUE, -3L, Long.MAX_VALUE),
                List.of(1, 2, 3, 4));
        assertEquals(
                List.of(Long.MIN_VALUE, -3L, 5L, Long.MAX_VALUE),
                all(longs.scan()).stream().map(BlockfileEntry::key).toList());
        BlockfileReader<Double, Integer> doubles = write(
                KeyType.F64,
                ValueType.U32,
                List.of("", "", ""),
                List.of(1e300, -1e-300, Double.NEGATIVE_INFINITY),
                List.of(1, 2, 3));
        assertEquals(
                List.of(Double.NEGATIVE_INFINITY, -1e-300, 1e300),
                all(doubles.scan()).stream().map(BlockfileEntry::key).toList());
        BlockfileReader<Boolean, Integer> bools = write(
                KeyType.BOOL, ValueType.U32, List.of("x", "x", "a"), List.of(true, false, true), List.of(1, 2, 3));
        assertEquals(
                List.of("a:true", "x:false", "x:true"),
                all(bools.scan()).stream().map(e -> e.prefix() + ":" + e.key()).toList());
    }

    @Test
    void unpairedSurrogatesAreRejected() {
        BlockfileWriter<String, String> w = store.create("c/s", KeyType.STRING, ValueType.STRING);
        IllegalArgumentException p = assertThrows(IllegalArgumentException.class, () -> w.set("\uD800", "k", "v"));
        assertTrue(p.getMessage().contains("prefix"), p.getMessage());
        IllegalArgumentException k = assertThrows(IllegalArgumentException.class, () -> w.set("", "a\uDC00", "v"));
        assertTrue(k.getMessage().contains("key"), k.getMessage());
        assertEquals(0, w.pendingChanges());
    }

    @Test
    void keyTypeComparatorMatchesTheReferenceOrder() {
        Random random = new Random(42);
        for (KeyType<?> type :
                List.of(KeyType.STRING, KeyType.U32, KeyType.F32, KeyType.BOOL, KeyType.I64, KeyType.F64)) {
            checkComparator(type, random);
        }
    }

    private static <K> void checkComparator(KeyType<K> type, Random random) {
        Comparator<K> reference = TestData.referenceOrder(type);
        for (int i = 0; i < 2000; i++) {
            K a = TestData.keys(type).apply(random);
            K b = TestData.keys(type).apply(random);
            assertEquals(
                    Integer.signum(reference.compare(a, b)),
                    Integer.signum(type.compare(a, b)),
                    type + ": " + a + " vs " + b);
        }
    }
}
