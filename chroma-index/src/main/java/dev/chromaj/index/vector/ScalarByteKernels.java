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
    public int squaredL2Int4(byte[] query, byte[] packed, int from, int length) {
        int s0 = 0;
        int s1 = 0;
        int s2 = 0;
        int s3 = 0;
        int j = 0;
        int bound = length & ~1;
        for (; j < bound; j += 2) {
            int p0 = packed[from + j];
            int p1 = packed[from + j + 1];
            int d0 = query[j] - (p0 & 0x0F);
            int d1 = query[j + length] - ((p0 >> 4) & 0x0F);
            int d2 = query[j + 1] - (p1 & 0x0F);
            int d3 = query[j + 1 + length] - ((p1 >> 4) & 0x0F);
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; j < length; j++) {
            int p = packed[from + j];
            int d0 = query[j] - (p & 0x0F);
            int d1 = query[j + length] - ((p >> 4) & 0x0F);
            s0 += d0 * d0;
            s1 += d1 * d1;
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public int dotInt4(byte[] query, byte[] packed, int from, int length) {
        int s0 = 0;
        int s1 = 0;
        int s2 = 0;
        int s3 = 0;
        int j = 0;
        int bound = length & ~1;
        for (; j < bound; j += 2) {
            int p0 = packed[from + j];
            int p1 = packed[from + j + 1];
            s0 += query[j] * (p0 & 0x0F);
            s1 += query[j + length] * ((p0 >> 4) & 0x0F);
            s2 += query[j + 1] * (p1 & 0x0F);
            s3 += query[j + 1 + length] * ((p1 >> 4) & 0x0F);
        }
        for (; j < length; j++) {
            int p = packed[from + j];
            s0 += query[j] * (p & 0x0F);
            s1 += query[j + length] * ((p >> 4) & 0x0F);
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public int squaredL2Packed4(byte[] a, int aOffset, byte[] b, int bOffset, int length) {
        int s0 = 0;
        int s1 = 0;
        for (int j = 0; j < length; j++) {
            int x = a[aOffset + j];
            int y = b[bOffset + j];
            int d0 = (x & 0x0F) - (y & 0x0F);
            int d1 = ((x >> 4) & 0x0F) - ((y >> 4) & 0x0F);
            s0 += d0 * d0;
            s1 += d1 * d1;
        }
        return s0 + s1;
    }

    @Override
    public int dotPacked4(byte[] a, int aOffset, byte[] b, int bOffset, int length) {
        int s0 = 0;
        int s1 = 0;
        for (int j = 0; j < length; j++) {
            int x = a[aOffset + j];
            int y = b[bOffset + j];
            s0 += (x & 0x0F) * (y & 0x0F);
            s1 += ((x >> 4) & 0x0F) * ((y >> 4) & 0x0F);
        }
        return s0 + s1;
    }

    @Override
    public int sum4(byte[] packed, int from, int length) {
        int s0 = 0;
        int s1 = 0;
        for (int j = 0; j < length; j++) {
            int x = packed[from + j];
            s0 += x & 0x0F;
            s1 += (x >> 4) & 0x0F;
        }
        return s0 + s1;
    }

    @Override
    public String name() {
        return "scalar";
    }
}
