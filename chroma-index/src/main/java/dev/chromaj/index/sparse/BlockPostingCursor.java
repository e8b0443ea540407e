package dev.chromaj.index.sparse;

/**
 * {@link PostingCursor} over a {@link PostingList}, loading each block at most once and reading the loaded block's
 * arrays directly.
 *
 * <p>The term weight is folded into constants when the cursor opens (see {@link Bm25Scorer#contribution}), so scoring
 * a posting is a multiply-add and one division for BM25 and one multiplication for a dot product, bit-identical to
 * {@link TermWeight#contribution}. The block bounds are computed once per cursor from the skip structure's arrays.
 * The evaluators use this class directly rather than through the interface.
 */
final class BlockPostingCursor implements PostingCursor {

    private final PostingList list;
    private final int blockCount;
    private final int[] blockFirstDocs;
    private final int[] blockLastDocs;
    /** Upper bound of the contribution of any posting in block i, never negative. */
    private final double[] blockBounds;

    private final double upperBound;
    /** True when no posting's contribution can be negative, so the block bounds also bound their magnitudes. */
    private final boolean nonNegative;

    private final boolean bm25;
    /** BM25: {@code weight·idf·(k1+1)}; dot product: the query weight. */
    private final double factor;

    private final double lengthBase;
    private final double lengthScale;

    /** Index of the loaded block, -1 before the first. */
    private int blockIndex = -1;

    private int[] offsets;
    private float[] values;
    private int[] lengths;
    /** Number of postings in the loaded block; 0 before the first and once exhausted. */
    private int blockSize;

    private int position = -1;
    private int doc = -1;
    /** Index of the block view, always {@code >= blockIndex}; {@code blockCount} when no block remains. */
    private int shallowIndex;

    BlockPostingCursor(PostingList list, TermWeight weight) {
        this.list = list;
        PostingSkips skips = list.skips();
        this.blockCount = skips.blockCount();
        this.blockFirstDocs = skips.firstOffsets;
        this.blockLastDocs = skips.lastOffsets;
        if (weight instanceof TermWeight.Bm25 bm25Weight) {
            this.bm25 = true;
            this.factor = bm25Weight.factor();
            this.lengthBase = bm25Weight.scorer().lengthBase();
            this.lengthScale = bm25Weight.scorer().lengthScale(bm25Weight.avgDocLength());
        } else {
            this.bm25 = false;
            this.factor = ((TermWeight.DotProduct) weight).queryWeight();
            this.lengthBase = 0;
            this.lengthScale = 0;
        }
        this.blockBounds = new double[blockCount];
        double bound = 0;
        for (int i = 0; i < blockCount; i++) {
            double blockBound;
            if (bm25) {
                blockBound = factor <= 0
                        ? 0
                        : Bm25Scorer.contribution(
                                factor, lengthBase, lengthScale, skips.maxValues[i], skips.minDocLengths[i]);
            } else {
                blockBound = Math.max(0, factor * (factor >= 0 ? skips.maxValues[i] : skips.minValues[i]));
            }
            blockBounds[i] = blockBound;
            bound = Math.max(bound, blockBound);
        }
        this.upperBound = bound;
        boolean nonNegativeValues = true;
        for (int i = 0; i < blockCount && !bm25; i++) {
            nonNegativeValues &= skips.minValues[i] >= 0;
        }
        this.nonNegative = factor >= 0 && nonNegativeValues;
    }

    /** True when no posting's contribution can be negative: then {@link #blockUpperBound} bounds magnitudes too. */
    boolean nonNegative() {
        return nonNegative;
    }

    /** Opens one cursor per query term, in query order. */
    static BlockPostingCursor[] open(SparseQuery query) {
        BlockPostingCursor[] cursors = new BlockPostingCursor[query.terms().size()];
        for (int i = 0; i < cursors.length; i++) {
            SparseQuery.QueryTerm term = query.terms().get(i);
            cursors[i] = term.postings().blockCursor(term.weight());
        }
        return cursors;
    }

    /** Total number of postings of the cursors' lists. */
    static long cost(BlockPostingCursor[] cursors) {
        long cost = 0;
        for (BlockPostingCursor cursor : cursors) {
            cost += cursor.cost();
        }
        return cost;
    }

    /**
     * The exact score of {@code doc}: the contributions of the cursors positioned on it, summed in double in query
     * order and rounded once to float. Every evaluator computes a document's score this way.
     */
    static float score(BlockPostingCursor[] byTerm, int doc) {
        double sum = 0;
        for (BlockPostingCursor cursor : byTerm) {
            if (cursor.doc == doc) {
                sum += cursor.score();
            }
        }
        return (float) sum;
    }

    @Override
    public int docId() {
        return doc;
    }

    @Override
    public int nextDoc() {
        int next = position + 1;
        if (next < blockSize) {
            position = next;
            doc = offsets[next];
            return doc;
        }
        if (doc == NO_MORE_DOCS || blockIndex + 1 >= blockCount) {
            return exhaust();
        }
        load(blockIndex + 1);
        position = 0;
        doc = offsets[0];
        return doc;
    }

    @Override
    public int advance(int target) {
        assert target > doc : "advance(" + target + ") from " + doc;
        if (blockSize > 0 && offsets[blockSize - 1] >= target) {
            // Inside the loaded block: the common step of document-at-a-time evaluation is the very next posting.
            int next = position + 1;
            if (offsets[next] < target) {
                next = gallop(next + 1, target);
            }
            position = next;
            shallowIndex = blockIndex;
            doc = offsets[next];
            return doc;
        }
        if (!advanceShallow(target)) {
            return exhaust();
        }
        load(shallowIndex);
        // The block's last offset is >= target, so the position is inside the block.
        position = offsets[0] >= target ? 0 : PostingBlock.seek(offsets, 1, target);
        doc = offsets[position];
        return doc;
    }

    /**
     * {@link PostingBlock#seek} for a target expected close to {@code from}: probes 1, 2, 4, ... postings ahead, then searches
     * the last interval. The last posting is known to be {@code >= target}.
     */
    private int gallop(int from, int target) {
        int lo = from;
        int step = 1;
        int hi = from;
        while (offsets[hi] < target) {
            lo = hi + 1;
            hi = Math.min(hi + step, blockSize - 1);
            step <<= 1;
        }
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (offsets[mid] < target) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void load(int index) {
        PostingBlock block = list.block(index);
        offsets = block.offsets;
        values = block.values;
        lengths = block.docLengths;
        blockSize = offsets.length;
        blockIndex = index;
        if (shallowIndex < index) {
            shallowIndex = index;
        }
    }

    private int exhaust() {
        doc = NO_MORE_DOCS;
        shallowIndex = blockCount;
        blockSize = 0;
        position = -1;
        offsets = null;
        values = null;
        lengths = null;
        return doc;
    }

    @Override
    public float value() {
        return values[position];
    }

    @Override
    public int docLength() {
        return lengths == null ? 0 : lengths[position];
    }

    @Override
    public double score() {
        return scoreAt(position);
    }

    /** The contribution of posting {@code index} of the loaded block. */
    private double scoreAt(int index) {
        double value = values[index];
        return bm25 ? Bm25Scorer.contribution(factor, lengthBase, lengthScale, value, lengths[index]) : factor * value;
    }

    /**
     * Term at a time over one window: adds the contribution of every posting from the current one up to offset
     * {@code upTo} to {@code scores[offset - base]} and marks each slot {@code offset - base} in the bit set
     * {@code seen} unless it is null, then leaves the cursor on the last posting added. The window must lie in the
     * loaded block and the cursor be on or after {@code base}. Returns the position of the first posting added (see
     * {@link #rewind}), -1 when none was (the cursor is past {@code upTo} or exhausted).
     */
    int addTo(int upTo, int base, double[] scores, long[] seen) {
        int first = position;
        if (doc > upTo) {
            return -1;
        }
        int[] offsets = this.offsets;
        int end = blockSize;
        if (offsets[end - 1] > upTo) {
            // A scan: its one mispredicted branch costs less than a binary search's many on a block this short.
            end = first + 1;
            while (offsets[end] <= upTo) {
                end++;
            }
        }
        float[] values = this.values;
        if (bm25) {
            int[] lengths = this.lengths;
            for (int i = first; i < end; i++) {
                scores[offsets[i] - base] +=
                        Bm25Scorer.contribution(factor, lengthBase, lengthScale, values[i], lengths[i]);
            }
        } else {
            for (int i = first; i < end; i++) {
                scores[offsets[i] - base] += factor * values[i];
            }
        }
        if (seen != null) {
            for (int i = first; i < end; i++) {
                int slot = offsets[i] - base;
                seen[slot >>> 6] |= 1L << slot;
            }
        }
        position = end - 1;
        doc = offsets[end - 1];
        return first;
    }

    /** Moves the cursor back to posting {@code index} of the loaded block, a position {@link #addTo} returned. */
    void rewind(int index) {
        position = index;
        doc = offsets[index];
    }

    @Override
    public boolean advanceShallow(int target) {
        int floor = Math.max(blockIndex, 0);
        int index = shallowIndex;
        if (index > floor && blockLastDocs[index - 1] >= target) {
            // The target went back below the view (callers normally move it forward only): search from the start.
            index = floor;
        }
        if (index < blockCount && blockLastDocs[index] < target) {
            // Galloping then binary search: long lists skip many blocks at once.
            int step = 1;
            int lo = index + 1;
            int hi = lo;
            while (hi < blockCount && blockLastDocs[hi] < target) {
                lo = hi + 1;
                hi = lo + step;
                step <<= 1;
            }
            hi = Math.min(hi, blockCount - 1);
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (blockLastDocs[mid] < target) {
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
        return shallowIndex < blockCount ? list.skips().maxValues[shallowIndex] : 0f;
    }

    @Override
    public double blockUpperBound() {
        return shallowIndex < blockCount ? blockBounds[shallowIndex] : 0;
    }

    /**
     * Upper bound of the magnitude of the contribution of any posting in the block view (0 when none remain): the
     * block bound when contributions cannot be negative.
     */
    double blockMagnitude() {
        int i = shallowIndex;
        if (i >= blockCount) {
            return 0;
        }
        if (nonNegative) {
            return blockBounds[i];
        }
        PostingSkips skips = list.skips();
        if (bm25) {
            return -factor
                    * Bm25Scorer.contribution(1.0, lengthBase, lengthScale, skips.maxValues[i], skips.minDocLengths[i]);
        }
        return Math.abs(factor) * Math.max(Math.abs(skips.maxValues[i]), Math.abs(skips.minValues[i]));
    }

    @Override
    public int blockFirstDoc() {
        return shallowIndex < blockCount ? blockFirstDocs[shallowIndex] : NO_MORE_DOCS;
    }

    @Override
    public int blockLastDoc() {
        return shallowIndex < blockCount ? blockLastDocs[shallowIndex] : NO_MORE_DOCS;
    }

    @Override
    public double upperBound() {
        return upperBound;
    }

    @Override
    public long cost() {
        return list.postingCount();
    }

    @Override
    public String toString() {
        return "PostingCursor[doc=" + doc + ", block=" + blockIndex + ", view=" + shallowIndex + "]";
    }
}
