package dev.chromaj.blockstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.storage.Storage;
import dev.chromaj.testing.TestRandom;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Randomized model test: long random sequences of set, delete, commit and fork against a {@link TreeMap} model
 * ordered by an independent reference comparator, for every key type and many value types, with tiny blocks and a
 * tiny cache. Subclasses choose the Storage. Each case draws from its own {@link TestRandom} seed; a failure prints
 * the REPRODUCE line that runs it again.
 */
abstract class BlockfileModelTest {
    @TempDir
    Path tempDir;

    /** A fresh, empty storage. */
    abstract Storage newStorage(Path dir);

    /** Random operations per case. */
    abstract int operations();

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (KeyType<?> k : List.of(KeyType.STRING, KeyType.U32, KeyType.F32, KeyType.BOOL, KeyType.I64, KeyType.F64)) {
            cases.add(Arguments.of(k, ValueType.STRING));
            cases.add(Arguments.of(k, ValueType.U32));
        }
        for (ValueType<?> v : List.of(
                ValueType.ROARING,
                ValueType.DATA_RECORD,
                ValueType.F32_LIST,
                ValueType.U32_LIST,
                ValueType.BYTES,
                ValueType.F32)) {
            cases.add(Arguments.of(KeyType.U32, v));
        }
        cases.add(Arguments.of(KeyType.STRING, ValueType.DATA_RECORD));
        cases.add(Arguments.of(KeyType.STRING, ValueType.ROARING));
        cases.add(Arguments.of(KeyType.F32, ValueType.F32_LIST));
        cases.add(Arguments.of(KeyType.I64, ValueType.ROARING));
        return cases.stream();
    }

    record MKey<K>(String prefix, K key) {}

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("cases")
    <K, V> void randomOperationsMatchTheModel(KeyType<K> keyType, ValueType<V> valueType) {
        try {
            run(keyType, valueType, TestRandom.seed());
        } catch (Throwable e) {
            throw new AssertionError(
                    "randomized blockfile test failed for " + keyType + " -> " + valueType + ": " + e, e);
        }
    }

    private <K, V> void run(KeyType<K> keyType, ValueType<V> valueType, long seed) {
        Random random = new Random(seed);
        Comparator<K> keyOrder = TestData.referenceOrder(keyType);
        Comparator<MKey<K>> order = Comparator.<MKey<K>, String>comparing(MKey::prefix, TestData::compareUtf8)
                .thenComparing(MKey::key, keyOrder);
        Function<Random, K> keys = TestData.keys(keyType);
        Function<Random, V> values = TestData.values(valueType);
        long maxBlockBytes = 150L + random.nextInt(650);
        String dir = "collection/" + new UUID(seed, 7);

        try (Storage storage = newStorage(tempDir.resolve("s"));
                BlockCache cache = BlockCache.builder()
                        .maxBytes(random.nextBoolean() ? 16 << 10 : 64 << 20)
                        .build();
                BlockfileStore store = new BlockfileStore(
                        storage, cache, new BlockfileOptions(maxBlockBytes, 1 + random.nextInt(3)))) {
            record Version<K, V>(UUID rootId, TreeMap<MKey<K>, V> model, BlockfileReader<K, V> reader) {}
            List<Version<K, V>> versions = new ArrayList<>();
            TreeMap<MKey<K>, V> model = new TreeMap<>(order);
            BlockfileWriter<K, V> writer = store.create(dir, keyType, valueType);
            BlockfileReader<K, V> parent = null;
            Map<String, byte[]> parentObjects = Map.of();
            Set<MKey<K>> touched = new HashSet<>();
            int untilCommit = 1 + random.nextInt(80);
            int mostBlocks = 0;
            int mostEntries = 0;
            int ops = operations();
            // Phases that grow the blockfile (splits) alternate with phases that shrink it (drops, merges).
            double setShare = 0.85;
            for (int op = 0; op < ops; op++) {
                if (random.nextDouble() < setShare) {
                    MKey<K> k = random.nextBoolean() ? randomKey(random, keys) : pickKey(random, model, keys);
                    V v = values.apply(random);
                    writer.set(k.prefix, k.key, v);
                    model.put(canonical(k), v);
                    touched.add(canonical(k));
                } else {
                    MKey<K> k = random.nextInt(4) == 0 ? randomKey(random, keys) : pickKey(random, model, keys);
                    writer.delete(k.prefix, k.key);
                    model.remove(canonical(k));
                    touched.add(canonical(k));
                }
                if (--untilCommit > 0 && op < ops - 1) {
                    continue;
                }
                untilCommit = 1 + random.nextInt(random.nextInt(5) == 0 ? 400 : 60);
                if (random.nextInt(4) == 0) {
                    setShare = random.nextInt(3) == 0 ? 0.3 : 0.85;
                }
                BlockfileRoot root = writer.commit();
                BlockfileReader<K, V> reader = store.open(dir, root.id(), keyType, valueType);
                assertEquals(root, reader.root());
                assertEquals(model.size(), root.count());
                verify(reader, model, random, keys, order);
                if (parent != null) {
                    assertForkSharesUntouchedBlocks(parent, reader, touched, maxBlockBytes);
                    for (Map.Entry<String, byte[]> e : parentObjects.entrySet()) {
                        assertArrayEquals(e.getValue(), storage.get(e.getKey()), "fork modified " + e.getKey());
                    }
                }
                mostBlocks = Math.max(mostBlocks, root.blockIds().size());
                mostEntries = Math.max(mostEntries, model.size());
                versions.add(new Version<>(root.id(), new TreeMap<>(model), reader));
                // An older reader keeps returning its own snapshot.
                Version<K, V> old = versions.get(random.nextInt(versions.size()));
                verify(old.reader(), old.model(), random, keys, order);

                touched.clear();
                Version<K, V> from = random.nextInt(6) == 0
                        ? versions.get(random.nextInt(versions.size()))
                        : versions.get(versions.size() - 1);
                model = new TreeMap<>(from.model());
                writer = store.fork(dir, from.rootId(), keyType, valueType);
                parent = from.reader();
                parentObjects = new HashMap<>();
                for (String key : parent.objectKeys()) {
                    parentObjects.put(key, storage.get(key));
                }
            }
            assertEquals(0, store.allocator().getAllocatedMemory(), "Arrow memory leaked");
            // Every entry takes at least 8 bytes (key and value); only a blockfile that clearly outgrew one block
            // must have been split. Small fixed-width entries under a large max size may legitimately fit in one.
            if (keyType != KeyType.BOOL && (long) mostEntries * 8 > 2 * maxBlockBytes) {
                assertTrue(
                        mostBlocks >= 2,
                        "tiny blocks should give many blocks, at most " + mostBlocks + " for " + mostEntries
                                + " entries and max block size " + maxBlockBytes);
            }
        }
    }

    private static <K> MKey<K> canonical(MKey<K> k) {
        return new MKey<>(k.prefix, TestData.canonical(k.key));
    }

    private static <K> MKey<K> randomKey(Random random, Function<Random, K> keys) {
        return new MKey<>(TestData.PREFIXES.get(random.nextInt(TestData.PREFIXES.size())), keys.apply(random));
    }

    private static <K, V> MKey<K> pickKey(Random random, NavigableMap<MKey<K>, V> model, Function<Random, K> keys) {
        if (model.isEmpty() || random.nextInt(3) == 0) {
            return randomKey(random, keys);
        }
        MKey<K> probe = randomKey(random, keys);
        MKey<K> near = random.nextBoolean() ? model.ceilingKey(probe) : model.floorKey(probe);
        return near != null ? near : model.firstKey();
    }

    private static <K, V> void assertForkSharesUntouchedBlocks(
            BlockfileReader<K, V> parent, BlockfileReader<K, V> child, Set<MKey<K>> touched, long maxBlockBytes) {
        RootIndex p = parent.rootIndex();
        if (p.blockCount() == 0) {
            return;
        }
        boolean[] hit = new boolean[p.blockCount()];
        for (MKey<K> k : touched) {
            hit[Math.max(0, p.blockFor(k.prefix, k.key))] = true;
        }
        Set<UUID> childBlocks = new HashSet<>(child.root().blockIds());
        for (int i = 0; i < hit.length; i++) {
            boolean mayChange = hit[i] || (i > 0 && hit[i - 1]) || (i + 1 < hit.length && hit[i + 1]);
            if (!mayChange) {
                assertTrue(
                        childBlocks.contains(p.blockIds[i]),
                        "untouched block " + i + " of " + hit.length + " was rewritten by the fork (max block bytes "
                                + maxBlockBytes + ")");
            }
        }
    }

    private static <K, V> void verify(
            BlockfileReader<K, V> reader,
            NavigableMap<MKey<K>, V> model,
            Random random,
            Function<Random, K> keys,
            Comparator<MKey<K>> order) {
        assertEquals(model.size(), reader.count());
        // full scan, in order
        Iterator<BlockfileEntry<K, V>> it = reader.scan();
        int i = 0;
        for (Map.Entry<MKey<K>, V> e : model.entrySet()) {
            assertTrue(it.hasNext(), "scan ended after " + i + " of " + model.size());
            assertEntry(e, it.next(), "scan #" + i);
            i++;
        }
        assertTrue(!it.hasNext(), "scan returned more than the model's " + model.size() + " entries");

        List<MKey<K>> present = new ArrayList<>(model.keySet());
        for (int probe = 0; probe < 25; probe++) {
            MKey<K> k = !present.isEmpty() && random.nextBoolean()
                    ? present.get(random.nextInt(present.size()))
                    : randomKey(random, keys);
            V expected = model.get(canonical(k));
            V actual = reader.get(k.prefix, k.key);
            assertTrue(
                    TestData.same(expected, actual),
                    "get " + k + ": expected " + TestData.show(expected) + ", got " + TestData.show(actual));
            assertEquals(expected != null, reader.contains(k.prefix, k.key), "contains " + k);
            assertEquals(model.headMap(canonical(k)).size(), reader.rank(k.prefix, k.key), "rank " + k);
        }
        for (int probe = 0; probe < 6; probe++) {
            String prefix = TestData.PREFIXES.get(random.nextInt(TestData.PREFIXES.size()));
            K from = random.nextInt(3) == 0 ? null : keys.apply(random);
            K to = random.nextInt(3) == 0 ? null : keys.apply(random);
            List<Map.Entry<MKey<K>, V>> expected = new ArrayList<>();
            for (Map.Entry<MKey<K>, V> e : model.entrySet()) {
                MKey<K> k = e.getKey();
                if (k.prefix.equals(prefix)
                        && (from == null || order.compare(k, new MKey<>(prefix, from)) >= 0)
                        && (to == null || order.compare(k, new MKey<>(prefix, to)) < 0)) {
                    expected.add(e);
                }
            }
            Iterator<BlockfileEntry<K, V>> range =
                    probe == 0 ? reader.scanPrefix(prefix) : reader.range(prefix, from, to);
            if (probe == 0) {
                expected.clear();
                for (Map.Entry<MKey<K>, V> e : model.entrySet()) {
                    if (e.getKey().prefix.equals(prefix)) {
                        expected.add(e);
                    }
                }
            }
            int n = 0;
            for (Map.Entry<MKey<K>, V> e : expected) {
                assertTrue(range.hasNext(), "range " + prefix + " [" + from + ", " + to + ") ended after " + n);
                assertEntry(e, range.next(), "range " + prefix + " [" + from + ", " + to + ") #" + n);
                n++;
            }
            assertTrue(!range.hasNext(), "range " + prefix + " [" + from + ", " + to + ") returned extra entries");
        }
        String prefix = TestData.PREFIXES.get(random.nextInt(TestData.PREFIXES.size()));
        List<K> wanted = new ArrayList<>();
        Map<K, V> expected = new HashMap<>();
        for (int j = 0; j < 20; j++) {
            K k = keys.apply(random);
            wanted.add(k);
            V v = model.get(new MKey<>(prefix, TestData.canonical(k)));
            if (v != null) {
                expected.put(TestData.canonical(k), v);
            }
        }
        for (MKey<K> k : present) {
            if (k.prefix.equals(prefix) && random.nextInt(3) == 0) {
                wanted.add(k.key);
                expected.put(k.key, model.get(k));
            }
        }
        Map<K, V> actual = reader.getMany(prefix, wanted);
        Map<K, V> canonicalActual = new HashMap<>();
        actual.forEach((k, v) -> canonicalActual.put(TestData.canonical(k), v));
        assertEquals(expected.keySet(), canonicalActual.keySet(), "getMany keys");
        expected.forEach((k, v) -> assertTrue(TestData.same(v, canonicalActual.get(k)), "getMany value of " + k));
    }

    private static <K, V> void assertEntry(Map.Entry<MKey<K>, V> expected, BlockfileEntry<K, V> actual, String what) {
        assertEquals(expected.getKey().prefix, actual.prefix(), what + " prefix");
        assertEquals(expected.getKey().key, actual.key(), what + " key");
        assertTrue(
                TestData.same(expected.getValue(), actual.value()),
                what + " value: expected " + TestData.show(expected.getValue()) + ", got "
                        + TestData.show(actual.value()));
    }
}
