package dev.chromaj.blockstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.chromaj.testing.TestRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link BlockfileReader#forEachFloats}: the values of {@code getMany}, as slices of the blocks, over many blocks. */
class BlockfileFloatSlicesTest {
    private static final String DIR = "collection/slices";

    private final MemoryStorage storage = new MemoryStorage();
    private final BlockCache cache = BlockCache.builder().maxBytes(16 << 20).build();
    // small blocks, so the lookups below span many of them
    private final BlockfileStore store = new BlockfileStore(storage, cache, new BlockfileOptions(2048, 2));

    @AfterEach
    void close() {
        store.close();
        cache.close();
        storage.close();
    }

    @Test
    void slicesHoldTheValuesOfGetManyAndAbsentKeysAreSkipped() {
        long seed = TestRandom.seed();
        Random random = new Random(seed);
        BlockfileWriter<Integer, float[]> writer = store.create(DIR, KeyType.U32, ValueType.F32_LIST);
        for (int i = 0; i < 400; i += 2) {
            float[] v = new float[1 + random.nextInt(40)];
            for (int d = 0; d < v.length; d++) {
                v[d] = random.nextFloat() - 0.5f;
            }
            writer.set("", i, v);
        }
        BlockfileReader<Integer, float[]> reader =
                store.open(DIR, writer.commit().id(), KeyType.U32, ValueType.F32_LIST);
        Set<Integer> distinct = new LinkedHashSet<>();
        while (distinct.size() < 60) {
            distinct.add(random.nextInt(420));
        }
        List<Integer> keys = new ArrayList<>(distinct);
        Map<Integer, float[]> expected = reader.getMany("", keys);
        Map<Integer, float[]> seen = new HashMap<>();
        reader.forEachFloats("", keys, (key, data, from, length) -> {
            float[] previous = seen.put(key, Arrays.copyOfRange(data, from, from + length));
            assertEquals(null, previous, "key " + key + " visited twice, seed " + seed);
        });
        assertEquals(expected.keySet(), seen.keySet(), "seed " + seed);
        for (Map.Entry<Integer, float[]> e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), seen.get(e.getKey()), "key " + e.getKey() + ", seed " + seed);
        }
    }

    @Test
    void otherValueTypesAreRefused() {
        BlockfileWriter<Integer, String> writer = store.create(DIR, KeyType.U32, ValueType.STRING);
        writer.set("", 1, "one");
        BlockfileReader<Integer, String> reader =
                store.open(DIR, writer.commit().id(), KeyType.U32, ValueType.STRING);
        IllegalStateException e = assertThrows(
                IllegalStateException.class, () -> reader.forEachFloats("", List.of(1), (k, d, f, l) -> {}));
        assertEquals(true, e.getMessage().contains("F32_LIST"), e.getMessage());
    }
}
