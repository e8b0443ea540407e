package dev.chromaj.index.sparse;

import dev.chromaj.annotations.Internal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns postings of one term, added in ascending offset order, into blocks of {@link PostingBlock#BLOCK_SIZE}.
 * Not thread-safe; one builder per term.
 */
@Internal
public final class PostingListBuilder {

    private final ValueKind kind;
    private final List<PostingBlock> blocks = new ArrayList<>();
    private final int[] offsets = new int[PostingBlock.BLOCK_SIZE];
    private final float[] weights = new float[PostingBlock.BLOCK_SIZE];
    private final int[] termFrequencies = new int[PostingBlock.BLOCK_SIZE];
    private final int[] docLengths = new int[PostingBlock.BLOCK_SIZE];
    private int pending;
    private int lastOffset = -1;

    /** Creates a builder for values of {@code kind}. */
    public PostingListBuilder(ValueKind kind) {
        this.kind = kind;
    }

    /** A builder for a provided sparse vector key ({@link ValueKind#WEIGHT}). */
    public static PostingListBuilder weights() {
        return new PostingListBuilder(ValueKind.WEIGHT);
    }

    /** A builder for a BM25 key ({@link ValueKind#TERM_FREQUENCY}). */
    public static PostingListBuilder termFrequencies() {
        return new PostingListBuilder(ValueKind.TERM_FREQUENCY);
    }

    /**
     * Adds a weight posting.
     *
     * @throws IllegalArgumentException if the offset is not above the previous one or out of range, the value is
     *                                  not finite, or this builder is for term frequencies
     */
    public PostingListBuilder add(int offset, float weight) {
        if (kind != ValueKind.WEIGHT) {
            throw new IllegalArgumentException(
                    "this builder is for " + kind + " postings: use add(offset, " + "termFrequency, docLength)");
        }
        checkOffset(offset);
        PostingBlock.checkWeight(offset, weight);
        offsets[pending] = offset;
        weights[pending] = weight;
        append(offset);
        return this;
    }

    /**
     * Adds a term-frequency posting.
     *
     * @throws IllegalArgumentException if the offset is not above the previous one or out of range, the term
     *                                  frequency is below 1, the length below the term frequency, or this builder
     *                                  is for weights
     */
    public PostingListBuilder add(int offset, int termFrequency, int docLength) {
        if (kind != ValueKind.TERM_FREQUENCY) {
            throw new IllegalArgumentException("this builder is for " + kind + " postings: use add(offset, weight)");
        }
        checkOffset(offset);
        PostingBlock.checkTermFrequency(offset, termFrequency, docLength);
        offsets[pending] = offset;
        termFrequencies[pending] = termFrequency;
        docLengths[pending] = docLength;
        append(offset);
        return this;
    }

    private void checkOffset(int offset) {
        if (offset < 0 || offset > PostingBlock.MAX_OFFSET) {
            throw new IllegalArgumentException("offset must be in [0, " + PostingBlock.MAX_OFFSET + "], got " + offset);
        }
        if (offset <= lastOffset) {
            throw new IllegalArgumentException(
                    "offsets must be added in strictly ascending order, got " + offset + " after " + lastOffset);
        }
    }

    private void append(int offset) {
        lastOffset = offset;
        pending++;
        if (pending == PostingBlock.BLOCK_SIZE) {
            flush();
        }
    }

    private void flush() {
        if (pending == 0) {
            return;
        }
        int[] blockOffsets = Arrays.copyOf(offsets, pending);
        blocks.add(
                kind == ValueKind.WEIGHT
                        ? PostingBlock.ofWeights(blockOffsets, Arrays.copyOf(weights, pending))
                        : PostingBlock.ofTermFrequencies(
                                blockOffsets,
                                Arrays.copyOf(termFrequencies, pending),
                                Arrays.copyOf(docLengths, pending)));
        pending = 0;
    }

    /** Number of postings added so far. */
    public long size() {
        return (long) blocks.size() * PostingBlock.BLOCK_SIZE + pending;
    }

    /**
     * Returns the blocks built so far, closing the partial last block (postings added later start a new block, which
     * is valid but less compact: call it once at the end).
     */
    public List<PostingBlock> blocks() {
        flush();
        return List.copyOf(blocks);
    }

    /** Builds the in-memory posting list. */
    public PostingList build() {
        return PostingList.inMemory(blocks());
    }
}
