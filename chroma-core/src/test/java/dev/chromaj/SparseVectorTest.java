package dev.chromaj;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SparseVectorTest {

    private static String rejected(int[] indices, float[] values) {
        return assertThrows(InvalidArgumentException.class, () -> SparseVector.of(indices, values))
                .getMessage();
    }

    @Test
    void validVectorKeepsIndicesAndValues() {
        SparseVector v = SparseVector.of(new int[] {0, 3, 17}, new float[] {0.5f, -1f, 2f});
        assertArrayEquals(new int[] {0, 3, 17}, v.indices());
        assertArrayEquals(new float[] {0.5f, -1f, 2f}, v.values());
        assertEquals(3, v.size());
    }

    @Test
    void emptyVectorIsAllowed() {
        assertEquals(0, SparseVector.of(new int[0], new float[0]).size());
    }

    @Test
    void arraysAreCopiedInAndOut() {
        int[] idx = {1, 2};
        float[] val = {1f, 2f};
        SparseVector v = SparseVector.of(idx, val);
        idx[0] = 7;
        val[0] = 7f;
        v.indices()[1] = 9;
        assertArrayEquals(new int[] {1, 2}, v.indices());
        assertArrayEquals(new float[] {1f, 2f}, v.values());
    }

    @Test
    void lengthMismatchIsRejected() {
        assertTrue(rejected(new int[] {1, 2}, new float[] {1f})
                .startsWith("Sparse vector indices and values must have the same length"));
    }

    @Test
    void unsortedOrDuplicateIndicesAreRejected() {
        assertTrue(rejected(new int[] {3, 1}, new float[] {1f, 1f})
                .startsWith("Sparse vector indices must be sorted in strictly ascending order"));
        assertTrue(rejected(new int[] {1, 1}, new float[] {1f, 1f}).contains("strictly ascending"));
    }

    @Test
    void negativeIndexIsRejected() {
        assertTrue(rejected(new int[] {-1}, new float[] {1f}).startsWith("Sparse vector indices must be non-negative"));
    }

    @Test
    void nonFiniteValueIsRejected() {
        assertTrue(rejected(new int[] {1}, new float[] {Float.NaN}).startsWith("Sparse vector values must be finite"));
        assertTrue(
                rejected(new int[] {1}, new float[] {Float.POSITIVE_INFINITY}).contains("finite"));
    }

    @Test
    void nullArraysAreRejected() {
        assertTrue(rejected(null, new float[0]).contains("indices"));
        assertTrue(rejected(new int[0], null).contains("values"));
    }

    @Test
    void equalityIsByContent() {
        SparseVector v = SparseVector.of(new int[] {1}, new float[] {2f});
        assertEquals(v, SparseVector.of(new int[] {1}, new float[] {2f}));
        assertEquals(
                SparseVector.of(new int[] {1}, new float[] {2f}).hashCode(),
                SparseVector.of(new int[] {1}, new float[] {2f}).hashCode());
    }
}
