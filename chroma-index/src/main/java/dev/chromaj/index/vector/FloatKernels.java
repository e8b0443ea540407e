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

    /** A short name for logs and benchmark reports. */
    String name();
}
