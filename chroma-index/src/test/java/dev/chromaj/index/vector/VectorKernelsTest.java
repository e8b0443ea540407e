package dev.chromaj.index.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class VectorKernelsTest {

    private static final long SEED = 20241121L;

    @Test
    void scalarKernelsMatchDoublePrecisionReference() {
        Random random = new Random(SEED);
        for (int length = 1; length <= 300; length++) {
            float[] a = randomVector(random, length);
            float[] b = randomVector(random, length);
            double dot = 0;
            double l2 = 0;
            for (int i = 0; i < length; i++) {
                dot += (double) a[i] * b[i];
                l2 += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
            }
            String where = "seed " + SEED + ", length " + length;
            assertEquals(dot, VectorKernels.SCALAR.dot(a, 0, b, 0, length), tolerance(length), where);
            assertEquals(l2, VectorKernels.SCALAR.squaredL2(a, 0, b, 0, length), tolerance(length) * 4, where);
        }
    }

    @Test
    void panamaKernelsAgreeWithScalarKernels() {
        // The test JVM runs with --add-modules jdk.incubator.vector (see chroma-index/pom.xml), so the Panama
        // implementation is exercised here on every JDK, even where VectorKernels would not pick it by default.
        assertTrue(VectorKernels.panamaModulePresent(), "tests must run with --add-modules jdk.incubator.vector");
        FloatKernels panama = VectorKernels.loadPanama();
        assertNotNull(panama, "the Panama kernels failed to load");
        Random random = new Random(SEED + 1);
        for (int length = 1; length <= 300; length++) {
            float[] store = randomVector(random, length * 3 + 5);
            float[] a = randomVector(random, length);
            int offset = 1 + random.nextInt(length * 2 + 4);
            String where = "seed " + (SEED + 1) + ", length " + length + ", offset " + offset;
            assertEquals(
                    VectorKernels.SCALAR.dot(a, 0, store, offset, length),
                    panama.dot(a, 0, store, offset, length),
                    tolerance(length),
                    where);
            assertEquals(
                    VectorKernels.SCALAR.squaredL2(a, 0, store, offset, length),
                    panama.squaredL2(a, 0, store, offset, length),
                    tolerance(length) * 4,
                    where);
        }
    }

    @Test
    void boundedSquaredL2IsExactUnderTheBoundAndAboveItOtherwise() {
        FloatKernels panama = VectorKernels.loadPanama();
        assertNotNull(panama, "the Panama kernels failed to load");
        Random random = new Random(SEED + 2);
        int[] lengths = new int[320];
        for (int i = 0; i < 300; i++) {
            lengths[i] = i + 1;
        }
        for (int i = 300; i < lengths.length; i++) {
            lengths[i] = 300 + random.nextInt(1_600);
        }
        for (FloatKernels kernels : new FloatKernels[] {VectorKernels.SCALAR, panama}) {
            for (int length : lengths) {
                float[] store = randomVector(random, length + 9);
                float[] a = randomVector(random, length);
                int offset = random.nextInt(10);
                float full = kernels.squaredL2(a, 0, store, offset, length);
                // bounds below, at and above the distance, down to zero and up to infinity
                float[] bounds = {
                    0f,
                    full * 0.25f,
                    full * 0.6f,
                    full * 0.9f,
                    Math.nextDown(full),
                    full,
                    Math.nextUp(full),
                    full * 1.5f,
                    Float.POSITIVE_INFINITY
                };
                for (float bound : bounds) {
                    float got = kernels.squaredL2Bounded(a, 0, store, offset, length, bound);
                    String where = kernels.name() + ", length " + length + ", bound " + bound + ", full " + full;
                    if (full <= bound) {
                        assertEquals(Float.floatToRawIntBits(full), Float.floatToRawIntBits(got), where);
                    } else {
                        assertTrue(got > bound, where + ": got " + got);
                        assertTrue(got <= full, where + ": a partial sum cannot exceed the whole, got " + got);
                    }
                }
            }
        }
    }

    @Test
    void plainKernelsAreSelectedBeforeJdk21() {
        if (Runtime.version().feature() < 21) {
            assertEquals("scalar", VectorKernels.implementationName());
        } else {
            assertTrue(VectorKernels.implementationName().startsWith("panama"), VectorKernels.implementationName());
        }
    }

    @Test
    void distancesFollowChromaSpaces() {
        float[] a = {1f, 2f, 2f};
        float[] b = {2f, 0f, 1f};
        assertEquals(1 + 4 + 1, VectorKernels.distance(DistanceSpace.L2, a, b), 1e-6);
        assertEquals(1 - 4, VectorKernels.distance(DistanceSpace.IP, a, b), 1e-6);
        assertEquals(1 - 4 / (3 * Math.sqrt(5)), VectorKernels.distance(DistanceSpace.COSINE, a, b), 1e-6);
        assertEquals(1f, VectorKernels.distance(DistanceSpace.COSINE, new float[3], b), 1e-6);
        assertEquals(VectorKernels.squaredL2(a, b), VectorKernels.squaredL2(a, new float[] {9f, 2f, 0f, 1f}, 1));
        assertEquals(VectorKernels.dot(a, b), VectorKernels.dot(a, new float[] {9f, 2f, 0f, 1f}, 1));
    }

    @Test
    void normalizeScalesToUnitLengthAndLeavesZeroVectors() {
        float[] v = {3f, 4f};
        VectorKernels.normalize(v);
        assertEquals(0.6f, v[0], 1e-6);
        assertEquals(0.8f, v[1], 1e-6);
        float[] zero = new float[4];
        VectorKernels.normalize(zero);
        assertEquals(0f, zero[0]);
    }

    @Test
    void mismatchedDimensionsAreRejected() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> VectorKernels.dot(new float[2], new float[3]));
        assertTrue(e.getMessage().contains("2 and 3"), e.getMessage());
    }

    private static float[] randomVector(Random random, int length) {
        float[] v = new float[length];
        for (int i = 0; i < length; i++) {
            v[i] = random.nextFloat() * 2f - 1f;
        }
        return v;
    }

    private static double tolerance(int length) {
        return 1e-5 * length;
    }
}
