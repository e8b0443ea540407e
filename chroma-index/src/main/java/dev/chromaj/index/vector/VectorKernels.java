package dev.chromaj.index.vector;

import dev.chromaj.annotations.Internal;
import java.util.Objects;

/**
 * Distance kernels for Chroma's spaces, over whole arrays or over slices of a flat float store.
 *
 * <p>The implementation is chosen once, at class initialization: the Panama Vector API implementation when the JDK
 * is 21 or newer and the {@code jdk.incubator.vector} module is in the boot layer (run with
 * {@code --add-modules jdk.incubator.vector}); plain Java otherwise, or when the system property
 * {@code chromaj.vector.panama=false} is set. Both agree within float tolerance (they sum in different orders).
 * All methods are thread-safe and allocation-free (except {@link #normalize}, which works in place).
 */
@Internal
public final class VectorKernels {

    /** System property that forces the plain Java kernels when set to {@code false}. */
    public static final String PANAMA_PROPERTY = "chromaj.vector.panama";

    /** Added to norms before dividing, as Chroma does, so zero vectors stay zero instead of becoming NaN. */
    static final float NORM_EPSILON = 1e-30f;

    static final FloatKernels SCALAR = new ScalarFloatKernels();
    static final FloatKernels KERNELS = select();
    static final ByteKernels SCALAR_BYTES = new ScalarByteKernels();
    static final ByteKernels BYTE_KERNELS = selectBytes();

    private VectorKernels() {}

    /** Name of the active implementation: {@code scalar} or {@code panama-<bits>bit}. */
    public static String implementationName() {
        return KERNELS.name();
    }

    /** Name of the active implementation of the int8 code kernels: {@code scalar} or {@code panama-<bits>bit}. */
    public static String byteImplementationName() {
        return BYTE_KERNELS.name();
    }

    /** Dot product; both arrays must have the same length. */
    public static float dot(float[] a, float[] b) {
        checkSameLength(a, b);
        return KERNELS.dot(a, 0, b, 0, a.length);
    }

    /** Dot product of {@code a} with the slice {@code store[offset, offset + a.length)}. */
    public static float dot(float[] a, float[] store, int offset) {
        return KERNELS.dot(a, 0, store, offset, a.length);
    }

    /** Squared Euclidean distance; both arrays must have the same length. */
    public static float squaredL2(float[] a, float[] b) {
        checkSameLength(a, b);
        return KERNELS.squaredL2(a, 0, b, 0, a.length);
    }

    /** Squared Euclidean distance of {@code a} to the slice {@code store[offset, offset + a.length)}. */
    public static float squaredL2(float[] a, float[] store, int offset) {
        return KERNELS.squaredL2(a, 0, store, offset, a.length);
    }

    /**
     * Chroma's distance in {@code space}: squared L2, {@code 1 - cos} (computed from the raw vectors, so callers need
     * not normalize; a zero vector has distance 1 to everything), or {@code 1 - dot}.
     */
    public static float distance(DistanceSpace space, float[] a, float[] b) {
        Objects.requireNonNull(space, "space");
        checkSameLength(a, b);
        return switch (space) {
            case L2 -> KERNELS.squaredL2(a, 0, b, 0, a.length);
            case IP -> 1f - KERNELS.dot(a, 0, b, 0, a.length);
            case COSINE -> {
                float ab = KERNELS.dot(a, 0, b, 0, a.length);
                float aa = KERNELS.dot(a, 0, a, 0, a.length);
                float bb = KERNELS.dot(b, 0, b, 0, b.length);
                yield 1f - ab / ((float) Math.sqrt((double) aa * bb) + NORM_EPSILON);
            }
        };
    }

    /** Scales {@code v} in place to unit length (Chroma's normalization); a zero vector is left unchanged. */
    public static void normalize(float[] v) {
        float norm = (float) Math.sqrt(KERNELS.dot(v, 0, v, 0, v.length));
        float scale = 1f / (norm + NORM_EPSILON);
        for (int i = 0; i < v.length; i++) {
            v[i] *= scale;
        }
    }

    private static void checkSameLength(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    "vectors must have the same dimension, got " + a.length + " and " + b.length);
        }
    }

    private static FloatKernels select() {
        if ("false".equalsIgnoreCase(System.getProperty(PANAMA_PROPERTY))) {
            return SCALAR;
        }
        if (Runtime.version().feature() < 21 || !panamaModulePresent()) {
            return SCALAR;
        }
        FloatKernels panama = loadPanama();
        return panama == null ? SCALAR : panama;
    }

    private static ByteKernels selectBytes() {
        if ("false".equalsIgnoreCase(System.getProperty(PANAMA_PROPERTY))) {
            return SCALAR_BYTES;
        }
        if (Runtime.version().feature() < 21 || !panamaModulePresent()) {
            return SCALAR_BYTES;
        }
        ByteKernels panama = loadPanamaBytes();
        return panama == null ? SCALAR_BYTES : panama;
    }

    static boolean panamaModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** Loads the Panama kernels reflectively, so this class links on JDKs without the module; null on failure. */
    static FloatKernels loadPanama() {
        try {
            Class<?> type = Class.forName(VectorKernels.class.getPackageName() + ".PanamaFloatKernels");
            FloatKernels kernels = (FloatKernels) type.getDeclaredConstructor().newInstance();
            float[] probe = {1f, 2f, 3f};
            // A failed self-check (a broken incubator build) must fall back instead of returning wrong distances.
            return kernels.dot(probe, 0, probe, 0, 3) == 14f ? kernels : null;
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            return null;
        }
    }

    /**
     * Loads the Panama byte kernels reflectively; null on failure or where the preferred int vector has fewer than 8
     * lanes (no byte shape that narrow).
     */
    static ByteKernels loadPanamaBytes() {
        try {
            Class<?> type = Class.forName(VectorKernels.class.getPackageName() + ".PanamaByteKernels");
            ByteKernels kernels = (ByteKernels) type.getDeclaredConstructor().newInstance();
            byte[] probe = new byte[40];
            for (int i = 0; i < probe.length; i++) {
                probe[i] = (byte) (i * 7);
            }
            byte[] zero = new byte[probe.length];
            // A failed self-check (a broken incubator build) must fall back instead of returning wrong distances.
            byte[] nibbles = new byte[probe.length];
            for (int i = 0; i < nibbles.length; i++) {
                nibbles[i] = (byte) (probe[i] & 0x0F);
            }
            int half = probe.length / 2;
            boolean ok =
                    kernels.dot(probe, 0, probe, 0, probe.length) == SCALAR_BYTES.dot(probe, 0, probe, 0, probe.length)
                            && kernels.squaredL2(probe, 0, zero, 0, probe.length)
                                    == SCALAR_BYTES.squaredL2(probe, 0, zero, 0, probe.length)
                            && kernels.dotInt4(nibbles, probe, 0, half) == SCALAR_BYTES.dotInt4(nibbles, probe, 0, half)
                            && kernels.squaredL2Int4(nibbles, probe, 0, half)
                                    == SCALAR_BYTES.squaredL2Int4(nibbles, probe, 0, half)
                            && kernels.dotPacked4(probe, 0, probe, 0, probe.length)
                                    == SCALAR_BYTES.dotPacked4(probe, 0, probe, 0, probe.length)
                            && kernels.squaredL2Packed4(probe, 0, zero, 0, probe.length)
                                    == SCALAR_BYTES.squaredL2Packed4(probe, 0, zero, 0, probe.length)
                            && kernels.sum4(probe, 0, probe.length) == SCALAR_BYTES.sum4(probe, 0, probe.length);
            return ok ? kernels : null;
        } catch (ReflectiveOperationException | LinkageError | ClassCastException | IllegalArgumentException e) {
            return null;
        }
    }
}
