package dev.chromaj.index.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.testing.TestRandom;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ByteKernelsTest {

    @Test
    void kernelsMatchAStraightforwardReferenceOnRandomSlices() {
        long seed = TestRandom.seed();
        Random random = new Random(seed);
        for (ByteKernels kernels : implementations()) {
            int[] lengths = new int[340];
            for (int i = 0; i < 300; i++) {
                lengths[i] = i + 1;
            }
            for (int i = 300; i < lengths.length; i++) {
                lengths[i] = 300 + random.nextInt(3_000);
            }
            for (int length : lengths) {
                byte[] a = randomBytes(random, length + 17);
                byte[] b = randomBytes(random, length + 17);
                int fa = random.nextInt(18);
                int fb = random.nextInt(18);
                assertAgreesWithReference(kernels, a, fa, b, fb, length, "seed " + seed);
            }
        }
    }

    @Test
    void extremeValuesAtTheLongestSliceDoNotOverflow() {
        for (ByteKernels kernels : implementations()) {
            for (int length : new int[] {1, 7, 8, 15, 16, 33, 63, 64, 65, 768, 1_537, ByteKernels.MAX_LENGTH}) {
                byte[] zeros = new byte[length];
                byte[] full = new byte[length];
                Arrays.fill(full, (byte) 0xFF);
                byte[] alternating = new byte[length];
                for (int i = 0; i < length; i += 2) {
                    alternating[i] = (byte) 0xFF;
                }
                byte[] signBoundary = new byte[length];
                for (int i = 0; i < length; i++) {
                    signBoundary[i] = (byte) (i % 2 == 0 ? 0x7F : 0x80);
                }
                String where = kernels.name() + ", length " + length;
                // 255^2 per component, the largest value any kernel returns: exact in an int up to MAX_LENGTH
                assertEquals(255L * 255 * length, kernels.squaredL2(full, 0, zeros, 0, length), where);
                assertEquals(255L * 255 * length, kernels.dot(full, 0, full, 0, length), where);
                assertEquals(255L * length, kernels.sum(full, 0, length), where);
                assertEquals(0, kernels.dot(full, 0, zeros, 0, length), where);
                byte[][] all = {zeros, full, alternating, signBoundary};
                for (byte[] a : all) {
                    for (byte[] b : all) {
                        assertAgreesWithReference(kernels, a, 0, b, 0, length, where);
                    }
                }
            }
        }
    }

    @Test
    void int4KernelsMatchAStraightforwardReferenceOnRandomCodes() {
        long seed = TestRandom.seed();
        Random random = new Random(seed);
        for (ByteKernels kernels : implementations()) {
            int[] lengths = new int[240];
            for (int i = 0; i < 200; i++) {
                lengths[i] = i + 1;
            }
            for (int i = 200; i < lengths.length; i++) {
                lengths[i] = 200 + random.nextInt(2_000);
            }
            for (int length : lengths) {
                byte[] a = randomBytes(random, length + 17);
                byte[] b = randomBytes(random, length + 17);
                byte[] query = new byte[2 * length];
                for (int i = 0; i < query.length; i++) {
                    query[i] = (byte) random.nextInt(16);
                }
                int fa = random.nextInt(18);
                int fb = random.nextInt(18);
                assertInt4AgreesWithReference(kernels, query, a, fa, b, fb, length, "seed " + seed);
            }
        }
    }

    @Test
    void int4ExtremeValuesDoNotOverflow() {
        for (ByteKernels kernels : implementations()) {
            for (int length : new int[] {1, 7, 8, 16, 33, 384, ByteKernels.MAX_LENGTH}) {
                byte[] zeros = new byte[length];
                byte[] full = new byte[length];
                Arrays.fill(full, (byte) 0xFF);
                byte[] fullQuery = new byte[2 * length];
                Arrays.fill(fullQuery, (byte) 15);
                String where = kernels.name() + ", length " + length;
                // 15^2 per component, two components per byte
                assertEquals(225L * 2 * length, kernels.squaredL2Int4(fullQuery, zeros, 0, length), where);
                assertEquals(225L * 2 * length, kernels.dotInt4(fullQuery, full, 0, length), where);
                assertEquals(225L * 2 * length, kernels.squaredL2Packed4(full, 0, zeros, 0, length), where);
                assertEquals(225L * 2 * length, kernels.dotPacked4(full, 0, full, 0, length), where);
                assertEquals(15L * 2 * length, kernels.sum4(full, 0, length), where);
                assertEquals(0, kernels.squaredL2Int4(fullQuery, full, 0, length), where);
            }
        }
    }

    @Test
    void panamaKernelsLoadWhereTheVectorsAreWideEnough() {
        // The test JVM runs with --add-modules jdk.incubator.vector (see chroma-index/pom.xml).
        assertTrue(VectorKernels.panamaModulePresent(), "tests must run with --add-modules jdk.incubator.vector");
        if (Runtime.version().feature() >= 21) {
            assertNotNull(VectorKernels.loadPanamaBytes(), "the Panama byte kernels failed to load");
            assertTrue(
                    VectorKernels.byteImplementationName().startsWith("panama"),
                    VectorKernels.byteImplementationName());
        } else {
            assertEquals("scalar", VectorKernels.byteImplementationName());
        }
    }

    private static ByteKernels[] implementations() {
        ByteKernels panama = VectorKernels.loadPanamaBytes();
        return panama == null
                ? new ByteKernels[] {VectorKernels.SCALAR_BYTES}
                : new ByteKernels[] {VectorKernels.SCALAR_BYTES, panama};
    }

    private static void assertAgreesWithReference(
            ByteKernels kernels, byte[] a, int fa, byte[] b, int fb, int length, String where) {
        long l2 = 0;
        long dot = 0;
        long sum = 0;
        for (int i = 0; i < length; i++) {
            int x = Byte.toUnsignedInt(a[fa + i]);
            int y = Byte.toUnsignedInt(b[fb + i]);
            l2 += (long) (x - y) * (x - y);
            dot += (long) x * y;
            sum += x;
        }
        String at = kernels.name() + ", length " + length + ", offsets " + fa + "/" + fb + ", " + where;
        assertEquals(l2, kernels.squaredL2(a, fa, b, fb, length), at);
        assertEquals(dot, kernels.dot(a, fa, b, fb, length), at);
        assertEquals(sum, kernels.sum(a, fa, length), at);
    }

    private static void assertInt4AgreesWithReference(
            ByteKernels kernels, byte[] query, byte[] a, int fa, byte[] b, int fb, int length, String where) {
        long l2 = 0;
        long dot = 0;
        long l2Packed = 0;
        long dotPacked = 0;
        long sum = 0;
        for (int j = 0; j < 2 * length; j++) {
            // component j of a packed code: the low nibble of byte j, or the high nibble of byte j - length
            int x = j < length ? a[fa + j] & 0x0F : (a[fa + j - length] >> 4) & 0x0F;
            int y = j < length ? b[fb + j] & 0x0F : (b[fb + j - length] >> 4) & 0x0F;
            l2 += (long) (query[j] - x) * (query[j] - x);
            dot += (long) query[j] * x;
            l2Packed += (long) (x - y) * (x - y);
            dotPacked += (long) x * y;
            sum += x;
        }
        String at = kernels.name() + ", length " + length + ", offsets " + fa + "/" + fb + ", " + where;
        assertEquals(l2, kernels.squaredL2Int4(query, a, fa, length), at);
        assertEquals(dot, kernels.dotInt4(query, a, fa, length), at);
        assertEquals(l2Packed, kernels.squaredL2Packed4(a, fa, b, fb, length), at);
        assertEquals(dotPacked, kernels.dotPacked4(a, fa, b, fb, length), at);
        assertEquals(sum, kernels.sum4(a, fa, length), at);
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
