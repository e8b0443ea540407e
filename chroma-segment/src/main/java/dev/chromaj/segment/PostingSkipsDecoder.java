package dev.chromaj.segment;

import dev.chromaj.blockstore.ValueDecoder;
import dev.chromaj.index.sparse.PostingSkips;

/**
 * Decodes the entries of {@code sparse.skips} into {@link PostingSkips} for a blockfile view: a term's kind, posting
 * count (its document frequency) and block summaries come from one cached lookup. Stateless and thread-safe.
 */
final class PostingSkipsDecoder implements ValueDecoder<Integer, byte[], PostingSkips> {

    /** View name of decoded skips in the block cache. */
    static final String VIEW = "posting-skips";

    static final PostingSkipsDecoder INSTANCE = new PostingSkipsDecoder();

    private PostingSkipsDecoder() {}

    @Override
    public PostingSkips decode(String sparseKey, Integer term, byte[] bytes) {
        return SparsePostings.decodeSkips(sparseKey, term, bytes);
    }

    /** The skips object and its list, plus one summary record (and its reference) per block. */
    @Override
    public long weight(PostingSkips skips) {
        return 96L + 48L * skips.blockCount();
    }
}
