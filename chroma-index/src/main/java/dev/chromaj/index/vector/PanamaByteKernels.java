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

    @Override
    public String name() {
        return "panama-" + INTS.vectorBitSize() + "bit";
    }
}
