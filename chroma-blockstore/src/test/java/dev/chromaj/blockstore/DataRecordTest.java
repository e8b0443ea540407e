package dev.chromaj.blockstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.testing.TestRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DataRecordTest {
    @Test
    void metadataRoundTripsThroughTheBinaryEncoding() {
        Random random = TestRandom.random();
        for (int i = 0; i < 500; i++) {
            DataRecord r = TestData.randomRecord(random);
            if (r.metadata() != null) {
                byte[] bytes = MetadataCodec.encode(r.metadata());
                assertEquals(r.metadata(), MetadataCodec.decode(bytes, 0, bytes.length));
                assertTrue(
                        bytes.length <= MetadataCodec.estimateSize(r.metadata()), "encoded size within the estimate");
            }
        }
        Map<String, Object> edge = new LinkedHashMap<>();
        edge.put("", Long.MIN_VALUE);
        edge.put("max", Long.MAX_VALUE);
        edge.put("nan", Double.NaN);
        edge.put("ü😀", List.of("ü😀", ""));
        byte[] bytes = MetadataCodec.encode(edge);
        assertEquals(edge, MetadataCodec.decode(bytes, 0, bytes.length));
        assertEquals(
                List.copyOf(edge.keySet()),
                List.copyOf(MetadataCodec.decode(bytes, 0, bytes.length).keySet()));
    }

    @Test
    void invalidMetadataIsRejectedNamingTheKey() {
        assertThrows(IllegalArgumentException.class, () -> new DataRecord(null, null, null, null, null));
        IllegalArgumentException type = assertThrows(
                IllegalArgumentException.class, () -> new DataRecord("a", null, null, Map.of("n", 5), null));
        assertTrue(type.getMessage().contains("'n'") && type.getMessage().contains("Integer"), type.getMessage());
        IllegalArgumentException empty = assertThrows(
                IllegalArgumentException.class, () -> new DataRecord("a", null, null, Map.of("e", List.of()), null));
        assertTrue(empty.getMessage().contains("'e'") && empty.getMessage().contains("empty"), empty.getMessage());
        IllegalArgumentException mixed = assertThrows(
                IllegalArgumentException.class,
                () -> new DataRecord("a", null, null, Map.of("m", Arrays.asList("x", 1L)), null));
        assertTrue(mixed.getMessage().contains("'m'"), mixed.getMessage());
    }

    @Test
    void equalityComparesEmbeddingsByContent() {
        DataRecord a = new DataRecord("a", new float[] {1, 2}, "d", Map.of("k", 1L), "u");
        DataRecord b = new DataRecord("a", new float[] {1, 2}, "d", Map.of("k", 1L), "u");
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertTrue(!a.equals(new DataRecord("a", new float[] {1, 3}, "d", Map.of("k", 1L), "u")));
    }
}
