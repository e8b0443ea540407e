package dev.chromaj.segment;

import dev.chromaj.blockstore.BlockfileEntry;
import dev.chromaj.blockstore.BlockfileReader;
import dev.chromaj.blockstore.DataRecord;
import dev.chromaj.index.vector.DistanceSpace;
import dev.chromaj.index.vector.ExactSearch;
import dev.chromaj.index.vector.ScoredOffset;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.roaringbitmap.RoaringBitmap;

/**
 * The dense-vector part of a collection version. The embeddings live in the record segment's {@link DataRecord}s;
 * they are loaded into memory on first search (offset order) and searched exactly. An approximate index (HNSW)
 * plugs in behind {@link #nearest}: it would be built or restored from the same embeddings and chosen here when the
 * allowed set is not selective.
 *
 * <p>Thread-safe: the loaded matrix is immutable and published once.
 */
final class VectorSegment {

    /** Offsets with an embedding, ascending, and their embeddings. */
    record Matrix(int[] offsets, float[][] vectors, int dimension) {
        static final Matrix EMPTY = new Matrix(new int[0], new float[0][], -1);
    }

    private final CollectionSegments segments;
    private volatile Matrix matrix;

    VectorSegment(CollectionSegments segments) {
        this.segments = segments;
    }

    /** The embeddings of this version, loading them on first use. */
    Matrix matrix() {
        Matrix m = matrix;
        if (m == null) {
            synchronized (this) {
                m = matrix;
                if (m == null) {
                    m = load();
                    matrix = m;
                }
            }
        }
        return m;
    }

    private Matrix load() {
        BlockfileReader<Integer, DataRecord> records = segments.reader(SegmentFile.OFFSET_TO_RECORD);
        if (records == null) {
            return Matrix.EMPTY;
        }
        int n = (int) records.count();
        int[] offsets = new int[n];
        float[][] vectors = new float[n][];
        int size = 0;
        int dimension = -1;
        Iterator<BlockfileEntry<Integer, DataRecord>> it = records.scan();
        while (it.hasNext()) {
            BlockfileEntry<Integer, DataRecord> e = it.next();
            float[] embedding = e.value().embedding();
            if (embedding == null) {
                continue;
            }
            if (dimension < 0) {
                dimension = embedding.length;
            }
            offsets[size] = e.key();
            vectors[size] = embedding;
            size++;
        }
        return new Matrix(Arrays.copyOf(offsets, size), Arrays.copyOf(vectors, size), dimension);
    }

    /**
     * The {@code k} nearest records with an embedding among {@code allowed} (null: all), ascending distance, ties by
     * ascending offset.
     *
     * @throws IllegalArgumentException when k < 1 or the query dimension differs from the stored embeddings'
     */
    List<ScoredOffset> nearest(float[] query, int k, RoaringBitmap allowed, DistanceSpace space) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(space, "space");
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        Matrix m = matrix();
        if (m.offsets().length == 0 || (allowed != null && allowed.isEmpty())) {
            return List.of();
        }
        if (query.length != m.dimension()) {
            throw new IllegalArgumentException("query embedding has dimension " + query.length
                    + ", the collection's embeddings have dimension " + m.dimension());
        }
        if (allowed == null) {
            return ExactSearch.search(space, query, k, m.offsets(), m.vectors());
        }
        if (allowed.getLongCardinality() * 8 < m.offsets().length) {
            // selective filter: gather the allowed rows instead of testing every row
            int[] subOffsets = new int[allowed.getCardinality()];
            float[][] subVectors = new float[subOffsets.length][];
            int size = 0;
            for (int offset : allowed) {
                int row = Arrays.binarySearch(m.offsets(), offset);
                if (row >= 0) {
                    subOffsets[size] = offset;
                    subVectors[size] = m.vectors()[row];
                    size++;
                }
            }
            if (size == 0) {
                return List.of();
            }
            return ExactSearch.search(space, query, k, Arrays.copyOf(subOffsets, size),
                    Arrays.copyOf(subVectors, size));
        }
        return ExactSearch.search(space, query, k, m.offsets(), m.vectors(), allowed::contains);
    }
}
