package dev.chromaj.segment.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.testing.TestRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LogCodecTest {

    private static Map<String, Object> allValueTypes() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("string", "plain");
        m.put("unicode", "héllo wörld — 日本語 🎉");
        m.put("empty", "");
        m.put("int", 42L);
        m.put("negative", Long.MIN_VALUE);
        m.put("max", Long.MAX_VALUE);
        m.put("float", -3.25);
        m.put("tiny", Double.MIN_VALUE);
        m.put("true", true);
        m.put("false", false);
        m.put("strings", List.of("a", "ü", "🎉"));
        m.put("ints", List.of(1L, -2L, 3L));
        m.put("floats", List.of(0.5, -1e300));
        m.put("bools", List.of(true, false, true));
        m.put("deleted", null);
        m.put("ключ 🔑", "value");
        return m;
    }

    @Test
    void everyOperationKindRoundTrips() {
        SparseValues sv = new SparseValues(new int[] {0, 7, 1_000_000}, new float[] {0.1f, -2f, 3.5f});
        Map<String, SparseValues> sparse = new LinkedHashMap<>();
        sparse.put("splade", sv);
        sparse.put("removed", null);
        List<LogOperation> batch = List.of(
                new LogOperation.Add(
                        "a",
                        new RecordChange(
                                new float[] {1f, -0f, Float.MIN_VALUE},
                                "doc ✓",
                                allValueTypes(),
                                "s3://bucket/ü",
                                sparse)),
                new LogOperation.Upsert("b", RecordChange.NONE),
                new LogOperation.Update("ü-ñ", RecordChange.of(null, null, Map.of("k", 1), null)),
                new LogOperation.Delete("gone"),
                new LogOperation.Add("empty-embedding", RecordChange.of(new float[0], "", null, "")));
        List<LogOperation> decoded = LogCodec.decode(LogCodec.encode(batch));
        assertEquals(batch, decoded);
    }

    @Test
    void metadataValueTypesAreKeptExactly() {
        RecordChange change = RecordChange.of(null, null, allValueTypes(), null);
        LogOperation.Update op =
                (LogOperation.Update) LogCodec.decode(LogCodec.encode(List.of(new LogOperation.Update("x", change))))
                        .get(0);
        Map<String, Object> md = op.change().metadata();
        assertEquals(Long.class, md.get("int").getClass());
        assertEquals(Double.class, md.get("float").getClass());
        assertEquals(Boolean.class, md.get("true").getClass());
        assertEquals(List.of(1L, -2L, 3L), md.get("ints"));
        assertTrue(md.containsKey("deleted"));
        assertNull(md.get("deleted"));
        assertEquals(new ArrayList<>(allValueTypes().keySet()), new ArrayList<>(md.keySet()));
    }

    @Test
    void emptyBatchRoundTrips() {
        assertEquals(List.of(), LogCodec.decode(LogCodec.encode(List.of())));
    }

    @Test
    void firstByteIsTheFormatVersion() {
        assertEquals(LogCodec.VERSION, LogCodec.encode(List.of(new LogOperation.Delete("a")))[0]);
    }

    @Test
    void unknownVersionIsRejected() {
        byte[] bytes = LogCodec.encode(List.of(new LogOperation.Delete("a")));
        bytes[0] = 99;
        LogFormatException e = assertThrows(LogFormatException.class, () -> LogCodec.decode(bytes));
        assertTrue(e.getMessage().contains("version 99"), e.getMessage());
    }

    @Test
    void corruptedBytesAreDetected() {
        byte[] bytes = LogCodec.encode(List.of(new LogOperation.Add("abc", RecordChange.of(null, "text", null, null))));
        bytes[4] ^= 0x10;
        LogFormatException e = assertThrows(LogFormatException.class, () -> LogCodec.decode(bytes));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void truncatedBytesAreDetected() {
        byte[] bytes = LogCodec.encode(List.of(new LogOperation.Add("abc", RecordChange.of(null, "text", null, null))));
        for (int len = 0; len < bytes.length; len++) {
            byte[] cut = Arrays.copyOf(bytes, len);
            assertThrows(LogFormatException.class, () -> LogCodec.decode(cut), "length " + len);
        }
    }

    @Test
    void sparseMapRoundTrips() {
        Map<String, SparseValues> sparse = Map.of(
                "a",
                new SparseValues(new int[] {3, 1 << 30}, new float[] {1f, 2f}),
                "b",
                new SparseValues(new int[0], new float[0]));
        assertEquals(sparse, LogCodec.decodeSparse(LogCodec.encodeSparse(sparse)));
    }

    @Test
    void randomBatchesRoundTrip() {
        Random rnd = TestRandom.random();
        for (int iteration = 0; iteration < 200; iteration++) {
            List<LogOperation> batch = new ArrayList<>();
            int n = rnd.nextInt(20);
            for (int i = 0; i < n; i++) {
                String id = randomString(rnd, 1 + rnd.nextInt(8));
                RecordChange change = new RecordChange(
                        rnd.nextBoolean() ? randomVector(rnd) : null,
                        rnd.nextBoolean() ? randomString(rnd, rnd.nextInt(30)) : null,
                        rnd.nextBoolean() ? randomMetadata(rnd) : null,
                        rnd.nextBoolean() ? randomString(rnd, 5) : null,
                        null);
                batch.add(
                        switch (rnd.nextInt(4)) {
                            case 0 -> new LogOperation.Add(id, change);
                            case 1 -> new LogOperation.Upsert(id, change);
                            case 2 -> new LogOperation.Update(id, change);
                            default -> new LogOperation.Delete(id);
                        });
            }
            assertEquals(batch, LogCodec.decode(LogCodec.encode(batch)));
        }
    }

    @Test
    void unsupportedMetadataValueIsRejectedNamingTheKey() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> RecordChange.of(null, null, Map.of("when", java.time.Instant.EPOCH), null));
        assertTrue(e.getMessage().contains("'when'"), e.getMessage());
        IllegalArgumentException mixed = assertThrows(
                IllegalArgumentException.class,
                () -> RecordChange.of(null, null, Map.of("mixed", List.of(1, "a")), null));
        assertTrue(mixed.getMessage().contains("'mixed'"), mixed.getMessage());
    }

    private static float[] randomVector(Random rnd) {
        float[] v = new float[rnd.nextInt(5)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }

    private static String randomString(Random rnd, int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int kind = rnd.nextInt(4);
            if (kind == 0) {
                sb.appendCodePoint(0x1F600 + rnd.nextInt(50));
            } else if (kind == 1) {
                sb.append((char) (0xC0 + rnd.nextInt(200)));
            } else {
                sb.append((char) ('a' + rnd.nextInt(26)));
            }
        }
        return sb.toString();
    }

    private static Map<String, Object> randomMetadata(Random rnd) {
        Map<String, Object> m = new HashMap<>();
        int n = rnd.nextInt(5);
        for (int i = 0; i < n; i++) {
            Object v = switch (rnd.nextInt(6)) {
                case 0 -> randomString(rnd, 4);
                case 1 -> rnd.nextLong();
                case 2 -> rnd.nextDouble() * 1000 - 500;
                case 3 -> rnd.nextBoolean();
                case 4 -> List.of(rnd.nextLong(), rnd.nextLong());
                default -> null;
            };
            m.put("k" + rnd.nextInt(10), v);
        }
        return m;
    }
}
