package dev.chromaj.index.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chromaj.testing.TestRandom;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ScalarQuantizerTest {

    /**
     * The distance between two decoded vectors that the code kernels compute: squared L2, {@code 1 - dot} for inner
     * product, and for cosine {@code |a - b|^2 / 2} (equal to {@code 1 - dot} of unit vectors, decoded ones are only
     * nearly so).
     */
    private static double codeDistance(DistanceSpace space, float[] a, float[] b) {
        if (space == DistanceSpace.COSINE) {
            return 0.5 * ClusteredVectors.distance(DistanceSpace.L2, a, b);
        }
        return ClusteredVectors.distance(space, a, b);
    }

    @ParameterizedTest
    @EnumSource(DistanceSpace.class)
    void distancesAreThoseOfTheDecodedVectors(DistanceSpace space) {
        long seed = TestRandom.seed();
        Random random = new Random(seed);
        float[][] data = ClusteredVectors.generate(random, 500, 33, 5);
        if (space == DistanceSpace.COSINE) {
            for (float[] v : data) {
                VectorKernels.normalize(v);
            }
        }
        ScalarQuantizer q = ScalarQuantizer.train(33, space, data);
        DistanceSpace raw = space == DistanceSpace.COSINE ? DistanceSpace.IP : space;
        for (int i = 0; i < 50; i++) {
            float[] a = data[random.nextInt(data.length)];
            float[] b = data[random.nextInt(data.length)];
            byte[] ca = q.encode(a);
            byte[] cb = q.encode(b);
            float[] da = q.decode(ca, 0);
            float[] db = q.decode(cb, 0);
            double expectedAsym = ClusteredVectors.distance(raw, a, db);
            double expectedSym = codeDistance(space, da, db);
            assertEquals(expectedAsym, q.distance(a, cb, 0), 1e-3 * (1 + Math.abs(expectedAsym)), "seed " + seed);
            assertEquals(expectedSym, q.distanceBetween(ca, 0, cb, 0), 1e-3 * (1 + Math.abs(expectedSym)));
            // a component inside the trained interval is off by at most half a step
            for (int d = 0; d < 33; d++) {
                if (a[d] >= q.lo() && a[d] <= q.lo() + 255 * q.step()) {
                    assertTrue(Math.abs(a[d] - da[d]) <= q.step() * 0.5f + 1e-6f, "component " + d);
                }
            }
            assertArrayEquals(ca, q.encode(da), "decode then encode gives the code back");
        }
    }

    @ParameterizedTest
    @EnumSource(DistanceSpace.class)
    void encodedQueryDistanceIsTheDistanceBetweenCodes(DistanceSpace space) {
        long seed = TestRandom.seed();
        Random random = new Random(seed);
        for (int dimension : new int[] {1, 5, 33, 64, 100, 768}) {
            float[][] data = ClusteredVectors.generate(random, 200, dimension, 4);
            if (space == DistanceSpace.COSINE) {
                for (float[] v : data) {
                    VectorKernels.normalize(v);
                }
            }
            ScalarQuantizer q = ScalarQuantizer.train(dimension, space, data);
            byte[] store = new byte[3 * dimension];
            for (int i = 0; i < 30; i++) {
                float[] query = data[random.nextInt(data.length)].clone();
                // a component far outside the trained interval is clamped, as when storing
                query[random.nextInt(dimension)] += (random.nextBoolean() ? 1 : -1) * 100 * q.step() * 255;
                float[] stored = data[random.nextInt(data.length)];
                q.encode(stored, store, dimension);
                ScalarQuantizer.EncodedQuery encoded = q.encodeQuery(query);
                byte[] queryCode = q.encode(query);
                String where = "seed " + seed + ", dimension " + dimension;
                assertEquals(
                        q.distanceBetween(queryCode, 0, store, dimension),
                        q.distance(encoded, store, dimension),
                        where);
                double expected = codeDistance(space, q.decode(queryCode, 0), q.decode(store, dimension));
                assertEquals(expected, q.distance(encoded, store, dimension), 1e-4 * (1 + Math.abs(expected)), where);
                assertEquals(
                        q.distance(encoded, store, dimension),
                        q.distance(q.queryOfCode(store, dimension), queryCode, 0),
                        where + ": symmetric");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DistanceSpace.class)
    void codesLongerThanOneIntegerSpanAreSummedExactly(DistanceSpace space) {
        int dimension = ByteKernels.MAX_LENGTH * 2 + 3;
        ScalarQuantizer q = new ScalarQuantizer(dimension, space, 0f, 1f);
        float[] high = new float[dimension];
        Arrays.fill(high, 255f);
        byte[] codeHigh = q.encode(high);
        byte[] codeZero = q.encode(new float[dimension]);
        if (space != DistanceSpace.IP) {
            double squared = 255.0 * 255 * dimension * (space == DistanceSpace.COSINE ? 0.5 : 1.0);
            assertEquals(squared, q.distanceBetween(codeHigh, 0, codeZero, 0), 1e-6 * squared);
            assertEquals(squared, q.distance(q.encodeQuery(high), codeZero, 0), 1e-6 * squared);
        } else {
            double dot = 255.0 * 255 * dimension;
            assertEquals(1 - dot, q.distanceBetween(codeHigh, 0, codeHigh, 0), 1e-6 * dot);
            assertEquals(1 - dot, q.distance(q.encodeQuery(high), codeHigh, 0), 1e-6 * dot);
        }
    }

    @Test
    void parametersRoundTripAndCorruptionIsNamed() {
        ScalarQuantizer q = new ScalarQuantizer(8, DistanceSpace.L2, -1.5f, 0.01f);
        assertEquals(q, ScalarQuantizer.fromBytes(q.toBytes(), DistanceSpace.L2, "x"));
        byte[] truncated = Arrays.copyOf(q.toBytes(), 7);
        IllegalStateException e = assertThrows(
                IllegalStateException.class, () -> ScalarQuantizer.fromBytes(truncated, DistanceSpace.L2, "obj-1"));
        assertTrue(e.getMessage().contains("obj-1") && e.getMessage().contains("truncated"), e.getMessage());
        byte[] corrupt = q.toBytes();
        corrupt[0] = 'X';
        e = assertThrows(
                IllegalStateException.class, () -> ScalarQuantizer.fromBytes(corrupt, DistanceSpace.L2, "obj-2"));
        assertTrue(e.getMessage().contains("obj-2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ScalarQuantizer(8, DistanceSpace.L2, 0f, 0f));
    }

    @ParameterizedTest
    @EnumSource(DistanceSpace.class)
    void int4CodesArePackedHalfBytesWithTheDistancesOfTheDecodedVectors(DistanceSpace space) {
        long seed = TestRandom.seed();
        Random random = new Random(seed);
        for (int dimension : new int[] {1, 2, 5, 33, 64, 255, 768}) {
            float[][] data = ClusteredVectors.generate(random, 200, dimension, 4);
            if (space == DistanceSpace.COSINE) {
                for (float[] v : data) {
                    VectorKernels.normalize(v);
                }
            }
            ScalarQuantizer q = ScalarQuantizer.train(dimension, space, data, 4);
            int half = (dimension + 1) / 2;
            assertEquals(4, q.bits());
            assertEquals(half, q.codeLength());
            DistanceSpace raw = space == DistanceSpace.COSINE ? DistanceSpace.IP : space;
            String where = "seed " + seed + ", dimension " + dimension;
            for (int i = 0; i < 20; i++) {
                float[] a = data[random.nextInt(data.length)].clone();
                a[random.nextInt(dimension)] += (random.nextBoolean() ? 1 : -1) * 100 * q.step() * 15;
                float[] b = data[random.nextInt(data.length)];
                byte[] ca = q.encode(a);
                byte[] store = new byte[3 * half];
                q.encode(b, store, half);
                assertEquals(half, ca.length, where);
                float[] da = q.decode(ca, 0);
                float[] db = q.decode(store, half);
                for (int d = 0; d < dimension; d++) {
                    int expected = Math.max(0, Math.min(15, Math.round((a[d] - q.lo()) / q.step())));
                    int stored = d < half ? ca[d] & 0x0F : (ca[d - half] >> 4) & 0x0F;
                    assertEquals(expected, stored, where + ": component " + d + " packed at j and j + half");
                    assertEquals(q.lo() + q.step() * expected, da[d], 1e-5f, where);
                }
                if (dimension % 2 == 1) {
                    assertEquals(0, (ca[half - 1] >> 4) & 0x0F, where + ": the padding nibble is 0");
                }
                assertArrayEquals(ca, q.encode(da), where + ": decode then encode gives the code back");
                double expectedSym = codeDistance(space, da, db);
                double tolerance = 1e-4 * (1 + Math.abs(expectedSym));
                assertEquals(expectedSym, q.distanceBetween(ca, 0, store, half), tolerance, where);
                assertEquals(q.distanceBetween(ca, 0, store, half), q.distance(q.encodeQuery(a), store, half), where);
                assertEquals(
                        q.distance(q.encodeQuery(a), store, half),
                        q.distance(q.queryOfCode(store, half), ca, 0),
                        where + ": symmetric");
                double expectedAsym = ClusteredVectors.distance(raw, a, db);
                assertEquals(expectedAsym, q.distance(a, store, half), 1e-3 * (1 + Math.abs(expectedAsym)), where);
            }
        }
    }

    @Test
    void int4ParametersCarryTheirOwnMagicAndInt8ParametersStillRead() {
        ScalarQuantizer int4 = new ScalarQuantizer(9, DistanceSpace.IP, -0.5f, 0.07f, 4);
        byte[] bytes = int4.toBytes();
        assertEquals("SQ4", new String(bytes, 0, 3, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(int4, ScalarQuantizer.fromBytes(bytes, DistanceSpace.IP, "x"));
        ScalarQuantizer int8 = new ScalarQuantizer(9, DistanceSpace.IP, -0.5f, 0.07f);
        assertEquals(
                8,
                ScalarQuantizer.fromBytes(int8.toBytes(), DistanceSpace.IP, "x").bits());
        assertTrue(!int8.equals(int4), "the width is part of the quantizer");
        byte[] corrupt = int4.toBytes();
        corrupt[2] = '5';
        IllegalStateException e = assertThrows(
                IllegalStateException.class, () -> ScalarQuantizer.fromBytes(corrupt, DistanceSpace.IP, "obj-4"));
        assertTrue(e.getMessage().contains("obj-4") && e.getMessage().contains("SQ4"), e.getMessage());
        IllegalArgumentException bits =
                assertThrows(IllegalArgumentException.class, () -> new ScalarQuantizer(9, DistanceSpace.IP, 0f, 1f, 2));
        assertTrue(bits.getMessage().contains("bits"), bits.getMessage());
    }

    @Test
    void constantDataGetsAPositiveStep() {
        float[][] data = {{2f, 2f}, {2f, 2f}};
        ScalarQuantizer q = ScalarQuantizer.train(2, DistanceSpace.L2, data);
        assertTrue(q.step() > 0);
        assertArrayEquals(new float[] {2f, 2f}, q.decode(q.encode(data[0]), 0), 1e-6f);
    }
}
