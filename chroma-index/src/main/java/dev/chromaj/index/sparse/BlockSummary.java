package dev.chromaj.index.sparse;

import dev.chromaj.annotations.Internal;

/**
 * What the skip structure keeps about one block of a posting list, enough to bound the scores in the block and to
 * decide whether it must be loaded at all.
 *
 * @param firstOffset  smallest document offset in the block
 * @param lastOffset   largest document offset in the block
 * @param size         number of postings
 * @param maxValue     largest value
 * @param minValue     smallest value
 * @param minDocLength smallest document length ({@link ValueKind#TERM_FREQUENCY}), 0 for weights
 */
@Internal
public record BlockSummary(
        int firstOffset, int lastOffset, int size, float maxValue, float minValue, int minDocLength) {

    /** Validates the ranges. */
    public BlockSummary {
        if (firstOffset < 0 || lastOffset < firstOffset || lastOffset > PostingBlock.MAX_OFFSET) {
            throw new IllegalArgumentException("block offsets must satisfy 0 <= firstOffset <= lastOffset <= "
                    + PostingBlock.MAX_OFFSET + ", got " + firstOffset + ".." + lastOffset);
        }
        if (size < 1 || size > PostingBlock.BLOCK_SIZE || size - 1 > (long) lastOffset - firstOffset) {
            throw new IllegalArgumentException(
                    "block size must be in [1, " + PostingBlock.BLOCK_SIZE + "] and fit its offsets, got " + size);
        }
        if (!Float.isFinite(maxValue) || !Float.isFinite(minValue) || minValue > maxValue) {
            throw new IllegalArgumentException(
                    "block values must be finite with minValue <= maxValue, got " + minValue + ".." + maxValue);
        }
        if (minDocLength < 0) {
            throw new IllegalArgumentException("minDocLength must be >= 0, got " + minDocLength);
        }
    }
}
