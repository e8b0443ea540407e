package dev.chromaj.blockstore;

/** The values of a decoded block. Immutable and thread-safe; {@link #get} returns a value the caller owns. */
interface ValueColumn<V> {
    V get(int i);

    /** Bytes this column occupies on the heap (estimate). */
    long weight();

    /** Length of value {@code i} of a column of byte arrays; other columns do not support it. */
    default int byteLength(int i) {
        throw new UnsupportedOperationException("not a column of byte arrays");
    }

    /** Copies value {@code i} of a column of byte arrays into {@code dst} at {@code pos}. */
    default void copyBytes(int i, byte[] dst, int pos) {
        throw new UnsupportedOperationException("not a column of byte arrays");
    }
}
