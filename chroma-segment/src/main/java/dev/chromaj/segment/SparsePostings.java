package dev.chromaj.segment;

import dev.chromaj.annotations.Internal;
import dev.chromaj.blockstore.BlockfileView;
import dev.chromaj.index.sparse.PostingBlock;
import dev.chromaj.index.sparse.PostingList;
import dev.chromaj.index.sparse.PostingSkips;
import dev.chromaj.index.sparse.ValueKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sparse segment of one sparse key in one collection version: a posting list per term (dimension index) over
 * the live offsets, and the key's {@link SparseStatistics}. A term's {@link PostingSkips} are read when its list is
 * opened, its {@link PostingBlock}s only when a query's cursor enters them.
 *
 * <p>Storage: the skips under (key, term) in {@code sparse.skips}; block {@code n} of a term under (key,
 * {@link #blockKey(int, int)}) in {@code sparse.blocks}; the statistics under (key, "statistics") in
 * {@code sparse.statistics}. Posting lists hold live records only: compaction removes the postings of deleted
 * records and rewrites those of updated ones, so a term's document frequency is its posting count.
 *
 * <p>Skips and blocks are read through {@link BlockfileView}s: each blockfile block is decoded once and its
 * {@link PostingSkips} and {@link PostingBlock}s are cached in the block cache (weighed, within its byte bound), so a
 * warm query decodes nothing. The statistics are read once per version.
 *
 * <p>Immutable and thread-safe; posting lists it returns load blocks through the version's block cache.
 */
@Internal
public final class SparsePostings {

    private final String key;
    private final SparseStatistics statistics;
    private final BlockfileView<Integer, PostingSkips> skips;
    private final BlockfileView<Long, PostingBlock> blocks;

    SparsePostings(
            String key,
            SparseStatistics statistics,
            BlockfileView<Integer, PostingSkips> skips,
            BlockfileView<Long, PostingBlock> blocks) {
        this.key = key;
        this.statistics = statistics;
        this.skips = skips;
        this.blocks = blocks;
    }

    /** Key of block {@code blockNumber} of {@code term} in {@code sparse.blocks}: the term in the high 32 bits. */
    static long blockKey(int term, int blockNumber) {
        return ((long) term << 32) | (blockNumber & 0xFFFF_FFFFL);
    }

    /** The sparse key. */
    public String key() {
        return key;
    }

    /** The key's statistics in this version ({@link ValueKind#WEIGHT} and zero counts when it has no data). */
    public SparseStatistics statistics() {
        return statistics;
    }

    /** What the posting values are. */
    public ValueKind kind() {
        return statistics.kind();
    }

    /** The posting list of {@code term} (an unsigned dimension index); empty when no live record holds it. */
    public PostingList postings(int term) {
        PostingSkips termSkips = skips == null ? null : skips.get(key, term);
        return termSkips == null ? PostingList.empty() : list(term, termSkips);
    }

    /**
     * The posting lists of {@code terms}, reading their skips with one bulk lookup; terms no live record holds map
     * to {@link PostingList#empty()}.
     */
    public Map<Integer, PostingList> postings(int[] terms) {
        List<PostingList> lists = postingLists(terms);
        Map<Integer, PostingList> out = new HashMap<>();
        for (int i = 0; i < terms.length; i++) {
            out.put(terms[i], lists.get(i));
        }
        return out;
    }

    /**
     * The posting lists of {@code terms} in their order (one bulk lookup of their skips); {@link PostingList#empty()}
     * for a term no live record holds.
     */
    public List<PostingList> postingLists(int[] terms) {
        List<PostingList> out = new ArrayList<>(terms.length);
        if (skips == null) {
            for (int i = 0; i < terms.length; i++) {
                out.add(PostingList.empty());
            }
            return out;
        }
        List<Integer> keys = new ArrayList<>(terms.length);
        for (int term : terms) {
            keys.add(term);
        }
        List<PostingSkips> found = skips.getAll(key, keys);
        for (int i = 0; i < terms.length; i++) {
            PostingSkips termSkips = found.get(i);
            out.add(termSkips == null ? PostingList.empty() : list(terms[i], termSkips));
        }
        return out;
    }

    private PostingList list(int term, PostingSkips termSkips) {
        // A cursor reads a term's blocks in ascending order: each is usually the entry after the previous one.
        BlockfileView<Long, PostingBlock>.AscendingLookup lookup = blocks == null ? null : blocks.ascending(key);
        return PostingList.of(termSkips, blockNumber -> block(lookup, term, blockNumber));
    }

    private PostingBlock block(BlockfileView<Long, PostingBlock>.AscendingLookup lookup, int term, int blockNumber) {
        PostingBlock block = lookup == null ? null : lookup.get(blockKey(term, blockNumber));
        if (block == null) {
            throw new IllegalStateException("sparse key '" + key + "', term " + Integer.toUnsignedString(term)
                    + ": posting block " + blockNumber + " listed in the skips is missing");
        }
        return block;
    }

    static PostingSkips decodeSkips(String key, int term, byte[] bytes) {
        try {
            return PostingSkips.decode(bytes);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "sparse key '" + key + "', term " + Integer.toUnsignedString(term) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "SparsePostings[" + key + ", " + statistics + "]";
    }
}
