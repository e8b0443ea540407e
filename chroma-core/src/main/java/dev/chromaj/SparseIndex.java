package dev.chromaj;

import java.util.Objects;

/**
 * How the sparse vectors of one sparse key are produced: supplied by the application ({@link #provided()}) or
 * computed with BM25 from each record's document ({@link #bm25()}).
 */
public final class SparseIndex {

    /** Where a sparse key's vectors come from. */
    public enum Kind {
        /** The application supplies the vectors with {@link ChromaRecord.Builder#sparse(String, SparseVector)}. */
        PROVIDED,
        /** Vectors are term frequencies computed from the document; queries are scored with BM25. */
        BM25
    }

    /** BM25 term-frequency saturation used by Chroma. */
    public static final double DEFAULT_K1 = 1.2;
    /** BM25 length normalization used by Chroma. */
    public static final double DEFAULT_B = 0.75;

    private static final SparseIndex PROVIDED = new SparseIndex(Kind.PROVIDED, 0, 0);
    private static final SparseIndex BM25 = new SparseIndex(Kind.BM25, DEFAULT_K1, DEFAULT_B);

    private final Kind kind;
    private final double k1;
    private final double b;

    private SparseIndex(Kind kind, double k1, double b) {
        this.kind = kind;
        this.k1 = k1;
        this.b = b;
    }

    /**
     * A sparse key whose vectors the application supplies.
     *
     * @return the provided kind
     */
    public static SparseIndex provided() {
        return PROVIDED;
    }

    /**
     * A BM25 key with Chroma's parameters (k1 1.2, b 0.75).
     *
     * @return the BM25 kind
     */
    public static SparseIndex bm25() {
        return BM25;
    }

    /**
     * A BM25 key with explicit parameters.
     *
     * @param k1 term-frequency saturation, finite and at least 0
     * @param b length normalization, between 0 and 1
     * @return the BM25 kind
     * @throws InvalidArgumentException if a parameter is out of range
     */
    public static SparseIndex bm25(double k1, double b) {
        if (!Double.isFinite(k1) || k1 < 0) {
            throw new InvalidArgumentException("Expected BM25 k1 to be a finite number >= 0, got " + k1);
        }
        if (!(b >= 0 && b <= 1)) {
            throw new InvalidArgumentException("Expected BM25 b to be between 0 and 1, got " + b);
        }
        return new SparseIndex(Kind.BM25, k1, b);
    }

    /**
     * Where the vectors come from.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * BM25 k1; 0 for {@link Kind#PROVIDED}.
     *
     * @return k1
     */
    public double k1() {
        return k1;
    }

    /**
     * BM25 b; 0 for {@link Kind#PROVIDED}.
     *
     * @return b
     */
    public double b() {
        return b;
    }

    /**
     * Whether vectors are computed by BM25.
     *
     * @return {@code kind() == BM25}
     */
    public boolean isBm25() {
        return kind == Kind.BM25;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SparseIndex other
                && kind == other.kind
                && Double.compare(k1, other.k1) == 0
                && Double.compare(b, other.b) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, k1, b);
    }

    @Override
    public String toString() {
        return kind == Kind.PROVIDED ? "SparseIndex{provided}" : "SparseIndex{bm25, k1=" + k1 + ", b=" + b + "}";
    }
}
