package dev.chromaj.index.sparse;

import dev.chromaj.annotations.Internal;

/**
 * Okapi BM25 as Chroma defines it: {@code idf · tf·(k1+1) / (tf + k1·(1 − b + b·docLen/avgDocLen))} with
 * {@code idf = ln((N − n + 0.5)/(n + 0.5) + 1)}, where N is the number of documents and n the number holding the term.
 *
 * <p>The collection statistics (N, n, average length) are passed at query time, so scores stay right as the
 * collection grows or shrinks. Immutable and thread-safe. Arithmetic is in double; float results are rounded once.
 */
@Internal
public final class Bm25Scorer {

    /** Chroma's parameters: k1 = 1.2, b = 0.75. */
    public static final Bm25Scorer CHROMA = new Bm25Scorer(1.2f, 0.75f);

    private final float k1;
    private final float b;

    /**
     * Creates a scorer.
     *
     * @throws IllegalArgumentException if k1 is negative or not finite, or b is outside [0, 1]
     */
    public Bm25Scorer(float k1, float b) {
        if (!(k1 >= 0) || !Float.isFinite(k1)) {
            throw new IllegalArgumentException("k1 must be finite and >= 0, got " + k1);
        }
        if (!(b >= 0 && b <= 1)) {
            throw new IllegalArgumentException("b must be in [0, 1], got " + b);
        }
        this.k1 = k1;
        this.b = b;
    }

    /** Term-frequency saturation parameter. */
    public float k1() {
        return k1;
    }

    /** Length normalization parameter. */
    public float b() {
        return b;
    }

    /**
     * Inverse document frequency {@code ln((N − n + 0.5)/(n + 0.5) + 1)}, always positive.
     *
     * @throws IllegalArgumentException unless {@code 0 <= docFreq <= docCount}
     */
    public float idf(long docCount, long docFreq) {
        if (docFreq < 0 || docCount < docFreq) {
            throw new IllegalArgumentException(
                    "idf needs 0 <= docFreq <= docCount, got docFreq " + docFreq + " and docCount " + docCount);
        }
        return (float) Math.log1p((docCount - docFreq + 0.5) / (docFreq + 0.5));
    }

    /**
     * The BM25 score of one term in one document: {@code idf · tf·(k1+1)/(tf + k1·(1 − b + b·docLen/avgDocLen))};
     * 0 when the term is absent ({@code tf == 0}).
     *
     * @throws IllegalArgumentException if tf or docLen is negative or avgDocLen is not positive and finite
     */
    public float score(int tf, int docLen, float avgDocLen, float idf) {
        if (tf < 0 || docLen < 0) {
            throw new IllegalArgumentException("tf and docLen must be >= 0, got " + tf + " and " + docLen);
        }
        checkAverageLength(avgDocLen);
        return (float) (idf * saturation(tf, docLen, avgDocLen));
    }

    /** {@code tf·(k1+1)/(tf + k1·(1 − b + b·docLen/avgDocLen))} in double, monotone in tf and in docLen. */
    double saturation(double tf, double docLen, double avgDocLen) {
        return contribution(k1 + 1.0, lengthBase(), lengthScale(avgDocLen), tf, docLen);
    }

    /** {@code k1·(1 − b)}: the length norm's constant part (see {@link #contribution}). */
    double lengthBase() {
        return k1 * (1.0 - b);
    }

    /** {@code k1·b/avgDocLen}: the length norm's factor per token (see {@link #contribution}). */
    double lengthScale(double avgDocLen) {
        return k1 * (double) b / avgDocLen;
    }

    /**
     * {@code factor·tf/(tf + base + scale·docLen)}, 0 for {@code tf <= 0}: BM25 with every per-query constant folded
     * into {@code factor} ({@code weight·idf·(k1+1)}), {@code base} ({@link #lengthBase}) and {@code scale}
     * ({@link #lengthScale}), so that a posting costs a multiply-add and one division. Every caller that must agree
     * on a score to the last bit (evaluators, bounds, unsorted tail records) goes through this one expression.
     */
    static double contribution(double factor, double base, double scale, double tf, double docLen) {
        if (tf <= 0) {
            return 0;
        }
        return factor * tf / (tf + (base + scale * docLen));
    }

    static void checkAverageLength(float avgDocLen) {
        if (!(avgDocLen > 0) || !Float.isFinite(avgDocLen)) {
            throw new IllegalArgumentException("avgDocLen must be positive and finite, got " + avgDocLen);
        }
    }

    @Override
    public String toString() {
        return "Bm25Scorer[k1=" + k1 + ", b=" + b + "]";
    }
}
