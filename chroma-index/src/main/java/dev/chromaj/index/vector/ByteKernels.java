package dev.chromaj.index.vector;

/**
 * Integer reductions over slices of byte arrays read as unsigned values (0..255), the int8 codes of
 * {@link ScalarQuantizer}, and over its packed int4 codes (the {@code *4} methods: byte {@code j} of a code of
 * {@code length} bytes holds component {@code j} in its low nibble and component {@code j + length} in its high
 * nibble). Int8 sums are exact in {@code int} as long as {@code length <= }{@link #MAX_LENGTH}; callers split longer
 * slices. Int4 sums are exact up to {@link ScalarQuantizer#MAX_INT4_DIMENSION} components. Implementations must be stateless and thread-safe, and all return the same values (integer
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

    /**
     * Sum of {@code (query[j] - low(packed[from + j]))^2 + (query[j + length] - high(packed[from + j]))^2} over
     * {@code j < length}: an unpacked int4 query ({@code 2 * length} values of 0..15) against a packed int4 code.
     */
    int squaredL2Int4(byte[] query, byte[] packed, int from, int length);

    /** As {@link #squaredL2Int4} with products instead of squared differences. */
    int dotInt4(byte[] query, byte[] packed, int from, int length);

    /** Sum of squared differences of the components of two packed int4 codes of {@code length} bytes. */
    int squaredL2Packed4(byte[] a, int aOffset, byte[] b, int bOffset, int length);

    /** Sum of products of the components of two packed int4 codes of {@code length} bytes. */
    int dotPacked4(byte[] a, int aOffset, byte[] b, int bOffset, int length);

    /** Sum of the components (both nibbles of every byte) of a packed int4 code of {@code length} bytes. */
    int sum4(byte[] packed, int from, int length);

    /** A short name for logs and benchmark reports. */
    String name();
}
