package dev.chromaj.index.sparse;

/** {@link PostingCursor} over a {@link PostingList}, loading each block at most once. */
final class BlockPostingCursor implements PostingCursor {

    private final PostingList list;
    private final PostingSkips skips;
    private final TermWeight weight;
    private final double upperBound;
    private final double[] blockBounds;
    private final int blockCount;

    /** Index of the loaded block, -1 before the first. */
    private int blockIndex = -1;
    private PostingBlock block;
    private int position = -1;
    private int doc = -1;
    /** Index of the block view, always {@code >= blockIndex}; {@code blockCount} when no block remains. */
    private int shallowIndex;

    BlockPostingCursor(PostingList list, TermWeight weight) {
        this.list = list;
        this.skips = list.skips();
        this.weight = weight;
        this.blockCount = skips.blockCount();
        this.blockBounds = new double[blockCount];
        double bound = 0;
        for (int i = 0; i < blockCount; i++) {
            blockBounds[i] = weight.upperBound(skips.block(i));
            bound = Math.max(bound, blockBounds[i]);
        }
        this.upperBound = bound;
    }

    @Override
    public int docId() {
        return doc;
    }

    @Override
    public int nextDoc() {
        if (doc == NO_MORE_DOCS) {
            return doc;
        }
        if (block != null && position + 1 < block.size()) {
            position++;
            doc = block.offset(position);
            return doc;
        }
        if (blockIndex + 1 >= blockCount) {
            return exhaust();
        }
        load(blockIndex + 1);
        position = 0;
        doc = block.offset(0);
        return doc;
    }

    @Override
    public int advance(int target) {
        assert target > doc : "advance(" + target + ") from " + doc;
        if (block != null && position + 1 < block.size() && block.offset(position + 1) >= target) {
            // The next posting in the loaded block: the common step of document-at-a-time evaluation.
            position++;
            doc = block.offset(position);
            shallowIndex = blockIndex;
            return doc;
        }
        int from = 0;
        if (!advanceShallow(target)) {
            return exhaust();
        }
        if (shallowIndex == blockIndex) {
            from = Math.max(position, 0);
        } else {
            load(shallowIndex);
        }
        position = block.seek(from, target);
        // The block's last offset is >= target, so the position is inside the block.
        doc = block.offset(position);
        return doc;
    }

    private void load(int index) {
        block = list.block(index);
        blockIndex = index;
        if (shallowIndex < index) {
            shallowIndex = index;
        }
    }

    private int exhaust() {
        doc = NO_MORE_DOCS;
        shallowIndex = blockCount;
        block = null;
        return doc;
    }

    @Override
    public float value() {
        return block.value(position);
    }

    @Override
    public int docLength() {
        return block.docLength(position);
    }

    @Override
    public double score() {
        return weight.contribution(block.value(position), block.docLength(position));
    }

    @Override
    public boolean advanceShallow(int target) {
        int base = Math.max(blockIndex, 0);
        int index = Math.max(shallowIndex, base);
        if (index > base && skips.block(index - 1).lastOffset() >= target) {
            // The target went back below the view (callers normally move it forward only): search from the start.
            index = base;
        }
        if (index < blockCount && skips.block(index).lastOffset() < target) {
            // Galloping then binary search: long lists skip many blocks at once.
            int step = 1;
            int lo = index + 1;
            int hi = lo;
            while (hi < blockCount && skips.block(hi).lastOffset() < target) {
                lo = hi + 1;
                hi = lo + step;
                step <<= 1;
            }
            hi = Math.min(hi, blockCount - 1);
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (skips.block(mid).lastOffset() < target) {
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            index = lo;
        }
        shallowIndex = index;
        return index < blockCount;
    }

    @Override
    public float blockMax() {
        return shallowIndex < blockCount ? skips.block(shallowIndex).maxValue() : 0f;
    }

    @Override
    public double blockUpperBound() {
        return shallowIndex < blockCount ? blockBounds[shallowIndex] : 0;
    }

    @Override
    public int blockFirstDoc() {
        return shallowIndex < blockCount ? skips.block(shallowIndex).firstOffset() : NO_MORE_DOCS;
    }

    @Override
    public int blockLastDoc() {
        return shallowIndex < blockCount ? skips.block(shallowIndex).lastOffset() : NO_MORE_DOCS;
    }

    @Override
    public double upperBound() {
        return upperBound;
    }

    @Override
    public long cost() {
        return skips.postingCount();
    }

    @Override
    public String toString() {
        return "PostingCursor[doc=" + doc + ", block=" + blockIndex + ", view=" + shallowIndex + "]";
    }
}
