package dev.chromaj.index.sparse;

import dev.chromaj.annotations.Internal;
import java.util.Arrays;

/**
 * An immutable block of up to {@link #BLOCK_SIZE} postings of one term: strictly ascending document offsets, each
 * with a value, and for {@link ValueKind#TERM_FREQUENCY} blocks the document's length.
 *
 * <p>The block knows its maximum and minimum value and minimum document length, from which a query computes an upper
 * bound of any document's score in the block (see {@link TermWeight#upperBound}) for any average document length.
 *
 * <p>Encoding ({@link #encode()}), version {@value #FORMAT_VERSION}: a format version byte, a value-kind byte, the
 * entry count (varint), the first offset (varint) and the gaps to each next offset (varints, at least 1); then for
 * {@code WEIGHT} blocks the values as raw little-endian f32, for {@code TERM_FREQUENCY} blocks each term frequency and
 * document length as varints. Integrity (checksums) is the blockfile's job; {@link #decode} checks structure.
 */
@Internal
public final class PostingBlock {

    /** Maximum number of postings per block. */
    public static final int BLOCK_SIZE = 128;

    /** Version written as the first byte of {@link #encode()}. */
    public static final int FORMAT_VERSION = 1;

    /** Largest valid document offset; {@link PostingCursor#NO_MORE_DOCS} is reserved. */
    public static final int MAX_OFFSET = Integer.MAX_VALUE - 1;

    private final ValueKind kind;
    /** Read directly by {@link BlockPostingCursor}; never written after construction. */
    final int[] offsets;

    final float[] values;
    /** Null for {@link ValueKind#WEIGHT} blocks. */
    final int[] docLengths;

    private final float maxValue;
    private final float minValue;
    private final int minDocLength;

    private PostingBlock(ValueKind kind, int[] offsets, float[] values, int[] docLengths) {
        this.kind = kind;
        this.offsets = offsets;
        this.values = values;
        this.docLengths = docLengths;
        float max = Float.NEGATIVE_INFINITY;
        float min = Float.POSITIVE_INFINITY;
        for (float v : values) {
            max = Math.max(max, v);
            min = Math.min(min, v);
        }
        int minLength = Integer.MAX_VALUE;
        if (docLengths != null) {
            for (int length : docLengths) {
                minLength = Math.min(minLength, length);
            }
        } else {
            minLength = 0;
        }
        this.maxValue = max;
        this.minValue = min;
        this.minDocLength = minLength;
    }

    /**
     * Creates a {@link ValueKind#WEIGHT} block. The arrays are copied.
     *
     * @throws IllegalArgumentException if the sizes differ, the block is empty or larger than {@link #BLOCK_SIZE},
     *                                  offsets are not strictly ascending in {@code [0, MAX_OFFSET]}, or a value is
     *                                  not finite
     */
    public static PostingBlock ofWeights(int[] offsets, float[] values) {
        checkSizes(offsets.length, values.length, "values");
        checkOffsets(offsets);
        for (int i = 0; i < values.length; i++) {
            checkWeight(offsets[i], values[i]);
        }
        return new PostingBlock(ValueKind.WEIGHT, offsets.clone(), values.clone(), null);
    }

    /**
     * Creates a {@link ValueKind#TERM_FREQUENCY} block. The arrays are copied.
     *
     * @throws IllegalArgumentException as {@link #ofWeights}, or if a term frequency is below 1 or a document length
     *                                  is below its term frequency
     */
    public static PostingBlock ofTermFrequencies(int[] offsets, int[] termFrequencies, int[] docLengths) {
        checkSizes(offsets.length, termFrequencies.length, "termFrequencies");
        checkSizes(offsets.length, docLengths.length, "docLengths");
        checkOffsets(offsets);
        float[] values = new float[termFrequencies.length];
        for (int i = 0; i < termFrequencies.length; i++) {
            checkTermFrequency(offsets[i], termFrequencies[i], docLengths[i]);
            values[i] = termFrequencies[i];
        }
        return new PostingBlock(ValueKind.TERM_FREQUENCY, offsets.clone(), values, docLengths.clone());
    }

    static void checkWeight(int offset, float value) {
        if (!Float.isFinite(value)) {
            throw new IllegalArgumentException("posting value must be finite, got " + value + " at offset " + offset);
        }
    }

    static void checkTermFrequency(int offset, int termFrequency, int docLength) {
        if (termFrequency < 1 || termFrequency > (1 << 24)) {
            throw new IllegalArgumentException(
                    "termFrequency must be in [1, 2^24], got " + termFrequency + " at offset " + offset);
        }
        if (docLength < termFrequency) {
            throw new IllegalArgumentException("docLength must be at least the term frequency " + termFrequency
                    + ", got " + docLength + " at offset " + offset);
        }
    }

    private static void checkSizes(int offsets, int other, String otherName) {
        if (offsets != other) {
            throw new IllegalArgumentException(
                    otherName + " must have one entry per offset (" + offsets + "), got " + other);
        }
        if (offsets < 1 || offsets > BLOCK_SIZE) {
            throw new IllegalArgumentException("a posting block holds 1 to " + BLOCK_SIZE + " entries, got " + offsets);
        }
    }

    private static void checkOffsets(int[] offsets) {
        for (int i = 0; i < offsets.length; i++) {
            if (offsets[i] < 0 || offsets[i] > MAX_OFFSET) {
                throw new IllegalArgumentException("offset must be in [0, " + MAX_OFFSET + "], got " + offsets[i]);
            }
            if (i > 0 && offsets[i] <= offsets[i - 1]) {
                throw new IllegalArgumentException(
                        "offsets must be strictly ascending, got " + offsets[i] + " after " + offsets[i - 1]);
            }
        }
    }

    /** Kind of the values. */
    public ValueKind kind() {
        return kind;
    }

    /** Number of postings, 1 to {@link #BLOCK_SIZE}. */
    public int size() {
        return offsets.length;
    }

    /** Document offset of posting {@code i}. */
    public int offset(int i) {
        return offsets[i];
    }

    /** Value of posting {@code i}: the weight, or the term frequency as a float. */
    public float value(int i) {
        return values[i];
    }

    /** Document length of posting {@code i}; 0 for {@link ValueKind#WEIGHT} blocks. */
    public int docLength(int i) {
        return docLengths == null ? 0 : docLengths[i];
    }

    /** First (smallest) offset. */
    public int firstOffset() {
        return offsets[0];
    }

    /** Last (largest) offset. */
    public int lastOffset() {
        return offsets[offsets.length - 1];
    }

    /** Largest value in the block. */
    public float maxValue() {
        return maxValue;
    }

    /** Smallest value in the block (bounds scores for negative query weights). */
    public float minValue() {
        return minValue;
    }

    /** Smallest document length in the block; 0 for {@link ValueKind#WEIGHT} blocks. */
    public int minDocLength() {
        return minDocLength;
    }

    /**
     * Index of the first of the sorted {@code offsets} that is {@code >= target}, at or after {@code from}, or
     * {@code offsets.length}.
     */
    static int seek(int[] offsets, int from, int target) {
        int lo = from;
        int hi = offsets.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (offsets[mid] < target) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** The summary kept in the skip structure for this block. */
    public BlockSummary summary() {
        return new BlockSummary(firstOffset(), lastOffset(), size(), maxValue, minValue, minDocLength);
    }

    /** Encodes the block compactly (see the class description). */
    public byte[] encode() {
        ByteCursor.Sink out = new ByteCursor.Sink(4 + offsets.length * 8);
        out.writeByte(FORMAT_VERSION);
        out.writeByte(kind.code());
        out.writeVarint(offsets.length);
        out.writeVarint(offsets[0]);
        for (int i = 1; i < offsets.length; i++) {
            out.writeVarint(offsets[i] - offsets[i - 1]);
        }
        if (kind == ValueKind.WEIGHT) {
            for (float value : values) {
                out.writeFloat(value);
            }
        } else {
            for (int i = 0; i < values.length; i++) {
                out.writeVarint((int) values[i]);
                out.writeVarint(docLengths[i]);
            }
        }
        return out.toByteArray();
    }

    /**
     * Decodes a block written by {@link #encode()}.
     *
     * @throws IllegalArgumentException naming the rule if the bytes are truncated, of an unknown version or kind, or
     *                                  describe an invalid block
     */
    public static PostingBlock decode(byte[] bytes) {
        ByteCursor in = new ByteCursor(bytes, "posting block");
        int version = in.readByte();
        if (version != FORMAT_VERSION) {
            throw in.corrupt("unsupported format version " + version + ", expected " + FORMAT_VERSION);
        }
        ValueKind kind = ValueKind.ofCode(in.readByte(), "posting block");
        int count = in.readVarint();
        if (count < 1 || count > BLOCK_SIZE) {
            throw in.corrupt("entry count must be in [1, " + BLOCK_SIZE + "], got " + count);
        }
        int[] offsets = new int[count];
        long offset = in.readVarint();
        offsets[0] = (int) offset;
        for (int i = 1; i < count; i++) {
            int gap = in.readVarint();
            if (gap < 1) {
                throw in.corrupt("offset gap must be at least 1, got " + gap);
            }
            offset += gap;
            if (offset > MAX_OFFSET) {
                throw in.corrupt("offset exceeds " + MAX_OFFSET);
            }
            offsets[i] = (int) offset;
        }
        PostingBlock block;
        try {
            if (kind == ValueKind.WEIGHT) {
                float[] values = new float[count];
                for (int i = 0; i < count; i++) {
                    values[i] = in.readFloat();
                    checkWeight(offsets[i], values[i]);
                }
                block = new PostingBlock(kind, offsets, values, null);
            } else {
                float[] values = new float[count];
                int[] lengths = new int[count];
                for (int i = 0; i < count; i++) {
                    int termFrequency = in.readVarint();
                    lengths[i] = in.readVarint();
                    checkTermFrequency(offsets[i], termFrequency, lengths[i]);
                    values[i] = termFrequency;
                }
                block = new PostingBlock(kind, offsets, values, lengths);
            }
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith("posting block")) {
                throw e;
            }
            throw in.corrupt(e.getMessage());
        }
        in.expectEnd();
        return block;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PostingBlock other
                && kind == other.kind
                && Arrays.equals(offsets, other.offsets)
                && Arrays.equals(values, other.values)
                && Arrays.equals(docLengths, other.docLengths);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(offsets) + Arrays.hashCode(values)) + Arrays.hashCode(docLengths);
    }

    @Override
    public String toString() {
        return "PostingBlock[" + kind + ", " + size() + " postings, offsets " + firstOffset() + ".." + lastOffset()
                + ", max " + maxValue + "]";
    }
}
