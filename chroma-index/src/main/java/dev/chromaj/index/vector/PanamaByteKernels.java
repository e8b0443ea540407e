package dev.chromaj.index.vector;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Byte kernels on the Panama Vector API: each step loads as many bytes as the preferred int vector has lanes,
 * widens them to ints (sign-extending, then masking back to 0..255) and accumulates in int lanes. Needs int vectors
 * of at least 8 lanes (a 64-bit byte shape), so {@link VectorKernels} uses it only where the preferred width is 256
 * bits or more. Only loaded by {@link VectorKernels} when the module is present, so nothing else may reference this
 * class directly.
 */
final class PanamaByteKernels implements ByteKernels {

    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    private static final int LANES = INTS.length();
    private static final VectorSpecies<Byte> BYTES =
            VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * Byte.SIZE));

    private static IntVector load(byte[] a, int offset) {
        return ((IntVector) ByteVector.fromArray(BYTES, a, offset).convertShape(VectorOperators.B2I, INTS, 0))
                .and(0xFF);
    }

    @Override
    public int squaredL2(byte[] a, int aOffset, byte[] b, int bOffset, int length) {
        int i = 0;
        int sum = 0;
        if (length >= 2 * LANES) {
            IntVector acc0 = IntVector.zero(INTS);
            IntVector acc1 = IntVector.zero(INTS);
            int bound = length - length % (2 * LANES);
            for (; i < bound; i += 2 * LANES) {
                IntVector d0 = load(a, aOffset + i).sub(load(b, bOffset + i));
                IntVector d1 = load(a, aOffset + i + LANES).sub(load(b, bOffset + i + LANES));
                acc0 = acc0.add(d0.mul(d0));
                acc1 = acc1.add(d1.mul(d1));
            }
            sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }
        for (; i < length; i++) {
            int d = (a[aOffset + i] & 0xFF) - (b[bOffset + i] & 0xFF);
            sum += d * d;
        }
        return sum;
    }

    @Override
    public int dot(byte[] a, int aOffset, byte[] b, int bOffset, int length) {
        int i = 0;
        int sum = 0;
        if (length >= 2 * LANES) {
            IntVector acc0 = IntVector.zero(INTS);
            IntVector acc1 = IntVector.zero(INTS);
            int bound = length - length % (2 * LANES);
            for (; i < bound; i += 2 * LANES) {
                acc0 = acc0.add(load(a, aOffset + i).mul(load(b, bOffset + i)));
                acc1 = acc1.add(load(a, aOffset + i + LANES).mul(load(b, bOffset + i + LANES)));
            }
            sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }
        for (; i < length; i++) {
            sum += (a[aOffset + i] & 0xFF) * (b[bOffset + i] & 0xFF);
        }
        return sum;
    }

    @Override
    public int sum(byte[] a, int aOffset, int length) {
        int i = 0;
        int sum = 0;
        if (length >= LANES) {
            IntVector acc = IntVector.zero(INTS);
            int bound = length - length % LANES;
            for (; i < bound; i += LANES) {
                acc = acc.add(load(a, aOffset + i));
            }
            sum = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < length; i++) {
            sum += a[aOffset + i] & 0xFF;
        }
        return sum;
    }

    // Int4: a load of LANES packed bytes gives LANES low nibbles (mask) and LANES high nibbles (shift), the
    // components j.. and j + length.. of the code, which line up with two plain loads of the unpacked query.

    @Override
    public int squaredL2Int4(byte[] query, byte[] packed, int from, int length) {
        int j = 0;
        int sum = 0;
        if (length >= LANES) {
            IntVector acc0 = IntVector.zero(INTS);
            IntVector acc1 = IntVector.zero(INTS);
            int bound = length - length % LANES;
            for (; j < bound; j += LANES) {
                IntVector p = load(packed, from + j);
                IntVector d0 = load(query, j).sub(p.and(0x0F));
                IntVector d1 = load(query, j + length).sub(p.lanewise(VectorOperators.LSHR, 4));
                acc0 = acc0.add(d0.mul(d0));
                acc1 = acc1.add(d1.mul(d1));
            }
            sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }
        for (; j < length; j++) {
            int p = packed[from + j];
            int d0 = query[j] - (p & 0x0F);
            int d1 = query[j + length] - ((p >> 4) & 0x0F);
            sum += d0 * d0 + d1 * d1;
        }
        return sum;
    }

    @Override
    public int dotInt4(byte[] query, byte[] packed, int from, int length) {
        int j = 0;
        int sum = 0;
        if (length >= LANES) {
            IntVector acc0 = IntVector.zero(INTS);
            IntVector acc1 = IntVector.zero(INTS);
            int bound = length - length % LANES;
            for (; j < bound; j += LANES) {
                IntVector p = load(packed, from + j);
                acc0 = acc0.add(load(query, j).mul(p.and(0x0F)));
                acc1 = acc1.add(load(query, j + length).mul(p.lanewise(VectorOperators.LSHR, 4)));
            }
            sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }
        for (; j < length; j++) {
            int p = packed[from + j];
            sum += query[j] * (p & 0x0F) + query[j + length] * ((p >> 4) & 0x0F);
        }
        return sum;
    }

    @Override
    public int squaredL2Packed4(byte[] a, int aOffset, byte[] b, int bOffset, int length) {
        int j = 0;
        int sum = 0;
        if (length >= LANES) {
            IntVector acc0 = IntVector.zero(INTS);
            IntVector acc1 = IntVector.zero(INTS);
            int bound = length - length % LANES;
            for (; j < bound; j += LANES) {
                IntVector x = load(a, aOffset + j);
                IntVector y = load(b, bOffset + j);
                IntVector d0 = x.and(0x0F).sub(y.and(0x0F));
                IntVector d1 = x.lanewise(VectorOperators.LSHR, 4).sub(y.lanewise(VectorOperators.LSHR, 4));
                acc0 = acc0.add(d0.mul(d0));
                acc1 = acc1.add(d1.mul(d1));
            }
            sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }
        for (; j < length; j++) {
            int x = a[aOffset + j];
            int y = b[bOffset + j];
            int d0 = (x & 0x0F) - (y & 0x0F);
            int d1 = ((x >> 4) & 0x0F) - ((y >> 4) & 0x0F);
            sum += d0 * d0 + d1 * d1;
        }
        return sum;
    }

    @Override
    public int dotPacked4(byte[] a, int aOffset, byte[] b, int bOffset, int length) {
        int j = 0;
        int sum = 0;
        if (length >= LANES) {
            IntVector acc0 = IntVector.zero(INTS);
            IntVector acc1 = IntVector.zero(INTS);
            int bound = length - length % LANES;
            for (; j < bound; j += LANES) {
                IntVector x = load(a, aOffset + j);
                IntVector y = load(b, bOffset + j);
                acc0 = acc0.add(x.and(0x0F).mul(y.and(0x0F)));
                acc1 = acc1.add(x.lanewise(VectorOperators.LSHR, 4).mul(y.lanewise(VectorOperators.LSHR, 4)));
            }
            sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }
        for (; j < length; j++) {
            int x = a[aOffset + j];
            int y = b[bOffset + j];
            sum += (x & 0x0F) * (y & 0x0F) + ((x >> 4) & 0x0F) * ((y >> 4) & 0x0F);
        }
        return sum;
    }

    @Override
    public int sum4(byte[] packed, int from, int length) {
        int j = 0;
        int sum = 0;
        if (length >= LANES) {
            IntVector acc = IntVector.zero(INTS);
            int bound = length - length % LANES;
            for (; j < bound; j += LANES) {
                IntVector p = load(packed, from + j);
                acc = acc.add(p.and(0x0F)).add(p.lanewise(VectorOperators.LSHR, 4));
            }
            sum = acc.reduceLanes(VectorOperators.ADD);
        }
        for (; j < length; j++) {
            int x = packed[from + j];
            sum += (x & 0x0F) + ((x >> 4) & 0x0F);
        }
        return sum;
    }

    @Override
    public String name() {
        return "panama-" + INTS.vectorBitSize() + "bit";
    }
}
