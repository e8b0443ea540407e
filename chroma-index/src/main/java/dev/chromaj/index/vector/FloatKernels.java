package dev.chromaj.index.vector;

/**
 * The two primitive reductions every distance is built from, over slices of float arrays. Implementations must be
 * stateless and thread-safe; they may sum in any order, so results agree only within float tolerance.
 */
interface FloatKernels {

    /** Dot product of {@code a[aOffset, aOffset + length)} and {@code b[bOffset, bOffset + length)}. */
    float dot(float[] a, int aOffset, float[] b, int bOffset, int length);

    /** Squared Euclidean distance of the two slices. */
    float squaredL2(float[] a, int aOffset, float[] b, int bOffset, int length);

    /**
     * The squared Euclidean distance of the two slices when it is at most {@code bound}, bit for bit what
     * {@link #squaredL2} returns; otherwise some value greater than {@code bound} (a partial sum: the squares added so
     * far already exceed it, and squares only add). A search that keeps only candidates closer than its current worst
     * result asks with that worst and skips the rest of the sum for most neighbours it would reject anyway.
     */
    float squaredL2Bounded(float[] a, int aOffset, float[] b, int bOffset, int length, float bound);

    /** A short name for logs and benchmark reports. */
    String name();
}
