package dev.chromaj.index.vector;

/**
 * Integer reductions over slices of byte arrays read as unsigned values (0..255), the int8 codes of
 * {@link ScalarQuantizer}. Sums are exact in {@code int} as long as {@code length <= }{@link #MAX_LENGTH}; callers
 * split longer slices. Implementations must be stateless and thread-safe, and all return the same values (integer
 * sums do not depend on the order).
 */
interface ByteKernels {

    /** Longest slice whose sums fit an {@code int}: {@code 255 * 255 * 32768 < 2^31}. */
    int MAX_LENGTH = 1 << 15;

    /** Sum of {@code (a[i] - b[i])^2} over the unsigned values of the two slices. */
    int squaredL2(byte[] a, int aOffset, byte[] b, int bOffset, int length);

    /** Sum of {@code a[i] * b[i]} over the unsigned values of the two slices. */
    int dot(byte[] a, int aOffset, byte[] b, int bOffset, int length);

    /** Sum of the unsigned values of {@code a[aOffset, aOffset + length)}. */
    int sum(byte[] a, int aOffset, int length);

    /** A short name for logs and benchmark reports. */
    String name();
}
