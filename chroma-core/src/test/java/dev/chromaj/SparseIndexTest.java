package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SparseIndexTest {

    @Test
    void providedAndBm25HaveTheirKind() {
        assertEquals(SparseIndex.Kind.PROVIDED, SparseIndex.provided().kind());
        assertFalse(SparseIndex.provided().isBm25());
        assertEquals(SparseIndex.Kind.BM25, SparseIndex.bm25().kind());
        assertTrue(SparseIndex.bm25().isBm25());
    }

    @Test
    void bm25DefaultsAreChromas() {
        assertEquals(1.2, SparseIndex.bm25().k1());
        assertEquals(0.75, SparseIndex.bm25().b());
        assertEquals(SparseIndex.bm25(), SparseIndex.bm25(1.2, 0.75));
    }

    @Test
    void bm25ParametersAreValidated() {
        assertTrue(assertThrows(InvalidArgumentException.class, () -> SparseIndex.bm25(-1, 0.5))
                .getMessage()
                .contains("k1"));
        assertTrue(assertThrows(InvalidArgumentException.class, () -> SparseIndex.bm25(1, 1.5))
                .getMessage()
                .contains("b to be between 0 and 1"));
        assertThrows(InvalidArgumentException.class, () -> SparseIndex.bm25(Double.NaN, 0.5));
    }
}
