package dev.chromaj.index.vector;

import dev.chromaj.annotations.Internal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * Scalar quantization with one global interval, in 8 or 4 bits per component: a component {@code x} is stored as
 * {@code round((x - lo) / step)} clamped to {@code 0..levels} ({@code 255} for int8, {@code 15} for int4) and read back
 * as {@code lo + step * code}. The interval is
 * trained from the data ({@link #train}): the low and high quantiles of all components, so a few outliers do not
 * stretch the step (they are clamped instead).
 *
 * <p>Distances are those of Chroma's spaces ({@code squared L2} or {@code 1 - dot}, vectors already normalized for
 * cosine) to the decoded vectors. Between two codes (and from an encoded query) the cosine distance is computed as
 * {@code |a - b|^2 / 2}, which equals {@code 1 - a.b} for unit vectors: a decoded vector is not exactly of unit norm,
 * and the dot form carries that norm error ({@code |q| step / sqrt(12)} per component) into every distance while the
 * difference form scales it by {@code |a - b|}, small for the near neighbours that decide the ranking (measured: int8
 * recall@10 of a clustered 32-d set at efSearch 100 went from 0.97 to 1.00).
 * {@link #distance(float[], byte[], int)} from a float query (asymmetric: the query is
 * not quantized, so only the stored side loses precision; float arithmetic per component), {@link #distanceBetween}
 * between two codes. The graph uses the symmetric form for queries too ({@link #encodeQuery}, then
 * {@code distance(EncodedQuery, ...)}): the query is quantized once and every distance is an integer sum over bytes
 * ({@link ByteKernels}, Panama lanes on JDK 21+), several times cheaper than the asymmetric form; the precision lost
 * on the query side is won back by the float re-rank of the best candidates that callers do.
 *
 * <p><b>Code layout.</b> An int8 code is {@link #dimension()} unsigned bytes, a quarter of the float vector. An int4
 * code is {@link #codeLength()} {@code = ceil(dimension / 2)} bytes, an eighth of the float vector: byte {@code j}
 * holds component {@code j} in its low nibble and component {@code j + codeLength} in its high nibble (0 past the
 * last component of an odd dimension), so a kernel splits a byte into two aligned runs of components with a mask and
 * a shift. An int4 query is kept unpacked ({@code 2 * codeLength} bytes of 0..15).
 *
 * <p>Immutable and thread-safe.
 */
@Internal
public final class ScalarQuantizer {

    /** Format of {@link #toBytes()}. */
    static final byte FORMAT = 1;

    /** Magic of int8 parameters; int4 parameters start with {@link #MAGIC4}, so each form names itself. */
    private static final byte[] MAGIC = {'S', 'Q', '8'};

    private static final byte[] MAGIC4 = {'S', 'Q', '4'};
    private static final int SERIALIZED_BYTES = MAGIC.length + 1 + Integer.BYTES + 2 * Float.BYTES;
    /** Share of the sampled components clamped on each side of an int4 interval. */
    static final double INT4_TAIL = 0.01;

    /** Largest int4 dimension whose integer sums fit an {@code int}: {@code 15 * 15 * dimension < 2^31}. */
    static final int MAX_INT4_DIMENSION = Integer.MAX_VALUE / (15 * 15);
    /** Components sampled at most for the quantiles. */
    private static final int MAX_SAMPLE = 1 << 20;

    private final int dimension;
    /** 8 or 4. */
    private final int bits;
    /** Largest code value: 255 or 15. */
    private final int levels;
    /** Bytes of a code: {@code dimension} (int8) or {@code ceil(dimension / 2)} (int4). */
    private final int codeLength;

    private final boolean squaredL2;
    /** Cosine: distances between codes are {@code |a - b|^2 / 2} (see the class comment). */
    private final boolean halfSquaredL2;

    private final float lo;
    private final float step;
    /** {@code step * step}, the factor of every integer sum; and the dot product's constant parts. */
    private final double stepSquared;

    private final double loStep;
    private final double dimensionLoSquared;

    /**
     * An int8 quantizer of the interval {@code [lo, lo + 255 * step]}.
     *
     * @throws IllegalArgumentException if the dimension is not positive, or lo or step is not finite or step is not
     *                                  positive
     */
    public ScalarQuantizer(int dimension, DistanceSpace space, float lo, float step) {
        this(dimension, space, lo, step, 8);
    }

    /**
     * A quantizer of {@code bits} (8 or 4) per component over the interval {@code [lo, lo + levels * step]}.
     *
     * @throws IllegalArgumentException if bits is neither 8 nor 4, the dimension is not positive (or, for int4, above
     *                                  {@link #MAX_INT4_DIMENSION}), or lo or step is not finite or step is not
     *                                  positive
     */
    public ScalarQuantizer(int dimension, DistanceSpace space, float lo, float step, int bits) {
        Objects.requireNonNull(space, "space");
        if (bits != 8 && bits != 4) {
            throw new IllegalArgumentException("bits must be 8 or 4, got " + bits);
        }
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be at least 1, got " + dimension);
        }
        if (bits == 4 && dimension > MAX_INT4_DIMENSION) {
            throw new IllegalArgumentException(
                    "dimension must be at most " + MAX_INT4_DIMENSION + " for int4, got " + dimension);
        }
        if (!Float.isFinite(lo)) {
            throw new IllegalArgumentException("lo must be finite, got " + lo);
        }
        if (!(step > 0f) || !Float.isFinite(step)) {
            throw new IllegalArgumentException("step must be finite and positive, got " + step);
        }
        this.dimension = dimension;
        this.bits = bits;
        this.levels = (1 << bits) - 1;
        this.codeLength = bits == 8 ? dimension : (dimension + 1) / 2;
        this.squaredL2 = space == DistanceSpace.L2;
        this.halfSquaredL2 = space == DistanceSpace.COSINE;
        this.lo = lo;
        this.step = step;
        this.stepSquared = (double) step * step;
        this.loStep = (double) lo * step;
        this.dimensionLoSquared = (double) dimension * lo * lo;
    }

    /** {@link #train(int, DistanceSpace, float[][], int)} of an int8 quantizer. */
    public static ScalarQuantizer train(int dimension, DistanceSpace space, float[][] vectors) {
        return train(dimension, space, vectors, 8);
    }

    /**
     * Trains the interval of a quantizer of {@code bits} (8 or 4) per component on {@code vectors} (as the index
     * stores them: normalized for cosine): for int8 the {@code 1 / (2 (d + 1))} low and high quantiles of their
     * components (at most {@code 5%} clamped on each side), for int4 the {@code 1%} and {@code 99%} quantiles; from
     * an even sample of at most about a million components.
     *
     * @throws IllegalArgumentException if there are no vectors, a dimension differs or bits is neither 8 nor 4
     */
    public static ScalarQuantizer train(int dimension, DistanceSpace space, float[][] vectors, int bits) {
        if (bits != 8 && bits != 4) {
            throw new IllegalArgumentException("bits must be 8 or 4, got " + bits);
        }
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
        // Int4 clamps more: with 16 levels a wider step costs more than clamping a few more components (measured
        // with the brute-force recall of the codes, docs/vector-benchmarks.md: 1% beat 1 / (2 (d + 1)) at 256 and
        // 768 dimensions).
        double tail = bits == 4 ? INT4_TAIL : Math.min(0.05, 0.5 / (dimension + 1));
        int low = (int) Math.floor(tail * (n - 1));
        int high = (int) Math.ceil((1 - tail) * (n - 1));
        float lo = sample[low];
        float hi = sample[high];
        float levels = (1 << bits) - 1;
        float step = (hi - lo) / levels;
        if (!(step > 0f)) {
            // All sampled components are equal: any positive step encodes them exactly.
            step = Math.max(Math.abs(lo), 1f) / levels;
        }
        return new ScalarQuantizer(dimension, space, lo, step, bits);
    }

    /** Vector dimension. */
    public int dimension() {
        return dimension;
    }

    /** Bits per component: 8 or 4. */
    public int bits() {
        return bits;
    }

    /** Bytes of one code: the dimension for int8, {@code ceil(dimension / 2)} for int4. */
    public int codeLength() {
        return codeLength;
    }

    /** Lower end of the interval. */
    public float lo() {
        return lo;
    }

    /** Distance between two neighbouring code values. */
    public float step() {
        return step;
    }

    /** Writes the code of {@code v} (dimension not checked) to {@code out[from, from + codeLength)}. */
    public void encode(float[] v, byte[] out, int from) {
        if (bits == 8) {
            unpackedCode(v, out, from);
            return;
        }
        for (int j = 0; j < codeLength; j++) {
            int high = j + codeLength < dimension ? component(v[j + codeLength]) : 0;
            out[from + j] = (byte) (component(v[j]) | high << 4);
        }
    }

    /** The code of {@code v}. */
    public byte[] encode(float[] v) {
        byte[] out = new byte[codeLength];
        encode(v, out, 0);
        return out;
    }

    /** The code value of one component. */
    private int component(float x) {
        return Math.max(0, Math.min(levels, Math.round((x - lo) / step)));
    }

    /** One code value per byte for the {@code dimension} components of {@code v}, at {@code out[from..]}. */
    private void unpackedCode(float[] v, byte[] out, int from) {
        float inv = 1f / step;
        for (int i = 0; i < dimension; i++) {
            int c = Math.round((v[i] - lo) * inv);
            out[from + i] = (byte) Math.max(0, Math.min(levels, c));
        }
    }

    /** Code value of component {@code i} of the code at {@code code[from, from + codeLength)}. */
    private int value(byte[] code, int from, int i) {
        if (bits == 8) {
            return code[from + i] & 0xFF;
        }
        return i < codeLength ? code[from + i] & 0x0F : (code[from + i - codeLength] >>> 4) & 0x0F;
    }

    /** The vector that {@code code[from, from + codeLength)} stands for. */
    public float[] decode(byte[] code, int from) {
        float[] v = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            v[i] = lo + step * value(code, from, i);
        }
        return v;
    }

    /** Distance from the float {@code query} to the vector coded at {@code codes[from, from + codeLength)}. */
    public float distance(float[] query, byte[] codes, int from) {
        if (bits == 4) {
            float s = 0f;
            for (int i = 0; i < dimension; i++) {
                float x = lo + step * value(codes, from, i);
                s += squaredL2 ? (query[i] - x) * (query[i] - x) : query[i] * x;
            }
            return squaredL2 ? s : 1f - s;
        }
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

    /** Distance between the vectors coded at {@code a[fa, fa + codeLength)} and {@code b[fb, fb + codeLength)}. */
    public float distanceBetween(byte[] a, int fa, byte[] b, int fb) {
        if (bits == 4) {
            ByteKernels kernels = VectorKernels.BYTE_KERNELS;
            if (squaredL2 || halfSquaredL2) {
                return l2Distance(kernels.squaredL2Packed4(a, fa, b, fb, codeLength));
            }
            return dotDistance(
                    kernels.dotPacked4(a, fa, b, fb, codeLength),
                    (long) kernels.sum4(a, fa, codeLength) + kernels.sum4(b, fb, codeLength));
        }
        if (squaredL2 || halfSquaredL2) {
            return l2Distance(squaredL2Codes(a, fa, b, fb));
        }
        return dotDistance(dotCodes(a, fa, b, fb), sumCodes(a, fa) + sumCodes(b, fb));
    }

    /**
     * {@code query} quantized for {@link #distance(EncodedQuery, byte[], int)}: its code (components outside the
     * interval clamped, as when storing) and the sums that do not depend on the stored vector. The query must have
     * {@link #dimension()} components.
     */
    EncodedQuery encodeQuery(float[] query) {
        if (bits == 4) {
            // Unpacked, padded to 2 * codeLength values so the kernels read component j + codeLength of every byte.
            byte[] code = new byte[2 * codeLength];
            unpackedCode(query, code, 0);
            return new EncodedQuery(code, squaredL2 || halfSquaredL2 ? 0 : sumCodes(code, 0));
        }
        return queryOfCode(encode(query), 0);
    }

    /** The code at {@code codes[from, from + codeLength)} as a query (copied; unpacked for int4). */
    EncodedQuery queryOfCode(byte[] codes, int from) {
        byte[] code;
        if (bits == 4) {
            code = new byte[2 * codeLength];
            for (int j = 0; j < codeLength; j++) {
                code[j] = (byte) (codes[from + j] & 0x0F);
                code[j + codeLength] = (byte) ((codes[from + j] >>> 4) & 0x0F);
            }
        } else {
            code = Arrays.copyOfRange(codes, from, from + dimension);
        }
        return new EncodedQuery(code, squaredL2 || halfSquaredL2 ? 0 : sumCodes(code, 0));
    }

    /**
     * Distance from an encoded query to the vector coded at {@code codes[from, from + codeLength)}: exactly
     * {@code distanceBetween(query's code, codes)}, with the query's sum computed once.
     */
    float distance(EncodedQuery query, byte[] codes, int from) {
        if (bits == 4) {
            ByteKernels kernels = VectorKernels.BYTE_KERNELS;
            if (squaredL2 || halfSquaredL2) {
                return l2Distance(kernels.squaredL2Int4(query.code, codes, from, codeLength));
            }
            return dotDistance(
                    kernels.dotInt4(query.code, codes, from, codeLength),
                    query.codeSum + kernels.sum4(codes, from, codeLength));
        }
        if (squaredL2 || halfSquaredL2) {
            return l2Distance(squaredL2Codes(query.code, 0, codes, from));
        }
        return dotDistance(dotCodes(query.code, 0, codes, from), query.codeSum + sumCodes(codes, from));
    }

    /** Squared L2 (halved for cosine) of two decoded vectors from the integer squared L2 of their codes. */
    private float l2Distance(long codeSquaredL2) {
        double d = stepSquared * codeSquaredL2;
        return (float) (halfSquaredL2 ? 0.5 * d : d);
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

    /** Sum of the values of an unpacked code (every int8 code, an int4 query) of {@code code.length - fa} values. */
    private long sumCodes(byte[] a, int fa) {
        ByteKernels kernels = VectorKernels.BYTE_KERNELS;
        int length = bits == 8 ? dimension : 2 * codeLength;
        if (length <= ByteKernels.MAX_LENGTH) {
            return kernels.sum(a, fa, length);
        }
        long sum = 0;
        for (int i = 0; i < length; i += ByteKernels.MAX_LENGTH) {
            sum += kernels.sum(a, fa + i, Math.min(ByteKernels.MAX_LENGTH, length - i));
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

    /**
     * The parameters as bytes: magic ({@code SQ8} for int8, {@code SQ4} for int4), format, dimension, lo, step
     * (little-endian).
     */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SERIALIZED_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.put(bits == 8 ? MAGIC : MAGIC4)
                .put(FORMAT)
                .putInt(dimension)
                .putFloat(lo)
                .putFloat(step);
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
        int bits;
        if (Arrays.equals(magic, MAGIC)) {
            bits = 8;
        } else if (Arrays.equals(magic, MAGIC4)) {
            bits = 4;
        } else {
            throw new IllegalStateException(what + ": quantizer parameters start with neither SQ8 nor SQ4 (corrupt)");
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
            return new ScalarQuantizer(dimension, space, lo, step, bits);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(what + ": corrupt quantizer parameters: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScalarQuantizer q
                && q.dimension == dimension
                && q.bits == bits
                && q.squaredL2 == squaredL2
                && q.halfSquaredL2 == halfSquaredL2
                && Float.compare(q.lo, lo) == 0
                && Float.compare(q.step, step) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(dimension, bits, squaredL2, halfSquaredL2, lo, step);
    }

    @Override
    public String toString() {
        return "ScalarQuantizer{bits=" + bits + ", dimension=" + dimension + ", lo=" + lo + ", step=" + step + "}";
    }
}
