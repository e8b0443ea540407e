package dev.chromaj.index.vector;

import dev.chromaj.annotations.Internal;
import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;

/**
 * A set of allowed offsets for filtered search. The search planner uses {@link #cardinality()} to decide between a
 * graph search that tests {@link #contains(int)} and an exact search over {@link #iterator()}. A segment adapts its
 * bitmap (for example a RoaringBitmap) to this interface; implementations must not change during a search.
 */
@Internal
public interface OffsetSet {

    /** Whether {@code offset} is allowed. */
    boolean contains(int offset);

    /** Number of allowed offsets. */
    int cardinality();

    /** The allowed offsets, each once, in any order. */
    PrimitiveIterator.OfInt iterator();

    /** A set over a copy of {@code offsets} (duplicates are ignored). */
    static OffsetSet of(int... offsets) {
        int[] sorted = Arrays.stream(offsets).sorted().distinct().toArray();
        return new OffsetSet() {
            @Override
            public boolean contains(int offset) {
                return Arrays.binarySearch(sorted, offset) >= 0;
            }

            @Override
            public int cardinality() {
                return sorted.length;
            }

            @Override
            public PrimitiveIterator.OfInt iterator() {
                return new PrimitiveIterator.OfInt() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < sorted.length;
                    }

                    @Override
                    public int nextInt() {
                        if (next >= sorted.length) {
                            throw new NoSuchElementException();
                        }
                        return sorted[next++];
                    }
                };
            }
        };
    }
}
