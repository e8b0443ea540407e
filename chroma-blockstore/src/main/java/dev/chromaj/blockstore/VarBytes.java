package dev.chromaj.blockstore;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.arrow.vector.BaseVariableWidthVector;

/** A decoded variable-width column: one byte array, offsets, and which rows are null. Immutable. */
final class VarBytes {
    private final byte[] data;
    private final int[] offsets;
    /** Null when no row is null. */
    private final boolean[] nulls;

    private VarBytes(byte[] data, int[] offsets, boolean[] nulls) {
        this.data = data;
        this.offsets = offsets;
        this.nulls = nulls;
    }

    static VarBytes of(BaseVariableWidthVector v, int count) {
        boolean[] nulls = null;
        if (v.getNullCount() > 0) {
            nulls = new boolean[count];
            for (int i = 0; i < count; i++) {
                nulls[i] = v.isNull(i);
            }
        }
        return new VarBytes(ArrowArrays.data(v, count), ArrowArrays.offsets(v, count), nulls);
    }

    boolean isNull(int i) {
        return nulls != null && nulls[i];
    }

    int offset(int i) {
        return offsets[i];
    }

    int length(int i) {
        return offsets[i + 1] - offsets[i];
    }

    byte[] data() {
        return data;
    }

    String string(int i) {
        return isNull(i) ? null : new String(data, offsets[i], length(i), StandardCharsets.UTF_8);
    }

    byte[] bytes(int i) {
        return isNull(i) ? null : Arrays.copyOfRange(data, offsets[i], offsets[i + 1]);
    }

    long weight() {
        return 48L + data.length + 4L * offsets.length + (nulls == null ? 0 : nulls.length);
    }
}
