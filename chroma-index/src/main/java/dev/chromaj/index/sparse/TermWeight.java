package dev.chromaj.index.sparse;

import dev.chromaj.annotations.Internal;

/**
 * How one query term turns a posting into a score contribution, and the upper bound of that contribution over a
 * block, which Block-Max WAND uses to skip blocks. Contributions and bounds are computed in double; a document's
 * score is their sum over the query terms in query order, rounded once to float.
 */
@Internal
public sealed interface TermWeight {

    /** The contribution of a posting with {@code value} in a document of {@code docLength}. */
    double contribution(float value, int docLength);

    /** An upper bound of {@link #contribution} over every posting summarized by {@code block}, never below 0. */
    double upperBound(BlockSummary block);

    /** Dot product with a query vector's value: {@code queryWeight · value}. */
    static TermWeight dotProduct(float queryWeight) {
        return new DotProduct(queryWeight);
    }

    /**
     * BM25 of a term-frequency posting: {@code queryWeight · idf · tf·(k1+1)/(tf + k1·(1 − b + b·len/avgDocLen))}.
     * {@code queryWeight} is usually the number of times the term occurs in the query text.
     *
     * @throws IllegalArgumentException if avgDocLength is not positive and finite, or idf / queryWeight not finite
     */
    static TermWeight bm25(Bm25Scorer scorer, float idf, float avgDocLength, float queryWeight) {
        return new Bm25(scorer, idf, avgDocLength, queryWeight);
    }

    /** See {@link #dotProduct}. */
    record DotProduct(float queryWeight) implements TermWeight {
        /** Validates the weight. */
        public DotProduct {
            if (!Float.isFinite(queryWeight)) {
                throw new IllegalArgumentException("queryWeight must be finite, got " + queryWeight);
            }
        }

        @Override
        public double contribution(float value, int docLength) {
            return (double) queryWeight * value;
        }

        @Override
        public double upperBound(BlockSummary block) {
            double bound = queryWeight >= 0
                    ? (double) queryWeight * block.maxValue()
                    : (double) queryWeight * block.minValue();
            return Math.max(0, bound);
        }
    }

    /** See {@link #bm25}. */
    record Bm25(Bm25Scorer scorer, float idf, float avgDocLength, float queryWeight) implements TermWeight {
        /** Validates the statistics. */
        public Bm25 {
            Bm25Scorer.checkAverageLength(avgDocLength);
            if (!Float.isFinite(idf) || !Float.isFinite(queryWeight)) {
                throw new IllegalArgumentException(
                        "idf and queryWeight must be finite, got " + idf + " and " + queryWeight);
            }
        }

        @Override
        public double contribution(float value, int docLength) {
            return Bm25Scorer.contribution(
                    factor(), scorer.lengthBase(), scorer.lengthScale(avgDocLength), value, docLength);
        }

        @Override
        public double upperBound(BlockSummary block) {
            double factor = factor();
            if (factor <= 0) {
                return 0;
            }
            // The contribution grows with tf and shrinks with the length: the largest tf and shortest document bound
            // it, and are computed by the same expression, so a posting holding both scores exactly the bound.
            return Bm25Scorer.contribution(
                    factor,
                    scorer.lengthBase(),
                    scorer.lengthScale(avgDocLength),
                    block.maxValue(),
                    block.minDocLength());
        }

        /** {@code queryWeight·idf·(k1+1)}: the per-term constant of {@link Bm25Scorer#contribution}. */
        double factor() {
            return (double) queryWeight * idf * (scorer.k1() + 1.0);
        }
    }
}
