package dev.chromaj;

import java.util.Arrays;

/**
 * A sparse vector: strictly ascending non-negative dimension indices with finite weights. Immutable: the arrays are
 * copied in and out.
 */
public final class SparseVector {

    private final int[] indices;
    private final float[] values;

    private SparseVector(int[] indices, float[] values) {
        this.indices = indices;
        this.values = values;
    }

    /**
     * Creates a sparse vector, validating it.
     *
     * @param indices dimension indices, non-negative and strictly ascending
     * @param values the weight of each index, finite
     * @return the vector
     * @throws InvalidArgumentException if the arrays are null, differ in length, or break the rules above
     */
    public static SparseVector of(int[] indices, float[] values) {
        if (indices == null || values == null) {
            throw new InvalidArgumentException(
                    "Sparse vector " + (indices == null ? "indices" : "values") + " must not be null");
        }
        if (indices.length != values.length) {
            throw new InvalidArgumentException("Sparse vector indices and values must have the same length, got "
                    + indices.length + " indices and " + values.length + " values");
        }
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0) {
                throw new InvalidArgumentException(
                        "Sparse vector indices must be non-negative, got " + indices[i] + " at position " + i);
            }
            if (i > 0 && indices[i] <= indices[i - 1]) {
                throw new InvalidArgumentException("Sparse vector indices must be sorted in strictly ascending order"
                        + " (no duplicates), got " + indices[i] + " after " + indices[i - 1] + " at position " + i);
            }
            if (!Float.isFinite(values[i])) {
                throw new InvalidArgumentException(
                        "Sparse vector values must be finite, got " + values[i] + " at position " + i);
            }
        }
        return new SparseVector(indices.clone(), values.clone());
    }

    /**
     * The dimension indices, strictly ascending.
     *
     * @return a copy of the indices
     */
    public int[] indices() {
        return indices.clone();
    }

    /**
     * The weights, parallel to {@link #indices()}.
     *
     * @return a copy of the values
     */
    public float[] values() {
        return values.clone();
    }

    /**
     * The number of non-zero entries.
     *
     * @return the number of indices
     */
    public int size() {
        return indices.length;
    }

    /** The indices without copying; callers inside the library must not modify them. */
    int[] indicesView() {
        return indices;
    }

    /** The values without copying; callers inside the library must not modify them. */
    float[] valuesView() {
        return values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SparseVector other
                && Arrays.equals(indices, other.indices)
                && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(indices) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("SparseVector{");
        int shown = Math.min(indices.length, 8);
        for (int i = 0; i < shown; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(indices[i]).append(':').append(values[i]);
        }
        if (shown < indices.length) {
            sb.append(", ... (").append(indices.length).append(" entries)");
        }
        return sb.append('}').toString();
    }
}
