package dev.chromaj.segment;

import dev.chromaj.index.vector.OffsetSet;
import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;
import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.RoaringBitmap;

/** A RoaringBitmap of allowed offsets as the HNSW index's {@link OffsetSet}; the bitmap must not change. */
final class RoaringOffsetSet implements OffsetSet {
    private final RoaringBitmap bitmap;
    private final int cardinality;

    RoaringOffsetSet(RoaringBitmap bitmap) {
        this.bitmap = bitmap;
        this.cardinality = bitmap.getCardinality();
    }

    @Override
    public boolean contains(int offset) {
        return bitmap.contains(offset);
    }

    @Override
    public int cardinality() {
        return cardinality;
    }

    @Override
    public PrimitiveIterator.OfInt iterator() {
        PeekableIntIterator it = bitmap.getIntIterator();
        return new PrimitiveIterator.OfInt() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public int nextInt() {
                if (!it.hasNext()) {
                    throw new NoSuchElementException();
                }
                return it.next();
            }
        };
    }
}
