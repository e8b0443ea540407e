package dev.chromaj.index.sparse;

import dev.chromaj.annotations.Internal;
import java.util.List;
import java.util.Objects;

/**
 * The posting list of one term: its {@link PostingSkips} and a {@link PostingSource} that loads blocks on demand.
 * Immutable; safe to share between concurrent queries when the source is.
 */
@Internal
public final class PostingList {

    private static final PostingList EMPTY =
            new PostingList(new PostingSkips(ValueKind.WEIGHT, List.of()), blockNumber -> {
                throw new IndexOutOfBoundsException("empty posting list has no block " + blockNumber);
            });

    private final PostingSkips skips;
    private final PostingSource source;

    private PostingList(PostingSkips skips, PostingSource source) {
        this.skips = skips;
        this.source = source;
    }

    /** A posting list whose blocks are loaded through {@code source} (e.g. from a blockfile). */
    public static PostingList of(PostingSkips skips, PostingSource source) {
        return new PostingList(Objects.requireNonNull(skips, "skips"), Objects.requireNonNull(source, "source"));
    }

    /**
     * A posting list over blocks held in memory.
     *
     * @throws IllegalArgumentException if the blocks are of mixed kinds, out of order or overlapping
     */
    public static PostingList inMemory(List<PostingBlock> blocks) {
        List<PostingBlock> copy = List.copyOf(blocks);
        return new PostingList(PostingSkips.of(copy), copy::get);
    }

    /** A list without postings (a term absent from the collection). */
    public static PostingList empty() {
        return EMPTY;
    }

    /** The skip structure. */
    public PostingSkips skips() {
        return skips;
    }

    /** Number of blocks. */
    public int blockCount() {
        return skips.blockCount();
    }

    /** Loads block {@code blockNumber} through the source. */
    public PostingBlock block(int blockNumber) {
        PostingBlock block = source.block(blockNumber);
        assert block.summary().equals(skips.block(blockNumber)) : "block " + blockNumber + " differs from its skips";
        return block;
    }

    /** Kind of the values. */
    public ValueKind kind() {
        return skips.kind();
    }

    /** Number of postings. */
    public long postingCount() {
        return skips.postingCount();
    }

    /**
     * Opens a cursor that scores this list's postings with {@code weight}.
     *
     * @throws IllegalArgumentException if the weight needs document lengths and this list has none
     */
    public PostingCursor cursor(TermWeight weight) {
        return blockCursor(weight);
    }

    /** {@link #cursor} with its concrete type, for the evaluators. */
    BlockPostingCursor blockCursor(TermWeight weight) {
        if (weight instanceof TermWeight.Bm25 && kind() != ValueKind.TERM_FREQUENCY && blockCount() > 0) {
            throw new IllegalArgumentException("a BM25 term weight needs a TERM_FREQUENCY posting list, got " + kind());
        }
        return new BlockPostingCursor(this, weight);
    }

    @Override
    public String toString() {
        return "PostingList[" + skips + "]";
    }
}
