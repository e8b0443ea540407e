package dev.chromaj.segment;

import dev.chromaj.blockstore.ValueDecoder;
import dev.chromaj.index.sparse.PostingBlock;

/**
 * Decodes the entries of {@code sparse.blocks} into {@link PostingBlock}s for a blockfile view, so a query finds a
 * cached block decoded instead of decoding it again. Stateless and thread-safe.
 */
final class PostingBlockDecoder implements ValueDecoder<Long, byte[], PostingBlock> {

    /** View name of decoded posting blocks in the block cache. */
    static final String VIEW = "posting-block";

    static final PostingBlockDecoder INSTANCE = new PostingBlockDecoder();

    private PostingBlockDecoder() {}

    @Override
    public PostingBlock decode(String sparseKey, Long blockKey, byte[] bytes) {
        try {
            return PostingBlock.decode(bytes);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    "sparse key '" + sparseKey + "', term "
                            + Integer.toUnsignedString((int) (blockKey >>> 32)) + ", block " + (int) (long) blockKey
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** Object headers and fields plus offsets, values and document lengths (4 bytes each per posting). */
    @Override
    public long weight(PostingBlock block) {
        return 112L + 12L * block.size();
    }
}
