package dev.chromaj.segment.log;

import dev.chromaj.annotations.Internal;
import java.util.Arrays;

/**
 * A sparse vector: strictly ascending dimension indices and their weights, of equal length. The arrays are owned by
 * this value; callers must not mutate them after construction.
 */
@Internal
public record SparseValues(int[] indices, float[] values) {

    /** @throws IllegalArgumentException when the arrays are null or of different lengths. */
    public SparseValues {
        if (indices == null || values == null) {
            throw new IllegalArgumentException("sparse vector indices and values must not be null");
        }
        if (indices.length != values.length) {
            throw new IllegalArgumentException("sparse vector indices and values must have equal lengths, got "
                    + indices.length + " indices and " + values.length + " values");
        }
    }

    /** Number of non-zero dimensions. */
    public int size() {
        return indices.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SparseValues other
                && Arrays.equals(indices, other.indices)
                && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(indices) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "SparseValues[indices=" + Arrays.toString(indices) + ", values=" + Arrays.toString(values) + "]";
    }
}
