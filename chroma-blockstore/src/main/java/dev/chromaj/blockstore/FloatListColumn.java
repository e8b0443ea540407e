package dev.chromaj.blockstore;

/**
 * A decoded column of float lists kept as one flat array: value {@code i} is {@code data()[from(i), to(i))}. Lets
 * readers use a value in place instead of copying it ({@link BlockfileReader#forEachFloats}).
 */
interface FloatListColumn extends ValueColumn<float[]> {

    /** The flat array of every value of the block; shared, never modified. */
    float[] data();

    /** Start of value {@code i} in {@link #data()}. */
    int from(int i);

    /** End (exclusive) of value {@code i} in {@link #data()}. */
    int to(int i);
}
