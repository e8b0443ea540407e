package dev.chromaj.blockstore;

/** The values of a decoded block. Immutable and thread-safe; {@link #get} returns a value the caller owns. */
interface ValueColumn<V> {
    V get(int i);

    /** Bytes this column occupies on the heap (estimate). */
    long weight();
}
