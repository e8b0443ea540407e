package dev.chromaj.index.text;

import dev.chromaj.annotations.Internal;
import java.util.Arrays;

/**
 * A document analyzed for BM25: distinct term indices in ascending unsigned order, the frequency of each, and the
 * document length (tokens after stop-word removal, as Chroma counts it).
 *
 * <p>The arrays are owned by this value: callers must not modify them.
 *
 * @param termIndices distinct term indices, ascending by {@link Integer#compareUnsigned}
 * @param frequencies frequency of the term at the same position, at least 1
 * @param length      number of analyzed tokens, the sum of the frequencies
 */
@Internal
public record TermFrequencies(int[] termIndices, int[] frequencies, int length) {

    /** Validates the shape: same array lengths, ascending unsigned indices, positive frequencies summing to length. */
    public TermFrequencies {
        if (termIndices.length != frequencies.length) {
            throw new IllegalArgumentException("termIndices and frequencies must have the same length, got "
                    + termIndices.length + " and " + frequencies.length);
        }
        long sum = 0;
        for (int i = 0; i < termIndices.length; i++) {
            if (i > 0 && Integer.compareUnsigned(termIndices[i - 1], termIndices[i]) >= 0) {
                throw new IllegalArgumentException("termIndices must be strictly ascending (unsigned), got "
                        + Integer.toUnsignedString(termIndices[i - 1]) + " before "
                        + Integer.toUnsignedString(termIndices[i]));
            }
            if (frequencies[i] < 1) {
                throw new IllegalArgumentException("frequencies must be at least 1, got " + frequencies[i]);
            }
            sum += frequencies[i];
        }
        if (sum != length) {
            throw new IllegalArgumentException("length must be the sum of the frequencies " + sum + ", got " + length);
        }
    }

    /** Number of distinct terms. */
    public int size() {
        return termIndices.length;
    }

    /** Frequency of {@code termIndex} in the document, 0 if absent. */
    public int frequency(int termIndex) {
        int lo = 0;
        int hi = termIndices.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int cmp = Integer.compareUnsigned(termIndices[mid], termIndex);
            if (cmp < 0) {
                lo = mid + 1;
            } else if (cmp > 0) {
                hi = mid - 1;
            } else {
                return frequencies[mid];
            }
        }
        return 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TermFrequencies other
                && length == other.length
                && Arrays.equals(termIndices, other.termIndices)
                && Arrays.equals(frequencies, other.frequencies);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(termIndices) + Arrays.hashCode(frequencies)) + length;
    }

    @Override
    public String toString() {
        StringBuilder sb =
                new StringBuilder("TermFrequencies[length=").append(length).append(", terms={");
        for (int i = 0; i < termIndices.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(Integer.toUnsignedString(termIndices[i])).append('=').append(frequencies[i]);
        }
        return sb.append("}]").toString();
    }
}
