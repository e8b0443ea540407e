package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HnswParamsTest {

    @Test
    void defaultsAreChromas() {
        assertEquals(new HnswParams(16, 100, 100), HnswParams.builder().build());
        assertEquals(HnswParams.defaults(), HnswParams.builder().build());
    }

    @Test
    void builderSetsEachParameter() {
        HnswParams p =
                HnswParams.builder().m(32).efConstruction(200).efSearch(50).build();
        assertEquals(new HnswParams(32, 200, 50), p);
        assertEquals(new HnswParams(8, 200, 50), p.toBuilder().m(8).build());
    }

    @Test
    void nonPositiveParametersAreRejectedWithTheirName() {
        assertEquals(
                "Expected HNSW m to be greater than 0, got 0",
                assertThrows(
                                InvalidArgumentException.class,
                                () -> HnswParams.builder().m(0).build())
                        .getMessage());
        assertEquals(
                "Expected HNSW efConstruction to be greater than 0, got -1",
                assertThrows(
                                InvalidArgumentException.class,
                                () -> HnswParams.builder().efConstruction(-1).build())
                        .getMessage());
        assertEquals(
                "Expected HNSW efSearch to be greater than 0, got 0",
                assertThrows(InvalidArgumentException.class, () -> new HnswParams(1, 1, 0))
                        .getMessage());
    }
}
