package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.testing.TestRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MetadataJsonTest {

    @Test
    void roundTripKeepsLongsDoublesListsBooleansAndNulls() {
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("int", 5L);
        md.put("float", 5.0);
        md.put("big", Long.MAX_VALUE);
        md.put("tiny", 1e-300);
        md.put("huge", 1e300);
        md.put("neg", -0.0);
        md.put("s", "caf\u00e9 \"quoted\"");
        md.put("b", true);
        md.put("ints", List.of(1L, 2L));
        md.put("floats", List.of(1.0, 2.5));
        md.put("strs", List.of("a"));
        md.put("deleted", null);
        Map<String, Object> back = MetadataJson.read(MetadataJson.write(md));
        assertEquals(md, back);
        assertInstanceOf(Long.class, back.get("int"));
        assertInstanceOf(Double.class, back.get("float"));
        assertInstanceOf(Double.class, ((List<?>) back.get("floats")).get(0));
        assertEquals(List.copyOf(md.keySet()), List.copyOf(back.keySet()));
        assertEquals(md, MetadataJson.readBytes(MetadataJson.writeBytes(md)));
    }

    @Test
    void randomMetadataRoundTrips() {
        Random random = TestRandom.random();
        for (int round = 0; round < 200; round++) {
            Map<String, Object> md = new LinkedHashMap<>();
            for (int k = 0; k < 5; k++) {
                md.put(
                        "k" + k,
                        switch (random.nextInt(4)) {
                            case 0 -> random.nextLong();
                            case 1 -> Double.longBitsToDouble(random.nextLong()) % 1e10;
                            case 2 -> Long.toString(random.nextLong(), 36);
                            default -> random.nextBoolean();
                        });
            }
            md.replaceAll((key, value) -> value instanceof Double d && !Double.isFinite(d) ? 0.25 : value);
            assertEquals(md, MetadataJson.read(MetadataJson.write(md)));
        }
    }

    @Test
    void emptyMapRoundTrips() {
        assertEquals(Map.of(), MetadataJson.read(MetadataJson.write(Map.of())));
    }

    @Test
    void corruptJsonIsReported() {
        assertTrue(assertThrows(ChromaException.class, () -> MetadataJson.read("[1]"))
                .getMessage()
                .startsWith("Corrupt metadata JSON"));
        assertThrows(ChromaException.class, () -> MetadataJson.read("{\"a\": {\"b\": 1}}"));
        assertThrows(ChromaException.class, () -> MetadataJson.read("{\"a\": [[1]]}"));
        assertThrows(ChromaException.class, () -> MetadataJson.read("{\"a\": "));
    }
}
