package dev.chromaj.index.vector;

/**
 * Plain Java byte kernels for every JDK: integer arithmetic, eight independent accumulators (as
 * {@link ScalarFloatKernels}), so the loop has no long dependency chain and no byte-to-float conversion.
 */
final class ScalarByteKernels implements ByteKernels {

    @Override
    public int squaredL2(byte[] a, int aOffset, byte[] b, int bOffset, int length) {
        int s0 = 0;
        int s1 = 0;
        int s2 = 0;
        int s3 = 0;
        int s4 = 0;
        int s5 = 0;
        int s6 = 0;
        int s7 = 0;
        int i = 0;
        int bound = length & ~7;
        for (; i < bound; i += 8) {
            int x = aOffset + i;
            int y = bOffset + i;
            int d0 = (a[x] & 0xFF) - (b[y] & 0xFF);
            int d1 = (a[x + 1] & 0xFF) - (b[y + 1] & 0xFF);
            int d2 = (a[x + 2] & 0xFF) - (b[y + 2] & 0xFF);
            int d3 = (a[x + 3] & 0xFF) - (b[y + 3] & 0xFF);
            int d4 = (a[x + 4] & 0xFF) - (b[y + 4] & 0xFF);
            int d5 = (a[x + 5] & 0xFF) - (b[y + 5] & 0xFF);
            int d6 = (a[x + 6] & 0xFF) - (b[y + 6] & 0xFF);
            int d7 = (a[x + 7] & 0xFF) - (b[y + 7] & 0xFF);
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
            s4 += d4 * d4;
            s5 += d5 * d5;
            s6 += d6 * d6;
            s7 += d7 * d7;
        }
        for (; i < length; i++) {
            int d = (a[aOffset + i] & 0xFF) - (b[bOffset + i] & 0xFF);
            s0 += d * d;
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    @Override
    public int dot(byte[] a, int aOffset, byte[] b, int bOffset, int length) {
        int s0 = 0;
        int s1 = 0;
        int s2 = 0;
        int s3 = 0;
        int s4 = 0;
        int s5 = 0;
        int s6 = 0;
        int s7 = 0;
        int i = 0;
        int bound = length & ~7;
        for (; i < bound; i += 8) {
            int x = aOffset + i;
            int y = bOffset + i;
            s0 += (a[x] & 0xFF) * (b[y] & 0xFF);
            s1 += (a[x + 1] & 0xFF) * (b[y + 1] & 0xFF);
            s2 += (a[x + 2] & 0xFF) * (b[y + 2] & 0xFF);
            s3 += (a[x + 3] & 0xFF) * (b[y + 3] & 0xFF);
            s4 += (a[x + 4] & 0xFF) * (b[y + 4] & 0xFF);
            s5 += (a[x + 5] & 0xFF) * (b[y + 5] & 0xFF);
            s6 += (a[x + 6] & 0xFF) * (b[y + 6] & 0xFF);
            s7 += (a[x + 7] & 0xFF) * (b[y + 7] & 0xFF);
        }
        for (; i < length; i++) {
            s0 += (a[aOffset + i] & 0xFF) * (b[bOffset + i] & 0xFF);
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    @Override
    public int sum(byte[] a, int aOffset, int length) {
        int s0 = 0;
        int s1 = 0;
        int s2 = 0;
        int s3 = 0;
        int i = 0;
        int bound = length & ~3;
        for (; i < bound; i += 4) {
            int x = aOffset + i;
            s0 += a[x] & 0xFF;
            s1 += a[x + 1] & 0xFF;
            s2 += a[x + 2] & 0xFF;
            s3 += a[x + 3] & 0xFF;
        }
        for (; i < length; i++) {
            s0 += a[aOffset + i] & 0xFF;
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public String name() {
        return "scalar";
    }
}
