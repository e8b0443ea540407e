package dev.chromaj.blockstore;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseVariableWidthVector;

/** Bulk copies from Arrow buffers (little-endian) into Java arrays: one pass each, no per-element bounds checks. */
final class ArrowArrays {
    private ArrowArrays() {}

    private static ByteBuffer view(ArrowBuf buf, long offset, int bytes) {
        if (bytes == 0) {
            return ByteBuffer.allocate(0);
        }
        return buf.nioBuffer(offset, bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    static int[] ints(ArrowBuf buf, long firstIndex, int count) {
        int[] out = new int[count];
        view(buf, firstIndex * 4, count * 4).asIntBuffer().get(out);
        return out;
    }

    static float[] floats(ArrowBuf buf, long firstIndex, int count) {
        float[] out = new float[count];
        view(buf, firstIndex * 4, count * 4).asFloatBuffer().get(out);
        return out;
    }

    static long[] longs(ArrowBuf buf, int count) {
        long[] out = new long[count];
        view(buf, 0, count * 8).asLongBuffer().get(out);
        return out;
    }

    static double[] doubles(ArrowBuf buf, int count) {
        double[] out = new double[count];
        view(buf, 0, count * 8).asDoubleBuffer().get(out);
        return out;
    }

    static byte[] bytes(ArrowBuf buf, long offset, int count) {
        byte[] out = new byte[count];
        view(buf, offset, count).get(out);
        return out;
    }

    /** The {@code count + 1} offsets of a variable-width vector, rebased so that the first is 0. */
    static int[] offsets(BaseVariableWidthVector v, int count) {
        if (count == 0) {
            return new int[1];
        }
        int[] offsets = ints(v.getOffsetBuffer(), 0, count + 1);
        int base = offsets[0];
        if (base != 0) {
            for (int i = 0; i <= count; i++) {
                offsets[i] -= base;
            }
        }
        return offsets;
    }

    /** The data bytes of a variable-width vector whose (unrebased) offsets start at {@code start}. */
    static byte[] data(BaseVariableWidthVector v, int count) {
        if (count == 0) {
            return new byte[0];
        }
        int start = v.getOffsetBuffer().getInt(0);
        int end = v.getOffsetBuffer().getInt((long) count * 4);
        return bytes(v.getDataBuffer(), start, end - start);
    }
}
