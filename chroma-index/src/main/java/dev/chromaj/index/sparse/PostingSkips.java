package dev.chromaj.index.sparse;

import dev.chromaj.annotations.Internal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The skip structure of a posting list: one {@link BlockSummary} per block, in offset order. It is small (a few
 * bytes per block), so a segment stores it as one value per term and loads it before the blocks.
 *
 * <p>Encoding, version {@value #FORMAT_VERSION}: version byte, value-kind byte, block count (varint); per block the
 * gap from the previous block's last offset (the first block: its first offset), the span {@code last - first}, the
 * size (varints), max and min value (raw f32) and the minimum document length (varint).
 */
@Internal
public final class PostingSkips {

    /** Version written as the first byte of {@link #encode()}. */
    public static final int FORMAT_VERSION = 1;

    private final ValueKind kind;
    private final List<BlockSummary> blocks;
    private final long postingCount;
    /** The summaries' offsets and bounds as primitive arrays, for cursors; never written after construction. */
    final int[] firstOffsets;

    final int[] lastOffsets;
    final float[] maxValues;
    final float[] minValues;
    final int[] minDocLengths;

    /**
     * Creates a skip structure.
     *
     * @throws IllegalArgumentException if blocks overlap or are out of order
     */
    public PostingSkips(ValueKind kind, List<BlockSummary> blocks) {
        this.kind = kind;
        this.blocks = List.copyOf(blocks);
        long count = 0;
        int n = this.blocks.size();
        this.firstOffsets = new int[n];
        this.lastOffsets = new int[n];
        this.maxValues = new float[n];
        this.minValues = new float[n];
        this.minDocLengths = new int[n];
        for (int i = 0; i < n; i++) {
            BlockSummary block = this.blocks.get(i);
            firstOffsets[i] = block.firstOffset();
            lastOffsets[i] = block.lastOffset();
            maxValues[i] = block.maxValue();
            minValues[i] = block.minValue();
            minDocLengths[i] = block.minDocLength();
            if (i > 0 && block.firstOffset() <= this.blocks.get(i - 1).lastOffset()) {
                throw new IllegalArgumentException("block " + i + " starts at offset " + block.firstOffset()
                        + ", not after the previous block's last offset "
                        + this.blocks.get(i - 1).lastOffset());
            }
            count += block.size();
        }
        this.postingCount = count;
    }

    /** Builds the skips of in-memory blocks. */
    public static PostingSkips of(List<PostingBlock> blocks) {
        if (blocks.isEmpty()) {
            return new PostingSkips(ValueKind.WEIGHT, List.of());
        }
        List<BlockSummary> summaries = new ArrayList<>(blocks.size());
        ValueKind kind = blocks.get(0).kind();
        for (PostingBlock block : blocks) {
            if (block.kind() != kind) {
                throw new IllegalArgumentException(
                        "all blocks of a posting list must have kind " + kind + ", got " + block.kind());
            }
            summaries.add(block.summary());
        }
        return new PostingSkips(kind, summaries);
    }

    /** Kind of the values in every block. */
    public ValueKind kind() {
        return kind;
    }

    /** Block summaries in offset order. */
    public List<BlockSummary> blocks() {
        return Collections.unmodifiableList(blocks);
    }

    /** Number of blocks. */
    public int blockCount() {
        return blocks.size();
    }

    /** Summary of block {@code i}. */
    public BlockSummary block(int i) {
        return blocks.get(i);
    }

    /** Total number of postings (documents holding the term, deleted ones included). */
    public long postingCount() {
        return postingCount;
    }

    /** Encodes the skips compactly (see the class description). */
    public byte[] encode() {
        ByteCursor.Sink out = new ByteCursor.Sink(8 + blocks.size() * 16);
        out.writeByte(FORMAT_VERSION);
        out.writeByte(kind.code());
        out.writeVarint(blocks.size());
        int previousLast = 0;
        for (BlockSummary block : blocks) {
            out.writeVarint(block.firstOffset() - previousLast);
            out.writeVarint(block.lastOffset() - block.firstOffset());
            out.writeVarint(block.size());
            out.writeFloat(block.maxValue());
            out.writeFloat(block.minValue());
            out.writeVarint(block.minDocLength());
            previousLast = block.lastOffset();
        }
        return out.toByteArray();
    }

    /**
     * Decodes skips written by {@link #encode()}.
     *
     * @throws IllegalArgumentException naming the rule if the bytes are truncated or invalid
     */
    public static PostingSkips decode(byte[] bytes) {
        ByteCursor in = new ByteCursor(bytes, "posting skips");
        int version = in.readByte();
        if (version != FORMAT_VERSION) {
            throw in.corrupt("unsupported format version " + version + ", expected " + FORMAT_VERSION);
        }
        ValueKind kind = ValueKind.ofCode(in.readByte(), "posting skips");
        int count = in.readVarint();
        List<BlockSummary> blocks = new ArrayList<>(Math.min(count, 1 << 16));
        long previousLast = 0;
        try {
            for (int i = 0; i < count; i++) {
                long first = previousLast + in.readVarint();
                long last = first + in.readVarint();
                if (last > PostingBlock.MAX_OFFSET) {
                    throw in.corrupt("offset exceeds " + PostingBlock.MAX_OFFSET + " in block " + i);
                }
                blocks.add(new BlockSummary(
                        (int) first, (int) last, in.readVarint(), in.readFloat(), in.readFloat(), in.readVarint()));
                previousLast = last;
            }
            in.expectEnd();
            return new PostingSkips(kind, blocks);
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith("posting skips")) {
                throw e;
            }
            throw in.corrupt(e.getMessage());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PostingSkips other && kind == other.kind && blocks.equals(other.blocks);
    }

    @Override
    public int hashCode() {
        return 31 * kind.hashCode() + blocks.hashCode();
    }

    @Override
    public String toString() {
        return "PostingSkips[" + kind + ", " + blocks.size() + " blocks, " + postingCount + " postings]";
    }
}
