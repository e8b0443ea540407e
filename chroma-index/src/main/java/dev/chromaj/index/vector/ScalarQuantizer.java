package dev.chromaj.index.vector;

import dev.chromaj.annotations.Internal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * Int8 scalar quantization with one global interval: a component {@code x} is stored as the unsigned byte
 * {@code round((x - lo) / step)} clamped to 0..255 and read back as {@code lo + step * code}. The interval is
 * trained from the data ({@link #train}): the low and high quantiles of all components, so a few outliers do not
 * stretch the step (they are clamped instead).
 *
 * <p>Distances are those of Chroma's spaces ({@code squared L2} or {@code 1 - dot}, vectors already normalized for
 * cosine) to the decoded vectors: {@link #distance(float[], byte[], int)} from a float query (asymmetric: the query is
 * not quantized, so only the stored side loses precision; float arithmetic per component), {@link #distanceBetween}
 * between two codes. The graph uses the symmetric form for queries too ({@link #encodeQuery}, then
 * {@code distance(EncodedQuery, ...)}): the query is quantized once and every distance is an integer sum over bytes
 * ({@link ByteKernels}, Panama lanes on JDK 21+), several times cheaper than the asymmetric form; the precision lost
 * on the query side is won back by the float re-rank of the best candidates that callers do. A code is
 * {@link #dimension()} bytes, a quarter of the float vector.
 *
 * <p>Immutable and thread-safe.
 */
@Internal
public final class ScalarQuantizer {

    /** Format of {@link #toBytes()}. */
    static final byte FORMAT = 1;

    private static final byte[] MAGIC = {'S', 'Q', '8'};
    private static final int SERIALIZED_BYTES = MAGIC.length + 1 + Integer.BYTES + 2 * Float.BYTES;
    /** Components sampled at most for the quantiles. */
    private static final int MAX_SAMPLE = 1 << 20;

    private final int dimension;
    private final boolean squaredL2;
    private final float lo;
    private final float step;
    /** {@code step * step}, the factor of every integer sum; and the dot product's constant parts. */
    private final double stepSquared;

    private final double loStep;
    private final double dimensionLoSquared;

    /**
     * A quantizer of the interval {@code [lo, lo + 255 * step]}.
     *
     * @throws IllegalArgumentException if the dimension is not positive, or lo or step is not finite or step is not
     *                                  positive
     */
    public ScalarQuantizer(int dimension, DistanceSpace space, float lo, float step) {
        Objects.requireNonNull(space, "space");
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be at least 1, got " + dimension);
        }
        if (!Float.isFinite(lo)) {
            throw new IllegalArgumentException("lo must be finite, got " + lo);
        }
        if (!(step > 0f) || !Float.isFinite(step)) {
            throw new IllegalArgumentException("step must be finite and positive, got " + step);
        }
        this.dimension = dimension;
        this.squaredL2 = space == DistanceSpace.L2;
        this.lo = lo;
        this.step = step;
        this.stepSquared = (double) step * step;
        this.loStep = (double) lo * step;
        this.dimensionLoSquared = (double) dimension * lo * lo;
    }

    /**
     * Trains the interval on {@code vectors} (as the index stores them: normalized for cosine): the
     * {@code 1 / (2 (d + 1))} low and high quantiles of their components (at most {@code 5%} clamped on each side),
     * from an even sample of at most about a million components.
     *
     * @throws IllegalArgumentException if there are no vectors or a dimension differs
     */
    public static ScalarQuantizer train(int dimension, DistanceSpace space, float[][] vectors) {
        if (vectors.length == 0) {
            throw new IllegalArgumentException("vectors must not be empty to train a quantizer");
        }
        long total = (long) vectors.length * dimension;
        int stride = (int) Math.max(1, (total + MAX_SAMPLE - 1) / MAX_SAMPLE);
        float[] sample = new float[(int) Math.min(MAX_SAMPLE, total)];
        int n = 0;
        for (long i = 0; i < total && n < sample.length; i += stride) {
            float[] v = vectors[(int) (i / dimension)];
            if (v.length != dimension) {
                throw new IllegalArgumentException("vectors must have dimension " + dimension + ", got " + v.length);
            }
            sample[n++] = v[(int) (i % dimension)];
        }
        Arrays.sort(sample, 0, n);
        double tail = Math.min(0.05, 0.5 / (dimension + 1));
        int low = (int) Math.floor(tail * (n - 1));
        int high = (int) Math.ceil((1 - tail) * (n - 1));
        float lo = sample[low];
        float hi = sample[high];
        float step = (hi - lo) / 255f;
        if (!(step > 0f)) {
            // All sampled components are equal: any positive step encodes them exactly.
            step = Math.max(Math.abs(lo), 1f) / 255f;
        }
        return new ScalarQuantizer(dimension, space, lo, step);
    }

    /** Vector dimension: the length of a code. */
    public int dimension() {
        return dimension;
    }

    /** Lower end of the interval. */
    public float lo() {
        return lo;
    }

    /** Distance between two neighbouring code values. */
    public float step() {
        return step;
    }

    /** Writes the code of {@code v} (dimension not checked) to {@code out[from, from + dimension)}. */
    public void encode(float[] v, byte[] out, int from) {
        float inv = 1f / step;
        for (int i = 0; i < dimension; i++) {
            int c = Math.round((v[i] - lo) * inv);
            out[from + i] = (byte) Math.max(0, Math.min(255, c));
        }
    }

    /** The code of {@code v}. */
    public byte[] encode(float[] v) {
        byte[] out = new byte[dimension];
        encode(v, out, 0);
        return out;
    }

    /** The vector that {@code code[from, from + dimension)} stands for. */
    public float[] decode(byte[] code, int from) {
        float[] v = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            v[i] = lo + step * (code[from + i] & 0xFF);
        }
        return v;
    }

    /** Distance from the float {@code query} to the vector coded at {@code codes[from, from + dimension)}. */
    public float distance(float[] query, byte[] codes, int from) {
        int bound = dimension & ~3;
        int i = 0;
        if (squaredL2) {
            float s0 = 0f;
            float s1 = 0f;
            float s2 = 0f;
            float s3 = 0f;
            for (; i < bound; i += 4) {
                float d0 = query[i] - (lo + step * (codes[from + i] & 0xFF));
                float d1 = query[i + 1] - (lo + step * (codes[from + i + 1] & 0xFF));
                float d2 = query[i + 2] - (lo + step * (codes[from + i + 2] & 0xFF));
                float d3 = query[i + 3] - (lo + step * (codes[from + i + 3] & 0xFF));
                s0 += d0 * d0;
                s1 += d1 * d1;
                s2 += d2 * d2;
                s3 += d3 * d3;
            }
            for (; i < dimension; i++) {
                float d = query[i] - (lo + step * (codes[from + i] & 0xFF));
                s0 += d * d;
            }
            return (s0 + s1) + (s2 + s3);
        }
        float q0 = 0f;
        float q1 = 0f;
        float s0 = 0f;
        float s1 = 0f;
        for (; i < bound; i += 4) {
            q0 += query[i] + query[i + 1];
            q1 += query[i + 2] + query[i + 3];
            s0 += query[i] * (codes[from + i] & 0xFF) + query[i + 1] * (codes[from + i + 1] & 0xFF);
            s1 += query[i + 2] * (codes[from + i + 2] & 0xFF) + query[i + 3] * (codes[from + i + 3] & 0xFF);
        }
        for (; i < dimension; i++) {
            q0 += query[i];
            s0 += query[i] * (codes[from + i] & 0xFF);
        }
        return 1f - (lo * (q0 + q1) + step * (s0 + s1));
    }

    /** Distance between the vectors coded at {@code a[fa, fa + dimension)} and {@code b[fb, fb + dimension)}. */
    public float distanceBetween(byte[] a, int fa, byte[] b, int fb) {
        if (squaredL2) {
            return (float) (stepSquared * squaredL2Codes(a, fa, b, fb));
        }
        return dotDistance(dotCodes(a, fa, b, fb), sumCodes(a, fa) + sumCodes(b, fb));
    }

    /**
     * {@code query} quantized for {@link #distance(EncodedQuery, byte[], int)}: its code (components outside the
     * interval clamped, as when storing) and the sums that do not depend on the stored vector. The query must have
     * {@link #dimension()} components.
     */
    EncodedQuery encodeQuery(float[] query) {
        return queryOfCode(encode(query), 0);
    }

    /** The code at {@code codes[from, from + dimension)} as a query (copied). */
    EncodedQuery queryOfCode(byte[] codes, int from) {
        byte[] code = Arrays.copyOfRange(codes, from, from + dimension);
        return new EncodedQuery(code, squaredL2 ? 0 : sumCodes(code, 0));
    }

    /**
     * Distance from an encoded query to the vector coded at {@code codes[from, from + dimension)}: exactly
     * {@code distanceBetween(query's code, codes)}, with the query's sum computed once.
     */
    float distance(EncodedQuery query, byte[] codes, int from) {
        if (squaredL2) {
            return (float) (stepSquared * squaredL2Codes(query.code, 0, codes, from));
        }
        return dotDistance(dotCodes(query.code, 0, codes, from), query.codeSum + sumCodes(codes, from));
    }

    /** {@code 1 - dot} of two decoded vectors from the integer dot product of their codes and the sum of both. */
    private float dotDistance(long codeDot, long codeSums) {
        double dot = dimensionLoSquared + loStep * codeSums + stepSquared * codeDot;
        return (float) (1.0 - dot);
    }

    // The byte kernels sum in int, exact for at most ByteKernels.MAX_LENGTH components; longer codes go in spans.

    private long squaredL2Codes(byte[] a, int fa, byte[] b, int fb) {
        ByteKernels kernels = VectorKernels.BYTE_KERNELS;
        if (dimension <= ByteKernels.MAX_LENGTH) {
            return kernels.squaredL2(a, fa, b, fb, dimension);
        }
        long sum = 0;
        for (int i = 0; i < dimension; i += ByteKernels.MAX_LENGTH) {
            sum += kernels.squaredL2(a, fa + i, b, fb + i, Math.min(ByteKernels.MAX_LENGTH, dimension - i));
        }
        return sum;
    }

    private long dotCodes(byte[] a, int fa, byte[] b, int fb) {
        ByteKernels kernels = VectorKernels.BYTE_KERNELS;
        if (dimension <= ByteKernels.MAX_LENGTH) {
            return kernels.dot(a, fa, b, fb, dimension);
        }
        long sum = 0;
        for (int i = 0; i < dimension; i += ByteKernels.MAX_LENGTH) {
            sum += kernels.dot(a, fa + i, b, fb + i, Math.min(ByteKernels.MAX_LENGTH, dimension - i));
        }
        return sum;
    }

    private long sumCodes(byte[] a, int fa) {
        ByteKernels kernels = VectorKernels.BYTE_KERNELS;
        if (dimension <= ByteKernels.MAX_LENGTH) {
            return kernels.sum(a, fa, dimension);
        }
        long sum = 0;
        for (int i = 0; i < dimension; i += ByteKernels.MAX_LENGTH) {
            sum += kernels.sum(a, fa + i, Math.min(ByteKernels.MAX_LENGTH, dimension - i));
        }
        return sum;
    }

    /** A query quantized once per search: its code and, for dot products, the sum of the code's values. */
    static final class EncodedQuery {
        final byte[] code;
        final long codeSum;

        EncodedQuery(byte[] code, long codeSum) {
            this.code = code;
            this.codeSum = codeSum;
        }
    }

    /** The parameters as bytes: magic {@code SQ8}, format, dimension, lo, step (little-endian). */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SERIALIZED_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put(FORMAT).putInt(dimension).putFloat(lo).putFloat(step);
        return b.array();
    }

    /**
     * Reads {@link #toBytes()}.
     *
     * @param what names the stored object in errors
     * @throws IllegalStateException naming {@code what} when the bytes are truncated, of another format or invalid
     */
    public static ScalarQuantizer fromBytes(byte[] bytes, DistanceSpace space, String what) {
        if (bytes.length != SERIALIZED_BYTES) {
            throw new IllegalStateException(what + ": quantizer parameters must be " + SERIALIZED_BYTES
                    + " bytes, found " + bytes.length + " (truncated or corrupt)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[MAGIC.length];
        b.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IllegalStateException(what + ": quantizer parameters do not start with SQ8 (corrupt)");
        }
        byte format = b.get();
        if (format != FORMAT) {
            throw new IllegalStateException(
                    what + ": quantizer parameters have format " + format + ", this version reads " + FORMAT);
        }
        int dimension = b.getInt();
        float lo = b.getFloat();
        float step = b.getFloat();
        try {
            return new ScalarQuantizer(dimension, space, lo, step);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(what + ": corrupt quantizer parameters: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScalarQuantizer q
                && q.dimension == dimension
                && q.squaredL2 == squaredL2
                && Float.compare(q.lo, lo) == 0
                && Float.compare(q.step, step) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(dimension, squaredL2, lo, step);
    }

    @Override
    public String toString() {
        return "ScalarQuantizer{dimension=" + dimension + ", lo=" + lo + ", step=" + step + "}";
    }
}
