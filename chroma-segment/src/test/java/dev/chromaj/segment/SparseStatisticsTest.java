package dev.chromaj.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.index.sparse.ValueKind;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SparseStatisticsTest {

    /**
     * The stored statistics of each value kind, byte for byte, as written since format 1: a kind's code must never
     * change, or existing statistics would be read as another kind.
     */
    @Test
    void encodingOfEveryValueKindIsStable() {
        assertEquals(
                "010000000000000000030000000000000000",
                HexFormat.of().formatHex(new SparseStatistics(ValueKind.WEIGHT, 3, 0).encode()));
        assertEquals(
                "010100000000000000030000000000000011",
                HexFormat.of().formatHex(new SparseStatistics(ValueKind.TERM_FREQUENCY, 3, 17).encode()));
        for (ValueKind kind : ValueKind.values()) {
            SparseStatistics s = new SparseStatistics(kind, 5, kind == ValueKind.WEIGHT ? 0 : 9);
            assertEquals(s, SparseStatistics.decode(s.encode(), "test"));
        }
    }

    @Test
    void unknownValueKindIsRejectedNamingTheObject() {
        byte[] bytes = new SparseStatistics(ValueKind.WEIGHT, 1, 0).encode();
        bytes[1] = 7;
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SparseStatistics.decode(bytes, "stats of k"));
        assertTrue(e.getMessage().contains("stats of k") && e.getMessage().contains("7"), e.getMessage());
    }
}
