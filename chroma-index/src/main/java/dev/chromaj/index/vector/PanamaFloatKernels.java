package dev.chromaj.index.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Panama Vector API ({@code jdk.incubator.vector}), at the platform's preferred vector width. Only
 * loaded by {@link VectorKernels} when the module is present, so nothing else may reference this class directly.
 */
final class PanamaFloatKernels implements FloatKernels {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();

    @Override
    public float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        int i = 0;
        float sum = 0f;
        if (length >= 2 * LANES) {
            FloatVector acc0 = FloatVector.zero(SPECIES);
            FloatVector acc1 = FloatVector.zero(SPECIES);
            int bound = length - length % (2 * LANES);
            for (; i < bound; i += 2 * LANES) {
                FloatVector a0 = FloatVector.fromArray(SPECIES, a, aOffset + i);
                FloatVector b0 = FloatVector.fromArray(SPECIES, b, bOffset + i);
                FloatVector a1 = FloatVector.fromArray(SPECIES, a, aOffset + i + LANES);
                FloatVector b1 = FloatVector.fromArray(SPECIES, b, bOffset + i + LANES);
                acc0 = a0.fma(b0, acc0);
                acc1 = a1.fma(b1, acc1);
            }
            sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }
        for (; i + LANES <= length; i += LANES) {
            FloatVector a0 = FloatVector.fromArray(SPECIES, a, aOffset + i);
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bOffset + i);
            sum += a0.mul(b0).reduceLanes(VectorOperators.ADD);
        }
        for (; i < length; i++) {
            sum += a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }

    @Override
    public float squaredL2(float[] a, int aOffset, float[] b, int bOffset, int length) {
        int i = 0;
        float sum = 0f;
        if (length >= 2 * LANES) {
            FloatVector acc0 = FloatVector.zero(SPECIES);
            FloatVector acc1 = FloatVector.zero(SPECIES);
            int bound = length - length % (2 * LANES);
            for (; i < bound; i += 2 * LANES) {
                FloatVector d0 = FloatVector.fromArray(SPECIES, a, aOffset + i)
                        .sub(FloatVector.fromArray(SPECIES, b, bOffset + i));
                FloatVector d1 = FloatVector.fromArray(SPECIES, a, aOffset + i + LANES)
                        .sub(FloatVector.fromArray(SPECIES, b, bOffset + i + LANES));
                acc0 = d0.fma(d0, acc0);
                acc1 = d1.fma(d1, acc1);
            }
            sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        }
        for (; i + LANES <= length; i += LANES) {
            FloatVector d0 =
                    FloatVector.fromArray(SPECIES, a, aOffset + i).sub(FloatVector.fromArray(SPECIES, b, bOffset + i));
            sum += d0.mul(d0).reduceLanes(VectorOperators.ADD);
        }
        for (; i < length; i++) {
            float d = a[aOffset + i] - b[bOffset + i];
            sum += d * d;
        }
        return sum;
    }

    /**
     * The whole sum, whatever the bound: stopping early needs a lane reduction at each look, and on JDK 25 with
     * 512-bit vectors that cost what it saved at 784 dimensions (HNSW queries on fmnistsmall within noise) and lost
     * at 128 (siftsmall), while the scalar kernels gain 10–14% from it.
     */
    @Override
    public float squaredL2Bounded(float[] a, int aOffset, float[] b, int bOffset, int length, float bound) {
        return squaredL2(a, aOffset, b, bOffset, length);
    }

    @Override
    public String name() {
        return "panama-" + SPECIES.vectorBitSize() + "bit";
    }
}
